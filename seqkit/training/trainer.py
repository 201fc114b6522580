"""`Trainer`: builds, compiles and fits a task's model into a run directory.

The one place where a `tf.distribute` strategy and a mixed-precision policy
enter seqkit: the model and its optimizer are built inside
`strategy.scope()` under the dtype policy `precision`
(`seqkit.training.strategy`, `seqkit.training.precision`).
"""

import dataclasses

import keras
import tensorflow as tf

from seqkit.errors import ConfigError
from seqkit.training.backup import read_backup
from seqkit.training.callbacks import EpochStart
from seqkit.training.callbacks import standard_callbacks
from seqkit.training.optimizer import make_optimizer


@dataclasses.dataclass
class TrainResult:
    """What `Trainer.fit` did: the first epoch it ran (0 unless resumed) and the
    steps of that epoch a resume skipped (done before the crash)."""

    initial_epoch: int | None
    skipped_steps: int = 0


class Trainer:
    """Trains one model with the optimizer, schedule and callbacks of a `TrainConfig`.

    Args:
        train: the config's `train` section.
        run: the `seqkit.run_dir.RunDir` receiving checkpoints, history and logs.
        strategy: a `tf.distribute.Strategy` or None (the default strategy).
        precision: a Keras dtype policy name. Defaults to `"float32"`;
            "mixed_float16" / "mixed_bfloat16" compute in half precision
            (task heads keep their softmax in float32).
        jit_compile: True / False, or None for Keras' choice ("auto").
    """

    def __init__(self, train, run, strategy=None, precision="float32", jit_compile=None):
        self.train = train
        self.run = run
        self.strategy = strategy if strategy is not None else tf.distribute.get_strategy()
        self.precision = precision
        self.jit_compile = jit_compile

    def build(self, build_model, compile_args, steps_per_epoch):
        """Builds and compiles the model under the strategy and the precision policy.

        Args:
            build_model: callable () -> `keras.Model`.
            compile_args: dict of `model.compile` arguments (loss, metrics).
            steps_per_epoch: int or None, for the learning-rate schedule.

        Raises:
            ConfigError: under a mixed policy, a model output is not float32
                (its head must compute the logits and softmax in float32).
        """
        previous = keras.config.dtype_policy()
        keras.config.set_dtype_policy(self.precision)
        try:
            with self.strategy.scope():
                model = build_model()
                optimizer = make_optimizer(self.train, steps_per_epoch or 1)
                # Under "mixed_float16" Keras wraps the optimizer in a
                # LossScaleOptimizer itself (the model carries the policy).
                model.compile(
                    optimizer=optimizer, jit_compile="auto" if self.jit_compile is None else self.jit_compile,
                    **compile_args,
                )
        finally:
            keras.config.set_dtype_policy(previous)
        low = [t.name for t in model.outputs if keras.backend.standardize_dtype(t.dtype) != "float32"]
        if low:
            raise ConfigError(
                f"model {model.name} computes output(s) {', '.join(low)} in {self.precision}, not float32; "
                "its head must set dtype='float32' for --precision mixed"
            )
        return model

    def fit(self, model, train_data, validation_data, monitor, mode, resume=False, callbacks=(),
            verbose="auto", steps_per_epoch=None):
        """Fits `model` for `train.epochs` (resuming from the run's backup), keeping
        the best weights by `monitor` (improving in `mode`); returns a `TrainResult`.

        With `steps_per_epoch` known, training reads `train_data` repeated, as
        one stream of batches (each repetition reshuffles, in an order fixed
        by the seed), so a resume skips exactly the batches done before the
        backup and then takes the same steps an uninterrupted run takes.
        """
        epoch, done = 0, 0
        backup = read_backup(self.run.backup) if resume else None
        if backup is not None:
            epoch, done = backup[0], backup[1]
        start = EpochStart()
        extra = standard_callbacks(self.run, self.train, monitor, mode, resume, initial=(epoch, done))
        extra += list(callbacks) + [start]
        common = dict(validation_data=validation_data, callbacks=extra, shuffle=False, verbose=verbose)
        # shuffle=False: the dataset shuffles itself, with the configured seed.
        if steps_per_epoch is None:
            model.fit(train_data, epochs=self.train.epochs, initial_epoch=epoch, **common)
        else:
            stream = train_data.repeat()
            if done and epoch < self.train.epochs:
                # Finish the interrupted epoch: its remaining steps only.
                model.fit(stream.skip(epoch * steps_per_epoch + done), epochs=epoch + 1, initial_epoch=epoch,
                          steps_per_epoch=steps_per_epoch - done, **common)
                epoch += 1
            if epoch < self.train.epochs and not model.stop_training:
                model.fit(stream.skip(epoch * steps_per_epoch) if epoch else stream, epochs=self.train.epochs,
                          initial_epoch=epoch, steps_per_epoch=steps_per_epoch, **common)
        if self.run.best_weights.is_file():
            model.load_weights(str(self.run.best_weights))
        return TrainResult(initial_epoch=start.first, skipped_steps=done)
