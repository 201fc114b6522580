"""`Recurrent`: runs any recurrent cell over time, with masking."""

import keras
from keras import ops

from seqkit.layers._recurrent_utils import run_over_time

INPUT_PROJECTIONS = ("per_step", "hoisted")


def _flat_state_sizes(state_size):
    if isinstance(state_size, (list, tuple)):
        return list(state_size)
    return [state_size]


@keras.saving.register_keras_serializable(package="seqkit")
class Recurrent(keras.layers.Layer):
    """Runs a recurrent cell over the time axis of a batch of sequences.

    The cell computes one step (`call(x_t, states) -> (output, new_states)`,
    with `state_size`, `output_size` and `get_initial_state`: the Keras cell
    contract); this layer owns the loop over time, masking, initial states,
    reversal and what is returned. Any Keras cell works (a seqkit cell or
    e.g. `keras.layers.LSTMCell`); seqkit's cells additionally let the layer
    choose where the input projection x_t W is computed.

    Input projection (measured, not assumed). With `input_projection=
    "per_step"` (the default) each step computes x_t W + h_{t-1} U. With
    `"hoisted"` the layer computes X W for all steps in one large matrix
    product before the loop and each step only adds h_{t-1} U. Measured on
    the project's 2-core CPU (TensorFlow backend, LSTM, batch 64, 100
    steps, 128 inputs, 256 units, median ms per train / inference step,
    interleaved in one run, `python bench/layers.py --kinds lstm --hoist`):
    per-step 456 / 76, hoisted 1515 / 216; with jit_compile per-step 613 /
    66, hoisted 812 / 335 (keras.layers.LSTM in the same run: 670 / 119).
    Hoisting was 1.3-3.3x SLOWER: the projected tensor
    `(batch, time, 4 * units)` is 8x larger than the inputs, and reading it
    per step (and accumulating its gradient) costs more memory traffic than
    the one big product saves. So per-step is the default.

    Loop. `unroll=False` (default) runs `keras.ops.while_loop` with
    `maximum_iterations` set to the sequence length, reading x_t by index and
    carrying the states, on TensorFlow; when returning sequences, and on
    JAX / torch, it runs seqkit's scan (`_scan.scan`: on TensorFlow a
    `tf.while_loop` bounded by the sequence length over TensorArrays,
    elsewhere `keras.ops.scan`; the while loop's buffer update has no
    gradient on TensorFlow, and `lax.while_loop` has no reverse-mode
    gradient on JAX). Both loops' gradients compile under XLA
    (`jit_compile=True`), for any sequence length; Keras' own `ops.scan`
    on TensorFlow, an unbounded `tf.while_loop`, does not. Returning
    sequences, seqkit's scan against the `ops.scan` loop it replaced (same
    shape, interleaved in one run, median of 25, TensorFlow without XLA,
    the machine at load 9: `python bench/layers.py --kinds lstm,gru
    --sequences --no-mha` shows both): train step LSTM 630 / 642 ms
    (0.98x), GRU 413 / 448 (0.92x); inference LSTM 120 / 166 (0.72x), GRU
    113 / 109 (1.03x). In four such runs (three for LSTM) the train-step
    ratio was 0.77-1.04, but for GRU 1.28 in the one run of only 7
    repeats, and inference 0.48-1.10: within the noise of the shared
    machine, not slower.
    Measured against the alternatives (LSTM, same
    shape and machine, `python bench/layers.py --kinds lstm --loops`,
    median ms, train / infer, the machine heavily shared so only the ratios
    within a run mean anything): keras.layers.LSTM 629 / 93, with jit 615 /
    74; seqkit while 269 / 77, `keras.ops.scan` 318 / 76, Python unroll
    405 / 128, while + jit 1052 / 237, unroll + jit 25159 / 295. The while
    loop is the fastest. `unroll=True` writes the steps out as a
    straight-line graph instead (needs a static length; slower here and very
    slow to compile under XLA, but available for short sequences).

    Args:
        cell: a cell layer instance (see above).
        return_sequences: bool, return the output of every step
            `(batch, time, output_size)` rather than only the last one.
            Defaults to `False`.
        return_state: bool. If `True` the layer returns the tuple
            `(output, *final_states)`; otherwise only `output`. Defaults to
            `False`.
        go_backwards: bool, process the sequence in reverse. As in Keras, the
            returned sequence is in processing (reversed) order. Defaults to
            `False`.
        unroll: bool, see Loop above. Defaults to `False`.
        zero_output_for_mask: bool, output zeros (rather than the previous
            output) at masked steps. `Bidirectional` sets it when returning
            sequences, like Keras. Defaults to `False`.
        input_projection: `"per_step"` or `"hoisted"`, see above. Only
            seqkit's cells support `"hoisted"`. Defaults to `"per_step"`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        sequences: `(batch, time, features)` tensor.
        initial_state: optional list of state tensors (as the cell's
            `get_initial_state` would return). Defaults to zeros.
        mask: optional `(batch, time)` boolean tensor; picked up
            automatically from an upstream `Embedding(mask_zero=True)` or
            `Masking` layer.
        training: bool. Turns on the cell's dropout: seqkit's cells get one
            input mask and one recurrent mask per sequence, drawn here;
            other cells receive `training` at each step.

    Returns:
        `output`, or `(output, *final_states)` when `return_state`.

    Masking: at a masked step the states are carried over unchanged and the
    output repeats the previous step's output (zeros before the first real
    step, or always zeros with `zero_output_for_mask`), exactly as
    `keras.layers.RNN`. So the last output and the final states of a padded
    sequence are those at its last real step, and appending padding changes
    nothing at the real positions. The output mask is the input mask when
    returning sequences.

    Example:

    >>> import numpy as np
    >>> from seqkit.layers import LSTMCell, Recurrent
    >>> layer = Recurrent(LSTMCell(8), return_sequences=True, return_state=True)
    >>> seq, h, c = layer(np.ones((2, 5, 3), "float32"))
    >>> tuple(seq.shape), tuple(h.shape), tuple(c.shape)
    ((2, 5, 8), (2, 8), (2, 8))

    References:
        Elman, "Finding Structure in Time", 1990; Werbos,
        "Backpropagation Through Time: What It Does and How to Do It", 1990.
    """

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        unroll=False,
        zero_output_for_mask=False,
        input_projection="per_step",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if isinstance(cell, dict):
            cell = keras.saving.deserialize_keras_object(cell)
        if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
            raise ValueError(
                "`cell` must be a layer with `call(inputs, states)` and a "
                f"`state_size` attribute. Received: cell={cell!r}"
            )
        if input_projection not in INPUT_PROJECTIONS:
            raise ValueError(
                f"`input_projection` must be one of {INPUT_PROJECTIONS}. "
                f"Received: input_projection={input_projection!r}"
            )
        if input_projection == "hoisted" and not hasattr(cell, "project_inputs"):
            raise ValueError(
                "`input_projection='hoisted'` needs a cell with "
                "`project_inputs` / `step_projected` (seqkit's cells). "
                f"Received: cell={type(cell).__name__}"
            )
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.unroll = unroll
        self.zero_output_for_mask = zero_output_for_mask
        self.input_projection = input_projection
        self.supports_masking = True
        self._loop = "auto"  # see "Loop" in the docstring

    def _resolve_loop(self):
        # "auto": the while loop, except when returning sequences: its output
        # buffer update (`ops.slice_update`) has no gradient on TensorFlow,
        # so sequences come from the scan. On JAX and torch the scan always:
        # `lax.while_loop` is not reverse-differentiable, while `lax.scan` is
        # JAX's own loop for this.
        if self._loop != "auto":
            return self._loop
        if keras.backend.backend() == "tensorflow" and not self.return_sequences:
            return "while"
        return "scan"

    @property
    def state_sizes(self):
        return _flat_state_sizes(self.cell.state_size)

    @property
    def output_size(self):
        size = getattr(self.cell, "output_size", None)
        return size if size is not None else self.state_sizes[0]

    def build(self, sequences_shape, initial_state_shape=None):
        if not self.cell.built:
            self.cell.build((sequences_shape[0], sequences_shape[-1]))

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if initial_state is None:
            initial_state = self.cell.get_initial_state(
                batch_size=ops.shape(sequences)[0]
            )
        if not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        initial_state = [
            ops.cast(s, self.cell.compute_dtype) for s in initial_state
        ]
        if len(initial_state) != len(self.state_sizes):
            raise ValueError(
                f"The cell has {len(self.state_sizes)} state(s) but "
                f"{len(initial_state)} initial state tensor(s) were given."
            )
        sequences = ops.cast(sequences, self.cell.compute_dtype)
        cell = self.cell
        recurrent_mask = None
        if training and hasattr(cell, "dropout_masks"):
            # Variational dropout: one pair of masks for the whole sequence,
            # the same at every step (none drawn when the rates are 0).
            shape = ops.shape(sequences)
            input_mask, recurrent_mask = cell.dropout_masks(shape[0], shape[-1])
            if input_mask is not None:
                sequences = sequences * ops.expand_dims(input_mask, 1)
        if self.input_projection == "hoisted":
            sequences = cell.project_inputs(sequences)

            def step(projected, states):
                return cell.step_projected(projected, states, recurrent_mask)

        elif hasattr(cell, "step_projected"):

            def step(x_t, states):
                return cell.step_projected(cell.project_inputs(x_t), states, recurrent_mask)

        else:
            cell_kwargs = {}
            if getattr(cell, "_call_has_training_arg", False):
                cell_kwargs["training"] = training

            def step(x_t, states):
                output, new_states = cell(x_t, states, **cell_kwargs)
                if not isinstance(new_states, (list, tuple)):
                    new_states = [new_states]
                return output, list(new_states)

        last_output, outputs, states = run_over_time(
            step,
            sequences,
            initial_state,
            self.output_size,
            mask=mask,
            go_backwards=self.go_backwards,
            unroll=self.unroll,
            return_sequences=self.return_sequences,
            zero_output_for_mask=self.zero_output_for_mask,
            loop=self._resolve_loop(),
        )
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return (output, *states)
        return output

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch = sequences_shape[0]
        if self.return_sequences:
            output_shape = (batch, sequences_shape[1], self.output_size)
        else:
            output_shape = (batch, self.output_size)
        if self.return_state:
            return (output_shape, *[(batch, s) for s in self.state_sizes])
        return output_shape

    def compute_mask(self, sequences, mask=None):
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return (output_mask, *[None] * len(self.state_sizes))
        return output_mask

    def _wrapper_config(self):
        config = super().get_config()
        config.update(
            {
                "return_sequences": self.return_sequences,
                "return_state": self.return_state,
                "go_backwards": self.go_backwards,
                "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask,
                "input_projection": self.input_projection,
            }
        )
        return config

    def get_config(self):
        config = self._wrapper_config()
        config["cell"] = keras.saving.serialize_keras_object(self.cell)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["cell"] = keras.saving.deserialize_keras_object(config["cell"])
        return cls(**config)


class _CellLayer(Recurrent):
    """Base of `SimpleRNN` / `LSTM` / `GRU`: builds its own cell from kwargs.

    Subclasses set `cell_class` and `cell_args` (the cell's `__init__`
    parameters they accept); the config holds those, not a nested cell.
    """

    cell_class = None
    cell_args = ()

    def __init__(self, cell_kwargs, wrapper_kwargs, **kwargs):
        cell = self.cell_class(
            **cell_kwargs, dtype=kwargs.get("dtype"), name="cell"
        )
        super().__init__(cell, **wrapper_kwargs, **kwargs)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # `layer.units`, `layer.reset_after`, ... read through to the cell.
        for name in cls.cell_args:
            if name not in cls.__dict__:
                setattr(
                    cls, name, property(lambda self, n=name: getattr(self.cell, n))
                )

    def get_config(self):
        config = self._wrapper_config()
        cell_config = self.cell.get_config()
        config.update({k: cell_config[k] for k in type(self).cell_args})
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)
