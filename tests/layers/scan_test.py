"""Tests for seqkit.layers._scan.scan, the loop over time that keeps every step.

Values on every backend equal `keras.ops.scan` (the old path, and on JAX /
torch the same call); on TensorFlow the gradients equal `keras.ops.scan`'s,
and the loop's gradient compiles under XLA, also for a time axis of unknown
length, where `keras.ops.scan`'s does not.
"""

import keras
import numpy as np
import pytest
from keras import ops

import seqkit.layers as sl
from seqkit.layers._scan import scan

STEPS, BATCH, FEATURES, UNITS = 5, 3, 4, 6


def _weights(seed=0):
    rng = np.random.default_rng(seed)
    return (
        rng.standard_normal((FEATURES, UNITS)).astype("float32") * 0.5,
        rng.standard_normal((UNITS, UNITS)).astype("float32") * 0.5,
    )


def _step(w, u):
    # carry (h, running sum of h, step count); x is (inputs, mask).
    def step(carry, x):
        h, total, count = carry
        x_t, m_t = x
        new_h = ops.tanh(ops.matmul(x_t, w) + ops.matmul(h, u))
        new_h = ops.where(m_t, new_h, h)
        return new_h, total + new_h, count + 1.0

    return step


def _inputs(steps=STEPS, seed=1):
    rng = np.random.default_rng(seed)
    xs = rng.standard_normal((steps, BATCH, FEATURES)).astype("float32")
    mask = rng.random((steps, BATCH, 1)) > 0.3
    return xs, mask


def _init():
    return (np.full((BATCH, UNITS), 0.1, "float32"), np.zeros((BATCH, UNITS), "float32"),
            np.zeros((BATCH, 1), "float32"))


def _reference(step, init, xs):
    def body(carry, x):
        carry = step(carry, x)
        return carry, carry

    return ops.scan(body, init, xs)


@pytest.mark.parametrize("stack", [0, 1, 3])
def test_values_equal_keras_scan(stack):
    step = _step(*_weights())
    xs, mask = _inputs()
    final, kept = scan(step, _init(), (xs, mask), stack=stack)
    ref_final, ref_all = _reference(step, _init(), (xs, mask))
    assert len(final) == 3 and len(kept) == stack
    for a, b in zip(final, ref_final):
        np.testing.assert_allclose(ops.convert_to_numpy(a), ops.convert_to_numpy(b), atol=1e-6)
    for a, b in zip(kept, ref_all):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(ops.convert_to_numpy(a), ops.convert_to_numpy(b), atol=1e-6)
    np.testing.assert_array_equal(ops.convert_to_numpy(final[2])[:, 0], [STEPS] * BATCH)


def test_a_single_input_tensor_is_passed_as_it_is():
    final, (sums,) = scan(lambda c, x: (c[0] + x,), (np.zeros((2,), "float32"),), np.ones((4, 2), "float32"), 1)
    np.testing.assert_array_equal(ops.convert_to_numpy(sums)[:, 1], [1, 2, 3, 4])
    np.testing.assert_array_equal(ops.convert_to_numpy(final[0]), [4, 4])


def _tf_loss(tf, scan_fn, w, u, xs, mask):
    final, kept = scan_fn(_step(w, u), tuple(tf.constant(c) for c in _init()), (xs, mask))
    return tf.reduce_sum(kept[0] * kept[0]) + tf.reduce_sum(final[1])


@pytest.mark.tf_only
def test_gradients_equal_keras_scan_and_compile_under_xla_for_any_length():
    import tensorflow as tf

    w, u = (tf.Variable(t) for t in _weights(2))
    ours = lambda step, init, xs: scan(step, init, xs, stack=1)  # noqa: E731
    theirs = lambda step, init, xs: _reference(step, init, xs)  # noqa: E731

    def gradients(scan_fn, xs, mask):
        with tf.GradientTape() as tape:
            loss = _tf_loss(tf, scan_fn, w, u, xs, mask)
        return [loss, *tape.gradient(loss, [w, u])]

    spec = [tf.TensorSpec((None, BATCH, FEATURES)), tf.TensorSpec((None, BATCH, 1), tf.bool)]
    compiled = tf.function(lambda xs, mask: gradients(ours, xs, mask), input_signature=spec, jit_compile=True)
    for steps in (STEPS, 9):  # two lengths through one signature with an open time axis
        xs, mask = (tf.constant(t) for t in _inputs(steps, seed=steps))
        expected = gradients(theirs, xs, mask)
        for got in (gradients(ours, xs, mask), compiled(xs, mask)):
            for a, b in zip(got, expected):
                np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-5)
        assert np.abs(expected[1].numpy()).max() > 1e-3  # not vacuous

    # The old path: Keras' scan is an unbounded while loop, whose gradient XLA
    # refuses even for a known length (and its scan over two tensors of an open
    # time axis does not trace at all).
    keras_compiled = tf.function(lambda xs, mask: gradients(theirs, xs, mask), jit_compile=True)
    with pytest.raises(Exception, match="fixed tensor list size"):
        keras_compiled(*(tf.constant(t) for t in _inputs()))


@pytest.mark.parametrize("layer", ["lstm", "gru"])
def test_a_sequence_returning_layer_trains_under_jit_like_without(layer):
    # `return_sequences=True` runs the scan; an open time axis, two lengths.
    ours_cls = {"lstm": sl.LSTM, "gru": sl.GRU}[layer]
    rng = np.random.default_rng(7)
    batches = [
        (rng.standard_normal((BATCH, steps, FEATURES)).astype("float32"),
         rng.standard_normal((BATCH, steps, UNITS)).astype("float32"))
        for steps in (STEPS, 8)
    ]
    results = []
    for jit in (False, True):
        model = keras.Sequential([keras.Input((None, FEATURES)), ours_cls(UNITS, return_sequences=True)])
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse", jit_compile=jit)
        if not results:
            weights = model.get_weights()
        model.set_weights(weights)
        losses = [float(model.train_on_batch(x, y)) for x, y in batches]
        results.append((losses, model.get_weights()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-5)
    for a, b in zip(results[0][1], results[1][1]):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert any(np.abs(a - w).max() > 1e-4 for a, w in zip(results[1][1], weights))
