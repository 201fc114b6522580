"""The `Tokenizer` base class: the contract every seqkit tokenizer keeps."""

import json
import os

import tensorflow as tf

from seqkit.tokenizers import vocabulary as vocab_lib

TOKENIZER_CONFIG = "tokenizer.json"
VOCABULARY_FILE = "vocab.txt"
FORMAT_VERSION = 1


class Tokenizer(tf.Module):
    """Base class of seqkit tokenizers: strings in, int32 ids out, in TF graph ops.

    A subclass defines `kind`, `options` (the constructor arguments other than
    the vocabulary, JSON-serializable), `_split` (strings -> ragged units counted
    by `adapt`) and `_tokenize` / `_detokenize`. The base class handles ranks,
    the lookup tables, `adapt`, `save` and the introspection helpers.

    Lookup tables are `tf.lookup.StaticHashTable`s initialised from the
    vocabulary held in memory (`KeyValueTensorInitializer`). They are tracked
    resources of this `tf.Module`, so a `tf.function` that calls the tokenizer
    and is saved with `tf.saved_model.save` carries the vocabulary with it and
    needs no Python to run after loading.

    Args:
        vocabulary: list of str, path to a `vocab.txt`, or None. A vocabulary
            starting with `RESERVED_TOKENS`; `None` leaves the tokenizer
            unusable until `adapt` is called. Defaults to `None`.
        name: str or None. The `tf.Module` name.
    """

    kind = None
    # The file `save` writes beside `tokenizer.json` and the `tokenizer.json`
    # key that names it; `load_tokenizer` passes its path to the constructor
    # as the first argument.
    asset_file = VOCABULARY_FILE
    asset_key = "vocabulary_file"
    # What `[UNK]` becomes in `detokenize` output.
    unknown_text = vocab_lib.UNK_TOKEN
    # What `detokenize` puts between tokens.
    separator = " "

    def __init__(self, vocabulary=None, name=None):
        super().__init__(name=name)
        # A plain tuple/dict would be wrapped for checkpoint tracking by
        # tf.Module; a small holder object keeps them out of the object graph.
        self._vocab = _VocabularyHolder(())
        self._token_table = None
        self._id_table = None
        if vocabulary is not None:
            if isinstance(vocabulary, (str, os.PathLike)):
                vocabulary = self._read_vocabulary_file(vocabulary)
            self.set_vocabulary(vocabulary)

    # ----------------------------------------------------------------- options
    @property
    def options(self):
        """dict: the constructor arguments (without the vocabulary), for save."""
        return {}

    # ------------------------------------------------------------- vocabulary
    def set_vocabulary(self, tokens):
        """Replaces the vocabulary (a list of str starting with RESERVED_TOKENS)."""
        tokens = vocab_lib.check_vocabulary(tokens)
        self._vocab = _VocabularyHolder(tokens)
        self._build_tables(tokens)

    def _build_tables(self, tokens):
        ids = tf.range(len(tokens), dtype=tf.int64)
        self._token_table = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(
                tf.constant(tokens, tf.string), ids
            ),
            default_value=vocab_lib.UNK_ID,
        )
        texts = list(tokens)
        texts[vocab_lib.UNK_ID] = self.unknown_text
        self._id_table = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(ids, tf.constant(texts, tf.string)),
            default_value=self.unknown_text,
        )

    def adapt(self, texts, max_size=None, min_frequency=1, batch_size=1024):
        """Builds the vocabulary from a corpus, streaming it in batches.

        Units (words, characters, ...) are split exactly as `tokenize` splits
        them, counted, and ordered by frequency (descending) then by the unit
        itself; see `seqkit.tokenizers.vocabulary.build_vocabulary`.

        Args:
            texts: an iterable of Python str (or UTF-8 bytes), or a
                `tf.data.Dataset` of scalar (or rank-1 batches of) tf.string.
            max_size: int or None. The largest vocabulary size, the reserved
                tokens included. Defaults to `None` (no limit).
            min_frequency: int. Units seen fewer times map to `[UNK]`.
                Defaults to `1`.
            batch_size: int. Strings split per TF call. Defaults to `1024`.

        Returns:
            self, so `get_tokenizer("word").adapt(texts)` can be chained.
        """
        counts = vocab_lib.count_tokens(
            self._split(batch).flat_values.numpy()
            for batch in iterate_string_batches(texts, batch_size)
        )
        self.set_vocabulary(self._vocabulary_from_counts(counts, max_size, min_frequency))
        return self

    def _vocabulary_from_counts(self, counts, max_size, min_frequency):
        return vocab_lib.build_vocabulary(counts, max_size, min_frequency)

    @property
    def vocabulary(self):
        """list of str: the tokens, index = id."""
        return list(self._vocab.tokens)

    @property
    def vocabulary_size(self):
        """int: the number of ids, reserved ones included."""
        return len(self._vocab.tokens)

    pad_id = vocab_lib.PAD_ID
    unk_id = vocab_lib.UNK_ID
    start_id = vocab_lib.START_ID
    end_id = vocab_lib.END_ID
    mask_id = vocab_lib.MASK_ID

    def token_to_id(self, token):
        """The id of `token` (a str), or `unk_id` when it is not in the vocabulary."""
        self._check_ready()
        return self._vocab.index.get(token, vocab_lib.UNK_ID)

    def id_to_token(self, token_id):
        """The token (str) of `token_id`; raises ValueError when out of range."""
        self._check_ready()
        token_id = int(token_id)
        if not 0 <= token_id < self.vocabulary_size:
            raise ValueError(
                f"Token id out of range [0, {self.vocabulary_size}). "
                f"Received: token_id={token_id}"
            )
        return self._vocab.tokens[token_id]

    # --------------------------------------------------------------- tokenize
    def __call__(self, strings):
        return self.tokenize(strings)

    def tokenize(self, strings):
        """Turns strings into token ids.

        Args:
            strings: tf.string tensor (or Python str / list of str) of rank 0
                or 1.

        Returns:
            rank 1 input: a `tf.RaggedTensor` of int32 ids, shape
            `[batch, (tokens)]`; rank 0 input: a dense int32 tensor of shape
            `[tokens]`.
        """
        self._check_ready()
        strings = tf.convert_to_tensor(strings, dtype=tf.string)
        rank = strings.shape.rank
        if rank == 0:
            return self._tokenize(strings[tf.newaxis])[0]
        if rank != 1:
            raise ValueError(
                f"tokenize expects a scalar or a rank-1 batch of strings. "
                f"Received: a tensor of shape {strings.shape}"
            )
        return self._tokenize(strings)

    def detokenize(self, ids):
        """Turns ids back into strings.

        `[PAD]`, `[START]`, `[END]` and `[MASK]` ids are dropped (so padded
        dense batches work); `[UNK]` and ids outside the vocabulary become
        `unknown_text`.

        Args:
            ids: int tensor, `tf.RaggedTensor` or nested lists: rank 1 (one
                sequence) or rank 2 (a batch, ragged or padded).

        Returns:
            a scalar tf.string for rank 1 input, shape `[batch]` for rank 2.
        """
        self._check_ready()
        if not isinstance(ids, tf.RaggedTensor):
            ids = tf.convert_to_tensor(ids)
        rank = ids.shape.rank
        if rank == 1:
            return self.detokenize(ids[tf.newaxis])[0]
        if rank != 2:
            raise ValueError(
                f"detokenize expects ids of rank 1 or 2. Received: shape {ids.shape}"
            )
        if not isinstance(ids, tf.RaggedTensor):
            ids = tf.RaggedTensor.from_tensor(ids)
        ids = tf.cast(ids, tf.int64)
        in_range = (ids.flat_values >= 0) & (ids.flat_values < self.vocabulary_size)
        flat = tf.where(in_range, ids.flat_values, vocab_lib.UNK_ID)
        keep = (flat >= vocab_lib.NUM_RESERVED) | tf.equal(flat, vocab_lib.UNK_ID)
        ids = tf.ragged.boolean_mask(ids.with_flat_values(flat), ids.with_flat_values(keep))
        return self._detokenize(ids)

    def _tokenize(self, strings):
        units = self._split(strings)
        ids = self._token_table.lookup(units.flat_values)
        return units.with_flat_values(tf.cast(ids, tf.int32))

    def _detokenize(self, ids):
        tokens = ids.with_flat_values(self._id_table.lookup(ids.flat_values))
        return tf.strings.reduce_join(tokens, axis=-1, separator=self.separator)

    def _split(self, strings):
        raise NotImplementedError

    def _check_ready(self):
        if not self._vocab.tokens:
            raise ValueError(
                f"This {type(self).__name__} has no vocabulary yet: call "
                f"adapt(texts) or pass vocabulary= first."
            )

    # -------------------------------------------------------------- serving
    @property
    def serving_ops(self):
        """list of str: the TF op types in the graph of `tokenize` on `[None]` strings.

        Traced with `tf.function`; ops in nested functions (loops, conds) count.
        """
        self._check_ready()
        function = tf.function(
            self.tokenize, input_signature=[tf.TensorSpec([None], tf.string)]
        )
        return sorted(graph_op_types(function.get_concrete_function().graph))

    @property
    def tensorflow_text_ops(self):
        """list of str: the `serving_ops` that core TensorFlow does not define.

        These come from tensorflow-text; a TF Serving binary must link them.
        """
        return [op for op in self.serving_ops if not hasattr(tf.raw_ops, op)]

    # ---------------------------------------------------------- persistence
    def save(self, directory):
        """Writes `tokenizer.json` (kind and options) and `asset_file` to `directory`.

        `asset_file` is `vocab.txt` unless a subclass says otherwise. Both
        files are written atomically; the directory is created if needed.
        """
        self._check_ready()
        os.makedirs(directory, exist_ok=True)
        self._save_asset(os.path.join(directory, self.asset_file))
        config = {
            "kind": self.kind,
            "options": self.options,
            self.asset_key: self.asset_file,
            "vocabulary_size": self.vocabulary_size,
            "reserved_tokens": list(vocab_lib.RESERVED_TOKENS),
            "format_version": FORMAT_VERSION,
        }
        vocab_lib.write_lines_atomic(
            os.path.join(directory, TOKENIZER_CONFIG),
            [json.dumps(config, indent=2, ensure_ascii=False)],
        )

    def _save_asset(self, path):
        vocab_lib.save_vocabulary(
            path, [self._encode_vocabulary_line(token) for token in self._vocab.tokens]
        )

    @classmethod
    def _read_vocabulary_file(cls, path):
        tokens = vocab_lib.load_vocabulary(path)
        return [cls._decode_vocabulary_line(line) for line in tokens]

    @staticmethod
    def _encode_vocabulary_line(token):
        return token

    @staticmethod
    def _decode_vocabulary_line(line):
        return line

    def __repr__(self):
        size = self.vocabulary_size if self._vocab.tokens else None
        return f"{type(self).__name__}(vocabulary_size={size}, options={self.options})"


class _VocabularyHolder:
    """Plain Python holder for the tokens and their index (not tracked by TF)."""

    def __init__(self, tokens):
        self.tokens = tuple(tokens)
        self.index = {token: i for i, token in enumerate(self.tokens)}


def graph_op_types(graph):
    """set of str: the op types in a `tf.Graph`, those of its nested functions included."""
    op_types = {op.type for op in graph.get_operations()}
    for nested in graph.as_graph_def().library.function:
        op_types.update(node.op for node in nested.node_def)
    return op_types


def iterate_string_batches(texts, batch_size):
    """Yields rank-1 tf.string tensors of at most `batch_size` from `texts`.

    Args:
        texts: an iterable of str/bytes, or a `tf.data.Dataset` of tf.string
            scalars or rank-1 batches.
        batch_size: int.
    """
    if isinstance(texts, tf.data.Dataset):
        spec = texts.element_spec
        if not (isinstance(spec, tf.TensorSpec) and spec.dtype == tf.string):
            raise ValueError(
                f"adapt needs a dataset of tf.string tensors. Received element_spec={spec}"
            )
        if spec.shape.rank == 0:
            texts = texts.batch(batch_size)
        elif spec.shape.rank != 1:
            raise ValueError(
                f"adapt needs a dataset of scalar strings (or rank-1 batches). "
                f"Received element_spec={spec}"
            )
        for batch in texts:
            yield batch
        return
    if isinstance(texts, (str, bytes)):
        raise TypeError(
            "adapt needs an iterable of strings, not a single string; "
            "wrap it in a list: adapt([text])"
        )
    batch = []
    for index, text in enumerate(texts):
        if not isinstance(text, (str, bytes)):
            raise TypeError(
                f"adapt needs str or bytes items. Received: {type(text).__name__} "
                f"at index {index}"
            )
        batch.append(text)
        if len(batch) == batch_size:
            yield tf.constant(batch, tf.string)
            batch = []
    if batch:
        yield tf.constant(batch, tf.string)
