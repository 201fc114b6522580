import keras
import numpy as np
import pytest

from seqkit.embeddings import load_pretrained_embedding
from seqkit.embeddings.pretrained_embedding import RESERVED_TOKENS
from seqkit.errors import DataError

VOCAB = list(RESERVED_TOKENS) + ["the", "cat", "Paris", "zebra"]
GLOVE = "the 0.1 0.2 0.3\ncat -1 0.5 2\nparis 3 3 3\nthe 9 9 9\n"


def weights(layer):
    return keras.ops.convert_to_numpy(layer.embeddings)


def test_glove_rows_coverage_and_frozen(tmp_path):
    path = tmp_path / "glove.txt"
    path.write_text(GLOVE, encoding="utf-8")
    layer, coverage = load_pretrained_embedding(path, VOCAB)
    w = weights(layer)
    assert w.shape == (9, 3)
    np.testing.assert_allclose(w[5], [0.1, 0.2, 0.3])  # first "the" wins
    np.testing.assert_allclose(w[6], [-1, 0.5, 2])
    np.testing.assert_array_equal(w[0], 0.0)  # padding row
    assert not np.allclose(w[8], 0.0)  # zebra: random
    assert not layer.trainable and layer.mask_zero
    # Reserved tokens do not count; the, cat found; Paris (case), zebra missing.
    assert coverage == pytest.approx(0.5)
    assert (coverage.found, coverage.total, coverage.missing) == (2, 4, ("Paris", "zebra"))
    ids = np.array([[6, 0]])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(ids))[0, 0], [-1, 0.5, 2])


def test_case_insensitive_fallback(tmp_path):
    path = tmp_path / "glove.txt"
    path.write_text(GLOVE, encoding="utf-8")
    layer, coverage = load_pretrained_embedding(path, VOCAB, case_sensitive=False)
    np.testing.assert_allclose(weights(layer)[7], [3, 3, 3])
    assert coverage == pytest.approx(0.75)


def test_word2vec_header_trainable_and_seeded(tmp_path):
    path = tmp_path / "w2v.txt"
    path.write_text("2 2\nthe 1 2 \ncat 3 4 \n", encoding="utf-8")
    layer, coverage = load_pretrained_embedding(path, VOCAB, trainable=True, seed=7)
    again, _ = load_pretrained_embedding(path, VOCAB, trainable=True, seed=7)
    np.testing.assert_array_equal(weights(layer), weights(again))
    np.testing.assert_allclose(weights(layer)[5:7], [[1, 2], [3, 4]])
    assert layer.trainable and coverage.dim == 2


def test_accepts_a_tokenizer_like_object(tmp_path):
    class Tok:
        vocabulary = VOCAB

    path = tmp_path / "glove.txt"
    path.write_text(GLOVE, encoding="utf-8")
    _, coverage = load_pretrained_embedding(path, Tok())
    assert coverage.found == 2


@pytest.mark.parametrize(
    "content, line, message",
    [
        ("the 1 2 3\ncat 1 2\n", 2, "found 2 values"),
        ("the 1 2 3\ncat 1 2 3 4\n", 2, "more numbers"),
        ("the 1 2 3\ncat 1 x 3\n", 2, "not a number: 'x'"),
        ("3 2\nthe 1 2\ncat 3 4\n", 3, "announces 3 vectors but the file has 2"),
        ("lonely\n", 1, "one field"),
    ],
)
def test_malformed_files_name_file_and_line(tmp_path, content, line, message):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message) as info:
        load_pretrained_embedding(path, VOCAB)
    assert info.value.path == str(path) and info.value.line == line
    assert str(path) in str(info.value)


def test_empty_missing_and_non_utf8_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="no vectors"):
        load_pretrained_embedding(empty, VOCAB)
    with pytest.raises(DataError, match="cannot read"):
        load_pretrained_embedding(tmp_path / "nope.txt", VOCAB)
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"the 1 2\n\xff\xfe 1 2\n")
    with pytest.raises(DataError, match="UTF-8") as info:
        load_pretrained_embedding(binary, VOCAB)
    assert info.value.line == 2


@pytest.mark.tf_only
def test_reserved_tokens_match_the_tokenizers():
    from seqkit.tokenizers import RESERVED_TOKENS as TOKENIZER_RESERVED

    assert RESERVED_TOKENS == TOKENIZER_RESERVED
