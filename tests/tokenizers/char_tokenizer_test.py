import pytest
import tensorflow as tf

from seqkit.tokenizers import CharTokenizer
from seqkit.tokenizers import RESERVED_TOKENS
from seqkit.tokenizers import load_tokenizer

pytestmark = pytest.mark.tf_only


def test_vocabulary_of_code_points_with_small_ids():
    tok = CharTokenizer().adapt(["abba", "ñ😀"])
    assert tok.vocabulary == list(RESERVED_TOKENS) + ["a", "b", "ñ", "😀"]
    assert tok("ñ😀a").numpy().tolist() == [7, 8, 5]


def test_round_trip_and_unknown_characters():
    tok = CharTokenizer().adapt(["hello world"])
    assert tok.detokenize(tok("hello")).numpy().decode() == "hello"
    ids = tok("help!")
    assert ids.numpy().tolist()[-2:] == [1, 1]
    assert tok.detokenize(ids).numpy().decode() == "hel\ufffd\ufffd"


def test_lowercase_option():
    tok = CharTokenizer(lowercase=True).adapt(["ABC"])
    assert tok.vocabulary[5:] == ["a", "b", "c"]


def test_edge_cases_do_not_crash():
    tok = CharTokenizer().adapt(["abc"])
    long_line = "abc" * 50000
    ids = tok(tf.constant(["", "😀👍🏽", "日本語", long_line, b"\xff\xfe"]))
    assert ids.row_lengths().numpy().tolist() == [0, 3, 3, 150000, 2]
    assert tok.detokenize(ids[3]).numpy().decode() == long_line
    assert tok.detokenize(ids).numpy()[0] == b""


def test_whitespace_and_control_characters_survive_save(tmp_path):
    text = "a b\tc\nd\u2028e\x00f\r"
    tok = CharTokenizer().adapt([text])
    tok.save(tmp_path)
    lines = (tmp_path / "vocab.txt").read_text(encoding="utf-8").split("\n")
    assert "U+000A" in lines and "U+0020" in lines and "U+0000" in lines
    assert len(lines) == tok.vocabulary_size
    loaded = load_tokenizer(tmp_path)
    assert loaded.vocabulary == tok.vocabulary
    assert loaded.detokenize(loaded(text)).numpy().decode() == text


def test_exact_round_trip_on_spanish(spanish_lines):
    tok = CharTokenizer().adapt(spanish_lines)
    assert "ñ" in tok.vocabulary and "¿" in tok.vocabulary and "é" in tok.vocabulary
    ids = tok(tf.constant(spanish_lines))
    assert 1 not in ids.flat_values.numpy().tolist()
    restored = [s.decode("utf-8") for s in tok.detokenize(ids).numpy()]
    assert restored == spanish_lines
    # One id per code point, not per byte.
    assert ids.row_lengths().numpy().tolist() == [len(s) for s in spanish_lines]


def test_exact_round_trip_on_abc_music(abc_lines):
    tok = CharTokenizer().adapt(abc_lines)
    restored = tok.detokenize(tok(tf.constant(abc_lines))).numpy()
    assert [s.decode("utf-8") for s in restored] == abc_lines
