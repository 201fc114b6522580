"""`Task`: what the runner needs from an application.

The runner (`seqkit.runner`) is the same for every application: it loads the
config, prepares the run directory, builds the optimizer and callbacks, trains,
saves and evaluates. Everything that depends on what goes in and what comes out
-- text or images, a label or a sequence or a number -- belongs to a task:

=======================  ===============================================
`sections`               the config sections and their defaults
                         (dataclasses beside the task)
`check_config`           cross-field checks of a resolved config
`validate_data`          up-front checks of every data file (DataError)
`prepare`                build the preprocessing state (tokenizer,
                         label names, normalisation statistics, ...)
                         from the training data
`save_assets` /          write / read that state under `assets/`
`load_assets`
`make_dataset`           a split as a batched `tf.data.Dataset`
`build_model`            the Keras model (from seqkit's layers)
`compile_args`           loss and Keras metrics for `model.compile`
`evaluate`               metrics of a run on a labelled file (+ plots)
`predict`                predictions for raw Python inputs
`serving_module`         a `tf.Module` whose `serve` runs raw input to
                         outputs in-graph (SavedModel export)
`input_columns` /        the CSV columns scoring reads and the columns it
`format_predictions`     appends
=======================  ===============================================

A classification task implements all of it over text; a captioning task would
read image bytes in `serving_module`; a forecasting task would carry
normalisation statistics instead of a tokenizer and report regression metrics.
"""

import dataclasses
from typing import Any, ClassVar


@dataclasses.dataclass
class Preprocessing:
    """The state a task learns from the training data before the model.

    Attributes:
        tokenizer: a `seqkit.tokenizers.Tokenizer` or None.
        labels: list of str (class names, sorted) or None.
        extra: dict of anything else a task needs (statistics, ...).
    """

    tokenizer: Any = None
    labels: list | None = None
    extra: dict = dataclasses.field(default_factory=dict)


class Task:
    """Base class of seqkit's applications. Subclasses set `name` and `sections`."""

    name: ClassVar[str] = ""
    # {"data": DataConfig, "tokenizer": ..., "model": ..., "train": ..., "export": ...}
    sections: ClassVar[dict] = {}

    @classmethod
    def check_config(cls, config):
        """Cross-field checks of a resolved config; raises ConfigError."""

    def validate_data(self, config, splits, labels=None):
        """Checks the files of `splits` (split name -> path) before training.

        Raises DataError naming file, line and column. `labels` (when known,
        e.g. from a trained run) are the only labels allowed.
        """
        raise NotImplementedError

    def data_splits(self, config):
        """{split name: path} of the data files the config names."""
        raise NotImplementedError

    def prepare(self, config, train_dataset, labels):
        """Builds a `Preprocessing` from the training examples (and the labels
        `validate_data` found)."""
        raise NotImplementedError

    def save_assets(self, preprocessing, assets_dir):
        raise NotImplementedError

    def load_assets(self, config, assets_dir):
        """Reads back what `save_assets` wrote; returns a `Preprocessing`."""
        raise NotImplementedError

    def read_split(self, config, path):
        """Reads a data file into an unbatched dataset of examples."""
        raise NotImplementedError

    def split_training_data(self, config):
        """Returns (train, validation or None) unbatched datasets."""
        raise NotImplementedError

    def make_dataset(self, config, examples, preprocessing, training):
        """Turns unbatched examples into batched (inputs, targets)."""
        raise NotImplementedError

    def build_model(self, config, preprocessing):
        raise NotImplementedError

    def compile_args(self, config, preprocessing):
        """Returns dict(loss=..., metrics=[...]) for `model.compile`."""
        raise NotImplementedError

    def evaluate(self, run, path, plots_dir=None, title=None):
        """Returns a JSON-able dict of metrics of `run` on the labelled file `path`."""
        raise NotImplementedError

    def evaluate_dataset(self, run, dataset, plots_dir=None, title="validation"):
        """Like `evaluate`, over a dataset from `make_dataset`."""
        raise NotImplementedError

    def predict(self, run, inputs):
        """Returns a list of dicts, one per raw input."""
        raise NotImplementedError

    def serving_module(self, run):
        """Returns a `tf.Module` with a `serve` tf.function from raw input to outputs."""
        raise NotImplementedError

    def input_columns(self, config):
        """The CSV columns `seqkit score` feeds to the serving function."""
        raise NotImplementedError

    def format_predictions(self, outputs, class_names=None):
        """Turns serving outputs (dict of NumPy arrays) into CSV columns to append."""
        raise NotImplementedError
