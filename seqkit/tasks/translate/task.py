"""`TranslateTask`: sequence to sequence, source sentence -> target sentence."""

import logging

import tensorflow as tf

from seqkit import config as config_lib
from seqkit.errors import ConfigError
from seqkit.serving import ServingOutput
from seqkit.serving import ServingSpec
from seqkit.tasks.base import Task
from seqkit.tasks.text.data import check_files
from seqkit.tasks.text.serving import text_input
from seqkit.tasks.translate import assets as assets_lib
from seqkit.tasks.translate import data as data_lib
from seqkit.tasks.translate import evaluation
from seqkit.tasks.translate.config import DecodingConfig
from seqkit.tasks.translate.config import SourceTokenizerConfig
from seqkit.tasks.translate.config import TargetTokenizerConfig
from seqkit.tasks.translate.config import TranslateDataConfig
from seqkit.tasks.translate.config import TranslateModelConfig
from seqkit.tasks.translate.config import TranslateTrainConfig
from seqkit.training.sequence_loss import MaskedSequenceLoss
from seqkit.training.sequence_loss import MaskedTokenAccuracy
from seqkit.tasks.translate.model import build_translator
from seqkit.tasks.translate.serving import TranslationServing

logger = logging.getLogger(__name__)

CONTRACT_PAIRS = [
    ("the first of may nineteen oh five", "1905-05-01"),
    ("march the third , two thousand", "2000-03-03"),
    ("the second of june nineteen ten", "1910-06-02"),
    ("april the first , two thousand and one", "2001-04-01"),
]


class TranslateTask(Task):
    """Translation: pairs of (source, target) sentences -> a target sentence per source.

    Assets: `TranslateAssets(source_tokenizer, target_tokenizer, shared)`.
    Predictions, evaluation and export all decode through the same
    `TranslationServing` module (beam width and length penalty from the
    `decoding` section), so they agree exactly.
    """

    name = "translate"
    sections = {
        "data": TranslateDataConfig,
        "source_tokenizer": SourceTokenizerConfig,
        "target_tokenizer": TargetTokenizerConfig,
        "model": TranslateModelConfig,
        "decoding": DecodingConfig,
        "train": TranslateTrainConfig,
        "export": config_lib.ExportConfig,
    }

    @classmethod
    def check_config(cls, config):
        super().check_config(config)
        if config.target_tokenizer.max_length < 2:
            raise ConfigError(
                "target_tokenizer.max_length must be >= 2 (a token and [END]). Received: "
                f"max_length={config.target_tokenizer.max_length}"
            )

    @classmethod
    def monitor_modes(cls):
        return {"loss": "min", "token_accuracy": "max"}

    @classmethod
    def contract_recipe(cls, directory):
        lines = [f"{s}\t{t}" for s, t in CONTRACT_PAIRS]
        (directory / "train.tsv").write_text("source\ttarget\n" + "\n".join(lines * 4) + "\n")
        recipe = (
            "task: translate\n"
            "data: {train: train.tsv, validation_split: 0.25, probes: [the first of may]}\n"
            "source_tokenizer: {max_length: 12}\n"
            "target_tokenizer: {kind: char, max_length: 12}\n"
            "model: {embedding_dim: 8, encoder: {kind: gru, units: 8}, dropout: 0.0}\n"
            "decoding: {beam_width: 2}\n"
            "train: {epochs: 1, batch_size: 4}\n"
        )
        return recipe, [{"source": s} for s, _ in CONTRACT_PAIRS[:3]]

    # ---- data

    def data_files(self):
        return self.config.data.files()

    def validate_data(self, splits, assets=None):
        check_files(splits, require_train=assets is None)
        for path in splits.values():
            data_lib.validate_pairs(self.config.data, path)
        return None

    def read_training_data(self):
        return data_lib.read_training_data(self.config.data)

    def read_file(self, path):
        return data_lib.read_pairs(self.config.data, path)

    def test_file(self):
        return self.config.data.test

    def probes(self):
        return list(self.config.data.probes)

    # ---- assets and batches

    def build_assets(self, train_examples, data_summary):
        return assets_lib.build_assets(self.config, train_examples)

    def save_assets(self, assets, directory):
        assets_lib.save_assets(assets, directory)

    def load_assets(self, directory):
        return assets_lib.load_assets(directory)

    def make_dataset(self, examples, assets, training):
        return data_lib.make_batches(self.config, examples, assets, training)

    # ---- model

    def build_model(self, assets):
        return build_translator(
            self.config, int(assets.source_tokenizer.vocabulary_size),
            int(assets.target_tokenizer.vocabulary_size),
        )

    def compile_args(self, assets):
        return {
            "loss": MaskedSequenceLoss(label_smoothing=self.config.train.label_smoothing),
            "metrics": [MaskedTokenAccuracy()],
        }

    # ---- evaluation and prediction

    def evaluate(self, run, batches, plots_dir=None, title="validation"):
        module = self.serving_module(run)
        report = evaluation.report(run, batches, module, title=title)
        if plots_dir is not None and report["examples"]:
            from seqkit.tasks.translate.attention import attention_plot

            example = report["examples"][0]["source"]
            path = attention_plot(run, example, f"{plots_dir}/attention_{title}.png")
            if path is not None:
                report["attention_plot"] = str(path)
        return report

    def summarize(self, report):
        return evaluation.summarize(report)

    def format_report(self, report):
        return evaluation.format_report(report)

    def translate(self, run, inputs, beam_width=None, length_penalty=None):
        """[{"source", "translation", "source_tokens"}] for raw strings.

        `beam_width` / `length_penalty` override the `decoding` section. A
        source longer than `source_tokenizer.max_length` tokens is cut to its
        first tokens, with a warning.
        """
        texts = [str(t) for t in inputs]
        if not texts:
            return []
        module = self.serving_module(run, beam_width, length_penalty)
        outputs = module.serve(tf.constant(texts))
        limit = self.config.source_tokenizer.max_length
        results = []
        for text, translation, length in zip(
            texts, outputs["translation"].numpy(), outputs["source_tokens"].numpy()
        ):
            if length > limit:
                logger.warning("source of %d tokens cut to the first %d (source_tokenizer."
                               "max_length): %.60s", length, limit, text)
            results.append({"source": text, "translation": translation.decode("utf-8"),
                            "source_tokens": int(length)})
        return results

    def predict(self, run, inputs):
        return self.translate(run, inputs)

    def format_prediction(self, prediction):
        return f"{prediction['translation']}\t{prediction['source']}"

    # ---- serving

    def serving_spec(self, assets):
        return ServingSpec(
            inputs=(text_input(self.config.data.source_column),),
            outputs=(ServingOutput(name="translation", kind="text", column="translation"),),
        )

    def serving_module(self, run, beam_width=None, length_penalty=None):
        decoding = self.config.decoding
        beam_width = decoding.beam_width if beam_width is None else beam_width
        length_penalty = decoding.length_penalty if length_penalty is None else length_penalty
        if isinstance(beam_width, bool) or not isinstance(beam_width, int) or beam_width < 1:
            raise ConfigError(f"beam width must be an int >= 1. Received: beam_width={beam_width!r}")
        if not length_penalty >= 0:
            raise ConfigError(
                f"length penalty must be >= 0. Received: length_penalty={length_penalty!r}"
            )
        return TranslationServing(
            run.model, run.assets.source_tokenizer, run.assets.target_tokenizer,
            self.config.source_tokenizer.max_length, self.config.target_tokenizer.max_length,
            beam_width=beam_width, length_penalty=length_penalty,
        )

    def export_metadata(self, assets):
        return {
            "decoding": {"beam_width": self.config.decoding.beam_width,
                         "length_penalty": self.config.decoding.length_penalty},
            "max_source_length": self.config.source_tokenizer.max_length,
            "max_target_length": self.config.target_tokenizer.max_length,
            "shared_vocabulary": bool(assets.shared),
        }
