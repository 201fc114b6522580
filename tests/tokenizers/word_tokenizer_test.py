import pytest
import tensorflow as tf

from seqkit.tokenizers import RESERVED_TOKENS
from seqkit.tokenizers import WordTokenizer

pytestmark = pytest.mark.tf_only


def test_adapt_orders_by_frequency_then_token_and_maps_ids():
    tok = WordTokenizer().adapt(["The cat sat.", "the dog", "a cat"])
    assert tok.vocabulary == list(RESERVED_TOKENS) + ["cat", "the", ".", "a", "dog", "sat"]
    ids = tok(tf.constant(["the cat sat .", "a bird"]))
    assert isinstance(ids, tf.RaggedTensor)
    assert ids.dtype == tf.int32
    assert ids.to_list() == [[6, 5, 10, 7], [8, 1]]


def test_scalar_input_gives_dense_ids():
    tok = WordTokenizer(vocabulary=list(RESERVED_TOKENS) + ["hi"])
    ids = tok("Hi hi ho")
    assert not isinstance(ids, tf.RaggedTensor)
    assert ids.numpy().tolist() == [5, 5, 1]


@pytest.mark.parametrize(
    "punctuation, expected",
    [
        ("split", ["it", "'", "s", "great", ",", "isn", "'", "t", "it", "?", "😀"]),
        ("strip", ["it", "s", "great", "isn", "t", "it"]),
        ("keep", ["it's", "great,", "isn't", "it?😀"]),
    ],
)
def test_punctuation_modes(punctuation, expected):
    tok = WordTokenizer(punctuation=punctuation)
    split = tok._split(tf.constant(["It's great, isn't it?😀"]))
    assert [w.decode() for w in split[0].numpy()] == expected


def test_lowercase_is_unicode_aware_and_optional():
    text = ["ÉCOLE Señor ΣΟΦΊΑ"]
    assert WordTokenizer().normalize(text).numpy()[0].decode() == "école señor σοφία"
    assert (
        WordTokenizer(lowercase=False).normalize(text).numpy()[0].decode()
        == "ÉCOLE Señor ΣΟΦΊΑ"
    )


def test_unicode_spaces_separate_words():
    tok = WordTokenizer()
    text = "a\u00a0b\u2003c\td\n\ne\u3000f"
    assert tok.normalize(text).numpy().decode() == "a b c d e f"


def test_out_of_vocabulary_maps_to_unk_and_detokenizes_as_unk():
    tok = WordTokenizer(vocabulary=list(RESERVED_TOKENS) + ["good", "movie"])
    ids = tok("A good movie")
    assert ids.numpy().tolist() == [1, 5, 6]
    assert tok.detokenize(ids).numpy().decode() == "[UNK] good movie"


def test_detokenize_drops_padding_and_special_ids():
    tok = WordTokenizer(vocabulary=list(RESERVED_TOKENS) + ["good", "movie"])
    dense = tf.constant([[2, 5, 6, 3, 0, 0], [5, 4, 0, 0, 0, 0]])
    assert tok.detokenize(dense).numpy().tolist() == [b"good movie", b"good"]
    # Ids outside the vocabulary read as unknown instead of failing.
    assert tok.detokenize([5, 99, -3]).numpy() == b"good [UNK] [UNK]"


def test_edge_cases_do_not_crash():
    tok = WordTokenizer().adapt(["hello world"])
    inputs = tf.constant(["", "   ", "😀👍🏽", "日本語とEnglish混在", "word " * 20000, b"bad \xff utf8"])
    ids = tok(inputs)
    lengths = ids.row_lengths().numpy().tolist()
    assert lengths[:2] == [0, 0]
    assert lengths[3] == 1 and ids[3].numpy().tolist() == [1]
    assert lengths[4] == 20000
    assert tok(tf.constant([], tf.string)).shape[0] == 0


def test_adapt_from_dataset_equals_adapt_from_list():
    texts = ["b a", "c b", "a a, c!", "d"]
    from_list = WordTokenizer().adapt(texts, max_size=8)
    from_dataset = WordTokenizer().adapt(tf.data.Dataset.from_tensor_slices(texts), max_size=8)
    from_batches = WordTokenizer().adapt(
        tf.data.Dataset.from_tensor_slices(texts).batch(3), max_size=8, batch_size=2
    )
    assert from_list.vocabulary == from_dataset.vocabulary == from_batches.vocabulary
    assert from_list.vocabulary == list(RESERVED_TOKENS) + ["a", "b", "c"]


def test_adapt_min_frequency():
    tok = WordTokenizer().adapt(["x y y z z z"], min_frequency=2)
    assert tok.vocabulary[5:] == ["z", "y"]
    assert tok.token_to_id("x") == tok.unk_id


def test_bad_arguments():
    with pytest.raises(ValueError, match="punctuation='drop'"):
        WordTokenizer(punctuation="drop")
    with pytest.raises(ValueError, match="no vocabulary"):
        WordTokenizer()("text")
    with pytest.raises(TypeError, match="single string"):
        WordTokenizer().adapt("just one string")
    with pytest.raises(TypeError, match="int at index 1"):
        WordTokenizer().adapt(["ok", 3])
    tok = WordTokenizer(vocabulary=list(RESERVED_TOKENS))
    with pytest.raises(ValueError, match="shape"):
        tok(tf.constant([["a"]]))
    with pytest.raises(ValueError, match="token_id=5"):
        tok.id_to_token(5)


def test_real_sst2_lines(sst2_lines):
    tok = WordTokenizer().adapt(sst2_lines[:200], max_size=500)
    assert tok.vocabulary_size == 500
    ids = tok(tf.constant(sst2_lines[:200]))
    # Every word of the training text is either known or (beyond max_size) [UNK];
    # known words come back as the normalized text.
    normalized = tok.normalize(tf.constant(sst2_lines[:200])).numpy()
    restored = tok.detokenize(ids).numpy()
    for original, back, row in zip(normalized, restored, ids.to_list()):
        if 1 not in row:
            assert back == original
    assert tok.vocabulary[5] == tok.id_to_token(5)
    # The most frequent word of English reviews.
    assert tok.vocabulary[5] in {"the", ",", "."}


RAW = ["It isn't bad, it's a film.", "Can't stop; won't stop!", "The cast’s best: mr. smith..."]
PTB = ["it is n't bad , it 's a film .", "ca n't stop ; wo n't stop !", "the cast 's best : mr . smith ..."]


@pytest.mark.parametrize("punctuation", ["keep", "split"])
def test_ptb_split_gives_raw_and_ptb_text_the_same_ids(punctuation):
    tok = WordTokenizer(punctuation=punctuation, ptb_split=True).adapt(PTB)
    assert tok(tf.constant(RAW)).to_list() == tok(tf.constant(PTB)).to_list()
    assert tok.normalize(RAW[:1]).numpy()[0].decode() == (
        "it is n't bad , it 's a film ." if punctuation == "keep" else "it is n ' t bad , it ' s a film ."
    )
    # Without it, the raw spelling of a contraction or a final word is unknown.
    plain = WordTokenizer(punctuation="keep").adapt(PTB)
    assert plain.unk_id in plain(tf.constant(RAW[:1]))[0].numpy().tolist()


def test_ptb_split_leaves_ptb_text_and_inner_punctuation_alone():
    tok = WordTokenizer(punctuation="keep", ptb_split=True)
    texts = PTB + ["1,000 people at 3.5 stars -- a b-movie ( sort of ) , o'clock"]
    assert [t.decode() for t in tok.normalize(texts).numpy()] == PTB[:2] + [
        "the cast 's best : mr . smith ...",
        "1,000 people at 3.5 stars -- a b-movie ( sort of ) , o'clock",
    ]


def test_ptb_split_is_the_same_in_a_graph_in_dataset_map_and_after_batch():
    tok = WordTokenizer(punctuation="keep", ptb_split=True).adapt(PTB)
    eager = tok(tf.constant(RAW)).to_list()
    graph = tf.function(tok.tokenize, input_signature=[tf.TensorSpec([None], tf.string)])
    assert graph(tf.constant(RAW)).to_list() == eager
    mapped = [row.tolist() for row in tf.data.Dataset.from_tensor_slices(RAW).map(tok).as_numpy_iterator()]
    assert mapped == eager
    batched = next(iter(tf.data.Dataset.from_tensor_slices(RAW).batch(3).map(tok)))
    assert batched.to_list() == eager
    assert "StaticRegexReplace" in tok.serving_ops and not tok.tensorflow_text_ops


def test_ptb_split_is_saved_and_loaded(tmp_path):
    from seqkit.tokenizers import load_tokenizer

    WordTokenizer(punctuation="keep", ptb_split=True).adapt(PTB).save(tmp_path)
    loaded = load_tokenizer(tmp_path)
    assert loaded.ptb_split is True
    assert loaded(tf.constant(RAW)).to_list() == loaded(tf.constant(PTB)).to_list()
