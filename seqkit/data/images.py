"""Image bytes -> a fixed-size float image, with the same TF ops in training and serving.

`decode_and_resize` is the one function that turns encoded image bytes (PNG, JPEG, GIF,
BMP) into the `(height, width, 3)` float32 tensor in [0, 1] a model sees. The training
pipeline maps it over the bytes `read_image_captions` reads, and a captioning task's
serving function calls it on the `tf.string` bytes of its signature, so the two cannot
drift apart.

- Grayscale and RGBA images are converted to RGB (`channels=3`: gray is repeated, the
  alpha channel dropped).
- Memory stays bounded for huge images: a JPEG is decoded at 1/2, 1/4 or 1/8 scale
  (libjpeg's DCT scaling) when that still leaves at least the target size, and a PNG
  whose header announces more than `max_pixels` pixels is refused before decoding.
- Resizing is bilinear with antialiasing, so shrinking a large photograph averages its
  pixels instead of sampling them.

`random_shift` is the light augmentation of training: a translation by a few pixels
(edges repeated). It leaves colours and left/right alone, which captions name.

`check_image_file` is the up-front, per-row check of a data file (missing, unreadable,
not an image) in plain Python, for errors that name the CSV line.
"""

import os

import tensorflow as tf

MAX_PIXELS = 40_000_000
_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_GIF_MAGIC = b"GIF8"
_BMP_MAGIC = b"BM"


def _png_pixels(image_bytes):
    """Width x height from a PNG's IHDR chunk (bytes 16..24), as int64."""
    dims = tf.io.decode_raw(tf.strings.substr(image_bytes, 16, 8), tf.uint8)
    dims = tf.cast(dims, tf.int64)
    width = dims[0] * 2**24 + dims[1] * 2**16 + dims[2] * 2**8 + dims[3]
    height = dims[4] * 2**24 + dims[5] * 2**16 + dims[6] * 2**8 + dims[7]
    return width * height


def _decode_jpeg_scaled(image_bytes, image_size):
    """Decodes a JPEG at the smallest of 1, 1/2, 1/4, 1/8 scale that keeps `image_size`."""
    shape = tf.image.extract_jpeg_shape(image_bytes)
    shrink = tf.minimum(shape[0] // image_size[0], shape[1] // image_size[1])
    branches = [
        (tf.greater_equal(shrink, ratio), lambda r=ratio: tf.io.decode_jpeg(image_bytes, channels=3, ratio=r))
        for ratio in (8, 4, 2)
    ]
    return tf.case(branches, default=lambda: tf.io.decode_jpeg(image_bytes, channels=3), exclusive=False)


def decode_and_resize(image_bytes, image_size, max_pixels=MAX_PIXELS):
    """Encoded image bytes (scalar `tf.string`) -> float32 `(height, width, 3)` in [0, 1].

    Args:
        image_bytes: scalar `tf.string`, the file's bytes.
        image_size: (height, width) of the output.
        max_pixels: int. A PNG announcing more pixels is refused before decoding
            (`InvalidArgumentError`). Defaults to 40 million.

    Returns:
        float32 tensor `(height, width, 3)`; all zeros for empty bytes.
    """
    image_size = (int(image_size[0]), int(image_size[1]))
    magic = tf.strings.substr(image_bytes, 0, 8)
    is_jpeg = tf.equal(tf.strings.substr(magic, 0, 3), _JPEG_MAGIC)
    is_png = tf.equal(magic, _PNG_MAGIC)

    def other():
        with tf.control_dependencies(
            [
                tf.debugging.Assert(
                    tf.logical_or(tf.logical_not(is_png), _png_pixels(image_bytes) <= max_pixels),
                    [f"PNG image larger than {max_pixels} pixels"],
                )
            ]
        ):
            return tf.io.decode_image(image_bytes, channels=3, expand_animations=False)

    def decode():
        image = tf.cond(is_jpeg, lambda: _decode_jpeg_scaled(image_bytes, image_size), other)
        image = tf.image.convert_image_dtype(image, tf.float32)
        return tf.image.resize(image, image_size, method="bilinear", antialias=True)

    # Empty bytes (no file: a scorer's placeholder row) give a black image, not an error.
    image = tf.cond(
        tf.equal(tf.strings.length(image_bytes), 0), lambda: tf.zeros(image_size + (3,), tf.float32), decode
    )
    return tf.clip_by_value(tf.ensure_shape(image, image_size + (3,)), 0.0, 1.0)


def decode_batch(image_bytes, image_size, max_pixels=MAX_PIXELS):
    """`decode_and_resize` over a rank-1 batch of bytes -> `(batch, height, width, 3)`."""
    image_size = (int(image_size[0]), int(image_size[1]))
    return tf.map_fn(
        lambda b: decode_and_resize(b, image_size, max_pixels),
        image_bytes,
        fn_output_signature=tf.TensorSpec(image_size + (3,), tf.float32),
    )


def random_shift(max_shift, seed):
    """A function `(image, step_seed) -> image` shifting by up to `max_shift` pixels.

    Args:
        max_shift: int. Largest shift along each axis, in pixels.
        seed: int. Base seed; the per-example `step_seed` (an int64 pair, e.g.
            from `Dataset.enumerate`) makes each example's shift differ.
    """

    def shift(image, step_seed):
        if max_shift <= 0:
            return image
        height, width = image.shape[0], image.shape[1]
        pad = [[max_shift, max_shift], [max_shift, max_shift], [0, 0]]
        padded = tf.pad(image, pad, mode="SYMMETRIC")
        offsets = tf.random.stateless_uniform(
            [2], seed=tf.stack([tf.cast(seed, tf.int64), tf.cast(step_seed, tf.int64)]),
            minval=0, maxval=2 * max_shift + 1, dtype=tf.int32,
        )
        return tf.slice(padded, [offsets[0], offsets[1], 0], [height, width, 3])

    return shift


@tf.function(input_signature=[tf.TensorSpec([], tf.string)])
def _check_decode(image_bytes):
    return decode_and_resize(image_bytes, (8, 8))


def check_image_file(path):
    """Returns None when `path` is a readable image, else a short reason (str).

    Reads the file and decodes it with TensorFlow (eagerly), so a truncated or
    corrupt image, or a text file named `.png`, is caught before training or scoring.
    """
    if not os.path.isfile(path):
        return "image file not found"
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return f"cannot read image file ({e.strerror})"
    if not data:
        return "image file is empty"
    if not data.startswith((_JPEG_MAGIC, _PNG_MAGIC, _GIF_MAGIC, _BMP_MAGIC)):
        return "not a PNG, JPEG, GIF or BMP image"
    try:
        _check_decode(tf.constant(data))
    except (tf.errors.InvalidArgumentError, tf.errors.DataLossError, tf.errors.UnknownError):
        return "corrupt image (cannot be decoded)"
    return None
