"""What Keras 3's `model.fit` needs to train over several worker processes.

Keras 3.15 on TensorFlow 2.21 trains over the replicas of one process
(`MirroredStrategy`), but `fit` under `MultiWorkerMirroredStrategy` with two
or more workers stops in two places (keras-team/keras#20585,
tensorflow/tensorflow#72388):

- before the first step, `fit` and `evaluate` draw one batch to build the
  model, its compiled loss and metrics symbolically, and average that batch
  over the replicas with `strategy.reduce`; the multi-worker strategy cannot
  reduce a nest of tensors, and a batch is an `(inputs, targets)` nest
  ("Attempt to convert a value (PerReplica:...) to a Tensor");
- after each step, the scalar logs (loss, metrics) of the replicas are
  averaged across workers with `strategy.reduce("MEAN", value, axis=0)`, and
  a scalar has no axis 0.

`join_workers` closes both for one compiled model, and `shard_by_rows` picks
how Keras splits an evaluation dataset over the workers.
"""

import tensorflow as tf


def join_workers(model, strategy, element_spec):
    """Makes `model.fit` / `model.evaluate` of a compiled `model` run under a
    multi-worker `strategy`.

    The model, its compiled loss and metrics and its optimizer are built under
    `strategy.scope()` from `element_spec` (the `(inputs, targets)` spec of a
    training batch: shapes and dtypes are all a symbolic build reads), so no
    batch is drawn and Keras' own build, the one that reduces a drawn batch,
    has nothing left to do and is skipped. Each train and test step returns
    its logs with a leading axis of length one, which the cross-worker mean
    over axis 0 takes away again: the logs reach the callbacks as scalars,
    averaged over the replicas as on one worker.

    Args:
        model: a compiled `keras.Model`, built under `strategy.scope()`.
        strategy: a `tf.distribute.MultiWorkerMirroredStrategy` over two or
            more workers.
        element_spec: the training dataset's `element_spec` (its batches).
    """
    with strategy.scope():
        # Keras' `Trainer._symbolic_build` is the build `fit` itself runs; it
        # skips what is already built (model, loss, metrics, optimizer).
        model._symbolic_build(data_batch=element_spec)
    # Everything is built now; Keras' version would still draw and reduce a batch.
    model._maybe_symbolic_build = _nothing_left_to_build
    model.train_step = _logs_per_replica(model.train_step)
    model.test_step = _logs_per_replica(model.test_step)


def shard_by_rows(dataset):
    """`dataset` with Keras' split over the workers set to `DATA`: every worker
    reads the whole dataset and keeps its share of each batch. (The default,
    `AUTO`, first tries to give each worker its own input files; a validation
    set read from one CSV file has one.)"""
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return dataset.with_options(options)


def _nothing_left_to_build(iterator=None, data_batch=None):
    return None


def _logs_per_replica(step):
    def step_with_replica_axis(data):
        return tf.nest.map_structure(lambda value: tf.expand_dims(value, 0), step(data))

    return step_with_replica_axis
