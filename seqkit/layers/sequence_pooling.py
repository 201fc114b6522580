"""`SequencePooling`: one vector per sequence from [batch, time, features], mask-aware."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="seqkit")
class SequencePooling(keras.layers.Layer):
    """Pools a masked sequence into one vector.

    Args:
        mode: "mean" (average of the real steps), "max" (maximum over the real
            steps) or "last" (the last real step). Defaults to `"mean"`.

    Call arguments:
        inputs: float tensor [batch, time, features].
        mask: bool tensor [batch, time] or None (every step real). A sequence
            with no real step pools to zeros.

    Returns:
        float tensor [batch, features].

    >>> import numpy as np
    >>> x = np.array([[[1.0], [3.0], [9.0]]], dtype="float32")
    >>> m = np.array([[True, True, False]])
    >>> [float(SequencePooling(k)(x, mask=m)[0, 0]) for k in ("mean", "max", "last")]
    [2.0, 3.0, 3.0]
    """

    MODES = ("mean", "max", "last")

    def __init__(self, mode="mean", **kwargs):
        super().__init__(**kwargs)
        if mode not in self.MODES:
            raise ValueError(f"mode must be one of {self.MODES}. Received: mode={mode!r}")
        self.mode = mode
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            mask = ops.ones(ops.shape(inputs)[:2], dtype="bool")
        mask = ops.cast(mask, "bool")
        weights = ops.cast(mask, inputs.dtype)[:, :, None]
        if self.mode == "mean":
            total = ops.sum(inputs * weights, axis=1)
            count = ops.maximum(ops.sum(weights, axis=1), 1.0)
            return total / count
        if self.mode == "max":
            lowest = ops.full_like(inputs, -1e9)
            masked = ops.where(mask[:, :, None], inputs, lowest)
            pooled = ops.max(masked, axis=1)
            any_real = ops.any(mask, axis=1)[:, None]
            return ops.where(any_real, pooled, ops.zeros_like(pooled))
        # last real step: index = (number of steps up to and including the last real one) - 1
        steps = ops.shape(inputs)[1]
        positions = ops.arange(steps)[None, :] + 1
        last = ops.max(ops.where(mask, positions, ops.zeros_like(positions)), axis=1) - 1
        one_hot = ops.one_hot(ops.maximum(last, 0), steps, dtype=inputs.dtype)
        any_real = ops.cast(ops.any(mask, axis=1), inputs.dtype)[:, None]
        return ops.sum(inputs * one_hot[:, :, None], axis=1) * any_real

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])

    def get_config(self):
        config = super().get_config()
        config.update({"mode": self.mode})
        return config
