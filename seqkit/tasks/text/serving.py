"""In-graph text plumbing for serving modules: raw strings -> padded token ids."""

import tensorflow as tf

from seqkit.serving import ServingInput


def text_input(column, name="text"):
    """The serving input of one batch of raw strings read from CSV `column`."""
    return ServingInput(name=name, dtype="string", shape=(None,), column=column, read="text")


def text_signature(name="text"):
    """The `tf.function` input signature matching `text_input`."""
    return [tf.TensorSpec([None], tf.string, name=name)]


def pad_ids(ids, max_length, pad_id):
    """Ragged [B, (T)] ids -> dense int32 [B, max(1, min(T_max, max_length))]."""
    if not isinstance(ids, tf.RaggedTensor):
        ids = tf.RaggedTensor.from_tensor(ids, padding=pad_id)
    ids = tf.cast(ids[:, :max_length], tf.int32)
    dense = ids.to_tensor(default_value=pad_id)
    width = tf.maximum(tf.shape(dense)[1], 1)
    return tf.pad(dense, [[0, 0], [0, width - tf.shape(dense)[1]]], constant_values=pad_id)


def tokenize_padded(tokenizer, text, max_length):
    """Raw strings [B] -> int32 ids [B, T], first `max_length` tokens, padded with the pad id."""
    return pad_ids(tokenizer.tokenize(text), max_length, int(getattr(tokenizer, "pad_id", 0)))
