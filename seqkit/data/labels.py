"""`make_label_lookup`: string labels -> integer ids as a TF lookup table."""

import tensorflow as tf

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
