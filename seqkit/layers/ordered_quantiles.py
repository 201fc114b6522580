"""`OrderedQuantiles`: unconstrained outputs -> non-decreasing quantile forecasts."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="seqkit")
class OrderedQuantiles(keras.layers.Layer):
    """Makes the last axis non-decreasing: the lowest quantile plus positive steps.

    `out[..., 0] = x[..., 0]` and `out[..., q] = x[..., 0] + sum_{j<=q}
    softplus(x[..., j])`, so the forecast of a higher quantile level is never
    below a lower one (no quantile crossing), whatever the weights.

    Args:
        **kwargs: base layer arguments.

    Call arguments:
        inputs: `(..., num_quantiles)`.

    Returns:
        A tensor shaped like `inputs`, non-decreasing along the last axis.

    >>> import numpy as np
    >>> out = np.asarray(OrderedQuantiles()(np.array([[1.0, -30.0, 0.0]], "float32")))
    >>> bool(np.all(np.diff(out) >= 0)), round(float(out[0, 2] - out[0, 1]), 4)
    (True, 0.6931)
    """

    def call(self, inputs):
        base = inputs[..., :1]
        steps = ops.softplus(inputs[..., 1:])
        return ops.concatenate([base, base + ops.cumsum(steps, axis=-1)], axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape
