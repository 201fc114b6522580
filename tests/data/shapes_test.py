import numpy as np
import pytest
import tensorflow as tf

from seqkit.data import make_label_lookup
from seqkit.data import padded_batch
from seqkit.data import read_csv
from seqkit.data import read_parallel_text
from seqkit.data import teacher_forcing
from seqkit.data import to_many_to_one


def test_many_to_one_ids_and_labels(make_tokenizer):
    tok = make_tokenizer(["good", "bad", "film"])  # ids 5, 6, 7
    ds = tf.data.Dataset.from_tensor_slices(
        {"text": ["Good film", "bad bad unknown film", ""], "label": ["pos", "neg", "pos"]}
    )
    out = list(ds.apply(to_many_to_one(tok, make_label_lookup(["neg", "pos"]))).as_numpy_iterator())
    assert [(x.tolist(), int(y)) for x, y in out] == [([5, 7], 1), ([6, 6, 1, 7], 0), ([], 1)]
    truncated = ds.apply(to_many_to_one(tok, make_label_lookup(["neg", "pos"]), max_length=2))
    assert [x.tolist() for x, _ in truncated.as_numpy_iterator()] == [[5, 7], [6, 6], []]


def test_many_to_one_integer_labels_without_lookup(make_tokenizer):
    tok = make_tokenizer(["a"])
    ds = tf.data.Dataset.from_tensor_slices({"s": ["a", "a a"], "y": ["1", "0"]})
    out = ds.apply(to_many_to_one(tok, None, text_key="s", label_key="y")).apply(padded_batch(2))
    (x, y), = list(out.as_numpy_iterator())
    np.testing.assert_array_equal(x, [[5, 0], [5, 5]])
    assert y.dtype == np.int32 and y.tolist() == [1, 0]


def test_teacher_forcing_exact(make_tokenizer):
    src = make_tokenizer(["go", "hi"])
    tgt = make_tokenizer(["ve", "hola", "amigo"])  # ids 5, 6, 7; start 2, end 3
    ds = tf.data.Dataset.from_tensor_slices({"source": ["Go hi", "hi"], "target": ["ve", "hola amigo"]})
    out = list(ds.apply(teacher_forcing(src, tgt)).as_numpy_iterator())
    (inputs, target), (inputs2, target2) = out
    assert inputs["encoder_inputs"].tolist() == [5, 6]
    assert inputs["decoder_inputs"].tolist() == [2, 5] and target.tolist() == [5, 3]
    assert inputs2["decoder_inputs"].tolist() == [2, 6, 7] and target2.tolist() == [6, 7, 3]
    capped = list(ds.apply(teacher_forcing(src, tgt, max_target_length=2)).as_numpy_iterator())
    assert capped[1][0]["decoder_inputs"].tolist() == [2, 6] and capped[1][1].tolist() == [6, 3]


def test_teacher_forcing_batches_shift_by_one(make_tokenizer):
    tok = make_tokenizer(["a", "b", "c"])
    ds = tf.data.Dataset.from_tensor_slices({"source": ["a", "b c"], "target": ["a b c", "c"]})
    (inputs, target), = list(ds.apply(teacher_forcing(tok, tok)).apply(padded_batch(2)).as_numpy_iterator())
    dec = inputs["decoder_inputs"]
    assert dec.shape == target.shape == (2, 4)
    # Away from padding, target[t] == decoder_input[t + 1].
    np.testing.assert_array_equal(dec[0, 1:], target[0, :-1])
    assert (dec[:, 0] == 2).all() and target[0, -1] == 3 and target[1].tolist() == [7, 3, 0, 0]


def test_sst2_and_spa_eng_lines(shared_data, make_tokenizer):
    tok = make_tokenizer(["hide", "new", "secretions", "from", "the", "parental", "units"])
    sst = read_csv(shared_data / "sentiment" / "sst2_train.tsv", quoting=False).take(1)
    (ids, label), = list(
        sst.apply(to_many_to_one(tok, make_label_lookup(["0", "1"]), text_key="sentence")).as_numpy_iterator()
    )
    assert ids.tolist() == [5, 6, 7, 8, 9, 10, 11] and label == 0
    spa = make_tokenizer(["ve."])
    pairs = read_parallel_text(shared_data / "translation" / "spa-eng" / "spa.txt", validate=False).take(1)
    (inputs, target), = list(pairs.apply(teacher_forcing(tok, spa)).as_numpy_iterator())
    assert inputs["decoder_inputs"].tolist() == [2, 5] and target.tolist() == [5, 3]


def test_with_the_seqkit_word_tokenizer_matches_a_direct_call():
    tokenizers = pytest.importorskip("seqkit.tokenizers")
    tok = tokenizers.get_tokenizer("word").adapt(["a good film", "a bad film"])
    texts = ["A good film!", "bad", ""]
    ds = tf.data.Dataset.from_tensor_slices({"text": texts, "label": ["1", "0", "1"]})
    out = [x.tolist() for x, _ in ds.apply(to_many_to_one(tok, None, chunk_size=2)).as_numpy_iterator()]
    assert out == [tok(t).numpy().tolist() for t in texts]
    assert out[1] == [tok.token_to_id("bad")]
