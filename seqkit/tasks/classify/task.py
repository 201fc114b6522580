"""`ClassifyTask`: text classification, many-to-one (tokens -> one label)."""

import tensorflow as tf

from seqkit import config as config_lib
from seqkit import metrics
from seqkit.errors import ConfigError
from seqkit.tasks.base import Task
from seqkit.tasks.classify import assets as assets_lib
from seqkit.tasks.classify import data as data_lib
from seqkit.tasks.classify import evaluation
from seqkit.tasks.classify import serving
from seqkit.tasks.classify.config import ClassifyDataConfig
from seqkit.tasks.classify.config import ClassifyModelConfig
from seqkit.tasks.classify.config import ClassifyTrainConfig
from seqkit.tasks.classify.model import build_classifier
from seqkit.tasks.text.data import split_training_data
from seqkit.tasks.text.tokenizer import build_tokenizer


class ClassifyTask(Task):
    """Text classification: a CSV of (text, label) rows -> a label per text.

    Assets: `ClassifyAssets(tokenizer, labels)` (labels sorted: the class
    order, saved as `assets/labels.json`).
    """

    name = "classify"
    # On JAX its serving module converts the model with jax2tf (seqkit.model_function).
    backends = ("tensorflow", "jax")
    sections = {
        "data": ClassifyDataConfig,
        "tokenizer": config_lib.TokenizerConfig,
        "model": ClassifyModelConfig,
        "train": ClassifyTrainConfig,
        "export": config_lib.ExportConfig,
    }

    @classmethod
    def check_config(cls, config):
        super().check_config(config)
        config.data.check_held_out()
        encoder = config.model.encoder
        if encoder.kind == "transformer" and config.model.embedding_dim % encoder.num_heads:
            raise ConfigError(
                "model.embedding_dim must be divisible by model.encoder.num_heads for the transformer "
                f"encoder. Received: embedding_dim={config.model.embedding_dim}, "
                f"num_heads={encoder.num_heads}"
            )

    @classmethod
    def monitor_modes(cls):
        return {"loss": "min", "accuracy": "max"}

    @classmethod
    def contract_recipe(cls, directory):
        rows = ["the film was good,pos", "the film was bad,neg", "what a delight,pos", "a dull bore,neg"]
        (directory / "train.csv").write_text("text,label\n" + "\n".join(rows * 4) + "\n")
        recipe = (
            "task: classify\n"
            "data: {train: train.csv, validation_split: 0.25, probes: [the film was good]}\n"
            "tokenizer: {max_length: 8}\n"
            "model: {embedding_dim: 8, encoder: {kind: lstm, units: 4}, dropout: 0.0}\n"
            "train: {epochs: 1, batch_size: 4}\n"
        )
        return recipe, [{"text": "the film was good"}, {"text": "a bore"}, {"text": "what"}]

    # ---- data

    def data_files(self):
        return self.config.data.files()

    def validate_data(self, splits, assets=None):
        return data_lib.validate(self.config, splits, labels=None if assets is None else assets.labels)

    def read_training_data(self):
        return split_training_data(self.config.data, data_lib.columns(self.config))

    def read_file(self, path):
        return data_lib.read_columns(self.config, path)

    def test_file(self):
        return self.config.data.test

    def probes(self):
        return list(self.config.data.probes)

    # ---- assets and batches

    def build_assets(self, train_examples, data_summary):
        text = self.config.data.text_column
        tokenizer = build_tokenizer(self.config.tokenizer, train_examples.map(lambda row: row[text]))
        return assets_lib.ClassifyAssets(tokenizer=tokenizer, labels=list(data_summary))

    def save_assets(self, assets, directory):
        assets_lib.save_assets(assets, directory)

    def load_assets(self, directory):
        return assets_lib.load_assets(directory)

    def make_dataset(self, examples, assets, training):
        return data_lib.make_batches(self.config, examples, assets, training)

    # ---- model

    def build_model(self, assets):
        return build_classifier(
            self.config, int(assets.tokenizer.vocabulary_size), int(assets.tokenizer.unk_id), len(assets.labels)
        )

    def compile_args(self, assets):
        import keras

        return {
            "loss": keras.losses.CategoricalCrossentropy(label_smoothing=self.config.train.label_smoothing),
            "metrics": [keras.metrics.CategoricalAccuracy(name="accuracy")],
        }

    # ---- evaluation and prediction

    def evaluate(self, run, batches, plots_dir=None, title="validation"):
        return evaluation.report(run.model, run.assets.labels, batches.dataset, plots_dir, title)

    def summarize(self, report):
        return evaluation.summarize(report)

    def format_report(self, report):
        return metrics.format_report(report)

    def predict(self, run, inputs):
        """[{"text", "label", "probabilities": {class: p}}] for raw strings."""
        texts = [str(t) for t in inputs]
        if not texts:
            return []
        module = self.serving_module(run)  # held: `serve` keeps only a weak reference to it
        outputs = module.serve(tf.constant(texts))
        probabilities = outputs["probabilities"].numpy()
        labels = [v.decode("utf-8") for v in outputs["label"].numpy()]
        return [
            {"text": text, "label": label,
             "probabilities": {name: float(p) for name, p in zip(run.assets.labels, row)}}
            for text, label, row in zip(texts, labels, probabilities)
        ]

    def format_prediction(self, prediction):
        """"label<TAB>p(label)<TAB>class=p  class=p<TAB>text"."""
        probabilities = prediction["probabilities"]
        every = "  ".join(f"{name}={p:.4f}" for name, p in probabilities.items())
        label = prediction["label"]
        return f"{label}\t{probabilities[label]:.4f}\t{every}\t{prediction['text']}"

    # ---- serving

    def serving_spec(self, assets):
        return serving.serving_spec(self.config.data.text_column)

    def serving_module(self, run):
        return serving.ClassifierServing(
            run.assets.tokenizer, run.model, run.assets.labels, self.config.tokenizer.max_length
        )

    def export_metadata(self, assets):
        return {"labels": [str(label) for label in assets.labels]}
