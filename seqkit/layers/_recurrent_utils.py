"""The time loop shared by seqkit's recurrent layers (keras.ops only).

Private: `Recurrent` and `Bidirectional` call `run_over_time`; nothing else
should. One function, three loop strategies (`Recurrent`'s docstring has
the measurements that chose the default):

- `"while"` (default): `keras.ops.while_loop` bounded by
  `maximum_iterations`, which TensorFlow needs to XLA-compile the gradient,
- `"scan"`: `seqkit.layers._scan.scan` over time-major inputs (a bounded
  `tf.while_loop` over TensorArrays on TensorFlow, whose gradient XLA
  compiles; `keras.ops.scan`, i.e. `lax.scan`, on JAX),
- `"unroll"`: a Python loop over the static time steps (a straight-line
  graph; needs a known sequence length),
and the choice of what each step receives (x_t or the hoisted x_t W),
decided by the caller.
"""

from keras import ops

from seqkit.layers._scan import scan


def run_over_time(
    step,
    inputs,
    initial_states,
    output_size,
    mask=None,
    go_backwards=False,
    unroll=False,
    return_sequences=False,
    zero_output_for_mask=False,
    loop="while",
):
    """Runs `step(x_t, states) -> (output, new_states)` over axis 1 of `inputs`.

    Args:
        step: the per-step function; `states` is a list of tensors.
        inputs: `(batch, time, features)` tensor.
        initial_states: list of `(batch, ...)` tensors.
        output_size: int, last dimension of one step's output.
        mask: optional `(batch, time)` boolean tensor; at a masked step the
            states are carried unchanged and the output is the previous
            step's output (zeros before the first real step), or zeros when
            `zero_output_for_mask` -- Keras' `backend.rnn` semantics.
        go_backwards: process time in reverse; outputs come back in
            processing order (as Keras does).
        unroll: Python loop instead of the scan or while loop.
        return_sequences: also return every step's output.
        zero_output_for_mask: see `mask`.
        loop: `"scan"` or `"while"` when not unrolled.

    Returns:
        `(last_output, outputs or None, final_states)` with `outputs` of
        shape `(batch, time, output_size)` in processing order.
    """
    initial_states = list(initial_states)
    batch = ops.shape(inputs)[0]
    zeros = ops.zeros((batch, output_size), dtype=inputs.dtype)
    if mask is not None:
        mask = ops.expand_dims(ops.cast(mask, "bool"), -1)  # (batch, time, 1)

    def masked_step(x_t, m_t, prev_output, states):
        output, new_states = step(x_t, states)
        if m_t is None:
            return output, list(new_states)
        new_states = [
            ops.where(m_t, new, old) for new, old in zip(new_states, states)
        ]
        output = ops.where(m_t, output, zeros if zero_output_for_mask else prev_output)
        return output, new_states

    if unroll:
        steps = inputs.shape[1]
        if steps is None:
            raise ValueError(
                "`unroll=True` needs a known number of time steps. Received "
                f"inputs of shape {inputs.shape}."
            )
        xs = ops.unstack(inputs, num=steps, axis=1)
        ms = (
            ops.unstack(mask, num=steps, axis=1)
            if mask is not None
            else [None] * steps
        )
        if go_backwards:
            xs, ms = xs[::-1], ms[::-1]
        states, output, outputs = initial_states, zeros, []
        for x_t, m_t in zip(xs, ms):
            output, states = masked_step(x_t, m_t, output, states)
            if return_sequences:
                outputs.append(output)
        stacked = ops.stack(outputs, axis=1) if return_sequences else None
        return output, stacked, states

    # Time-major for the scan.
    xs = ops.transpose(inputs, (1, 0, 2))
    ms = ops.transpose(mask, (1, 0, 2)) if mask is not None else None
    if go_backwards:
        xs = ops.flip(xs, axis=0)
        ms = ops.flip(ms, axis=0) if ms is not None else None
    n_states = len(initial_states)

    if loop == "while":
        steps = ops.shape(xs)[0]
        buffer = (
            ops.zeros((steps, batch, output_size), dtype=inputs.dtype)
            if return_sequences
            else ops.zeros((), dtype=inputs.dtype)
        )

        def body(i, prev_output, buffer, *states):
            x_t = ops.take(xs, i, axis=0)
            m_t = ops.take(ms, i, axis=0) if ms is not None else None
            output, states = masked_step(x_t, m_t, prev_output, list(states))
            if return_sequences:
                buffer = ops.slice_update(
                    buffer, (i, 0, 0), ops.expand_dims(output, 0)
                )
            return (i + 1, output, buffer, *states)

        result = ops.while_loop(
            lambda i, *_: i < steps,
            body,
            (ops.convert_to_tensor(0, "int32"), zeros, buffer, *initial_states),
            maximum_iterations=steps,
        )
        last_output, buffer, final_states = result[1], result[2], list(result[3:])
        outputs = ops.transpose(buffer, (1, 0, 2)) if return_sequences else None
        return last_output, outputs, final_states

    def scan_step(carry, x):
        x_t, m_t = x if ms is not None else (x, None)
        output, states = masked_step(x_t, m_t, carry[0], list(carry[1:]))
        return (output, *states)

    carry, ys = scan(
        scan_step, (zeros, *initial_states), (xs, ms) if ms is not None else xs,
        stack=1 if return_sequences else 0,
    )
    last_output, final_states = carry[0], list(carry[1 : 1 + n_states])
    outputs = ops.transpose(ys[0], (1, 0, 2)) if return_sequences else None
    return last_output, outputs, final_states
