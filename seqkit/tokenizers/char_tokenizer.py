"""Character tokenizer: one id per Unicode code point."""

import re

import tensorflow as tf

from seqkit.tokenizers.tokenizer import Tokenizer

_ESCAPED = re.compile(r"U\+([0-9A-F]{4,6})")


class CharTokenizer(Tokenizer):
    """Splits UTF-8 text into Unicode code points, one id each.

    `adapt` builds a vocabulary of the characters seen (so ids stay small);
    characters outside it map to `[UNK]`. Invalid UTF-8 bytes are read as
    U+FFFD. Core TF ops only (`tf.strings.unicode_split` and a lookup table).

    `detokenize(tokenize(text)) == text` exactly for valid UTF-8 text whose
    characters are all in the vocabulary; `[UNK]` ids come back as U+FFFD.

    In `vocab.txt`, whitespace and unprintable characters (newline, tab, ...)
    are written as `U+XXXX`; since every other entry is a single character,
    this cannot be confused with a real token.

    Args:
        vocabulary: list of str (single characters after the reserved tokens),
            path to a `vocab.txt`, or None (call `adapt`).
        lowercase: bool. Lower-case before splitting. Defaults to `False`.

    >>> tok = CharTokenizer().adapt(["héllo"])
    >>> ids = tok("hé")
    >>> tok.detokenize(ids).numpy().decode()
    'hé'
    """

    kind = "char"
    unknown_text = "\ufffd"
    separator = ""

    def __init__(self, vocabulary=None, lowercase=False, name=None):
        self.lowercase = bool(lowercase)
        super().__init__(vocabulary=vocabulary, name=name)

    @property
    def options(self):
        return {"lowercase": self.lowercase}

    def set_vocabulary(self, tokens):
        tokens = list(tokens)
        for index, token in enumerate(tokens[5:], start=5):
            if not isinstance(token, str) or len(token) != 1:
                raise ValueError(
                    f"A character vocabulary holds single characters after the "
                    f"reserved tokens. Received: {token!r} at index {index}"
                )
        super().set_vocabulary(tokens)

    def _split(self, strings):
        if self.lowercase:
            strings = tf.strings.lower(strings, encoding="utf-8")
        return tf.strings.unicode_split(
            strings, "UTF-8", errors="replace", replacement_char=0xFFFD
        )

    @staticmethod
    def _encode_vocabulary_line(token):
        if len(token) == 1 and (token.isspace() or not token.isprintable()):
            return f"U+{ord(token):04X}"
        return token

    @staticmethod
    def _decode_vocabulary_line(line):
        match = _ESCAPED.fullmatch(line)
        return chr(int(match.group(1), 16)) if match else line
