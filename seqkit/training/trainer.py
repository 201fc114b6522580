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
from seqkit.training.multi_worker import join_workers
from seqkit.training.multi_worker import shard_by_rows
from seqkit.training.optimizer import make_optimizer
from seqkit.training.strategy import worker_count


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
        # A functional model lists its outputs; a subclassed one (the language
        # models) has none to inspect before it runs and keeps its own head float32.
        outputs = getattr(model, "outputs", None) or []
        low = [t.name for t in outputs if keras.backend.standardize_dtype(t.dtype) != "float32"]
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
        epoch, done, step = 0, 0, 0
        backup = read_backup(self.run.backup) if resume else None
        if backup is not None:
            epoch, done = backup["epoch"], backup["steps_done"]
            if backup["step"] is not None and steps_per_epoch:
                step = backup["step"]
                epoch, done = divmod(step, steps_per_epoch)
            elif steps_per_epoch:
                step = epoch * steps_per_epoch + done
        if backup is not None and not model.optimizer.built:
            # The backup holds the optimizer's variables too (Adam's moments,
            # the step count); they load only into a built optimizer.
            with self.strategy.scope():
                model.optimizer.build(model.trainable_variables)
        start = EpochStart()
        extra = standard_callbacks(self.run, self.train, monitor, mode, resume, step, steps_per_epoch)
        extra += list(callbacks) + [start]
        if worker_count(self.strategy) > 1:
            join_workers(model, self.strategy, train_data.element_spec)
            if validation_data is not None:
                validation_data = shard_by_rows(validation_data)
        common = dict(validation_data=validation_data, callbacks=extra, shuffle=False, verbose=verbose)
        # shuffle=False: the dataset shuffles itself, with the configured seed.
        train_data = self._per_replica(train_data)
        if steps_per_epoch is None:
            model.fit(train_data.from_step(0, repeat=False), epochs=self.train.epochs, initial_epoch=epoch,
                      **common)
        elif epoch < self.train.epochs:
            # One call, one iterator: the shuffle's order of each repetition
            # follows from the number of iterators made on the dataset, so the
            # resumed run makes them as the uninterrupted one did. Its epochs
            # end `done` steps later than the uninterrupted run's; the last
            # one stops at the same total step count.
            remaining = (self.train.epochs - epoch) * steps_per_epoch - done
            stop = [StopAfterSteps(remaining)] if done else []
            common["callbacks"] = common["callbacks"] + stop
            model.fit(train_data.from_step(step, repeat=True),
                      epochs=self.train.epochs, initial_epoch=epoch, steps_per_epoch=steps_per_epoch, **common)
        if self.run.best_weights.is_file():
            model.load_weights(str(self.run.best_weights))
        return TrainResult(initial_epoch=start.first, skipped_steps=done)

    def _per_replica(self, dataset):
        """`dataset` split for the strategy's replicas, each global batch of
        `train.batch_size` rows cut into one slice per replica
        (`replica_slice`: `batch_size / replicas` rows each, so the global
        batch stays the recipe's; tf.distribute alone hands each replica a
        whole batch of a dataset it cannot rebatch). Every worker reads the
        same seeded stream and keeps its replicas' slices. Returns a
        `_Stream` (its `from_step` gives the dataset to fit on)."""
        replicas = self.strategy.num_replicas_in_sync
        if replicas == 1:
            return _Stream(dataset, None)

        def pieces(context, stream):
            local = context.num_replicas_in_sync // context.num_input_pipelines
            first = context.input_pipeline_id * local

            def cut(*batch):
                return tf.data.Dataset.range(first, first + local).map(
                    lambda r: replica_slice(batch, r, replicas)
                )

            return stream.flat_map(cut)

        return _Stream(dataset, lambda stream: self.strategy.distribute_datasets_from_function(
            lambda context: pieces(context, stream)))


def replica_slice(batch, replica, replicas):
    """Replica `replica`'s rows of a global `batch` (a nest, rows on axis 0)
    of `n` rows: `[replica * n // replicas, (replica + 1) * n // replicas)`.

    The slices differ by at most one row, so a short last batch leaves no
    replica empty while it has at least `replicas` rows. (Cut into slices of
    `batch_size / replicas`, a 2-row last batch left replica 1 with 0 rows:
    its loss then counts as 0 in the replicas' mean, and TensorFlow's oneDNN
    Conv2D returns a 0-row input with the input's own shape, so the next
    convolution of the caption encoder failed with "input depth must be
    evenly divisible by filter depth: 3 vs 4".)
    """
    rows = tf.cast(tf.shape(tf.nest.flatten(batch)[0])[0], tf.int64)
    start = replica * rows // replicas
    end = (replica + 1) * rows // replicas
    return tf.nest.map_structure(lambda t: t[start:end], batch)


class StopAfterSteps(keras.callbacks.Callback):
    """Stops `fit` after `steps` batches (the resumed run's last, short epoch)."""

    def __init__(self, steps):
        super().__init__()
        self.steps = steps

    def on_train_batch_end(self, batch, logs=None):
        self.steps -= 1
        if self.steps <= 0:
            self.model.stop_training = True


class _Stream:
    """A training dataset and how to hand it to `model.fit` from a step on."""

    def __init__(self, dataset, distribute):
        self.dataset = dataset
        self.distribute = distribute

    def from_step(self, step, repeat):
        data = self.dataset.repeat() if repeat else self.dataset
        data = data.skip(step) if step else data
        return data if self.distribute is None else self.distribute(data)
