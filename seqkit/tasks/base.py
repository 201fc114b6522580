"""`Task`: what the runner, the trainer, export and scoring need from an application.

The runner (`seqkit.runner`) is the same for every application: it loads the
config, prepares the run directory, trains with `seqkit.training.Trainer`,
saves and evaluates. Everything that depends on what goes in and what comes
out -- text or images, a label or a sequence or a number -- belongs to a task,
bound to its config: `task = ClassifyTask(config)` reads `self.config`.

Subclasses set `name` and `sections` and implement the methods below that
raise `NotImplementedError` (docs/DESIGN.md lists the contract with its
signatures). The runner and the CLI never name a field of a task's outputs
or metrics: they call `summarize`, `format_prediction`, `monitor_modes`,
`export_metadata` and `serving_spec`.
"""

import dataclasses
import math
from typing import Any, ClassVar

from seqkit.errors import ConfigError


@dataclasses.dataclass
class Batches:
    """What `Task.make_dataset` returns.

    Attributes:
        dataset: a batched `tf.data.Dataset` of (inputs, targets).
        steps: int, batches per epoch, or None when it cannot be known ahead
            (the runner then leaves the cardinality unknown).
        examples: int or None, the examples the batches hold (for reports).
    """

    dataset: Any
    steps: int | None = None
    examples: int | None = None


def steps_for(examples, batch_size):
    """Batches of `batch_size` that `examples` rows make (the last one partial)."""
    return math.ceil(examples / batch_size)


class Task:
    """Base class of seqkit's applications, bound to a resolved config.

    Class attributes:
        name: the registered name (`task:` in a recipe).
        sections: {section name: dataclass}, in file order. `data`, `train`
            and `export` are expected (`seqkit.config.TrainConfig` /
            `ExportConfig` or subclasses); any other key is the task's own.
        backends: the Keras backends (`KERAS_BACKEND`) the task trains,
            evaluates and exports on (`check_backend`). Defaults to
            TensorFlow's alone.
    """

    name: ClassVar[str] = ""
    sections: ClassVar[dict] = {}
    backends: ClassVar[tuple] = ("tensorflow",)

    def __init__(self, config):
        self.config = config

    # ---- config

    @classmethod
    def check_config(cls, config):
        """Cross-field checks of a resolved config; raises ConfigError.

        The base checks `train.monitor` against `monitor_modes()`; subclasses
        call `super().check_config(config)`.
        """
        valid = cls.monitor_names()
        monitor = config.train.monitor
        if monitor not in valid:
            raise ConfigError(
                f"unknown train.monitor {monitor!r} for task '{cls.name}'. "
                f"Valid choices: {', '.join(valid)}"
            )

    @classmethod
    def check_backend(cls, backend=None):
        """Raises ConfigError, naming the task and the backend, when the task
        does not run on Keras backend `backend` (None: the one Keras runs on)."""
        if backend is None:
            import keras

            backend = keras.backend.backend()
        if backend not in cls.backends:
            raise ConfigError(
                f"task '{cls.name}' does not run on the {backend} backend (KERAS_BACKEND={backend}); "
                f"it runs on: {', '.join(cls.backends)}"
            )

    @classmethod
    def monitor_modes(cls):
        """{metric name: "min" or "max"} of every metric training reports (no `val_` prefix)."""
        return {"loss": "min"}

    @classmethod
    def monitor_names(cls):
        """Every valid `train.monitor`: each metric and its `val_` form."""
        names = list(cls.monitor_modes())
        return tuple(names + [f"val_{name}" for name in names])

    @classmethod
    def monitor_mode(cls, monitor):
        """"min" or "max" for a monitor name (with or without `val_`)."""
        key = monitor[len("val_"):] if monitor.startswith("val_") else monitor
        return cls.monitor_modes()[key]

    @classmethod
    def contract_recipe(cls, directory):
        """A tiny recipe for tests/tasks/task_contract_test.py.

        Writes whatever data files it needs under `directory` and returns
        `(recipe_yaml_text, score_rows)`: a recipe that trains in seconds, and
        a list of dicts (CSV rows with the serving spec's columns) to score.
        """
        raise NotImplementedError

    # ---- data

    def data_files(self):
        """{split name: path} of the data files the config names."""
        raise NotImplementedError

    def validate_data(self, splits, assets=None):
        """Checks the files of `splits` (split name -> path) up front.

        Raises DataError naming file, line and column. With `assets` (a
        trained run's) the data must fit them (e.g. no unseen label).
        Returns what `build_assets` needs from the whole training file (e.g.
        the label set), or None.
        """
        raise NotImplementedError

    def read_training_data(self):
        """(train, validation or None): unbatched datasets of examples."""
        raise NotImplementedError

    def read_file(self, path):
        """A data file as an unbatched dataset of examples."""
        raise NotImplementedError

    def test_file(self):
        """The path `fit` evaluates on at the end, or None."""
        return None

    def probes(self):
        """Raw inputs `fit` predicts at the end, as a quick look (a list)."""
        return []

    # ---- assets: whatever the task learns from data before the model

    def build_assets(self, train_examples, data_summary):
        """Builds the assets (tokenizers, class names, statistics...) from the training data."""
        raise NotImplementedError

    def save_assets(self, assets, directory):
        raise NotImplementedError

    def load_assets(self, directory):
        """Reads back what `save_assets` wrote; RunDirError when it cannot."""
        raise NotImplementedError

    def make_dataset(self, examples, assets, training):
        """Unbatched examples -> `Batches` (dataset of (inputs, targets), steps or None)."""
        raise NotImplementedError

    # ---- model

    def build_model(self, assets):
        """The Keras model (built from `seqkit.models` / `seqkit.layers`)."""
        raise NotImplementedError

    def compile_args(self, assets):
        """dict(loss=..., metrics=[...]) for `model.compile` (no optimizer)."""
        raise NotImplementedError

    def calibrate(self, model, assets, validation_examples):
        """After training, before the model is saved: what the task fits on the trained
        model's validation outputs (e.g. interval offsets). Returns the assets,
        changed (the runner saves them again) or the same object."""
        return assets

    # ---- evaluation and prediction

    def evaluate(self, run, batches, plots_dir=None, title="validation"):
        """A JSON-able dict of metrics of `run` over `Batches` (+ plots in `plots_dir`)."""
        raise NotImplementedError

    def summarize(self, report):
        """One line summing up a metrics report (`fit` prints one per split)."""
        raise NotImplementedError

    def format_report(self, report):
        """The report as text for `seqkit evaluate` (defaults to `summarize`)."""
        return self.summarize(report)

    def predict(self, run, inputs):
        """A list of JSON-able dicts, one per raw input."""
        raise NotImplementedError

    def format_prediction(self, prediction):
        """One line of text for one element of `predict`'s list."""
        raise NotImplementedError

    # ---- serving

    def serving_spec(self, assets):
        """The `seqkit.serving.ServingSpec` of `serving_module`."""
        raise NotImplementedError

    def serving_module(self, run):
        """A `tf.Module` whose `serve` tf.function takes the spec's inputs as keyword
        arguments (raw values, preprocessing in-graph) and returns a dict of the spec's
        outputs."""
        raise NotImplementedError

    def export_metadata(self, assets):
        """Extra JSON-able keys for the export's seqkit.json (e.g. class names)."""
        return {}
