"""A position encoding computed from each token's neighbours by a depthwise convolution."""

import keras
from keras import ops

__all__ = ["ConvPositionEncoding"]


@keras.saving.register_keras_serializable(package="seqkit")
class ConvPositionEncoding(keras.layers.Layer):
    """Convolutional position encoding; returns the encoding, add it to the inputs.

    `PE = DepthwiseConv1D(x * mask)` over time with "same" padding: each
    feature of each step is a learned weighting of the same feature at the
    `kernel_size` steps around it. Position enters as relative order (what
    comes just before and after), not as an absolute index, so the encoding
    means the same at step 40 as at step 4: a model trained on short rows
    meets nothing new on longer ones, and the attention above it gets a bias
    towards local context. Padded steps are zeroed before the convolution, so
    they never reach real steps, and their encoding is 0.

    Args:
        kernel_size: odd int, the steps each encoding sees. Defaults to `3`.
        kernel_initializer: Defaults to `"glorot_uniform"`.
        **kwargs: base `keras.layers.Layer` arguments.

    Call arguments:
        inputs: `(B, T, d)`.
        mask: boolean `(B, T)` or None, `True` at real steps. Defaults to the
            Keras mask of `inputs`.

    Returns:
        `(B, T, d)`, the encodings. The input's Keras mask passes through.

    Example:

    >>> import numpy as np
    >>> from seqkit.layers import ConvPositionEncoding
    >>> x = np.ones((1, 5, 4), "float32")
    >>> pe = ConvPositionEncoding(3)(x, mask=np.array([[1, 1, 1, 0, 0]], bool))
    >>> tuple(pe.shape), float(np.abs(np.asarray(pe)[0, 3:]).max())
    ((1, 5, 4), 0.0)

    References:
        Chu et al., 2023, "Conditional Positional Encodings for Vision
        Transformers", ICLR, https://arxiv.org/abs/2102.10882
    """

    def __init__(self, kernel_size=3, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        if isinstance(kernel_size, bool) or not isinstance(kernel_size, int) or kernel_size < 1 \
                or kernel_size % 2 == 0:
            raise ValueError(f"`kernel_size` must be an odd positive int. Received: kernel_size={kernel_size!r}")
        self.kernel_size = kernel_size
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.supports_masking = True

    def build(self, input_shape):
        self.convolution = keras.layers.DepthwiseConv1D(
            self.kernel_size,
            padding="same",
            depthwise_initializer=self.kernel_initializer,
            dtype=self.dtype_policy,
            name="convolution",
        )
        self.convolution.build(input_shape)

    def call(self, inputs, mask=None):
        if mask is not None:
            keep = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
            inputs = ops.multiply(inputs, keep)
        encoding = self.convolution(inputs)
        if mask is not None:
            encoding = ops.multiply(encoding, keep)
        return encoding

    def compute_mask(self, inputs, mask=None):
        return mask

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "kernel_size": self.kernel_size,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            }
        )
        return config
