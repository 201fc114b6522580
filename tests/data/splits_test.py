import pytest
import tensorflow as tf

from seqkit.data import read_parallel_text
from seqkit.data import split
from seqkit.data import split_in_order
from seqkit.data import take_split


def _values(ds):
    return list(ds.as_numpy_iterator())


def test_disjoint_covering_and_repeatable():
    ds = tf.data.Dataset.range(2000)
    train, val, test = split(ds, [0.8, 0.1, 0.1], seed=7)
    parts = [_values(p) for p in (train, val, test)]
    assert sorted(sum(parts, [])) == list(range(2000))
    assert len(set(parts[0]) & set(parts[1])) == 0 and len(set(parts[1]) & set(parts[2])) == 0
    assert 1500 < len(parts[0]) < 1700 and 120 < len(parts[1]) < 280
    again = split(tf.data.Dataset.range(2000), [0.8, 0.1, 0.1], seed=7)
    assert [_values(p) for p in again] == parts
    other = split(tf.data.Dataset.range(2000), [0.8, 0.1, 0.1], seed=8)
    assert _values(other[0]) != parts[0]


def test_rows_hashed_in_blocks_split_as_one_at_a_time():
    # Fixed-shape rows (what the readers give) are hashed a block at a time;
    # variable-length rows one at a time. Both must make the same decisions.
    n = 2500
    fixed = tf.data.Dataset.range(n)
    variable = fixed.map(lambda i: tf.fill(tf.expand_dims(i % 3 + 1, 0), i))
    for fractions in ([0.9, 0.1], [0.5, 0.3, 0.2]):
        blocks = split(fixed, fractions, seed=11)
        rows = split(variable, fractions, seed=11)
        for a, b in zip(blocks, rows):
            assert _values(a) == [int(v[0]) for v in b.as_numpy_iterator()]
    keyed = tf.data.Dataset.from_tensor_slices({"k": [f"s{i % 37}" for i in range(n)], "i": list(range(n))})
    keyed_variable = keyed.map(lambda r: {"k": r["k"], "i": tf.fill(tf.expand_dims(r["i"] % 2 + 1, 0), r["i"])})
    for a, b in zip(split(keyed, [0.7, 0.3], 5, key="k"), split(keyed_variable, [0.7, 0.3], 5, key="k")):
        assert [int(r["i"]) for r in a.as_numpy_iterator()] == [int(r["i"][0]) for r in b.as_numpy_iterator()]


def test_named_fractions_and_take_split_agree():
    ds = tf.data.Dataset.range(500)
    fractions = {"train": 0.7, "validation": 0.2, "test": 0.1}
    parts = split(ds, fractions, seed=3)
    assert list(parts) == ["train", "validation", "test"]
    assert _values(ds.apply(take_split(fractions, "validation", seed=3))) == _values(parts["validation"])
    with pytest.raises(ValueError, match="sum to 1"):
        split(ds, [0.5, 0.4], seed=3)
    with pytest.raises(ValueError, match="Unknown split part"):
        take_split(fractions, "dev", seed=3)


def test_key_keeps_duplicates_together():
    ds = tf.data.Dataset.from_tensor_slices(
        {"source": ["a", "b", "a", "c", "a", "b"] * 20, "target": [str(i) for i in range(120)]}
    )
    train, test = split(ds, [0.5, 0.5], seed=1, key="source")
    seen_train = {r["source"] for r in _values(train)}
    seen_test = {r["source"] for r in _values(test)}
    assert not seen_train & seen_test
    assert len(_values(train)) + len(_values(test)) == 120


def test_split_in_order_is_contiguous():
    train, val, test = split_in_order(tf.data.Dataset.range(10), [0.6, 0.2, 0.2], 10)
    assert (_values(train), _values(val), _values(test)) == ([0, 1, 2, 3, 4, 5], [6, 7], [8, 9])


def test_spa_eng_split_by_english_side(shared_data):
    ds = read_parallel_text(shared_data / "translation" / "spa-eng" / "spa.txt", validate=False).take(3000)
    train, test = split(ds, [0.9, 0.1], seed=0, key="source")
    train_src = {r["source"] for r in _values(train)}
    test_src = {r["source"] for r in _values(test)}
    assert not train_src & test_src
    assert len(_values(train)) + len(_values(test)) == 3000
