"""`Bidirectional`: runs a recurrent layer forwards and backwards and merges."""

import keras
from keras import ops

MERGE_MODES = ("concat", "sum", "ave", "mul", None)


def _flip_direction(layer, prefix):
    config = layer.get_config()
    config["go_backwards"] = not config["go_backwards"]
    config["name"] = f"{prefix}_{layer.name}"
    return layer.__class__.from_config(config)


@keras.saving.register_keras_serializable(package="seqkit")
class Bidirectional(keras.layers.Layer):
    """Runs a recurrent layer over a sequence in both directions.

    The forward copy reads the sequence left to right, the backward copy
    (the same layer with `go_backwards` flipped, or `backward_layer`) reads
    it right to left; when returning sequences the backward outputs are put
    back into left-to-right order before the merge, so position t combines
    the left context up to t with the right context from t. Weights are
    ordered forward first, then backward, as in `keras.layers.Bidirectional`,
    so `get_weights()` / `set_weights()` move between the two.

    Args:
        layer: a `seqkit.layers.Recurrent` (or `LSTM`, `GRU`, `SimpleRNN`)
            instance. It is used as a template: both directions are fresh
            copies built from its config.
        merge_mode: how the two outputs are combined: `"concat"`, `"sum"`,
            `"ave"`, `"mul"`, or `None` to return both. Defaults to
            `"concat"`.
        backward_layer: optional layer for the backward direction; must have
            the same `return_sequences` / `return_state` and the opposite
            `go_backwards`. Defaults to `None` (a copy of `layer`).
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        sequences: `(batch, time, features)`.
        initial_state: optional list: the forward layer's states followed by
            the backward layer's.
        mask: optional `(batch, time)` boolean mask.
        training: passed through.

    Returns:
        `merged` (or `(forward_output, backward_output)` when `merge_mode` is
        `None`); with `return_state` on the wrapped layer, that output (or
        pair) followed by the forward final states, then the backward final
        states: always the same tuple shape.

    Masking: both directions skip padded steps, so the backward direction
    starts at each sequence's last real step. When returning sequences the
    outputs at padded steps are zeros (Keras forces `zero_output_for_mask`
    in the same case); the output mask is the input mask.

    Example:

    >>> import numpy as np
    >>> from seqkit.layers import Bidirectional, GRU
    >>> bi = Bidirectional(GRU(4, return_state=True), merge_mode="sum")
    >>> y, h_forward, h_backward = bi(np.ones((2, 6, 3), "float32"))
    >>> tuple(y.shape), tuple(h_backward.shape)
    ((2, 4), (2, 4))

    References:
        Schuster & Paliwal, "Bidirectional Recurrent Neural Networks", IEEE
        Trans. Signal Processing 45(11), 1997.
    """

    def __init__(self, layer, merge_mode="concat", backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(layer, dict):
            layer = keras.saving.deserialize_keras_object(layer)
        if isinstance(backward_layer, dict):
            backward_layer = keras.saving.deserialize_keras_object(
                backward_layer
            )
        if merge_mode not in MERGE_MODES:
            raise ValueError(
                f"`merge_mode` must be one of {MERGE_MODES}. "
                f"Received: merge_mode={merge_mode!r}"
            )
        for attr in ("return_sequences", "return_state", "go_backwards"):
            if not hasattr(layer, attr):
                raise ValueError(
                    "`layer` must be a recurrent layer with "
                    f"`{attr}`. Received: layer={layer!r}"
                )
        # Keep the template as config only, so it adds no tracked weights.
        self._layer_config = keras.saving.serialize_keras_object(layer)
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        if backward_layer is None:
            self.forward_layer = layer.__class__.from_config(
                {**layer.get_config(), "name": f"forward_{layer.name}"}
            )
            self.backward_layer = _flip_direction(layer, "backward")
        else:
            if (
                backward_layer.return_sequences != layer.return_sequences
                or backward_layer.return_state != layer.return_state
                or backward_layer.go_backwards == layer.go_backwards
            ):
                raise ValueError(
                    "`backward_layer` must have the same return_sequences "
                    "and return_state as `layer` and the opposite "
                    f"go_backwards. Received: backward_layer={backward_layer!r}"
                )
            self.forward_layer = layer
            self.backward_layer = backward_layer
        self.backward_layer_given = backward_layer is not None
        # Like Keras: padded positions of returned sequences are zeros.
        for direction in (self.forward_layer, self.backward_layer):
            if hasattr(direction, "zero_output_for_mask"):
                direction.zero_output_for_mask = direction.return_sequences
        self.supports_masking = True

    def build(self, sequences_shape, initial_state_shape=None):
        for direction in (self.forward_layer, self.backward_layer):
            if not direction.built:
                direction.build(sequences_shape)

    def _num_states(self, layer):
        size = layer.cell.state_size
        return len(size) if isinstance(size, (list, tuple)) else 1

    def call(self, sequences, initial_state=None, mask=None, training=False):
        forward_state = backward_state = None
        if initial_state is not None:
            initial_state = list(initial_state)
            half = len(initial_state) // 2
            forward_state = initial_state[:half]
            backward_state = initial_state[half:]
        forward = self.forward_layer(
            sequences, initial_state=forward_state, mask=mask, training=training
        )
        backward = self.backward_layer(
            sequences, initial_state=backward_state, mask=mask, training=training
        )
        forward_states = backward_states = ()
        if self.return_state:
            forward, forward_states = forward[0], tuple(forward[1:])
            backward, backward_states = backward[0], tuple(backward[1:])
        if self.return_sequences:
            backward = ops.flip(backward, axis=1)
        if self.merge_mode == "concat":
            output = ops.concatenate([forward, backward], axis=-1)
        elif self.merge_mode == "sum":
            output = forward + backward
        elif self.merge_mode == "ave":
            output = (forward + backward) / 2
        elif self.merge_mode == "mul":
            output = forward * backward
        else:
            output = (forward, backward)
        outputs = output if isinstance(output, tuple) else (output,)
        if self.return_state:
            return (*outputs, *forward_states, *backward_states)
        return output

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        shapes = self.forward_layer.compute_output_shape(sequences_shape)
        if self.return_state:
            output_shape, state_shapes = shapes[0], tuple(shapes[1:])
        else:
            output_shape, state_shapes = shapes, ()
        if self.merge_mode == "concat":
            output_shapes = (output_shape[:-1] + (output_shape[-1] * 2,),)
        elif self.merge_mode is None:
            output_shapes = (output_shape, output_shape)
        else:
            output_shapes = (output_shape,)
        if self.return_state:
            return (*output_shapes, *state_shapes, *state_shapes)
        return output_shapes if self.merge_mode is None else output_shapes[0]

    def compute_mask(self, sequences, mask=None):
        output_mask = mask if self.return_sequences else None
        n_outputs = 2 if self.merge_mode is None else 1
        if not self.return_state:
            return output_mask if n_outputs == 1 else (output_mask,) * 2
        n_states = self._num_states(self.forward_layer) + self._num_states(
            self.backward_layer
        )
        return (*[output_mask] * n_outputs, *[None] * n_states)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "layer": self._layer_config,
                "merge_mode": self.merge_mode,
                "backward_layer": (
                    keras.saving.serialize_keras_object(self.backward_layer)
                    if self.backward_layer_given
                    else None
                ),
            }
        )
        return config
