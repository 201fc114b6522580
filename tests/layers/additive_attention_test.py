import inspect

import keras
import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_numpy

from seqkit.layers import AdditiveAttention

RNG = np.random.default_rng(0)
Q = RNG.normal(size=(2, 3, 4)).astype("float32")
V = RNG.normal(size=(2, 5, 6)).astype("float32")


def _reference(layer, q, v, key_mask=None):
    w1, w2, b, vs = (np.asarray(w, "float64") for w in layer.get_weights())
    hidden = np.tanh((q @ w1)[:, :, None, :] + (v @ w2 + b)[:, None, :, :])
    scores = hidden @ vs  # (B, T, S)
    if key_mask is not None:
        scores = np.where(key_mask[:, None, :], scores, -np.inf)
    w = np.exp(scores - scores.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    return w @ v, w


def test_exact_values_constant_weights():
    layer = AdditiveAttention(
        units=2, kernel_initializer=keras.initializers.Constant(0.1),
        bias_initializer=keras.initializers.Constant(0.2),
    )
    q = np.array([[[1.0, 2.0]]], "float32")
    v = np.array([[[1.0, 0.0], [0.0, 3.0]]], "float32")
    context, w = layer(q, v, return_attention_scores=True)
    # score_s = 2 * 0.1 * tanh(0.1*(1+2) + 0.1*sum(k_s) + 0.2)
    s = np.array([0.2 * np.tanh(0.3 + 0.1 + 0.2), 0.2 * np.tanh(0.3 + 0.3 + 0.2)])
    w_ref = np.exp(s) / np.exp(s).sum()
    np.testing.assert_allclose(to_numpy(w)[0, 0], w_ref, rtol=1e-6)
    np.testing.assert_allclose(to_numpy(context)[0, 0], w_ref @ v[0], rtol=1e-6)


def test_matches_numpy_with_padding_mask_and_single_query():
    layer = AdditiveAttention(units=7)
    key_mask = np.array([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0]], bool)
    context, w = layer(Q, V, attention_mask=key_mask[:, None, :], return_attention_scores=True)
    ref_c, ref_w = _reference(layer, Q, V, key_mask)
    np.testing.assert_allclose(to_numpy(context), ref_c, atol=1e-5)
    np.testing.assert_allclose(to_numpy(w), ref_w, atol=1e-6)
    single = layer(Q[:, 0], V, attention_mask=key_mask[:, None, :])
    np.testing.assert_allclose(to_numpy(single), ref_c[:, 0], atol=1e-5)


def test_a_key_projected_once_gives_the_same_attention():
    layer = AdditiveAttention(units=7, bias_initializer=keras.initializers.Constant(0.3))
    key_mask = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], bool)
    layer(Q, V)  # builds the weights
    projected = layer.project_key(V)
    ref_c, ref_w = _reference(layer, Q, V, key_mask)
    for query, index in ((Q, slice(None)), (Q[:, 1], 1)):  # a sequence of queries, and one query
        c, w = layer(query, V, attention_mask=key_mask[:, None, :], return_attention_scores=True,
                     projected_key=projected)
        np.testing.assert_allclose(to_numpy(c), ref_c[:, index], atol=1e-5)
        np.testing.assert_allclose(to_numpy(w), ref_w[:, index], atol=1e-6)


def test_keras_mask_of_value_is_honoured_and_padding_is_invisible():
    ids = keras.Input((5,), dtype="int32")
    query = keras.Input((3, 4))
    embedding = keras.layers.Embedding(10, 6, mask_zero=True)
    attention = AdditiveAttention(units=4)
    model = keras.Model([query, ids], attention(query, embedding(ids)))
    out = to_numpy(model([Q[:1], np.array([[5, 6, 0, 0, 0]])]))
    # Only the two real tokens count: the same as attending over them alone.
    table = to_numpy(embedding.embeddings)
    ref, _ = _reference(attention, Q[:1], table[[5, 6]][None])
    np.testing.assert_allclose(out, ref, atol=1e-5)


def test_get_config_is_complete_and_bad_units():
    layer = AdditiveAttention(units=3, use_bias=False)
    config = layer.get_config()
    for p in inspect.signature(AdditiveAttention.__init__).parameters:
        if p not in ("self", "kwargs"):
            assert p in config, p
    clone = AdditiveAttention.from_config(config)
    assert clone.use_bias is False and clone.get_config() == config
    expected = to_numpy(layer(Q, V))
    clone(Q, V)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(to_numpy(clone(Q, V)), expected, rtol=0, atol=1e-6)
    with pytest.raises(ValueError, match="units=0"):
        AdditiveAttention(units=0)


def test_keras_file_round_trip(tmp_path):
    q_in, v_in = keras.Input((3, 4)), keras.Input((5, 6))
    model = keras.Model([q_in, v_in], AdditiveAttention(units=4)(q_in, v_in))
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(to_numpy(loaded([Q, V])), to_numpy(model([Q, V])))
