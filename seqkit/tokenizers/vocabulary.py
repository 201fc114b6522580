"""Reserved tokens and the plain-text vocabulary shared by every tokenizer.

A vocabulary is an ordered list of distinct tokens; a token's id is its index.
The first `NUM_RESERVED` entries are always `RESERVED_TOKENS`, so padding is id
0 in every vocabulary seqkit builds. On disk it is `vocab.txt`: UTF-8, one token
per line, separated by `"\\n"` only (so tokens may hold other Unicode line
separators such as U+2028), with no trailing newline after the last token.
"""

import collections
import os

from seqkit.errors import DataError
from seqkit.run_dir import atomic_write

PAD_TOKEN = "[PAD]"
UNK_TOKEN = "[UNK]"
START_TOKEN = "[START]"
END_TOKEN = "[END]"
MASK_TOKEN = "[MASK]"

RESERVED_TOKENS = (PAD_TOKEN, UNK_TOKEN, START_TOKEN, END_TOKEN, MASK_TOKEN)
NUM_RESERVED = len(RESERVED_TOKENS)
PAD_ID, UNK_ID, START_ID, END_ID, MASK_ID = range(NUM_RESERVED)


def build_vocabulary(counts, max_size=None, min_frequency=1):
    """Builds a vocabulary from token counts.

    Reserved tokens come first; then every other token seen at least
    `min_frequency` times, most frequent first, ties broken by the token
    itself (code-point order), so the result does not depend on the order the
    corpus was read in.

    Args:
        counts: mapping of str to int. How often each token was seen.
        max_size: int or None. The largest vocabulary size, reserved tokens
            included. Defaults to `None` (no limit).
        min_frequency: int. Tokens seen fewer times are left out (they will map
            to `[UNK]`). Defaults to `1`.

    Returns:
        list of str: the vocabulary, `RESERVED_TOKENS` first.
    """
    if max_size is not None and (int(max_size) != max_size or max_size < NUM_RESERVED):
        raise ValueError(
            f"max_size must be an integer of at least {NUM_RESERVED} (the reserved "
            f"tokens). Received: max_size={max_size!r}"
        )
    if int(min_frequency) != min_frequency or min_frequency < 1:
        raise ValueError(
            f"min_frequency must be a positive integer. Received: "
            f"min_frequency={min_frequency!r}"
        )
    reserved = set(RESERVED_TOKENS)
    kept = [
        (token, count)
        for token, count in counts.items()
        if count >= min_frequency and token and token not in reserved
    ]
    kept.sort(key=lambda item: (-item[1], item[0]))
    if max_size is not None:
        kept = kept[: int(max_size) - NUM_RESERVED]
    return list(RESERVED_TOKENS) + [token for token, _ in kept]


def check_vocabulary(tokens):
    """Raises ValueError unless `tokens` is a valid seqkit vocabulary."""
    tokens = list(tokens)
    if tuple(tokens[:NUM_RESERVED]) != RESERVED_TOKENS:
        raise ValueError(
            f"A vocabulary must start with the reserved tokens {list(RESERVED_TOKENS)}. "
            f"Received first tokens: {tokens[:NUM_RESERVED]}"
        )
    seen = set()
    for index, token in enumerate(tokens):
        if not isinstance(token, str):
            raise ValueError(
                f"Vocabulary entries must be str. Received: {token!r} at index {index}"
            )
        if token == "":
            raise ValueError(f"Vocabulary tokens must be non-empty; index {index} is empty")
        if token in seen:
            raise ValueError(f"Duplicate vocabulary token {token!r} at index {index}")
        seen.add(token)
    return tokens


def write_lines_atomic(path, lines):
    """Writes `lines` joined by "\\n" to `path` atomically (temp file + rename)."""
    with atomic_write(path, newline="") as f:
        f.write("\n".join(lines))


def save_vocabulary(path, tokens):
    """Writes a vocabulary as plain text, one token per line, atomically."""
    tokens = check_vocabulary(tokens)
    for index, token in enumerate(tokens):
        if "\n" in token:
            raise ValueError(
                f"A token written to a vocabulary file cannot hold a newline. "
                f"Received: {token!r} at index {index}"
            )
    write_lines_atomic(path, tokens)


def load_vocabulary(path):
    """Reads a vocabulary written by `save_vocabulary`.

    Raises:
        DataError: the file is missing, not UTF-8, or not a valid vocabulary;
            the message names the file and, where it can, the line.
    """
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as error:
        raise DataError(f"cannot read vocabulary: {error.strerror}", path=path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataError("vocabulary is not valid UTF-8", path=path, line=line) from None
    if text.endswith("\n"):
        text = text[:-1]
    tokens = text.split("\n") if text else []
    seen = {}
    for number, token in enumerate(tokens, start=1):
        if token == "":
            raise DataError("empty line in vocabulary", path=path, line=number)
        if token in seen:
            raise DataError(
                f"duplicate token (the same as line {seen[token]})",
                path=path,
                line=number,
            )
        seen[token] = number
    if tuple(tokens[:NUM_RESERVED]) != RESERVED_TOKENS:
        # The file's own lines are not quoted: it may not be a vocabulary at all.
        line = next(
            (i + 1 for i, token in enumerate(tokens[:NUM_RESERVED]) if token != RESERVED_TOKENS[i]),
            len(tokens) + 1,
        )
        raise DataError(
            f"a vocabulary must start with the reserved tokens {list(RESERVED_TOKENS)} "
            f"on lines 1-{NUM_RESERVED}; line {line} is not {RESERVED_TOKENS[line - 1]}",
            path=path,
        )
    return tokens


def count_tokens(token_batches):
    """Counts tokens from an iterable of sequences of bytes or str tokens."""
    counts = collections.Counter()
    for batch in token_batches:
        counts.update(batch)
    decoded = collections.Counter()
    for token, count in counts.items():
        if isinstance(token, bytes):
            token = token.decode("utf-8", errors="replace")
        decoded[token] += count
    return decoded
