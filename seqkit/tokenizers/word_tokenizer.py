"""Word tokenizer: lower-casing, punctuation handling and a whitespace split."""

import tensorflow as tf

from seqkit.tokenizers.tokenizer import Tokenizer

PUNCTUATION_MODES = ("split", "strip", "keep")
# Unicode punctuation (P*) and symbols (S*: $, +, emoji, ...).
_PUNCTUATION = r"[\p{P}\p{S}]"
# RE2's \s is ASCII only; \p{Z} adds no-break and other Unicode spaces.
_SPACES = r"[\s\p{Z}\x{85}]+"
# Penn Treebank splitting of raw text (`ptb_split`), as (RE2 pattern, rewrite)
# pairs applied in order. Typographic apostrophes become ASCII ones; a
# negation or a clitic leaves its word ("isn't" -> "is n't", "can't" ->
# "ca n't", "it's" -> "it 's"); sentence punctuation at the end of a word
# leaves it ("film." -> "film .", "well," -> "well ,"). Text that is already
# split this way goes through unchanged, so both spellings meet.
PTB_RULES = (
    (r"[\x{2018}\x{2019}]", "'"),
    (r"(?i)(\w)(n't)\b", r"\1 \2"),
    (r"(?i)(\w)('(?:s|re|ve|ll|d|m))\b", r"\1 \2"),
    (r"([^\s.,!?;:])([.,!?;:]+)(\s|$)", r"\1 \2\3"),
)


def ptb_split(strings):
    """Splits contractions and end-of-word punctuation off words, the Penn Treebank way.

    Maps raw text and PTB-tokenised text (SST-2's `is n't`, `it 's`,
    `film .`) to the same words, with core TF ops (`PTB_RULES`).

    >>> ptb_split(tf.constant(["It isn't bad, it's a film.", "it is n't ."])).numpy().tolist()
    [b"It is n't bad , it 's a film .", b"it is n't ."]
    """
    for pattern, rewrite in PTB_RULES:
        strings = tf.strings.regex_replace(strings, pattern, rewrite)
    return strings


def split_words(strings, lowercase=True, punctuation="split", ptb=False):
    """Splits a rank-1 tf.string batch into words with core TF ops only.

    Args:
        strings: rank-1 tf.string tensor.
        lowercase: bool. Lower-case with Unicode rules (`É` -> `é`).
        punctuation: one of `"split"` (each punctuation or symbol character
            becomes its own word), `"strip"` (they are replaced by spaces), or
            `"keep"` (left attached: `"movie."` is one word).
        ptb: bool. First split raw text the Penn Treebank way (`ptb_split`),
            so `"isn't"` reads as `"is n't"` and `"film."` as `"film ."`.

    Returns:
        a `tf.RaggedTensor` of tf.string words, shape `[batch, (words)]`.
    """
    if lowercase:
        # Invalid UTF-8 bytes come out as U+FFFD.
        strings = tf.strings.lower(strings, encoding="utf-8")
    if ptb:
        strings = ptb_split(strings)
    if punctuation == "split":
        strings = tf.strings.regex_replace(strings, _PUNCTUATION, r" \0 ")
    elif punctuation == "strip":
        strings = tf.strings.regex_replace(strings, _PUNCTUATION, " ")
    strings = tf.strings.regex_replace(strings, _SPACES, " ")
    return tf.strings.split(strings)


def check_punctuation(punctuation):
    if punctuation not in PUNCTUATION_MODES:
        raise ValueError(
            f"punctuation must be one of {PUNCTUATION_MODES}. "
            f"Received: punctuation={punctuation!r}"
        )
    return punctuation


class WordTokenizer(Tokenizer):
    """Splits text into words and maps each word to an id from a vocabulary.

    Core TF ops only (`tf.strings.lower`, `tf.strings.regex_replace`,
    `tf.strings.split`, `tf.lookup.StaticHashTable`), so a SavedModel that uses
    it runs on a stock TF Serving binary. Words not in the vocabulary map to
    `[UNK]` (id 1).

    `detokenize` joins words with single spaces: it is not an exact inverse
    (case, spacing and the attachment of punctuation are lost). It inverts
    `normalize`, for text without unknown words.

    Args:
        vocabulary: list of str, path to a `vocab.txt`, or None (call `adapt`).
        lowercase: bool. Lower-case before splitting. Defaults to `True`.
        punctuation: `"split"`, `"strip"` or `"keep"`; see `split_words`.
            Defaults to `"split"`.
        ptb_split: bool. Split contractions and end-of-word punctuation off
            words first (`ptb_split`), so raw text (`"isn't"`, `"film."`)
            and Penn Treebank text (`"is n't"`, `"film ."`) give the same
            ids. Defaults to `False`.

    >>> tok = WordTokenizer().adapt(["The cat sat.", "the dog"])
    >>> tok.vocabulary[5:]
    ['the', '.', 'cat', 'dog', 'sat']
    >>> tok("The bird sat!").numpy().tolist()
    [5, 1, 9, 1]
    >>> tok.detokenize([5, 7, 9]).numpy().decode()
    'the cat sat'
    """

    kind = "word"

    def __init__(self, vocabulary=None, lowercase=True, punctuation="split", ptb_split=False, name=None):
        self.lowercase = bool(lowercase)
        self.punctuation = check_punctuation(punctuation)
        self.ptb_split = bool(ptb_split)
        super().__init__(vocabulary=vocabulary, name=name)

    @property
    def options(self):
        return {"lowercase": self.lowercase, "punctuation": self.punctuation, "ptb_split": self.ptb_split}

    def _split(self, strings):
        return split_words(strings, self.lowercase, self.punctuation, ptb=self.ptb_split)

    def normalize(self, strings):
        """The text `tokenize` sees: its words joined by single spaces."""
        strings = tf.convert_to_tensor(strings, tf.string)
        if strings.shape.rank == 0:
            return self.normalize(strings[tf.newaxis])[0]
        return tf.strings.reduce_join(self._split(strings), axis=-1, separator=" ")
