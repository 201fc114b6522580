"""`SeriesDecomposition`: a moving-average trend and the remainder, as DLinear splits a window."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="seqkit")
class SeriesDecomposition(keras.layers.Layer):
    """Splits a window into a moving-average trend and the remainder.

    The trend at step t is the mean of the `kernel_size` steps centred on t; the
    window is padded by repeating its first and last steps so the trend has
    the window's length. The remainder is `inputs - trend`.

    Args:
        kernel_size: odd int >= 1. The moving-average width. Defaults to `25`.
        **kwargs: base layer arguments.

    Call arguments:
        inputs: `(batch, steps, features)`.

    Returns:
        `(trend, remainder)`, both shaped like `inputs`.

    >>> import numpy as np
    >>> trend, rest = SeriesDecomposition(3)(np.array([[[0.0], [3.0], [6.0]]], "float32"))
    >>> np.asarray(trend)[0, :, 0].tolist()
    [1.0, 3.0, 5.0]

    References:
        Zeng et al., 2023, "Are Transformers Effective for Time Series
        Forecasting?", https://arxiv.org/abs/2205.13504
    """

    def __init__(self, kernel_size=25, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(kernel_size, int) or kernel_size < 1 or kernel_size % 2 == 0:
            raise ValueError(
                f"`kernel_size` must be an odd positive int. Received: kernel_size={kernel_size}"
            )
        self.kernel_size = kernel_size

    def call(self, inputs):
        half = self.kernel_size // 2
        if half == 0:
            return inputs, ops.zeros_like(inputs)
        first = ops.repeat(inputs[:, :1, :], half, axis=1)
        last = ops.repeat(inputs[:, -1:, :], half, axis=1)
        padded = ops.concatenate([first, inputs, last], axis=1)
        sums = ops.cumsum(padded, axis=1)
        sums = ops.concatenate([ops.zeros_like(sums[:, :1, :]), sums], axis=1)
        trend = (sums[:, self.kernel_size:, :] - sums[:, :-self.kernel_size, :]) / self.kernel_size
        return trend, inputs - trend

    def compute_output_shape(self, input_shape):
        return input_shape, input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"kernel_size": self.kernel_size})
        return config
