import pytest
import tensorflow as tf

from seqkit.tokenizers import RESERVED_TOKENS
from seqkit.tokenizers import WordPieceTokenizer

pytestmark = pytest.mark.tf_only

VOCAB = list(RESERVED_TOKENS) + [
    "token", "##izer", "##s", "the", "un", "##want", "##ed", ",", "!", "a", "##a",
]


def pieces(tok, text):
    return [tok.id_to_token(i) for i in tok(text).numpy()]


def test_greedy_longest_match_first():
    tok = WordPieceTokenizer(vocabulary=VOCAB)
    assert pieces(tok, "The tokenizers, unwanted!") == [
        "the", "token", "##izer", "##s", ",", "un", "##want", "##ed", "!",
    ]
    assert pieces(tok, "aaa") == ["a", "##a", "##a"]


def test_unknown_words_and_long_words_become_one_unk():
    tok = WordPieceTokenizer(vocabulary=VOCAB, max_bytes_per_word=8)
    assert pieces(tok, "the zebra tokenizers") == ["the", "[UNK]", "[UNK]"]
    assert pieces(tok, "") == []


def test_detokenize_glues_continuations():
    tok = WordPieceTokenizer(vocabulary=VOCAB)
    ids = tok(tf.constant(["The tokenizers, unwanted!", "", "zebra"]))
    restored = tok.detokenize(ids).numpy().tolist()
    assert restored == [b"the tokenizers , unwanted !", b"", b"[UNK]"]


def test_adapt_learns_subwords_and_all_characters():
    texts = ["token tokens tokenizer tokenizers"] * 20 + ["ñandú café"]
    tok = WordPieceTokenizer().adapt(texts, max_size=60)
    assert tok.vocabulary[:5] == list(RESERVED_TOKENS)
    assert tok.vocabulary_size <= 60
    for char in "ñúé":
        assert char in tok.vocabulary and "##" + char in tok.vocabulary
    assert "token" in tok.vocabulary
    ids = tok(tf.constant(texts))
    assert 1 not in ids.flat_values.numpy().tolist()
    assert tok.detokenize(ids).numpy()[-1].decode() == "ñandú café"


def test_small_max_size_keeps_characters_first():
    tok = WordPieceTokenizer().adapt(["abc abd abe"] * 3, max_size=13)
    assert tok.vocabulary_size == 13
    assert set(tok.vocabulary[5:]) >= {"a", "b", "##b", "##c"}


def test_needs_a_tensorflow_text_op():
    tok = WordPieceTokenizer(vocabulary=VOCAB)
    assert "FastWordpieceTokenizeWithOffsets" in tok.serving_ops
    assert tok.tensorflow_text_ops == ["FastWordpieceTokenizeWithOffsets"]


def test_bad_arguments():
    with pytest.raises(ValueError, match="max_bytes_per_word=0"):
        WordPieceTokenizer(max_bytes_per_word=0)
    with pytest.raises(ValueError, match="suffix_indicator=''"):
        WordPieceTokenizer(suffix_indicator="")


def test_round_trip_on_normalized_real_text(sst2_lines, spanish_lines):
    for lines, size in ((sst2_lines, 400), (spanish_lines, 400)):
        tok = WordPieceTokenizer().adapt(lines, max_size=size)
        strings = tf.constant(lines)
        ids = tok(strings)
        assert 1 not in ids.flat_values.numpy().tolist()
        # Subwords: more pieces than words, fewer than characters.
        words = tok._split(strings).flat_values.shape[0]
        assert words < ids.flat_values.shape[0] < sum(len(s) for s in lines)
        assert tok.detokenize(ids).numpy().tolist() == tok.normalize(strings).numpy().tolist()


def test_classic_implementation_gives_the_same_ids(sst2_lines):
    fast = WordPieceTokenizer().adapt(sst2_lines[:150], max_size=300)
    classic = WordPieceTokenizer(vocabulary=fast.vocabulary, implementation="classic")
    probe = tf.constant(sst2_lines[:150] + ["zebra qqq 😀", "", "x" * 300])
    assert classic(probe).to_list() == fast(probe).to_list()
    assert classic.tensorflow_text_ops == ["WordpieceTokenizeWithOffsets"]
    with pytest.raises(ValueError, match="implementation='slow'"):
        WordPieceTokenizer(implementation="slow")
