import pytest
import tensorflow as tf

from seqkit.tokenizers import ByteTokenizer
from seqkit.tokenizers import load_tokenizer

pytestmark = pytest.mark.tf_only


def test_ids_are_utf8_bytes_past_the_reserved_ids():
    tok = ByteTokenizer()
    text = "Añ😀"
    assert tok(text).numpy().tolist() == [b + 5 for b in text.encode("utf-8")]
    assert tok.vocabulary_size == 261
    assert tok.token_to_id("<0x41>") == 0x41 + 5
    assert tok.id_to_token(5) == "<0x00>"


def test_adapt_is_a_no_op():
    tok = ByteTokenizer()
    before = tok.vocabulary
    assert tok.adapt(["anything"], max_size=10) is tok
    assert tok.vocabulary == before


def test_round_trip_is_exact_even_for_invalid_utf8():
    tok = ByteTokenizer()
    strings = tf.constant(["", "😀👍🏽 日本語", b"\xff\x00\xfe raw", "x" * 100000])
    ids = tok(strings)
    assert ids.row_lengths().numpy().tolist()[0] == 0
    assert tok.detokenize(ids).numpy().tolist() == strings.numpy().tolist()


def test_detokenize_drops_padding_and_marks_unknown():
    tok = ByteTokenizer()
    ids = tf.constant([[2, 5 + 104, 5 + 105, 1, 3, 0, 0]])
    assert tok.detokenize(ids).numpy()[0].decode() == "hi\ufffd"


def test_rejects_a_different_vocabulary(tmp_path):
    with pytest.raises(ValueError, match="fixed vocabulary"):
        ByteTokenizer(vocabulary=["[PAD]", "[UNK]", "[START]", "[END]", "[MASK]", "a"])
    ByteTokenizer().save(tmp_path)
    assert load_tokenizer(tmp_path).vocabulary == ByteTokenizer().vocabulary


def test_exact_round_trip_on_real_text(spanish_lines, abc_lines):
    tok = ByteTokenizer()
    for lines in (spanish_lines, abc_lines):
        ids = tok(tf.constant(lines))
        assert [s.decode("utf-8") for s in tok.detokenize(ids).numpy()] == lines
        assert ids.row_lengths().numpy().tolist() == [len(s.encode()) for s in lines]
