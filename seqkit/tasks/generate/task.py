"""`GenerateTask`: language models that continue text (ABC tunes, sentences)."""

import dataclasses
import pathlib
import warnings

import tensorflow as tf

from seqkit import config as config_lib
from seqkit.errors import ConfigError
from seqkit.tasks.base import Task
from seqkit.tasks.generate import data as data_lib
from seqkit.tasks.generate import evaluation
from seqkit.tasks.generate import serving
from seqkit.tasks.generate.config import DecodingConfig
from seqkit.tasks.generate.config import GenerateDataConfig
from seqkit.tasks.generate.config import GenerateModelConfig
from seqkit.tasks.generate.config import GenerateTrainConfig
from seqkit.tasks.text.tokenizer import build_tokenizer
from seqkit.tasks.text.tokenizer import load_tokenizer_asset
from seqkit.tasks.text.tokenizer import save_tokenizer


class GenerateTask(Task):
    """One-to-many generation: a decoder-only language model over documents.

    Documents (ABC tunes, sentences) become `[START] tokens [END]` windows with
    next-token targets (`seqkit.tasks.generate.data`); the model is
    `seqkit.models.RecurrentLanguageModel` or `TransformerLanguageModel`;
    text is generated with a `seqkit.samplers` sampler (section `decoding`)
    that runs inside the exported SavedModel.

    Assets: the tokenizer (`assets/tokenizer.json`, `vocab.txt`).

    Evaluation: `seqkit evaluate RUN` without `--data` measures the held-out
    documents. When the run held documents out of its training file (no
    `data.validation` file), evaluating on the training file itself also
    means its held-out documents: the others trained the model.
    """

    name = "generate"
    sections = {
        "data": GenerateDataConfig,
        "tokenizer": config_lib.TokenizerConfig,
        "model": GenerateModelConfig,
        "train": GenerateTrainConfig,
        "decoding": DecodingConfig,
        "export": config_lib.ExportConfig,
    }

    @classmethod
    def check_config(cls, config):
        super().check_config(config)
        decoder = config.model.decoder
        if decoder.kind == "transformer" and config.data.sequence_length > decoder.max_length:
            raise ConfigError(
                "data.sequence_length must be at most model.decoder.max_length. Received: "
                f"sequence_length={config.data.sequence_length}, max_length={decoder.max_length}"
            )
        if decoder.kind == "transformer" and config.decoding.max_length > decoder.max_length:
            raise ConfigError(
                "decoding.max_length must be at most model.decoder.max_length (the positions the "
                f"model knows). Received: decoding.max_length={config.decoding.max_length}, "
                f"model.decoder.max_length={decoder.max_length}"
            )

    @classmethod
    def monitor_modes(cls):
        return {"loss": "min", "accuracy": "max"}

    @classmethod
    def contract_recipe(cls, directory):
        words = "the cat sat on the mat . a dog ran in the park . the bird sang".split()
        lines = [" ".join(words[i:] + words[:i]) for i in range(len(words))]
        (directory / "texts.txt").write_text("\n".join(lines * 2) + "\n")
        recipe = (
            "task: generate\n"
            "data: {train: texts.txt, sequence_length: 8, validation_split: 0.2, probes: ['the cat']}\n"
            "tokenizer: {kind: word}\n"
            "model: {decoder: {kind: lstm, units: 8, embedding_dim: 8}}\n"
            "train: {epochs: 1, batch_size: 8}\n"
            "decoding: {strategy: greedy, max_length: 12, num_samples: 2, evaluate_strategies: [greedy]}\n"
        )
        return recipe, [{"prompt": "the cat"}, {"prompt": "a dog"}, {"prompt": "zebra"}]

    # ---- data

    def _training_source(self):
        data = self.config.data
        return data.train if data.train is not None else data.corpus

    def _holds_out(self):
        data = self.config.data
        return data.validation is None and data.validation_split > 0

    def data_files(self):
        """The files named, plus "validation" = the training source when documents are held out of it."""
        files = self.config.data.files()
        if "validation" not in files and self._holds_out():
            files["validation"] = self._training_source()
        return files

    def validate_data(self, splits, assets=None):
        """Checks the files, and that music21 is there when the recipe needs it (before training)."""
        corpus = self.config.data.corpus
        if self.config.decoding.validity:
            from seqkit.tasks.generate.music import require_music21

            require_music21("decoding.validity (the share of valid sampled tunes)")
        data_lib.check_files({k: v for k, v in splits.items() if v != corpus})
        return None

    def read_training_data(self):
        return data_lib.training_documents(self.config.data)

    def read_file(self, path):
        """The documents of `path`; the training source itself means its held-out documents."""
        data = self.config.data
        source = self._training_source()
        same = path == source or (
            data.train is not None and pathlib.Path(path).resolve() == pathlib.Path(data.train).resolve()
        )
        if same and self._holds_out():
            return self.read_training_data()[1]
        if path == data.corpus:
            return data_lib.documents_dataset(data_lib.read_corpus_documents(data))
        return data_lib.documents_dataset(data_lib.read_file_documents(data, path))

    def test_file(self):
        return self.config.data.test

    def probes(self):
        return list(self.config.data.probes)

    # ---- assets and batches

    def build_assets(self, train_examples, data_summary):
        return build_tokenizer(self.config.tokenizer, train_examples.map(lambda row: row[data_lib.TEXT]))

    def save_assets(self, assets, directory):
        save_tokenizer(assets, directory)

    def load_assets(self, directory):
        return load_tokenizer_asset(directory)

    def make_dataset(self, examples, assets, training):
        return data_lib.make_batches(self.config, examples, assets, training)

    # ---- model

    def build_model(self, assets):
        from seqkit.models import RecurrentLanguageModel
        from seqkit.models import TransformerLanguageModel

        decoder = self.config.model.decoder
        vocabulary = int(assets.vocabulary_size)
        if decoder.kind == "transformer":
            model = TransformerLanguageModel(
                vocabulary, max_length=decoder.max_length, num_layers=decoder.num_layers,
                num_heads=decoder.num_heads, model_dim=decoder.model_dim,
                intermediate_dim=decoder.intermediate_dim, dropout=decoder.dropout,
                positions=decoder.positions, name="language_model",
            )
        else:
            model = RecurrentLanguageModel(
                vocabulary, cell=decoder.kind, units=decoder.units, num_layers=decoder.num_layers,
                embedding_dim=decoder.embedding_dim, dropout=decoder.dropout,
                recurrent_dropout=decoder.recurrent_dropout, seed=self.config.train.seed,
                name="language_model",
            )
        model.build()
        return model

    def compile_args(self, assets):
        import keras

        return {
            "loss": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            "metrics": [keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
        }

    # ---- generation, evaluation and prediction

    def with_decoding(self, **overrides):
        """This task with `decoding` options replaced (None leaves one as it is)."""
        values = {k: v for k, v in overrides.items() if v is not None}
        if not values:
            return self
        try:
            decoding = dataclasses.replace(self.config.decoding, **values)
        except (TypeError, ValueError) as error:
            raise ConfigError(f"decoding: {error}") from None
        config = self.config.replace_section("decoding", decoding)
        type(self).check_config(config)
        return type(self)(config)

    def sampler(self, strategy=None):
        return self.config.decoding.sampler(strategy)

    def generate(self, run, prompts, strategy=None):
        """Continues each prompt (str) with the `decoding` settings; returns a list of str.

        Prompt characters or words the vocabulary lacks become `[UNK]`, with
        a warning.
        """
        tokenizer = run.assets
        prompts = [str(p) for p in prompts]
        unknown = self.unknown_tokens(tokenizer, prompts)
        if unknown:
            warnings.warn(
                f"the vocabulary lacks {', '.join(repr(t) for t in unknown[:10])} in the prompt; "
                "they are read as [UNK]",
                stacklevel=2,
            )
        module = serving.GenerateServing(tokenizer, run.model, self.sampler(strategy), self.config.decoding.max_length)
        out = module.serve(tf.constant(prompts, tf.string))["text"].numpy()
        return [t.decode("utf-8") for t in out]

    def sample(self, run, prompt, num):
        """`num` texts continuing `prompt` (str, "" for none): [{"text", "score"}].

        Beam search returns its `num` best beams (at most `decoding.beam_width`)
        with their scores; the other strategies draw `num` texts (score None).
        """
        decoding = self.config.decoding
        if decoding.strategy != "beam":
            return [{"text": t, "score": None} for t in self.generate(run, [prompt] * num)]
        width = decoding.beam_width if decoding.beam_width is not None else self.sampler().beam_width
        if num > width:
            raise ConfigError(f"--num {num} asks for more beams than the beam width {width}; raise --beam-width")
        self.generate(run, [prompt], "beam")  # checks the prompt (unknown tokens)
        from seqkit.samplers import get_sampler

        sampler = get_sampler("beam", return_all_beams=True, **decoding.options("beam"))

        @tf.function
        def beams(prompts):
            ids, lengths = serving.prompt_ids(run.assets, prompts, decoding.max_length)
            _, all_beams, scores = run.model.generate(
                ids, lengths, sampler, decoding.max_length, end_token_id=run.assets.end_id
            )
            return run.assets.detokenize(all_beams[0]), scores[0]

        texts, scores = beams(tf.constant([prompt], tf.string))
        return [
            {"text": t.decode("utf-8"), "score": float(v)} for t, v in zip(texts.numpy()[:num], scores.numpy()[:num])
        ]

    @staticmethod
    def unknown_tokens(tokenizer, prompts):
        if not prompts:
            return []
        pieces = tokenizer._split(tf.constant(prompts, tf.string))
        ids = tokenizer.tokenize(tf.constant(prompts, tf.string))
        unknown = tf.boolean_mask(pieces.flat_values, tf.equal(ids.flat_values, tokenizer.unk_id))
        return sorted({t.decode("utf-8") for t in unknown.numpy()})

    def evaluate(self, run, batches, plots_dir=None, title="validation"):
        def sample(strategy, n):
            return self.generate(run, [""] * n, strategy)

        return evaluation.report(run, batches, plots_dir, title, sample)

    def summarize(self, report):
        return evaluation.summarize(report)

    def predict(self, run, inputs):
        prompts = [str(p) for p in inputs]
        return [{"prompt": p, "text": t} for p, t in zip(prompts, self.generate(run, prompts))]

    def format_prediction(self, prediction):
        return prediction["text"]

    # ---- serving

    def serving_spec(self, assets):
        return serving.serving_spec("prompt")

    def serving_module(self, run):
        return serving.GenerateServing(run.assets, run.model, self.sampler(), self.config.decoding.max_length)

    def export_metadata(self, assets):
        return {"decoding": dataclasses.asdict(self.config.decoding)}
