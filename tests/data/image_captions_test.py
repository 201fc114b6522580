import numpy as np
import pytest
import tensorflow as tf

from seqkit.data import read_image_captions
from seqkit.errors import DataError


@pytest.fixture
def images(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    pixels = {
        "red.png": np.tile(np.array([255, 0, 0], np.uint8), (2, 3, 1)),
        "blue.png": np.tile(np.array([0, 0, 255], np.uint8), (4, 4, 1)),
    }
    for name, array in pixels.items():
        (folder / name).write_bytes(tf.io.encode_png(array).numpy())
    captions = tmp_path / "captions.csv"
    captions.write_text('image,caption\nred.png,"a red, small square"\nblue.png,blue\nred.png,red again\n')
    return str(folder), str(captions), pixels


def test_bytes_and_captions(images):
    folder, captions, _ = images
    records = list(read_image_captions(folder, captions).as_numpy_iterator())
    assert [r["caption"] for r in records] == [b"a red, small square", b"blue", b"red again"]
    assert records[0]["image_path"].decode().endswith("images/red.png")
    assert records[1]["image"] == open(f"{folder}/blue.png", "rb").read()


def test_decoded_and_resized(images):
    folder, captions, pixels = images
    records = list(read_image_captions(folder, captions, decode=True).as_numpy_iterator())
    np.testing.assert_array_equal(records[0]["image"], pixels["red.png"])
    resized = next(read_image_captions(folder, captions, decode=True, image_size=(5, 5)).as_numpy_iterator())
    assert resized["image"].shape == (5, 5, 3)
    np.testing.assert_allclose(resized["image"][..., 0], 255.0)


def test_missing_image_is_reported(images, tmp_path):
    folder, _, _ = images
    captions = tmp_path / "c.csv"
    captions.write_text("image,caption\nred.png,x\ngreen.png,y\n")
    with pytest.raises(DataError, match="green.png") as e:
        read_image_captions(folder, str(captions))
    assert (e.value.line, e.value.column) == (3, "image")
    with pytest.raises(DataError, match="missing column 'caption_text'"):
        read_image_captions(folder, str(captions), caption_column="caption_text")
