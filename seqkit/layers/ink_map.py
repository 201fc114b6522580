"""`InkMap`: how far each pixel is from a white ground, whatever its hue."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="seqkit")
class InkMap(keras.layers.Layer):
    """One channel per pixel: `1 - min(r, g, b)`, the ink on a light ground.

    Saturated colours of any hue (a red, a yellow and a blue shape) give nearly
    the same value, so convolutions over this map see outlines rather than
    colours: the shape features they learn cannot tell colours apart, which is
    what lets a captioner name a shape in a colour it never saw it in.

    Call arguments:
        images: float `(B, H, W, C)` in [0, 1].

    Returns:
        float `(B, H, W, 1)`.

    Example:

    >>> import numpy as np
    >>> pixels = np.array([[[[1.0, 1.0, 1.0], [0.86, 0.16, 0.16], [0.92, 0.78, 0.12]]]], "float32")
    >>> np.round(np.asarray(InkMap()(pixels))[0, 0, :, 0], 2).tolist()
    [0.0, 0.84, 0.88]
    """

    def call(self, images):
        return 1.0 - ops.min(images, axis=-1, keepdims=True)

    def compute_output_shape(self, images_shape):
        return tuple(images_shape[:-1]) + (1,)
