"""`build_image_encoder`: an image -> a grid of region features, for attention."""

import keras

from seqkit.layers.ink_map import InkMap
from seqkit.layers.position_embedding import PositionEmbedding

ENCODER_KINDS = ("cnn", "mobilenet_v3")


def build_image_encoder(
    image_size,
    output_dim,
    kind="cnn",
    filters=(16, 32, 64),
    weights=None,
    dropout=0.0,
    colour_stream=False,
    name="image_encoder",
):
    """A Keras model from float images in [0, 1] to region features.

    The output is `(batch, regions, output_dim)`: the last feature map of a
    convolutional network, flattened row by row (region `r` sits at row
    `r // grid_width`, column `r % grid_width`), projected to `output_dim`, plus a
    learned embedding of each region's position (so a decoder attending over the
    regions can tell left from right), then layer-normalised.

    Args:
        image_size: (height, width) of the input images.
        output_dim: int. Size of each region's features.
        kind: `"cnn"`, a small network trained from scratch: a stride-2
            convolution, then for each further entry of `filters` a 3x3
            convolution and a 2x2 max-pool (a 64x64 image gives an 8x8 grid); or
            `"mobilenet_v3"`: `keras.applications.MobileNetV3Small` without its
            top, with `weights=None` (from scratch) or a local weights file.
            Defaults to `"cnn"`.
        filters: tuple of int, the channels of the `cnn`'s convolutions.
        weights: None or the path of a local MobileNetV3Small weights file
            (`include_top=False`); only with `kind="mobilenet_v3"`.
        dropout: float, dropout on the region features. Defaults to `0.0`.
        colour_stream: bool, `cnn` only. The convolutions see the colour-blind
            `InkMap` of the image instead of its RGB, and each region's colour
            comes from a second stream: a 1x1 convolution of the RGB pixels,
            average-pooled over the region. The shape features then cannot
            depend on colour, so a colour-shape pair never seen in training
            looks like its shape to the decoder. Defaults to `False`.
        name: str. Defaults to `"image_encoder"`.

    Returns:
        a `keras.Model`; its attribute-free config rebuilds it (it is functional).
    """
    if kind not in ENCODER_KINDS:
        raise ValueError(f"`kind` must be one of {ENCODER_KINDS}. Received: kind={kind!r}")
    if weights is not None and kind != "mobilenet_v3":
        raise ValueError(f"`weights` needs kind='mobilenet_v3'. Received: kind={kind!r}")
    if colour_stream and kind != "cnn":
        raise ValueError(f"`colour_stream` needs kind='cnn'. Received: kind={kind!r}")
    height, width = int(image_size[0]), int(image_size[1])
    images = keras.Input((height, width, 3), name="image")
    if kind == "cnn":
        x = InkMap(name="ink")(images) if colour_stream else images
        x = keras.layers.Conv2D(filters[0], 3, strides=2, padding="same", activation="relu", name="conv_0")(x)
        for i, channels in enumerate(filters[1:], start=1):
            x = keras.layers.Conv2D(channels, 3, padding="same", activation="relu", name=f"conv_{i}")(x)
            x = keras.layers.MaxPooling2D(2, name=f"pool_{i}")(x)
        if colour_stream:
            colour = keras.layers.Conv2D(filters[0], 1, activation="relu", name="colour")(images)
            cell = (height // x.shape[1], width // x.shape[2])
            colour = keras.layers.AveragePooling2D(cell, name="colour_pool")(colour)
            x = keras.layers.Concatenate(name="shape_and_colour")([x, colour])
    else:
        backbone = keras.applications.MobileNetV3Small(
            input_shape=(height, width, 3),
            include_top=False,
            weights=weights,
            include_preprocessing=True,
        )
        x = backbone(keras.layers.Rescaling(255.0, name="to_0_255")(images))
    grid_h, grid_w, channels = x.shape[1], x.shape[2], x.shape[3]
    regions = keras.layers.Reshape((grid_h * grid_w, channels), name="regions")(x)
    regions = keras.layers.Dense(output_dim, name="region_projection")(regions)
    positions = PositionEmbedding(grid_h * grid_w, name="region_position")(regions)
    regions = keras.layers.Add(name="add_region_position")([regions, positions])
    regions = keras.layers.LayerNormalization(name="region_norm")(regions)
    if dropout:
        regions = keras.layers.Dropout(dropout, name="region_dropout")(regions)
    return keras.Model(images, regions, name=name)
