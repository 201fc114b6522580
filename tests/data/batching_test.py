import numpy as np
import pytest
import tensorflow as tf

from seqkit.data import batch_and_map
from seqkit.data import batch_by_tokens
from seqkit.data import bucket_by_length
from seqkit.data import cache
from seqkit.data import filter_batched
from seqkit.data import length_sorted_batches
from seqkit.data import make_label_lookup
from seqkit.data import many_to_one_fn
from seqkit.data import map_batched
from seqkit.data import padded_batch
from seqkit.data import parallel_map
from seqkit.data import prefetch
from seqkit.data import read_csv
from seqkit.data import shuffle
from seqkit.data import to_many_to_one


def _sequences(n=60, seed=0):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 30, size=n)
    seqs = [np.arange(1, L + 1, dtype=np.int32) + 100 * i for i, L in enumerate(lengths)]
    return tf.data.Dataset.from_generator(
        lambda: iter(seqs), output_signature=tf.TensorSpec([None], tf.int32)
    ), seqs


def _batches(ds):
    return [tuple(np.asarray(x).tolist() for x in tf.nest.flatten(b)) for b in ds.as_numpy_iterator()]


def _pipeline(path, tokenizer, seed):
    return (
        read_csv(path, quoting=False)
        .apply(shuffle(seed, buffer_size=100))
        .apply(to_many_to_one(tokenizer, make_label_lookup(["0", "1"]), text_key="sentence"))
        .apply(bucket_by_length([4, 8], [4, 4, 4]))
        .apply(prefetch())
    )


def test_same_seed_same_batches_other_seed_other_batches(write, make_tokenizer):
    lines = "".join(f"{'w ' * (i % 11 + 1)}x{i}\t{i % 2}\n" for i in range(80))
    path = write("t.tsv", "sentence\tlabel\n" + lines)
    tok = make_tokenizer([f"x{i}" for i in range(80)] + ["w"])
    first = _batches(_pipeline(path, tok, seed=5))
    assert first == _batches(_pipeline(path, tok, seed=5))
    assert first != _batches(_pipeline(path, tok, seed=6))
    assert sum(len(b[1]) for b in first) == 80


def test_reshuffles_each_epoch_deterministically():
    ds = tf.data.Dataset.range(50).apply(shuffle(seed=3))
    epoch1, epoch2 = list(ds.as_numpy_iterator()), list(ds.as_numpy_iterator())
    assert epoch1 != epoch2 and sorted(epoch1) == list(range(50))
    ds2 = tf.data.Dataset.range(50).apply(shuffle(seed=3))
    assert [list(ds2.as_numpy_iterator()) for _ in range(2)] == [epoch1, epoch2]


def test_padded_batch_pads_with_zero():
    ds = tf.data.Dataset.from_generator(
        lambda: iter([[5, 6, 7], [8]]), output_signature=tf.TensorSpec([None], tf.int32)
    )
    (batch,) = list(ds.apply(padded_batch(2)).as_numpy_iterator())
    np.testing.assert_array_equal(batch, [[5, 6, 7], [8, 0, 0]])


def test_bucket_by_length_groups_lengths():
    ds, seqs = _sequences()
    batches = list(ds.apply(bucket_by_length([10, 20], [4, 4, 4])).as_numpy_iterator())
    seen = []
    for batch in batches:
        lengths = (batch > 0).sum(axis=1)
        buckets = np.digitize(lengths, [10, 20])
        assert len(set(buckets)) == 1 and len(batch) <= 4
        assert batch.shape[1] == lengths.max()
        seen += [row[row > 0].tolist() for row in batch]
    assert sorted(seen) == sorted(s.tolist() for s in seqs)
    with pytest.raises(ValueError, match="one more entry"):
        bucket_by_length([10, 20], [4, 4])


def test_batch_by_tokens_stays_within_budget_and_covers():
    ds, seqs = _sequences(n=200)
    batches = list(ds.apply(batch_by_tokens(64, bucket_width=8)).as_numpy_iterator())
    assert all(b.shape[0] * b.shape[1] <= 64 for b in batches)
    rows = [row[row > 0].tolist() for b in batches for row in b]
    assert sorted(rows) == sorted(s.tolist() for s in seqs)
    # Short sequences share batches: far fewer batches than examples.
    assert len(batches) < 100


def test_batch_by_tokens_on_pairs_uses_the_longer_side():
    pairs = [(np.ones(n, np.int32), np.ones(2 * n, np.int32)) for n in range(1, 20)]
    ds = tf.data.Dataset.from_generator(
        lambda: iter(pairs),
        output_signature=(tf.TensorSpec([None], tf.int32), tf.TensorSpec([None], tf.int32)),
    )
    for source, target in ds.apply(batch_by_tokens(40)).as_numpy_iterator():
        assert target.shape[0] * target.shape[1] <= 40


def test_parallel_map_keeps_order_and_cache_prefetch_pass_through():
    ds = tf.data.Dataset.range(100).apply(parallel_map(lambda x: x * 2)).apply(cache()).apply(prefetch())
    assert list(ds.as_numpy_iterator()) == [2 * i for i in range(100)]


def test_map_batched_returns_dense_rows_in_order():
    ds = tf.data.Dataset.from_tensor_slices(["a b c", "d", "e f"]).apply(
        map_batched(lambda s: tf.strings.split(s), chunk_size=2)
    )
    assert ds.element_spec == tf.TensorSpec([None], tf.string)
    assert [x.tolist() for x in ds.as_numpy_iterator()] == [[b"a", b"b", b"c"], [b"d"], [b"e", b"f"]]


def _rows(batch):
    return [row[row > 0].tolist() for row in batch]


@pytest.mark.parametrize("n, batch_size, window_batches", [(70, 8, 4), (64, 8, 4), (5, 8, 3), (61, 7, 1)])
def test_length_sorted_batches_count_cover_and_padding(n, batch_size, window_batches):
    ds, seqs = _sequences(n=n)
    batches = list(ds.apply(length_sorted_batches(batch_size, window_batches, seed=2)).as_numpy_iterator())
    assert len(batches) == -(-n // batch_size)  # the cardinality the runner asserts
    seen = []
    for batch in batches:
        lengths = (batch > 0).sum(axis=1)
        assert batch.shape[1] == lengths.max()  # padded to its own longest row
        seen += _rows(batch)
    assert sorted(seen) == sorted(s.tolist() for s in seqs)  # every example exactly once
    assert sum(len(b) for b in batches) == n


def test_length_sorted_batches_sort_within_windows_without_seed():
    ds, seqs = _sequences(n=40)
    batches = list(ds.apply(length_sorted_batches(5, window_batches=4)).as_numpy_iterator())
    for window in range(2):
        got = [r for b in batches[4 * window: 4 * window + 4] for r in _rows(b)]
        expected = sorted((s.tolist() for s in seqs[20 * window: 20 * window + 20]), key=len)
        assert got == expected  # stable sort by length of that window's rows, in input order


def test_length_sorted_batches_are_seeded_and_reshuffled_each_epoch():
    ds, _ = _sequences(n=96)
    first = ds.apply(length_sorted_batches(4, window_batches=8, seed=7))
    epoch1 = [_rows(b) for b in first.as_numpy_iterator()]
    epoch2 = [_rows(b) for b in first.as_numpy_iterator()]
    again = ds.apply(length_sorted_batches(4, window_batches=8, seed=7))
    assert [[_rows(b) for b in again.as_numpy_iterator()] for _ in range(2)] == [epoch1, epoch2]
    other = [_rows(b) for b in ds.apply(length_sorted_batches(4, window_batches=8, seed=8)).as_numpy_iterator()]
    assert epoch1 != other and epoch1 != epoch2
    assert sorted(map(str, epoch1)) == sorted(map(str, other))  # the same batches, reordered


def test_length_sorted_batches_keep_fixed_components_aligned():
    pairs = [(np.full(n, n, np.int32), np.float32([n, -n])) for n in [5, 1, 3, 2, 4, 6, 1]]
    ds = tf.data.Dataset.from_generator(
        lambda: iter(pairs),
        output_signature=(tf.TensorSpec([None], tf.int32), tf.TensorSpec([2], tf.float32)),
    )
    batches = list(ds.apply(
        length_sorted_batches(3, window_batches=3, length_fn=lambda ids, label: tf.shape(ids)[0])
    ).as_numpy_iterator())
    assert [ids.shape for ids, _ in batches] == [(3, 2), (3, 5), (1, 6)]
    for ids, label in batches:
        np.testing.assert_array_equal(ids[:, 0], label[:, 0])  # rows and labels stay paired
    assert [row.tolist() for _, label in batches for row in label][:2] == [[1, -1], [1, -1]]


def test_length_sorted_batches_reject_bad_arguments():
    with pytest.raises(ValueError, match="window_batches"):
        length_sorted_batches(8, window_batches=0)
    with pytest.raises(ValueError, match="batch_size"):
        length_sorted_batches(0)
    with pytest.raises(ValueError, match="seed"):
        length_sorted_batches(8, seed="1")


def _split_words(rows):
    return tf.strings.to_number(tf.strings.split(rows), tf.int32)


def _word_rows(n=70, seed=0):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, 12, size=n)
    texts = [" ".join(str(100 * i + j + 1) for j in range(L)) for i, L in enumerate(lengths)]
    return tf.data.Dataset.from_tensor_slices(texts), [[100 * i + j + 1 for j in range(L)] for i, L in enumerate(lengths)]


@pytest.mark.parametrize("n, batch_size, window_batches", [(70, 8, 4), (64, 8, 4), (5, 8, 3), (61, 7, 1)])
def test_batch_and_map_matches_padded_batch_when_unsorted(n, batch_size, window_batches):
    rows, _ = _word_rows(n)
    got = list(rows.apply(batch_and_map(_split_words, batch_size, window_batches)).as_numpy_iterator())
    reference = rows.map(_split_words).padded_batch(batch_size)
    expected = list(reference.as_numpy_iterator())
    assert len(got) == len(expected) == -(-n // batch_size)
    for a, b in zip(got, expected):
        width = max(b.shape[1], 1)  # a batch of empty rows still has one (padding) step
        np.testing.assert_array_equal(a, np.pad(b, [(0, 0), (0, width - b.shape[1])]))


@pytest.mark.parametrize("n, batch_size, window_batches", [(70, 8, 4), (64, 8, 4), (5, 8, 3), (61, 7, 1)])
def test_batch_and_map_sorted_covers_each_row_once_with_less_padding(n, batch_size, window_batches):
    rows, seqs = _word_rows(n)
    sorted_batches = list(rows.apply(
        batch_and_map(_split_words, batch_size, window_batches, sort_by_length=True, seed=3)
    ).as_numpy_iterator())
    assert len(sorted_batches) == -(-n // batch_size)
    seen = [r for b in sorted_batches for r in _rows(b)]
    assert sorted(seen) == sorted(seqs)
    for batch in sorted_batches:
        assert batch.shape[1] == max((batch > 0).sum(axis=1).max(), 1)  # its own longest row
    plain = list(rows.apply(batch_and_map(_split_words, batch_size, window_batches)).as_numpy_iterator())
    assert sum(b.size for b in sorted_batches) <= sum(b.size for b in plain)


def test_batch_and_map_sorts_stably_within_windows_without_seed():
    rows, seqs = _word_rows(40)
    batches = list(rows.apply(batch_and_map(_split_words, 5, 4, sort_by_length=True)).as_numpy_iterator())
    for window in range(2):
        got = [r for b in batches[4 * window: 4 * window + 4] for r in _rows(b)]
        assert got == sorted(seqs[20 * window: 20 * window + 20], key=len)


def test_batch_and_map_is_seeded_and_reshuffled_each_epoch():
    rows, _ = _word_rows(96)
    make = lambda seed: rows.apply(batch_and_map(_split_words, 4, 8, sort_by_length=True, seed=seed))  # noqa: E731
    ds = make(7)
    epoch1, epoch2 = ([_rows(b) for b in ds.as_numpy_iterator()] for _ in range(2))
    again = make(7)
    assert [[_rows(b) for b in again.as_numpy_iterator()] for _ in range(2)] == [epoch1, epoch2]
    assert epoch1 != epoch2 and epoch1 != [_rows(b) for b in make(8).as_numpy_iterator()]


def test_batch_and_map_keeps_dict_rows_and_labels_aligned(write, make_tokenizer):
    texts = ["good film", "a very bad and dull film", "bad", "not good at all ok", "fine"]
    path = write("t.tsv", "sentence\tlabel\n" + "".join(f"{t}\t{i % 2}\n" for i, t in enumerate(texts)))
    tok = make_tokenizer(texts)
    fn = many_to_one_fn(tok, make_label_lookup(["0", "1"]), text_key="sentence", max_length=4)
    batches = list(read_csv(path).apply(batch_and_map(fn, 2, 3, sort_by_length=True)).as_numpy_iterator())
    expected = {tuple(tok(tf.constant([t]))[0].numpy()[:4].tolist()): i % 2 for i, t in enumerate(texts)}
    got = {tuple(row[row > 0].tolist()): int(label) for ids, labels in batches for row, label in zip(ids, labels)}
    assert got == expected and max(ids.shape[1] for ids, _ in batches) == 4
    assert [ids.dtype for ids, _ in batches] == [np.int32] * 3


def test_batch_and_map_rejects_bad_arguments():
    with pytest.raises(ValueError, match="batch_size"):
        batch_and_map(_split_words, 0)
    with pytest.raises(ValueError, match="window_batches"):
        batch_and_map(_split_words, 4, window_batches=0)
    with pytest.raises(ValueError, match="seed"):
        batch_and_map(_split_words, 4, seed=1.5)


def test_filter_batched_keeps_order_and_agrees_with_filter():
    rows = tf.data.Dataset.from_tensor_slices({"n": list(range(3000)), "s": [str(i) for i in range(3000)]})
    predicate = lambda block: tf.logical_or(block["n"] % 7 == 0, tf.strings.length(block["s"]) == 2)  # noqa: E731
    got = [int(r["n"]) for r in rows.apply(filter_batched(predicate, block_size=128)).as_numpy_iterator()]
    assert got == [i for i in range(3000) if i % 7 == 0 or len(str(i)) == 2]
    # Variable-length elements are judged one at a time, as blocks of one.
    dataset, arrays = _sequences(n=30)
    long_ones = dataset.apply(filter_batched(lambda block: tf.shape(block)[1:2] > 10))
    assert [len(s) for s in long_ones.as_numpy_iterator()] == [len(a) for a in arrays if len(a) > 10]


def test_round_up_width_pads_inputs_to_a_multiple_within_the_limit():
    from seqkit.data import round_up_width

    widths = [1, 3, 4, 5, 9, 10]
    batches = [(tf.reshape(tf.range(1, 2 * w + 1), [2, w]), tf.constant([w, w])) for w in widths]
    ds = tf.data.Dataset.from_generator(
        lambda: iter(batches),
        output_signature=(tf.TensorSpec([2, None], tf.int32), tf.TensorSpec([2], tf.int32)),
    ).apply(round_up_width(4, limit=10))
    got = list(ds)
    assert [x.shape[1] for x, _ in got] == [4, 4, 4, 8, 10, 10]  # 9 -> 12 capped at 10; 10 stays
    for (x, y), (before, labels) in zip(got, batches):
        w = before.shape[1]
        np.testing.assert_array_equal(x[:, :w], before)
        assert not np.any(x[:, w:])  # padded with 0
        np.testing.assert_array_equal(y, labels)
    with pytest.raises(ValueError, match="multiple"):
        round_up_width(0, limit=10)
