"""Class labels: string labels -> integer ids as a TF lookup table, and their asset file."""

import json
import pathlib

import tensorflow as tf

from seqkit.errors import DataError

UNKNOWN_LABEL_ID = -1


def make_label_lookup(labels, dtype=tf.int32):
    """Builds a `tf.lookup.StaticHashTable` mapping each label string to its index.

    Unknown labels map to -1. A pipeline should not meet one: check the file
    first with `validate_csv(..., label_column=..., known_labels=labels)`,
    which raises `DataError` naming the line. The table is graph-friendly (it
    works inside `Dataset.map` and in an exported SavedModel).

    Args:
        labels: list of str (or of ints, turned into their decimal strings),
            distinct, in id order.
        dtype: `tf.int32` or `tf.int64`. Defaults to `tf.int32`.

    Returns:
        `tf.lookup.StaticHashTable` from `tf.string` to `dtype`.

    >>> table = make_label_lookup(["neg", "pos"])
    >>> table.lookup(tf.constant(["pos", "neg", "meh"])).numpy().tolist()
    [1, 0, -1]
    """
    labels = [str(label) for label in labels]
    if not labels:
        raise ValueError("`labels` is empty.")
    if len(set(labels)) != len(labels):
        repeated = sorted({label for label in labels if labels.count(label) > 1})
        raise ValueError(f"`labels` must be distinct. Repeated: {repeated}")
    initializer = tf.lookup.KeyValueTensorInitializer(
        tf.constant(labels, tf.string), tf.range(len(labels), dtype=dtype)
    )
    return tf.lookup.StaticHashTable(initializer, default_value=tf.constant(UNKNOWN_LABEL_ID, dtype))


def save_labels(path, labels):
    """Writes the class names, in id order, as a JSON list (atomically).

    JSON keeps every label exactly, whatever it holds (spaces, newlines,
    quotes, any Unicode), so `load_labels` gives back the same list.

    Args:
        path: str or path-like, e.g. `assets/labels.json`.
        labels: list of str, distinct and non-empty.
    """
    from seqkit.run_dir import write_text

    labels = [str(label) for label in labels]
    write_text(path, json.dumps(labels, ensure_ascii=False, indent=0) + "\n")


def load_labels(path):
    """Reads the class names written by `save_labels`.

    Raises:
        DataError: the file is missing, is not JSON, or is not a list of
            distinct non-empty strings; names the file, quotes none of it.
    """
    path = pathlib.Path(path)
    try:
        labels = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError("the labels file is missing", path=path) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise DataError(f"cannot read the labels ({type(error).__name__})", path=path) from None
    if (
        not isinstance(labels, list)
        or len(labels) < 2
        or not all(isinstance(label, str) and label for label in labels)
        or len(set(labels)) != len(labels)
    ):
        raise DataError("expected a JSON list of at least 2 distinct non-empty label strings", path=path)
    return labels
