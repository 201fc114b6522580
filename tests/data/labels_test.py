import pytest
import tensorflow as tf

from seqkit.data import load_labels
from seqkit.data import make_label_lookup
from seqkit.data import save_labels
from seqkit.errors import DataError


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


def test_saved_labels_round_trip_whatever_they_hold(tmp_path):
    labels = ["0", " spaced ", "two\nlines", 'say "hi"', "ünïcode ✓", "tab\there", "[", "null!"]
    save_labels(tmp_path / "labels.json", labels)
    assert load_labels(tmp_path / "labels.json") == labels
    assert [p.name for p in tmp_path.iterdir()] == ["labels.json"]


@pytest.mark.parametrize(
    "text",
    ['["neg", "pos"', '{"a": 1}', '["only"]', '["a", "a"]', '["a", ""]', '["a", 3]', "\xff"],
)
def test_a_corrupt_labels_file_is_a_data_error_quoting_nothing(tmp_path, text):
    path = tmp_path / "labels.json"
    path.write_text(text, encoding="latin-1")
    with pytest.raises(DataError) as e:
        load_labels(path)
    assert e.value.path == str(path)
    assert text not in str(e.value)


def test_a_missing_labels_file_names_it(tmp_path):
    with pytest.raises(DataError, match="labels.json: the labels file is missing"):
        load_labels(tmp_path / "labels.json")
