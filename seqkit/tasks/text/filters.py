"""Held-out phrase filters: `.apply` steps over datasets of CSV rows."""

import tensorflow as tf

from seqkit.data import filter_batched


def min_words(text_key, count):
    """A `.apply` step keeping rows whose `text_key` has >= `count` whitespace-separated words."""

    def long_enough(rows):
        words = tf.strings.split(tf.strings.strip(rows[text_key]))
        return words.row_lengths() >= count

    return filter_batched(long_enough)


def drop_phrases_of(held_out, text_key):
    """A `.apply` step dropping rows whose text is a contiguous word run of a `held_out` row.

    Reads `held_out` once (it is the small part) and looks each row up in a
    hash table of every word span of every held-out text.
    """
    spans = set()
    for row in held_out.as_numpy_iterator():
        words = row[text_key].decode("utf-8").split()
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                spans.add(" ".join(words[start:end]))
    if not spans:
        return lambda dataset: dataset
    keys = tf.constant(sorted(spans))
    table = tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(keys, tf.ones_like(keys, dtype=tf.int64)), default_value=0
    )

    def keep(rows):
        words = tf.strings.split(tf.strings.strip(rows[text_key]))
        return table.lookup(tf.strings.reduce_join(words, axis=-1, separator=" ")) == 0

    return filter_batched(keep)
