"""Byte tokenizer: one id per UTF-8 byte, no vocabulary to learn."""

import tensorflow as tf

from seqkit.tokenizers import vocabulary as vocab_lib
from seqkit.tokenizers.tokenizer import Tokenizer


def byte_vocabulary():
    """The fixed byte vocabulary: reserved tokens, then `<0x00>` ... `<0xFF>`."""
    return list(vocab_lib.RESERVED_TOKENS) + [f"<0x{b:02X}>" for b in range(256)]


class ByteTokenizer(Tokenizer):
    """Maps each byte of the UTF-8 encoding to `byte + 5` (past the reserved ids).

    The vocabulary is fixed (261 ids, tokens named `<0x00>` ... `<0xFF>`), so
    `adapt` does nothing and nothing is ever unknown. `detokenize` is an exact
    inverse for any input bytes; `[UNK]` ids come back as U+FFFD. Core TF ops
    only (`tf.strings.bytes_split`, `tf.io.decode_raw`).

    >>> tok = ByteTokenizer()
    >>> tok("hé").numpy().tolist()
    [109, 200, 174]
    >>> tok.detokenize([109, 200, 174]).numpy().decode()
    'hé'
    """

    kind = "byte"
    unknown_text = "\ufffd"
    separator = ""

    def __init__(self, vocabulary=None, name=None):
        super().__init__(vocabulary=None, name=name)
        if vocabulary is not None:
            if not isinstance(vocabulary, (list, tuple)):
                vocabulary = self._read_vocabulary_file(vocabulary)
            if list(vocabulary) != byte_vocabulary():
                raise ValueError(
                    "ByteTokenizer has a fixed vocabulary (reserved tokens then "
                    "<0x00> ... <0xFF>); the one given differs."
                )
        self.set_vocabulary(byte_vocabulary())

    def _build_tables(self, tokens):
        # Only id -> bytes is needed; tokenizing is arithmetic on byte values.
        ids = tf.range(len(tokens), dtype=tf.int64)
        texts = [token.encode("utf-8") for token in tokens[: vocab_lib.NUM_RESERVED]]
        texts[vocab_lib.UNK_ID] = self.unknown_text.encode("utf-8")
        texts += [bytes([b]) for b in range(256)]
        self._token_table = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(
                tf.constant(tokens, tf.string), ids
            ),
            default_value=vocab_lib.UNK_ID,
        )
        self._id_table = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(ids, tf.constant(texts, tf.string)),
            default_value=self.unknown_text,
        )

    def adapt(self, texts, max_size=None, min_frequency=1, batch_size=1024):
        """A no-op: the byte vocabulary is fixed. Returns self."""
        return self

    def _tokenize(self, strings):
        pieces = tf.strings.bytes_split(strings)
        values = tf.reshape(tf.io.decode_raw(pieces.flat_values, tf.uint8), [-1])
        return pieces.with_flat_values(
            tf.cast(values, tf.int32) + vocab_lib.NUM_RESERVED
        )
