"""`scan`: the one loop over time that also returns every step (private).

Used by `_recurrent_utils.run_over_time` (a `Recurrent` returning
sequences), `seqkit.models.RecurrentDecoder` and
`seqkit.models.AttentionLSTMDecoder`: each runs `carry = step(carry, x_t)`
over the time-major axis 0 of its inputs and keeps the carry of every step.

This is the one backend switch of seqkit's layers. On JAX and torch it is
`keras.ops.scan` (`lax.scan` on JAX). On TensorFlow, Keras 3's `ops.scan`
is a `tf.while_loop` with no iteration bound, whose gradient XLA refuses
("requires a fixed tensor list size"), so a model scanning over time could
not train under `jit_compile=True`. Here it is a `tf.while_loop` bounded by
`maximum_iterations` (the number of steps, known when the loop runs) over
TensorArrays: the same values and gradients, and XLA compiles its gradient,
for a time axis of unknown static length too. The carry is a loop variable
(Keras' version routes it through a one-slot TensorArray).
"""

import keras
from keras import ops
from keras import tree


def scan(step, init, xs, stack):
    """Runs `carry = step(carry, x_t)` over axis 0 of `xs`.

    Args:
        step: `(carry, x_t) -> new carry`, the carry a flat tuple of tensors
            whose shapes and dtypes each step keeps.
        init: the first carry, a flat tuple of tensors.
        xs: a tensor with time on axis 0, or a flat tuple of them.
        stack: int, how many leading entries of the carry to keep at every
            step (0: none).

    Returns:
        `(final carry, kept)`: `kept` is a tuple of `stack` tensors, each
        the matching carry entry at every step, time on axis 0.

    >>> import numpy as np
    >>> final, (sums,) = scan(lambda c, x: (c[0] + x,), (np.zeros(2),), np.ones((3, 2)), 1)
    >>> keras.ops.convert_to_numpy(sums)[:, 0].tolist()
    [1.0, 2.0, 3.0]
    """
    init = tuple(init)
    if keras.backend.backend() != "tensorflow":

        def body(carry, x):
            carry = tuple(step(carry, x))
            return carry, (carry[:stack] if stack else None)

        final, kept = ops.scan(body, init, xs)
        return tuple(final), (tuple(kept) if stack else ())
    return _bounded_tf_scan(step, init, xs, stack)


def _bounded_tf_scan(step, init, xs, stack):
    import tensorflow as tf  # only on the TensorFlow backend

    flat_xs = [tf.convert_to_tensor(x) for x in tree.flatten(xs)]
    steps = tf.shape(flat_xs[0])[0]
    inputs = [
        tf.TensorArray(x.dtype, size=steps, element_shape=x.shape[1:]).unstack(x)
        for x in flat_xs
    ]
    init = tuple(tf.convert_to_tensor(c) for c in init)
    outputs = [
        tf.TensorArray(c.dtype, size=steps, element_shape=c.shape) for c in init[:stack]
    ]

    def body(t, carry, outputs):
        x_t = [ta.read(t) for ta in inputs]
        x_t = tree.pack_sequence_as(xs, x_t) if tree.is_nested(xs) else x_t[0]
        carry = tuple(step(carry, x_t))
        outputs = [ta.write(t, c) for ta, c in zip(outputs, carry)]
        return t + 1, carry, outputs

    _, final, outputs = tf.while_loop(
        lambda t, *_: t < steps,
        body,
        (tf.constant(0), init, outputs),
        maximum_iterations=steps,
    )
    static_steps = flat_xs[0].shape[:1]
    stacked = []
    for ta in outputs:
        y = ta.stack()
        y.set_shape(static_steps.concatenate(y.shape[1:]))
        stacked.append(y)
    return tuple(final), tuple(stacked)
