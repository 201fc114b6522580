"""`StackedRecurrent`: recurrent layers applied one after another."""

import keras


@keras.saving.register_keras_serializable(package="seqkit")
class StackedRecurrent(keras.layers.Layer):
    """A stack of recurrent layers: each reads the previous one's sequence.

    Every layer but the last must return sequences (and no states); the
    stack returns exactly what its last layer returns (so put
    `return_state=True` or `return_sequences=False` on the last layer). The
    mask flows through the whole stack. Layers may be `Recurrent`, `LSTM`,
    `GRU`, `SimpleRNN` or `Bidirectional`, mixed freely.

    Stacking layers (rather than cells in one loop, as
    `keras.layers.StackedRNNCells` does) lets each layer use its own loop
    and input projection, and lets a bidirectional layer sit in the stack.

    Args:
        layers: list of recurrent layers, bottom first.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        sequences: `(batch, time, features)`.
        mask: optional `(batch, time)` boolean mask.
        training: passed to every layer.

    Returns:
        The last layer's output (a tensor or its tuple).

    Masking: every layer receives the input mask; the output mask is the
    last layer's.

    Example:

    >>> import numpy as np
    >>> from seqkit.layers import GRU, LSTM, StackedRecurrent
    >>> stack = StackedRecurrent([LSTM(8, return_sequences=True), GRU(4)])
    >>> tuple(stack(np.ones((2, 5, 3), "float32")).shape)
    (2, 4)

    References:
        Graves, Mohamed & Hinton, "Speech Recognition with Deep Recurrent
        Neural Networks", ICASSP 2013 (deep/stacked RNNs).
    """

    def __init__(self, layers, **kwargs):
        super().__init__(**kwargs)
        layers = [
            keras.saving.deserialize_keras_object(layer)
            if isinstance(layer, dict)
            else layer
            for layer in layers
        ]
        if not layers:
            raise ValueError(f"`layers` must not be empty. Received: layers={layers}")
        for index, layer in enumerate(layers[:-1]):
            if not getattr(layer, "return_sequences", False) or getattr(
                layer, "return_state", False
            ):
                raise ValueError(
                    "Every layer but the last must have return_sequences=True "
                    f"and return_state=False. Received: layer {index} "
                    f"({layer.name}) with return_sequences="
                    f"{getattr(layer, 'return_sequences', None)}, return_state="
                    f"{getattr(layer, 'return_state', None)}"
                )
        self.layers = layers
        self.supports_masking = True

    def build(self, sequences_shape):
        shape = sequences_shape
        for layer in self.layers:
            if not layer.built:
                layer.build(shape)
            shape = layer.compute_output_shape(shape)

    def call(self, sequences, mask=None, training=False):
        x = sequences
        for layer in self.layers:
            x = layer(x, mask=mask, training=training)
        return x

    def compute_output_shape(self, sequences_shape):
        shape = sequences_shape
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def compute_mask(self, sequences, mask=None):
        return self.layers[-1].compute_mask(sequences, mask)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "layers": [
                    keras.saving.serialize_keras_object(layer)
                    for layer in self.layers
                ]
            }
        )
        return config
