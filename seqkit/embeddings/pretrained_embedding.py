"""Pretrained word vectors (word2vec / GloVe text format) as a Keras Embedding."""

import os

import keras
import numpy as np

from seqkit.errors import DataError

# Mirrors seqkit.tokenizers.RESERVED_TOKENS (not imported: that package needs
# TensorFlow, and embeddings are backend-neutral).
RESERVED_TOKENS = ("[PAD]", "[UNK]", "[START]", "[END]", "[MASK]")
PAD_ID = 0


class Coverage(float):
    """The fraction of the vocabulary found in a vectors file (a float).

    Reserved tokens are not counted. Besides its value it carries:

    Attributes:
        found: int. Vocabulary words that got a pretrained vector.
        total: int. Vocabulary words looked for.
        missing: tuple of str. The words not found, in vocabulary order.
        dim: int. The vector width.
    """

    def __new__(cls, found, total, missing=(), dim=None):
        value = super().__new__(cls, found / total if total else 0.0)
        value.found = found
        value.total = total
        value.missing = tuple(missing)
        value.dim = dim
        return value

    def __repr__(self):
        return f"Coverage({float(self):.4f}, found={self.found}, total={self.total})"


def load_pretrained_embedding(
    path,
    vocabulary,
    trainable=False,
    case_sensitive=True,
    seed=0,
    mask_zero=True,
    name=None,
):
    """Builds an Embedding from a word2vec or GloVe text file.

    Formats (UTF-8, one vector per line, values separated by single spaces):
    GloVe `word v1 v2 ... vd`; word2vec text, the same after a first line
    `count dim`. A word may itself contain spaces (the last `d` fields are
    the vector). The file is streamed; only vocabulary words are kept. When a
    word appears twice the first vector wins.

    Rows: row `PAD_ID` (0) is all zeros. Words found get their vector; every
    other row (reserved tokens, words not found) is drawn from a normal
    distribution with the standard deviation of the vectors found (0.05 if
    none), using `seed`, so results are reproducible.

    Args:
        path: str or path. The vectors file.
        vocabulary: list of str (index = id), or a tokenizer with a
            `vocabulary` attribute.
        trainable: bool. Whether training may change the vectors.
            Defaults to `False` (frozen).
        case_sensitive: bool. If `False`, a vocabulary word without an exact
            match takes the vector of the first file word equal to it
            ignoring case (e.g. `Paris` gets GloVe's `paris`). Defaults to
            `True`.
        seed: int. Seed for the rows not found. Defaults to `0`.
        mask_zero: bool. Whether the layer masks id 0. Defaults to `True`.
        name: str or None. The layer name.

    Returns:
        `(layer, coverage)`: a built `keras.layers.Embedding` of shape
        `[len(vocabulary), dim]`, and a `Coverage` (a float in [0, 1], the
        fraction of non-reserved vocabulary words found, with `.found`,
        `.total`, `.missing`).

    Raises:
        DataError: the file is missing, empty, not UTF-8, has a malformed
            line, or lines of different widths; the message names the file
            and line.
    """
    tokens = list(getattr(vocabulary, "vocabulary", vocabulary))
    if not tokens:
        raise ValueError("vocabulary is empty")
    exact = {}
    for index, token in enumerate(tokens):
        exact.setdefault(token, []).append(index)
    folded = {}
    if not case_sensitive:
        for index, token in enumerate(tokens):
            folded.setdefault(token.casefold(), []).append(index)

    vectors, dim = {}, None
    exact_rows = set()
    for word, vector, dim in _read_vectors(path):
        for index in exact.get(word, ()):
            if index not in exact_rows:
                vectors[index] = vector
                exact_rows.add(index)
        if not case_sensitive:
            for index in folded.get(word.casefold(), ()):
                vectors.setdefault(index, vector)

    rows = np.stack(list(vectors.values())) if vectors else None
    scale = float(rows.std()) if rows is not None and rows.std() > 0 else 0.05
    rng = np.random.default_rng(seed)
    matrix = rng.normal(0.0, scale, size=(len(tokens), dim)).astype("float32")
    for index, vector in vectors.items():
        matrix[index] = vector
    matrix[PAD_ID] = 0.0

    reserved = set(RESERVED_TOKENS)
    counted = [i for i, t in enumerate(tokens) if t not in reserved]
    missing = [tokens[i] for i in counted if i not in vectors]
    coverage = Coverage(len(counted) - len(missing), len(counted), missing, dim)
    layer = keras.layers.Embedding(
        len(tokens),
        dim,
        mask_zero=mask_zero,
        trainable=trainable,
        name=name,
        weights=matrix,
    )
    return layer, coverage


def _read_vectors(path):
    """Yields `(word, float32 vector, dim)` for each line of a vectors file."""
    path = os.fspath(path)
    try:
        f = open(path, "rb")
    except OSError as error:
        raise DataError(f"cannot read vectors file: {error.strerror}", path=path) from None
    dim = None
    expected_count = None
    count = 0
    number = 0
    with f:
        for number, raw in enumerate(f, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise DataError(
                    f"not valid UTF-8 (byte {error.start + 1} of the line)",
                    path=path, line=number,
                ) from None
            line = line.rstrip("\r\n").rstrip(" \t")
            if not line:
                continue
            fields = line.split(" ")
            if number == 1 and len(fields) == 2 and all(x.isdigit() for x in fields):
                expected_count, dim = int(fields[0]), int(fields[1])
                if dim < 1:
                    raise DataError(f"the header gives dim={dim}", path=path, line=1)
                continue
            if dim is None:
                dim = len(fields) - 1
                if dim < 1:
                    raise DataError(
                        "expected a word followed by numbers, found one field",
                        path=path, line=number,
                    )
            if len(fields) < dim + 1:
                raise DataError(
                    f"expected a word and {dim} numbers, found {len(fields) - 1} "
                    f"values (inconsistent vector width)",
                    path=path, line=number,
                )
            values = fields[-dim:]
            word = " ".join(fields[:-dim])
            if len(fields) > dim + 1 and _is_number(fields[-dim - 1]):
                raise DataError(
                    f"expected a word and {dim} numbers, found more numbers "
                    f"(inconsistent vector width)",
                    path=path, line=number,
                )
            try:
                vector = np.asarray(values, dtype="float32")
            except ValueError:
                bad = next(v for v in values if not _is_number(v))
                raise DataError(
                    f"not a number: {bad!r} (field {fields.index(bad) + 1})",
                    path=path, line=number,
                ) from None
            count += 1
            yield word, vector, dim
    if dim is None or count == 0:
        raise DataError("no vectors in file", path=path)
    if expected_count is not None and expected_count != count:
        raise DataError(
            f"the header announces {expected_count} vectors but the file has {count}",
            path=path, line=number,
        )


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True
