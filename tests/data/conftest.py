"""Fixtures for the data tests: a tiny stand-in word tokenizer and file writers."""

import pytest
import tensorflow as tf


class StandInTokenizer:
    """Whitespace tokenizer over a fixed vocabulary, with the seqkit reserved ids.

    Ids: 0 [PAD], 1 [UNK], 2 [START], 3 [END], 4 [MASK], then `words` from 5.
    It follows the tokenizer contract of docs/DESIGN.md (rank-1 strings ->
    ragged int32, rank-0 -> rank-1) without depending on seqkit.tokenizers.
    """

    pad_id, unk_id, start_id, end_id = 0, 1, 2, 3

    def __init__(self, words):
        self.words = list(words)
        self.table = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(
                tf.constant(self.words), tf.range(5, 5 + len(self.words), dtype=tf.int64)
            ),
            default_value=tf.constant(self.unk_id, tf.int64),
        )

    def __call__(self, strings):
        tokens = tf.strings.split(tf.strings.lower(strings))
        if isinstance(tokens, tf.RaggedTensor):
            ids = tf.ragged.map_flat_values(self.table.lookup, tokens)
        else:
            ids = self.table.lookup(tokens)
        return tf.cast(ids, tf.int32)


@pytest.fixture
def make_tokenizer():
    return StandInTokenizer


@pytest.fixture
def write(tmp_path):
    """write(name, content) -> path; str content is UTF-8 encoded, bytes written as is."""

    def _write(name, content):
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return str(path)

    return _write


def rows(dataset):
    """A dataset of dicts of scalars as a list of dicts of Python values (bytes decoded)."""
    out = []
    for record in dataset.as_numpy_iterator():
        out.append({k: v.decode("utf-8") if isinstance(v, bytes) else v for k, v in record.items()})
    return out


@pytest.fixture
def as_rows():
    return rows
