"""`CaptionTask`: image captioning, one-to-many (an image -> a sentence)."""

import dataclasses
import os
import pathlib
from typing import Any

import numpy as np
import tensorflow as tf

from seqkit import config as config_lib
from seqkit.data.image_captions import load_image_captions
from seqkit.data.images import check_image_file
from seqkit.errors import ConfigError
from seqkit.errors import DataError
from seqkit.tasks.base import Batches
from seqkit.tasks.base import Task
from seqkit.tasks.base import steps_for
from seqkit.tasks.caption import data as data_lib
from seqkit.tasks.caption import serving
from seqkit.tasks.caption.config import CaptionDataConfig
from seqkit.tasks.caption.config import CaptionDecodeConfig
from seqkit.tasks.caption.config import CaptionModelConfig
from seqkit.tasks.caption.config import CaptionTrainConfig
from seqkit.tasks.caption.evaluation import caption_metrics
from seqkit.tasks.text.tokenizer import build_tokenizer
from seqkit.tasks.text.tokenizer import load_tokenizer_asset
from seqkit.tasks.text.tokenizer import save_tokenizer

EXAMPLES_IN_REPORT = 5


@dataclasses.dataclass
class CaptionAssets:
    """What captioning learns from the training data before the model: the tokenizer."""

    tokenizer: Any


@dataclasses.dataclass
class CaptionBatches(Batches):
    """`Batches` plus the rows they came from (evaluation captions each distinct image)."""

    table: dict | None = None


class CaptionTask(Task):
    """Image captioning: a CSV of (image path, caption) rows -> a caption per image.

    An image may have several reference captions (one row each): training
    draws one per image per epoch, evaluation scores the generated caption
    against all of them (BLEU-1..4, exact match). Images are decoded and
    resized by TF ops (`seqkit.data.images`), the same in training and in the
    exported signature, which takes encoded image bytes.
    """

    name = "caption"
    sections = {
        "data": CaptionDataConfig,
        "tokenizer": config_lib.TokenizerConfig,
        "model": CaptionModelConfig,
        "decode": CaptionDecodeConfig,
        "train": CaptionTrainConfig,
        "export": config_lib.ExportConfig,
    }

    def __init__(self, config):
        super().__init__(config)
        self._tables = {}

    @classmethod
    def check_config(cls, config):
        super().check_config(config)
        model = config.model
        if model.decoder.kind == "transformer" and model.hidden_dim % model.decoder.num_heads:
            raise ConfigError(
                "model.hidden_dim must be divisible by model.decoder.num_heads. Received: "
                f"hidden_dim={model.hidden_dim}, num_heads={model.decoder.num_heads}"
            )
        if config.tokenizer.kind != "word":
            raise ConfigError(f"the caption task uses tokenizer.kind 'word'. Received: kind={config.tokenizer.kind!r}")

    @classmethod
    def contract_recipe(cls, directory):
        from seqkit.tasks.caption.tiny_scenes import write_tiny_scenes

        names = write_tiny_scenes(directory)
        recipe = (
            "task: caption\n"
            f"data: {{train: train.csv, probes: [{names[0]}], augment_shift: 0}}\n"
            "tokenizer: {max_length: 8}\n"
            "model: {image_size: 16, hidden_dim: 8, dropout: 0.0, encoder: {kind: cnn, filters: [4, 8]},\n"
            "        decoder: {kind: lstm_attention, embedding_dim: 4, attention_units: 4}}\n"
            "decode: {beam_width: 2}\n"
            "train: {epochs: 1, batch_size: 4, monitor: loss}\n"
        )
        return recipe, [{"image": name} for name in names]

    # ---- data

    def data_files(self):
        return self.config.data.files()

    def _table(self, path, captions=True):
        key = (os.path.abspath(path), captions)
        if key not in self._tables:
            data = self.config.data
            self._tables[key] = load_image_captions(
                path, data.image_column, data.caption_column if captions else None, captions=captions
            )
        return self._tables[key]

    def validate_data(self, splits, assets=None):
        for split, path in splits.items():
            if not os.path.isfile(path):
                hint = ""
                if pathlib.Path(path).parent.name == "captions":
                    hint = " (the default scenes are written by `python3 data/captions/generate.py`)"
                raise DataError(f"{split} file not found{hint}", path=path)
            self._table(path)
        return None

    def read_training_data(self):
        validation = self.config.data.validation
        return self._table(self.config.data.train), None if validation is None else self._table(validation)

    def read_file(self, path):
        return self._table(path)

    def test_file(self):
        return self.config.data.test

    def probes(self):
        base = pathlib.Path(self.config.data.train).parent if self.config.data.train else pathlib.Path(".")
        return [str(base / p) for p in self.config.data.probes]

    # ---- assets and batches

    def build_assets(self, train_examples, data_summary):
        captions = tf.data.Dataset.from_tensor_slices(train_examples["captions"])
        return CaptionAssets(tokenizer=build_tokenizer(self.config.tokenizer, captions))

    def save_assets(self, assets, directory):
        save_tokenizer(assets.tokenizer, directory)

    def load_assets(self, directory):
        return CaptionAssets(tokenizer=load_tokenizer_asset(directory))

    def make_dataset(self, examples, assets, training):
        size = self.image_size
        batch_size = self.config.train.batch_size
        dataset = data_lib.caption_dataset(
            examples, assets.tokenizer, size, self.config.tokenizer.max_length, batch_size, training,
            seed=self.config.train.seed, max_shift=self.config.data.augment_shift,
        )
        count = len(set(examples["paths"])) if training else len(examples["paths"])
        return CaptionBatches(dataset, steps=steps_for(count, batch_size), examples=count, table=examples)

    @property
    def image_size(self):
        return (self.config.model.image_size, self.config.model.image_size)

    # ---- model

    def build_model(self, assets):
        from seqkit.models.captioner import build_captioner

        model = self.config.model
        encoder, decoder = model.encoder, model.decoder
        options = {}
        if decoder.kind == "lstm_attention":
            options = {"embedding_dim": decoder.embedding_dim, "attention_units": decoder.attention_units}
        else:
            options = {
                "num_layers": decoder.num_layers, "num_heads": decoder.num_heads,
                "intermediate_dim": decoder.intermediate_dim,
            }
        return build_captioner(
            self.image_size, int(assets.tokenizer.vocabulary_size), self.config.tokenizer.max_length,
            decoder=decoder.kind, encoder=encoder.kind,
            encoder_filters=tuple(getattr(encoder, "filters", (16, 32, 64))),
            encoder_weights=getattr(encoder, "weights", None),
            colour_stream=getattr(encoder, "colour_stream", False),
            hidden_dim=model.hidden_dim, dropout=model.dropout, token_dropout=model.token_dropout,
            seed=self.config.train.seed, **options,
        )

    def compile_args(self, assets):
        # Cross-entropy over the non-padding words, label-smoothed (as translate).
        from seqkit.training.sequence_loss import MaskedSequenceLoss

        return {"loss": MaskedSequenceLoss(label_smoothing=self.config.train.label_smoothing)}

    # ---- captioning

    def _module(self, run, beam_width=None):
        decode = self.config.decode
        sampler = serving.make_sampler(beam_width if beam_width is not None else decode.beam_width,
                                       decode.length_penalty)
        return serving.CaptionServing(
            run.model, run.assets.tokenizer, self.image_size, self.config.tokenizer.max_length, sampler
        )

    def caption_paths(self, run, paths, beam_width=None, batch_size=64):
        """Captions (str) of image files, with the run's decoding (or `beam_width`)."""
        module = self._module(run, beam_width)
        captions = []
        images = data_lib.image_dataset(paths, self.image_size).batch(batch_size)
        for batch in images:
            captions += [c.decode("utf-8") for c in module.caption_images(batch)["caption"].numpy()]
        return captions

    def attention_maps(self, run, path, caption):
        """(image, words, weights (words, regions), grid) of the decoder reading `caption`
        (the Transformer's: its last block's cross-attention, averaged over heads)."""
        from seqkit.models.captioner import CaptionGenerator

        tokenizer = run.assets.tokenizer
        image = next(iter(data_lib.image_dataset([path], self.image_size).batch(1)))
        ids = tokenizer.tokenize(tf.constant([caption]))[0][: self.config.tokenizer.max_length - 2]
        tokens = tf.concat([[tokenizer.start_id], ids], 0)[None]
        generator = CaptionGenerator(run.model, tokenizer.start_id, tokenizer.end_id, self.config.tokenizer.max_length)
        weights = np.asarray(generator.attention(image, tokens))[0]  # word i is read at step i+1
        words = [tokenizer.id_to_token(int(i)) for i in ids.numpy()] + ["[END]"]
        regions = weights.shape[-1]
        side = int(round(regions ** 0.5))
        grid = (side, regions // side)
        return image.numpy()[0], words, weights[: len(words)], grid

    def caption_file(self, run, path, beam_width=None, attention_path=None):
        """The caption of one image file; with `attention_path`, also its attention plot."""
        reason = check_image_file(str(path))
        if reason is not None:
            raise DataError(reason, path=path)
        caption = self.caption_paths(run, [str(path)], beam_width)[0]
        if attention_path is not None:
            from seqkit.tasks.caption.attention_plot import plot_attention

            image, words, weights, grid = self.attention_maps(run, str(path), caption)
            plot_attention(image, words, weights, grid, attention_path, title=caption)
        return caption

    # ---- evaluation and prediction

    def evaluate(self, run, batches, plots_dir=None, title="validation"):
        paths, references = data_lib.group_references(batches.table)
        hypotheses = self.caption_paths(run, paths)
        report = caption_metrics(hypotheses, references)
        report["beam_width"] = self.config.decode.beam_width
        report["examples"] = [
            {"image": p, "caption": h, "references": r}
            for p, h, r in list(zip(paths, hypotheses, references))[:EXAMPLES_IN_REPORT]
        ]
        return report

    def summarize(self, report):
        return (
            f"BLEU-4 {report['bleu_4']:.4f}  BLEU-1 {report['bleu_1']:.4f}  "
            f"exact match {report['exact_match']:.4f}  ({report['images']} images)"
        )

    def format_report(self, report):
        lines = [self.summarize(report)]
        lines += [f"  BLEU-{n}: {report[f'bleu_{n}']:.4f}" for n in (1, 2, 3, 4)]
        lines.append(f"  exact match: {report['exact_match']:.4f}   beam width: {report.get('beam_width', 1)}")
        for example in report.get("examples", []):
            lines.append(f"  {os.path.basename(example['image'])}: {example['caption']}")
            lines.append(f"      reference: {example['references'][0]}")
        return "\n".join(lines)

    def predict(self, run, inputs):
        """[{"image", "caption"}] for image paths."""
        paths = [str(p) for p in inputs]
        for path in paths:
            reason = check_image_file(path)
            if reason is not None:
                raise DataError(reason, path=path)
        if not paths:
            return []
        return [{"image": p, "caption": c} for p, c in zip(paths, self.caption_paths(run, paths))]

    def format_prediction(self, prediction):
        return f"{prediction['caption']}\t{prediction['image']}"

    # ---- serving

    def serving_spec(self, assets):
        return serving.serving_spec(self.config.data.image_column)

    def serving_module(self, run):
        return self._module(run)

    def export_metadata(self, assets):
        return {"decode": dataclasses.asdict(self.config.decode), "image_size": list(self.image_size)}
