import pytest
import tensorflow as tf

from seqkit.data import make_label_lookup


def test_ids_in_order_and_unknown_is_minus_one():
    table = make_label_lookup(["neg", "pos", "mixed"])
    ids = table.lookup(tf.constant(["mixed", "neg", "pos", "???"]))
    assert ids.dtype == tf.int32 and ids.numpy().tolist() == [2, 0, 1, -1]


def test_int_labels_and_int64():
    table = make_label_lookup([0, 1], dtype=tf.int64)
    assert table.lookup(tf.constant(["1", "0"])).numpy().tolist() == [1, 0]


def test_works_inside_dataset_map():
    table = make_label_lookup(["a", "b"])
    ds = tf.data.Dataset.from_tensor_slices(["b", "a"]).map(table.lookup)
    assert list(ds.as_numpy_iterator()) == [1, 0]


def test_bad_labels():
    with pytest.raises(ValueError, match="distinct"):
        make_label_lookup(["a", "b", "a"])
    with pytest.raises(ValueError, match="empty"):
        make_label_lookup([])
