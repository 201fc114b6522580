"""`read_image_captions`: image files named in a captions CSV."""

import csv
import os

import tensorflow as tf

from seqkit.data import files
from seqkit.data.csv_reader import read_csv
from seqkit.data.images import check_image_file
from seqkit.data.validate import validate_csv
from seqkit.errors import DataError


def read_image_captions(
    images_dir,
    captions_csv,
    image_column="image",
    caption_column="caption",
    decode=False,
    channels=3,
    image_size=None,
    delimiter=None,
    validate=True,
):
    """Reads (image, caption) pairs from a captions CSV and a folder of images.

    Each CSV row names an image file (relative to `images_dir`) and a caption;
    an image may appear on several rows (several captions). Image bytes are read
    with `tf.io.read_file` and, with `decode=True`, decoded with
    `tf.io.decode_image` (PNG, JPEG, GIF, BMP) and optionally resized.

    Args:
        images_dir: str. The folder holding the images.
        captions_csv: str. The CSV file (header required).
        image_column: str. The column with the image file name. Defaults to
            `"image"`.
        caption_column: str. The caption column. Defaults to `"caption"`.
        decode: bool. Decode to a `uint8` tensor `[height, width, channels]`
            (`float32` in [0, 255] once resized). Defaults to `False`.
        channels: int. Channels to decode to. Defaults to `3`.
        image_size: (height, width) or None. Resize decoded images (bilinear).
        delimiter: str or None. As in `read_csv`.
        validate: bool. Check the CSV (`validate_csv`) and that every image
            file exists, up front. Defaults to `True`.

    Returns:
        `tf.data.Dataset` of `{"image_path": tf.string, "image": tf.string
        bytes (or the decoded tensor), caption_column: tf.string}`.

    Raises:
        DataError: a missing folder, CSV, column or image file.
    """
    images_dir = os.fspath(images_dir)
    if not os.path.isdir(images_dir):
        raise DataError("image folder not found", path=images_dir)
    if image_size is not None and not decode:
        raise ValueError("`image_size` needs `decode=True`.")
    if validate:
        validate_csv(captions_csv, [image_column, caption_column], delimiter=delimiter)
        _check_images(images_dir, captions_csv, image_column, delimiter)
    dataset = read_csv(captions_csv, [image_column, caption_column], delimiter=delimiter)
    prefix = images_dir.rstrip("/") + "/"

    def load(record):
        image_path = prefix + record[image_column]
        image = tf.io.read_file(image_path)
        if decode:
            image = tf.io.decode_image(image, channels=channels, expand_animations=False)
            if image_size is not None:
                image = tf.image.resize(image, image_size)
        return {"image_path": image_path, "image": image, caption_column: record[caption_column]}

    return dataset.map(load, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)


def _check_images(images_dir, captions_csv, image_column, delimiter):
    delimiter = files.default_delimiter(captions_csv, delimiter)
    names = files.read_header(captions_csv, delimiter)
    at = names.index(image_column)
    lines = files.decoded_lines(captions_csv)
    next(lines)
    reader = csv.reader((text for _, text in lines), **files.csv_dialect(delimiter, True))
    for row in reader:
        name = row[at]
        if not os.path.isfile(os.path.join(images_dir, name)):
            raise DataError(
                f"image file {name!r} not found in {images_dir}",
                path=captions_csv,
                line=reader.line_num + 1,
                column=image_column,
            )


def load_image_captions(captions_csv, image_column="image", caption_column="caption", images_dir=None, captions=True):
    """Reads and checks every row of an image-captions CSV, up front.

    Image paths are relative to `images_dir` (default: the CSV's folder). Each
    distinct image is opened and decoded once (`check_image_file`), so a
    missing file, a corrupt image or a text file named `.png` is reported with
    the first CSV line that names it, before any training or scoring starts.

    Args:
        captions_csv: str. The CSV file (header required).
        image_column: str. Defaults to `"image"`.
        caption_column: str or None. Defaults to `"caption"`.
        images_dir: str or None. Defaults to the CSV's folder.
        captions: bool. Require the caption column and a non-empty caption on
            every row. Defaults to `True` (scoring passes `False`).

    Returns:
        dict with lists `paths` (image paths, joined to `images_dir`), `captions`
        (str, or None when `captions=False`) and `lines` (1-based CSV lines).

    Raises:
        DataError naming the file, line and column.
    """
    captions_csv = os.fspath(captions_csv)
    delimiter = files.default_delimiter(captions_csv, None)
    wanted = [image_column] + ([caption_column] if captions else [])
    validate_csv(captions_csv, wanted, delimiter=delimiter)
    images_dir = os.path.dirname(os.path.abspath(captions_csv)) if images_dir is None else os.fspath(images_dir)
    names = files.read_header(captions_csv, delimiter)
    image_at = names.index(image_column)
    caption_at = names.index(caption_column) if captions else None
    lines = files.decoded_lines(captions_csv)
    next(lines)
    reader = csv.reader((text for _, text in lines), **files.csv_dialect(delimiter, True))
    checked = {}
    out = {"paths": [], "captions": [] if captions else None, "lines": []}
    for row in reader:
        line = reader.line_num + 1
        name = row[image_at].strip()
        if not name:
            raise DataError("empty image path", path=captions_csv, line=line, column=image_column)
        path = os.path.join(images_dir, name)
        if path not in checked:
            checked[path] = check_image_file(path)
        if checked[path] is not None:
            raise DataError(f"{checked[path]}: {name}", path=captions_csv, line=line, column=image_column)
        if captions:
            text = row[caption_at].strip()
            if not text:
                raise DataError("empty caption", path=captions_csv, line=line, column=caption_column)
            out["captions"].append(text)
        out["paths"].append(path)
        out["lines"].append(line)
    if not out["paths"]:
        raise DataError("no rows", path=captions_csv)
    return out
