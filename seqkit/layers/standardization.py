"""`Standardization`: fixed per-feature `(x - mean) / std`, or its inverse, inside the graph."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="seqkit")
class Standardization(keras.layers.Layer):
    """Scales the last axis with fixed statistics: `(x - mean) / std` or `x * std + mean`.

    The statistics are constants of the model (fitted on training data elsewhere,
    e.g. by `seqkit.data.Normalizer`), so a saved model takes values in their
    original units and needs no preprocessing outside the graph.

    Args:
        mean: list of floats, one per feature of the last axis.
        std: list of positive floats, the same length.
        invert: bool. Map standardized values back (`x * std + mean`).
            Defaults to `False`.
        axis: int. The feature axis. Defaults to `-1`.
        **kwargs: base layer arguments.

    Call arguments:
        inputs: tensor whose `axis` has `len(mean)` features.

    Returns:
        A tensor shaped like `inputs`.

    >>> import numpy as np
    >>> layer = Standardization(mean=[1.0, 10.0], std=[2.0, 5.0])
    >>> np.asarray(layer(np.array([[3.0, 0.0]], "float32"))).tolist()
    [[1.0, -2.0]]
    """

    def __init__(self, mean, std, invert=False, axis=-1, **kwargs):
        super().__init__(**kwargs)
        mean = [float(v) for v in mean]
        std = [float(v) for v in std]
        if len(mean) != len(std) or not mean:
            raise ValueError(
                f"`mean` and `std` must have the same non-zero length. Received: "
                f"mean={mean}, std={std}"
            )
        if any(not s > 0 for s in std):
            raise ValueError(f"Every `std` must be > 0. Received: std={std}")
        self.mean = mean
        self.std = std
        self.invert = invert
        self.axis = axis

    def _shaped(self, values, rank):
        axis = self.axis % rank
        shape = [1] * rank
        shape[axis] = len(values)
        return ops.reshape(ops.convert_to_tensor(values, dtype=self.compute_dtype), shape)

    def call(self, inputs):
        rank = len(inputs.shape)
        if inputs.shape[self.axis] is not None and inputs.shape[self.axis] != len(self.mean):
            raise ValueError(
                f"Expected {len(self.mean)} features on axis {self.axis}. Received: "
                f"inputs.shape={inputs.shape}"
            )
        mean, std = self._shaped(self.mean, rank), self._shaped(self.std, rank)
        if self.invert:
            return inputs * std + mean
        return (inputs - mean) / std

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"mean": self.mean, "std": self.std, "invert": self.invert,
                       "axis": self.axis})
        return config
