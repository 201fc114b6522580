"""Image bytes -> model input: decoding, conversion, resizing, the up-front file checks."""

import struct

import numpy as np
import pytest
import tensorflow as tf

from seqkit.data.image_captions import load_image_captions
from seqkit.data.images import check_image_file, decode_and_resize, decode_batch, random_shift
from seqkit.errors import DataError

pytestmark = pytest.mark.tf_only
RNG = np.random.default_rng(0)
RGB = RNG.integers(0, 256, (100, 120, 3)).astype(np.uint8)


def encoded():
    """Bytes of the same picture in several encodings, and odd sizes."""
    alpha = np.full((100, 120, 1), 9, np.uint8)
    return {
        "rgb.png": tf.io.encode_png(RGB).numpy(),
        "gray.png": tf.io.encode_png(RGB[..., :1]).numpy(),
        "rgba.png": tf.io.encode_png(np.concatenate([RGB, alpha], -1)).numpy(),
        "photo.jpg": tf.io.encode_jpeg(RGB, quality=95).numpy(),
        "small.png": tf.io.encode_png(RGB[:20, :30]).numpy(),
        "exact.png": tf.io.encode_png(RGB[:64, :64]).numpy(),
    }


def test_decode_converts_and_resizes():
    images = {name: decode_and_resize(tf.constant(b), (64, 64)).numpy() for name, b in encoded().items()}
    for name, image in images.items():
        assert image.shape == (64, 64, 3) and image.dtype == np.float32, name
        assert 0.0 <= image.min() and image.max() <= 1.0
    # RGBA drops the alpha channel; grayscale repeats the gray channel.
    np.testing.assert_allclose(images["rgba.png"], images["rgb.png"], atol=1e-6)
    gray = images["gray.png"]
    np.testing.assert_allclose(gray[..., 0], gray[..., 1])
    np.testing.assert_allclose(gray[..., 0], images["rgb.png"][..., 0], atol=1e-6)
    # A 64x64 image is left as it is (to float), and a JPEG is close to its PNG.
    np.testing.assert_allclose(images["exact.png"], RGB[:64, :64] / 255.0, atol=1e-6)
    assert np.abs(images["photo.jpg"] - images["rgb.png"]).mean() < 0.08  # noise survives JPEG poorly
    # Shrinking averages (antialiasing), it does not sample every other pixel.
    stripes = np.zeros((128, 128, 3), np.uint8)
    stripes[::2] = 255
    shrunk = decode_and_resize(tf.constant(tf.io.encode_png(stripes).numpy()), (32, 32)).numpy()
    np.testing.assert_allclose(shrunk[1:-1, 1:-1], 0.5, atol=0.02)  # away from the border


def test_huge_images_stay_bounded():
    huge = tf.io.encode_jpeg(np.full((3000, 4000, 3), 200, np.uint8)).numpy()
    image = decode_and_resize(tf.constant(huge), (64, 64)).numpy()
    np.testing.assert_allclose(image, 200 / 255.0, atol=0.01)
    # A PNG announcing 10^10 pixels is refused before any decoding.
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    fake = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + header + b"\0" * 4
    with pytest.raises(tf.errors.InvalidArgumentError, match="larger than"):
        decode_and_resize(tf.constant(fake), (8, 8))


def test_serving_preprocessing_equals_training_pipeline(tmp_path):
    from seqkit.models.captioner import build_captioner
    from seqkit.samplers import get_sampler
    from seqkit.tasks.caption.data import image_dataset
    from seqkit.tasks.caption.serving import CaptionServing
    from seqkit.tokenizers import get_tokenizer

    blobs = encoded()
    paths = []
    for name, data in blobs.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    training = np.stack(list(image_dataset(paths, (48, 40)).as_numpy_iterator()))
    tokenizer = get_tokenizer("word")
    tokenizer.adapt(["a red circle"])
    model = build_captioner((48, 40), tokenizer.vocabulary_size, 6, encoder_filters=(4, 8), hidden_dim=8, embedding_dim=4)
    serving = CaptionServing(model, tokenizer, (48, 40), 6, get_sampler("greedy"))
    served = tf.function(serving.preprocess)(tf.constant(list(blobs.values()))).numpy()
    assert served.shape == (len(blobs), 48, 40, 3)
    np.testing.assert_array_equal(served, training)
    np.testing.assert_array_equal(decode_batch(tf.constant(list(blobs.values())), (48, 40)).numpy(), training)


def test_random_shift_moves_the_picture():
    image = tf.constant(RGB[:64, :64].astype(np.float32))
    shift = random_shift(3, seed=1)
    moved = [shift(image, i).numpy() for i in range(8)]
    assert all(m.shape == (64, 64, 3) for m in moved)
    assert any(not np.array_equal(m, image.numpy()) for m in moved)
    np.testing.assert_array_equal(shift(image, 5).numpy(), moved[5])  # deterministic per seed
    np.testing.assert_array_equal(random_shift(0, seed=1)(image, 3).numpy(), image.numpy())


@pytest.fixture
def captions_dir(tmp_path):
    blobs = encoded()
    (tmp_path / "images").mkdir()
    for name in ("rgb.png", "gray.png", "photo.jpg"):
        (tmp_path / "images" / name).write_bytes(blobs[name])
    (tmp_path / "images" / "notes.png").write_text("this is text, not an image\n")
    (tmp_path / "images" / "broken.png").write_bytes(blobs["rgb.png"][:300])
    return tmp_path


def test_check_image_file(captions_dir):
    images = captions_dir / "images"
    assert check_image_file(str(images / "gray.png")) is None
    assert check_image_file(str(images / "photo.jpg")) is None
    assert check_image_file(str(images / "missing.png")) == "image file not found"
    assert "not a PNG" in check_image_file(str(images / "notes.png"))
    assert "corrupt" in check_image_file(str(images / "broken.png"))


@pytest.mark.parametrize(
    "row, message, column",
    [
        ("images/missing.png,a cat", "image file not found: images/missing.png", "image"),
        ("images/notes.png,a cat", "not a PNG, JPEG, GIF or BMP image", "image"),
        ("images/broken.png,a cat", "corrupt image", "image"),
        ('images/rgb.png," "', "empty caption", "caption"),
    ],
)
def test_bad_rows_are_named(captions_dir, row, message, column):
    csv = captions_dir / "captions.csv"
    csv.write_text(f"image,caption\nimages/rgb.png,a red thing\nimages/gray.png,grey\n{row}\n")
    with pytest.raises(DataError, match=message) as error:
        load_image_captions(csv)
    assert (error.value.line, error.value.column) == (4, column)
    assert "\n" not in str(error.value)


def test_rows_relative_to_the_csv(captions_dir):
    csv = captions_dir / "captions.csv"
    csv.write_text("image,caption\nimages/rgb.png,a red thing\nimages/photo.jpg,a photo\nimages/rgb.png,again\n")
    table = load_image_captions(csv)
    assert table["paths"] == [str(captions_dir / "images" / n) for n in ("rgb.png", "photo.jpg", "rgb.png")]
    assert table["captions"] == ["a red thing", "a photo", "again"]
    assert table["lines"] == [2, 3, 4]
    assert load_image_captions(csv, caption_column=None, captions=False)["captions"] is None
