"""WordPiece subword tokenizer (vocabulary learned with tensorflow-text)."""

import tensorflow as tf

from seqkit.tokenizers import vocabulary as vocab_lib
from seqkit.tokenizers.tokenizer import Tokenizer
from seqkit.tokenizers.word_tokenizer import check_punctuation
from seqkit.tokenizers.word_tokenizer import split_words

DEFAULT_MAX_SIZE = 8000
IMPLEMENTATIONS = ("fast", "classic")


class WordPieceTokenizer(Tokenizer):
    """Splits words into WordPiece subwords (`"tokenizers" -> "token", "##izers"`).

    Words are found exactly as `WordTokenizer` finds them (core TF ops); each
    word is then split greedily, longest match first, by
    `tensorflow_text.FastWordpieceTokenizer`. That op comes from
    tensorflow-text: a process that loads a SavedModel using this tokenizer
    must `import tensorflow_text`, and a TF Serving binary must link the op
    (see `tensorflow_text_ops`). A word with a character outside the
    vocabulary, or longer than `max_bytes_per_word` bytes, becomes one `[UNK]`.

    `adapt` counts words in a stream and learns the vocabulary with
    tensorflow-text's WordPiece learner (the algorithm behind `bert_vocab`).
    The learned vocabulary contains every character of the (kept) corpus, both
    as a word start and as a `##` continuation, so corpus text never maps to
    `[UNK]`.

    `detokenize` glues `##` pieces to the previous piece and joins words with
    single spaces: `detokenize(tokenize(x)) == normalize(x)` exactly when no
    word is unknown.

    Args:
        vocabulary: list of str, path to a `vocab.txt`, or None (call `adapt`).
        lowercase: bool. Defaults to `True`.
        punctuation: `"split"`, `"strip"` or `"keep"`, as for `WordTokenizer`.
            Defaults to `"split"`.
        suffix_indicator: str. Prefix of word-continuation pieces.
            Defaults to `"##"`.
        max_bytes_per_word: int. Longer words become `[UNK]`. Defaults to `100`.
        implementation: `"fast"` (`tensorflow_text.FastWordpieceTokenizer`,
            op `FastWordpieceTokenizeWithOffsets`, linear time) or `"classic"`
            (`tensorflow_text.WordpieceTokenizer`, op
            `WordpieceTokenizeWithOffsets` over a `tf.lookup` table, the older
            op that serving binaries have linked for longer). Both give the
            same ids. Defaults to `"fast"`.

    References:
        Wu et al., 2016, "Google's Neural Machine Translation System"
        (https://arxiv.org/abs/1609.08144); Song et al., 2021, "Fast WordPiece
        Tokenization" (https://arxiv.org/abs/2012.15524).
    """

    kind = "wordpiece"

    def __init__(
        self,
        vocabulary=None,
        lowercase=True,
        punctuation="split",
        suffix_indicator="##",
        max_bytes_per_word=100,
        implementation="fast",
        name=None,
    ):
        self.lowercase = bool(lowercase)
        self.punctuation = check_punctuation(punctuation)
        if not suffix_indicator or not isinstance(suffix_indicator, str):
            raise ValueError(
                f"suffix_indicator must be a non-empty str. "
                f"Received: suffix_indicator={suffix_indicator!r}"
            )
        self.suffix_indicator = suffix_indicator
        if int(max_bytes_per_word) != max_bytes_per_word or max_bytes_per_word < 1:
            raise ValueError(
                f"max_bytes_per_word must be a positive integer. "
                f"Received: max_bytes_per_word={max_bytes_per_word!r}"
            )
        self.max_bytes_per_word = int(max_bytes_per_word)
        if implementation not in IMPLEMENTATIONS:
            raise ValueError(
                f"implementation must be one of {IMPLEMENTATIONS}. "
                f"Received: implementation={implementation!r}"
            )
        self.implementation = implementation
        self._wordpiece = None
        super().__init__(vocabulary=vocabulary, name=name)

    @property
    def options(self):
        return {
            "lowercase": self.lowercase,
            "punctuation": self.punctuation,
            "suffix_indicator": self.suffix_indicator,
            "max_bytes_per_word": self.max_bytes_per_word,
            "implementation": self.implementation,
        }

    def _split(self, strings):
        return split_words(strings, self.lowercase, self.punctuation)

    def normalize(self, strings):
        """The text `tokenize` sees: its words joined by single spaces."""
        strings = tf.convert_to_tensor(strings, tf.string)
        if strings.shape.rank == 0:
            return self.normalize(strings[tf.newaxis])[0]
        return tf.strings.reduce_join(self._split(strings), axis=-1, separator=" ")

    def _vocabulary_from_counts(self, counts, max_size, min_frequency):
        from tensorflow_text.tools.wordpiece_vocab import (
            wordpiece_tokenizer_learner_lib as learner,
        )

        if max_size is None:
            max_size = DEFAULT_MAX_SIZE
        # Validates max_size and min_frequency the same way as other kinds.
        vocab_lib.build_vocabulary({}, max_size, min_frequency)
        reserved = set(vocab_lib.RESERVED_TOKENS)
        word_counts = sorted(
            (word, count)
            for word, count in counts.items()
            if count >= min_frequency and word not in reserved
        )
        if not word_counts:
            return list(vocab_lib.RESERVED_TOKENS)
        tokens = learner.learn(
            word_counts,
            vocab_size=int(max_size),
            reserved_tokens=list(vocab_lib.RESERVED_TOKENS),
            lower_thresh=1,
            max_token_length=self.max_bytes_per_word,
            joiner=self.suffix_indicator,
        )
        tokens = [t for t in tokens if t]
        if len(tokens) > max_size:
            # Over budget (a large alphabet for a small max_size): keep every
            # single character, as word start and continuation, before longer
            # pieces, so as little text as possible becomes [UNK].
            suffix = len(self.suffix_indicator)
            def is_char(token):
                return len(token) == 1 or (
                    len(token) == suffix + 1 and token.startswith(self.suffix_indicator)
                )
            body = tokens[vocab_lib.NUM_RESERVED :]
            chars = [t for t in body if is_char(t)]
            others = [t for t in body if not is_char(t)]
            tokens = list(vocab_lib.RESERVED_TOKENS) + chars + others
        return tokens[: int(max_size)]

    def _build_tables(self, tokens):
        import tensorflow_text as tf_text

        super()._build_tables(tokens)
        if self.implementation == "classic":
            self._wordpiece = tf_text.WordpieceTokenizer(
                self._token_table,
                suffix_indicator=self.suffix_indicator,
                max_bytes_per_word=self.max_bytes_per_word,
                token_out_type=tf.int64,
                unknown_token=vocab_lib.UNK_TOKEN,
            )
            return
        self._wordpiece = tf_text.FastWordpieceTokenizer(
            vocab=list(tokens),
            suffix_indicator=self.suffix_indicator,
            max_bytes_per_word=self.max_bytes_per_word,
            token_out_type=tf.int32,
            unknown_token=vocab_lib.UNK_TOKEN,
            no_pretokenization=True,
        )

    def _tokenize(self, strings):
        words = self._split(strings)
        pieces = self._wordpiece.tokenize(words.flat_values)
        pieces = pieces.with_flat_values(tf.cast(pieces.flat_values, tf.int32))
        return words.with_flat_values(pieces).merge_dims(1, 2)

    def _detokenize(self, ids):
        pieces = self._id_table.lookup(ids.flat_values)
        prefix = "^" + _re2_escape(self.suffix_indicator)
        glued = tf.where(
            tf.strings.regex_full_match(pieces, prefix + ".*"),
            tf.strings.regex_replace(pieces, prefix, "", replace_global=False),
            tf.strings.join([" ", pieces]),
        )
        text = tf.strings.reduce_join(ids.with_flat_values(glued), axis=-1)
        return tf.strings.regex_replace(text, "^ ", "")


def _re2_escape(text):
    """Escapes ASCII punctuation for an RE2 pattern."""
    return "".join(
        c if c.isalnum() or c == " " or ord(c) > 127 else "\\" + c for c in text
    )
