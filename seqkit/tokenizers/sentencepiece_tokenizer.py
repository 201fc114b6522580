"""SentencePiece subword tokenizer (a unigram or BPE model trained with sentencepiece)."""

import io
import os

import sentencepiece as spm
import tensorflow as tf
from google.protobuf.message import DecodeError
from sentencepiece import sentencepiece_model_pb2

from seqkit.errors import DataError
from seqkit.run_dir import atomic_write
from seqkit.tokenizers import vocabulary as vocab_lib
from seqkit.tokenizers.tokenizer import Tokenizer
from seqkit.tokenizers.tokenizer import graph_op_types
from seqkit.tokenizers.tokenizer import iterate_string_batches

MODEL_FILE = "sentencepiece.model"
DEFAULT_MAX_SIZE = 8000
ALGORITHMS = ("unigram", "bpe")
NORMALIZATIONS = ("nmt_nfkc", "nfkc", "identity")
# The trainer skips longer training sentences (its own default is 4192 bytes).
MAX_SENTENCE_BYTES = 1 << 16
# SentencePiece's piece types: what each reserved id must be in a model.
_PIECE_TYPE = sentencepiece_model_pb2.ModelProto.SentencePiece.Type
_RESERVED_TYPES = (
    _PIECE_TYPE.CONTROL,  # [PAD]
    _PIECE_TYPE.UNKNOWN,  # [UNK]
    _PIECE_TYPE.CONTROL,  # [START]
    _PIECE_TYPE.CONTROL,  # [END]
    _PIECE_TYPE.CONTROL,  # [MASK]
)
_SPACE = "\u2581"  # SentencePiece's visible space, "▁"


class SentencePieceTokenizer(Tokenizer):
    """Splits raw text into SentencePiece subwords (`"▁token", "izer", "s"`).

    `adapt` trains a SentencePiece model (unigram language model by default,
    or BPE) on the corpus with the `sentencepiece` package, in memory, on one
    thread, so the same corpus and options give the same model. The reserved
    tokens keep seqkit's ids: `[PAD]`=0, `[UNK]`=1, `[START]`=2, `[END]`=3 are
    SentencePiece's pad/unk/bos/eos pieces and `[MASK]`=4 a control symbol;
    like the other four, it is never matched in input text (a literal
    `"[MASK]"` in the data stays text).

    Tokenizing needs no pre-tokenization: SentencePiece normalizes the text
    (`normalization`, `lowercase`), collapses runs of whitespace and marks
    word starts with `▁`. It runs as TF graph ops from tensorflow-text
    (`tensorflow_text.SentencepieceTokenizer`); the serialized model is an
    attribute of the `SentencepieceOp` that creates the model resource, so
    `tf.saved_model.save` writes it into `saved_model.pb` (no separate asset).
    A process that loads such a SavedModel must `import tensorflow_text`, and
    a TF Serving binary must link the ops in `tensorflow_text_ops`.

    `detokenize(tokenize(x)) == normalize(x)` exactly when no piece is
    unknown. Characters the model never saw map to `[UNK]` (and come back as
    the text `"[UNK]"`) unless `byte_fallback=True`, which spells them as
    UTF-8 byte pieces instead, at the cost of 256 vocabulary entries.

    Args:
        proto: bytes (a serialized SentencePiece `ModelProto` whose first five
            pieces are seqkit's reserved tokens), path to a
            `sentencepiece.model` file, or None (call `adapt`).
            Defaults to `None`.
        algorithm: `"unigram"` or `"bpe"`. Defaults to `"unigram"`.
        lowercase: bool. Unicode case folding as part of normalization.
            Defaults to `False`.
        normalization: `"nmt_nfkc"` (NFKC plus SentencePiece's NMT clean-up of
            spaces and control characters), `"nfkc"` or `"identity"`.
            Defaults to `"nmt_nfkc"`.
        byte_fallback: bool. Spell unknown characters as UTF-8 bytes.
            Defaults to `False`.
        character_coverage: float in (0, 1]. The share of the corpus'
            characters `adapt` keeps in the model; the rarest of the rest map
            to `[UNK]`. Defaults to `1.0` (every character seen).
        name: str or None. The `tf.Module` name.

    >>> tok = SentencePieceTokenizer().adapt(["a cat sat", "a cat ran"], max_size=30)
    >>> tok.detokenize(tok("a cat ran")).numpy().decode()
    'a cat ran'

    References:
        Kudo and Richardson, 2018, "SentencePiece: A simple and language
        independent subword tokenizer and detokenizer for Neural Text
        Processing" (https://arxiv.org/abs/1808.06226); Kudo, 2018, "Subword
        Regularization" (https://arxiv.org/abs/1804.10959).
    """

    kind = "sentencepiece"
    asset_file = MODEL_FILE
    asset_key = "model_file"

    def __init__(
        self,
        proto=None,
        algorithm="unigram",
        lowercase=False,
        normalization="nmt_nfkc",
        byte_fallback=False,
        character_coverage=1.0,
        name=None,
    ):
        if algorithm not in ALGORITHMS:
            raise ValueError(
                f"algorithm must be one of {ALGORITHMS}. Received: algorithm={algorithm!r}"
            )
        if normalization not in NORMALIZATIONS:
            raise ValueError(
                f"normalization must be one of {NORMALIZATIONS}. "
                f"Received: normalization={normalization!r}"
            )
        if lowercase and normalization == "identity":
            raise ValueError(
                "lowercase=True needs a normalization that can fold case "
                "('nmt_nfkc' or 'nfkc'). Received: normalization='identity'"
            )
        if not 0 < character_coverage <= 1:
            raise ValueError(
                f"character_coverage must be in (0, 1]. "
                f"Received: character_coverage={character_coverage!r}"
            )
        self.algorithm = algorithm
        self.lowercase = bool(lowercase)
        self.normalization = normalization
        self.byte_fallback = bool(byte_fallback)
        self.character_coverage = float(character_coverage)
        self._proto = None
        self._processor = None
        self._sentencepiece = None
        super().__init__(vocabulary=None, name=name)
        if isinstance(proto, (str, os.PathLike)):
            path = os.fspath(proto)
            try:
                self.set_model(_read_model_file(path))
            except ValueError as error:
                raise DataError(f"not a usable SentencePiece model: {error}", path=path) from None
        elif proto is not None:
            self.set_model(proto)

    @property
    def options(self):
        return {
            "algorithm": self.algorithm,
            "lowercase": self.lowercase,
            "normalization": self.normalization,
            "byte_fallback": self.byte_fallback,
            "character_coverage": self.character_coverage,
        }

    @property
    def _normalization_rule(self):
        return self.normalization + "_cf" if self.lowercase else self.normalization

    # ------------------------------------------------------------------ model
    @property
    def proto(self):
        """bytes: the serialized SentencePiece model, or None before `adapt`."""
        return self._proto

    def set_model(self, proto):
        """Replaces the model with a serialized SentencePiece `ModelProto` (bytes).

        Raises:
            ValueError: the bytes are not a model, its first five pieces are
                not seqkit's reserved tokens (as control pieces, `[UNK]` as
                the unknown piece), or it was trained with other options
                (`algorithm`, `lowercase`, `normalization`, `byte_fallback`)
                than this tokenizer's.
        """
        if not isinstance(proto, bytes):
            raise TypeError(
                f"proto must be bytes (a serialized SentencePiece model). "
                f"Received: {type(proto).__name__}"
            )
        model = sentencepiece_model_pb2.ModelProto()
        try:
            model.ParseFromString(proto)
        except DecodeError as error:
            raise ValueError(f"cannot parse the SentencePiece model: {error}") from None
        pieces = [piece.piece for piece in model.pieces]
        types = tuple(piece.type for piece in model.pieces[: vocab_lib.NUM_RESERVED])
        if tuple(pieces[: vocab_lib.NUM_RESERVED]) != vocab_lib.RESERVED_TOKENS or (
            types != _RESERVED_TYPES
        ):
            raise ValueError(
                f"A SentencePiece model for seqkit starts with the reserved tokens "
                f"{list(vocab_lib.RESERVED_TOKENS)} as control pieces ([UNK] the "
                f"unknown piece); this model's first {vocab_lib.NUM_RESERVED} pieces are not"
            )
        vocab_lib.check_vocabulary(pieces)
        self._check_trained_like_this(model)
        try:
            processor = spm.SentencePieceProcessor(model_proto=proto)
        except RuntimeError as error:
            raise ValueError(f"sentencepiece cannot load the model: {error}") from None
        self._proto = proto
        self._processor = processor
        super().set_vocabulary(pieces)

    def _build_tables(self, tokens):
        # Ids come from the model itself; no lookup tables are needed.
        import tensorflow_text as tf_text

        self._sentencepiece = tf_text.SentencepieceTokenizer(
            model=self._proto, out_type=tf.int32
        )

    def _check_trained_like_this(self, model):
        trained = {
            "algorithm": sentencepiece_model_pb2.TrainerSpec.ModelType.Name(
                model.trainer_spec.model_type
            ).lower(),
            "normalization rule": model.normalizer_spec.name,
            "byte_fallback": model.trainer_spec.byte_fallback,
        }
        wanted = {
            "algorithm": self.algorithm,
            "normalization rule": self._normalization_rule,
            "byte_fallback": self.byte_fallback,
        }
        for key, value in trained.items():
            if value != wanted[key]:
                raise ValueError(
                    f"the model was trained with {key} {value!r} but this tokenizer "
                    f"has {wanted[key]!r}; pass the options it was trained with"
                )

    def set_vocabulary(self, tokens):
        raise ValueError(
            "A SentencePieceTokenizer's vocabulary comes with its model: call "
            "adapt(texts) or set_model(proto)."
        )

    def adapt(self, texts, max_size=None, min_frequency=1, batch_size=1024):
        """Trains the SentencePiece model on a corpus.

        Args:
            texts: an iterable of Python str (or UTF-8 bytes), or a
                `tf.data.Dataset` of scalar (or rank-1 batches of) tf.string.
                Each string is one training sentence; invalid UTF-8 is read
                as U+FFFD.
            max_size: int or None. The largest vocabulary size, reserved
                tokens (and byte pieces) included; a small corpus can give
                fewer. Defaults to `None` (8000).
            min_frequency: int. Must be `1`: SentencePiece chooses pieces by
                likelihood, not by a count threshold (`character_coverage`
                is the knob for rare characters). Defaults to `1`.
            batch_size: int. Strings read per TF call. Defaults to `1024`.

        Returns:
            self.

        Raises:
            ValueError: bad arguments, no non-empty text, or a `max_size` too
                small for the corpus' characters (plus 256 byte pieces with
                `byte_fallback`); the message says which.
        """
        if max_size is None:
            max_size = DEFAULT_MAX_SIZE
        # Validates max_size and min_frequency the same way as other kinds.
        vocab_lib.build_vocabulary({}, max_size, min_frequency)
        if min_frequency != 1:
            raise ValueError(
                f"SentencePiece has no frequency threshold; min_frequency must be 1 "
                f"(use character_coverage for rare characters). "
                f"Received: min_frequency={min_frequency!r}"
            )
        sentences = [
            text.decode("utf-8", errors="replace")
            for batch in iterate_string_batches(texts, batch_size)
            for text in batch.numpy().tolist()
        ]
        if not any(sentences):
            raise ValueError("adapt found no non-empty text to train SentencePiece on")
        writer = io.BytesIO()
        try:
            spm.SentencePieceTrainer.train(
                sentence_iterator=iter(sentences),
                model_writer=writer,
                **self._trainer_options(int(max_size)),
            )
        except RuntimeError as error:
            raise ValueError(f"SentencePiece training failed: {error}") from None
        self.set_model(writer.getvalue())
        return self

    def _trainer_options(self, max_size):
        return {
            "model_type": self.algorithm,
            "vocab_size": max_size,
            # max_size is an upper bound: a small corpus gives fewer pieces.
            "hard_vocab_limit": False,
            "character_coverage": self.character_coverage,
            "byte_fallback": self.byte_fallback,
            "normalization_rule_name": self._normalization_rule,
            "pad_id": vocab_lib.PAD_ID,
            "unk_id": vocab_lib.UNK_ID,
            "bos_id": vocab_lib.START_ID,
            "eos_id": vocab_lib.END_ID,
            "pad_piece": vocab_lib.PAD_TOKEN,
            "unk_piece": vocab_lib.UNK_TOKEN,
            "bos_piece": vocab_lib.START_TOKEN,
            "eos_piece": vocab_lib.END_TOKEN,
            # The first free id after pad/unk/bos/eos: 4.
            "control_symbols": [vocab_lib.MASK_TOKEN],
            "unk_surface": self.unknown_text,
            "max_sentence_length": MAX_SENTENCE_BYTES,
            # One thread: the same corpus always gives the same model.
            "num_threads": 1,
            "minloglevel": 2,
        }

    # --------------------------------------------------------------- tokenize
    def _tokenize(self, strings):
        return self._sentencepiece.tokenize(strings)

    def _detokenize(self, ids):
        return self._sentencepiece.detokenize(tf.cast(ids, tf.int32))

    def normalize(self, strings):
        """The text `detokenize(tokenize(x))` gives back when no piece is unknown.

        SentencePiece's normalization, runs of whitespace collapsed to one
        space, leading and trailing whitespace removed. Runs eagerly in Python
        (the `sentencepiece` package), not as graph ops: for tests and
        inspection.

        Args:
            strings: str, list of str, or an eager tf.string tensor.

        Returns:
            a tf.string tensor of the same shape.
        """
        self._check_ready()
        strings = tf.convert_to_tensor(strings, tf.string)
        flat = [
            self._processor.normalize(text.decode("utf-8", errors="replace"))
            .replace(_SPACE, " ")
            .strip(" ")
            for text in tf.reshape(strings, [-1]).numpy().tolist()
        ]
        return tf.reshape(tf.constant(flat, tf.string, shape=[len(flat)]), tf.shape(strings))

    # -------------------------------------------------------------- serving
    @property
    def serving_ops(self):
        """list of str: the ops of `tokenize`'s graph plus the one creating the model.

        The traced `tokenize` graph captures the model resource; a loaded
        SavedModel creates it again with `SentencepieceOp`, so that op is
        listed too (traced from a fresh `SentencepieceTokenizer`).
        """
        import tensorflow_text as tf_text

        ops = set(super().serving_ops)
        with tf.Graph().as_default() as graph:
            tf_text.SentencepieceTokenizer(model=self._proto)
        return sorted(ops | graph_op_types(graph))

    # ---------------------------------------------------------- persistence
    def _save_asset(self, path):
        with atomic_write(path, mode="wb") as f:
            f.write(self._proto)


def _read_model_file(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as error:
        raise DataError(
            f"cannot read SentencePiece model: {error.strerror}", path=path
        ) from None
