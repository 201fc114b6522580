"""`Trainer`: builds, compiles and fits a task's model into a run directory.

The one place where a `tf.distribute` strategy and a mixed-precision policy
enter seqkit: the model and its optimizer are built inside
`strategy.scope()` under the dtype policy `precision`. Both default to
TensorFlow's default strategy and "float32" (the scale-out work fills them).
"""

import dataclasses

import keras
import tensorflow as tf

from seqkit.training.callbacks import EpochStart
from seqkit.training.callbacks import standard_callbacks
from seqkit.training.optimizer import make_optimizer


@dataclasses.dataclass
class TrainResult:
    """What `Trainer.fit` did: the first epoch it ran (0 unless resumed)."""

    initial_epoch: int | None


class Trainer:
    """Trains one model with the optimizer, schedule and callbacks of a `TrainConfig`.

    Args:
        train: the config's `train` section.
        run: the `seqkit.run_dir.RunDir` receiving checkpoints, history and logs.
        strategy: a `tf.distribute.Strategy` or None (the default strategy).
        precision: a Keras dtype policy name. Defaults to `"float32"`;
            "mixed_float16" / "mixed_bfloat16" compute in half precision
            (task heads keep their softmax in float32).
    """

    def __init__(self, train, run, strategy=None, precision="float32"):
        self.train = train
        self.run = run
        self.strategy = strategy if strategy is not None else tf.distribute.get_strategy()
        self.precision = precision

    def build(self, build_model, compile_args, steps_per_epoch):
        """Builds and compiles the model under the strategy and the precision policy.

        Args:
            build_model: callable () -> `keras.Model`.
            compile_args: dict of `model.compile` arguments (loss, metrics).
            steps_per_epoch: int or None, for the learning-rate schedule.
        """
        previous = keras.config.dtype_policy()
        keras.config.set_dtype_policy(self.precision)
        try:
            with self.strategy.scope():
                model = build_model()
                optimizer = make_optimizer(self.train, steps_per_epoch or 1)
                model.compile(optimizer=optimizer, **compile_args)
        finally:
            keras.config.set_dtype_policy(previous)
        return model

    def fit(self, model, train_data, validation_data, monitor, mode, resume=False, callbacks=(),
            verbose="auto"):
        """Fits `model` for `train.epochs` (resuming from the run's backup), keeping
        the best weights by `monitor` (improving in `mode`); returns a `TrainResult`."""
        start = EpochStart()
        model.fit(
            train_data,
            validation_data=validation_data,
            epochs=self.train.epochs,
            callbacks=standard_callbacks(self.run, self.train, monitor, mode, resume)
            + list(callbacks) + [start],
            shuffle=False,  # the dataset shuffles itself, with the configured seed
            verbose=verbose,
        )
        if self.run.best_weights.is_file():
            model.load_weights(str(self.run.best_weights))
        return TrainResult(initial_epoch=start.first)
