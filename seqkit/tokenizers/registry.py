"""The tokenizer catalog: `get_tokenizer(kind, **options)` and `load_tokenizer(directory)`."""

import json
import os

from seqkit.errors import DataError
from seqkit.run_dir import path_component_problem
from seqkit.tokenizers.byte_tokenizer import ByteTokenizer
from seqkit.tokenizers.char_tokenizer import CharTokenizer
from seqkit.tokenizers.sentencepiece_tokenizer import SentencePieceTokenizer
from seqkit.tokenizers.tokenizer import TOKENIZER_CONFIG
from seqkit.tokenizers.word_tokenizer import WordTokenizer
from seqkit.tokenizers.wordpiece_tokenizer import WordPieceTokenizer

TOKENIZERS = {
    "word": WordTokenizer,
    "char": CharTokenizer,
    "byte": ByteTokenizer,
    "wordpiece": WordPieceTokenizer,
    "sentencepiece": SentencePieceTokenizer,
}


def get_tokenizer(kind, **options):
    """Creates a tokenizer of `kind` ("word", "char", "byte", "wordpiece" or "sentencepiece").

    Args:
        kind: str. A key of `TOKENIZERS`.
        **options: the tokenizer class's constructor arguments, e.g.
            `lowercase=True` or `vocabulary=[...]`.

    Raises:
        ValueError: unknown `kind` (the message lists the valid ones).
    """
    if kind not in TOKENIZERS:
        raise ValueError(
            f"Unknown tokenizer kind {kind!r}. Valid kinds: {sorted(TOKENIZERS)}"
        )
    return TOKENIZERS[kind](**options)


def load_tokenizer(directory):
    """Loads a tokenizer written by `Tokenizer.save(directory)`.

    The file `tokenizer.json` names (`vocab.txt`, `sentencepiece.model`) must
    be a plain file name in `directory`: a run directory's assets never read
    a file outside it, by a relative path or through a link.

    Raises:
        DataError: `tokenizer.json` or the file it names (`vocab.txt`, or
            `sentencepiece.model` for sentencepiece) is missing, malformed or
            outside `directory`; the message names the file and quotes none
            of its contents.
    """
    config_path = os.path.join(directory, TOKENIZER_CONFIG)
    try:
        with open(config_path, encoding="utf-8") as f:
            config = json.load(f)
    except OSError as error:
        raise DataError(f"cannot read tokenizer config: {error.strerror}", path=config_path) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DataError(f"not valid JSON: {error}", path=config_path) from None
    if not isinstance(config, dict) or config.get("kind") not in TOKENIZERS:
        kind = config.get("kind") if isinstance(config, dict) else None
        raise DataError(
            f"unknown tokenizer kind {kind!r}; valid kinds: {sorted(TOKENIZERS)}",
            path=config_path,
        )
    options = config.get("options", {})
    if not isinstance(options, dict):
        raise DataError("'options' must be a mapping", path=config_path)
    cls = TOKENIZERS[config["kind"]]
    asset_path = _asset_path(directory, config, cls, config_path)
    try:
        tokenizer = cls(asset_path, **options)
    except (TypeError, ValueError) as error:
        raise DataError(f"cannot build the tokenizer: {error}", path=config_path) from None
    expected = config.get("vocabulary_size")
    if expected is not None and expected != tokenizer.vocabulary_size:
        raise DataError(
            f"vocabulary has {tokenizer.vocabulary_size} tokens but "
            f"{TOKENIZER_CONFIG} says {expected}",
            path=asset_path,
        )
    return tokenizer


def _asset_path(directory, config, cls, config_path):
    name = config.get(cls.asset_key, cls.asset_file)
    shown = repr(name)[:80] if isinstance(name, str) else type(name).__name__
    problem = path_component_problem(name)
    if problem is not None:
        raise DataError(
            f"'{cls.asset_key}' {problem}: it names a file beside {TOKENIZER_CONFIG}. "
            f"Received: {shown}",
            path=config_path,
        )
    path = os.path.join(directory, name)
    if os.path.dirname(os.path.realpath(path)) != os.path.realpath(directory):
        raise DataError(
            f"'{cls.asset_key}' {shown} is a link to a file outside {directory}; "
            "a tokenizer reads its files from its own directory only",
            path=config_path,
        )
    return path
