import inspect

import keras
import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_numpy

from seqkit.layers import DotAttention

RNG = np.random.default_rng(0)
Q = RNG.normal(size=(2, 3, 4)).astype("float32")
K = RNG.normal(size=(2, 5, 4)).astype("float32")
V = RNG.normal(size=(2, 5, 6)).astype("float32")


def _reference(q, k, v, kernel=None, scale=1.0, key_mask=None):
    q, k, v = (np.asarray(a, "float64") for a in (q, k, v))
    scores = (q @ kernel if kernel is not None else q) @ np.swapaxes(k, 1, 2) * scale
    if key_mask is not None:
        scores = np.where(key_mask[:, None, :], scores, -np.inf)
    w = np.exp(scores - scores.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    return w @ v, w


@pytest.mark.parametrize("use_scale", [False, True])
def test_dot_matches_numpy(use_scale):
    key_mask = np.array([[1, 1, 1, 1, 0], [1, 0, 0, 0, 0]], bool)
    layer = DotAttention(score="dot", use_scale=use_scale)
    context, w = layer(Q, V, key=K, attention_mask=key_mask[:, None, :], return_attention_scores=True)
    ref_c, ref_w = _reference(Q, K, V, scale=0.5 if use_scale else 1.0, key_mask=key_mask)
    np.testing.assert_allclose(to_numpy(context), ref_c, atol=1e-5)
    np.testing.assert_allclose(to_numpy(w), ref_w, atol=1e-6)
    fused = layer(Q, V, key=K, attention_mask=key_mask[:, None, :])
    np.testing.assert_allclose(to_numpy(fused), ref_c, atol=1e-5)


def test_general_matches_numpy_and_exact_tiny_case():
    layer = DotAttention(score="general")
    context = layer(Q, V)
    ref_c, _ = _reference(Q, V[..., :6], V, kernel=to_numpy(layer.kernel))
    np.testing.assert_allclose(to_numpy(context), ref_c, atol=1e-5)
    tiny = DotAttention(score="general", kernel_initializer=keras.initializers.Constant(0.5))
    q = np.array([[1.0]], "float32")  # single query (B, Dq)
    v = np.array([[[2.0], [4.0]]], "float32")
    out, w = tiny(q, v, return_attention_scores=True)
    s = np.array([0.5 * 2.0, 0.5 * 4.0])
    w_ref = np.exp(s) / np.exp(s).sum()
    np.testing.assert_allclose(to_numpy(w)[0], w_ref, rtol=1e-6)
    np.testing.assert_allclose(to_numpy(out)[0], [w_ref @ [2.0, 4.0]], rtol=1e-6)


def test_dot_needs_equal_depths_and_score_is_checked():
    with pytest.raises(ValueError, match="general"):
        DotAttention()(Q, V)
    with pytest.raises(ValueError, match="score='cosine'"):
        DotAttention(score="cosine")


def test_get_config_is_complete_and_round_trips():
    layer = DotAttention(score="general", use_scale=True, kernel_initializer="random_normal")
    expected = to_numpy(layer(Q, V, key=K))
    config = layer.get_config()
    for p in inspect.signature(DotAttention.__init__).parameters:
        if p not in ("self", "kwargs"):
            assert p in config, p
    assert (config["score"], config["use_scale"]) == ("general", True)
    clone = DotAttention.from_config(config)
    assert clone.get_config() == config
    clone(Q, V, key=K)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(to_numpy(clone(Q, V, key=K)), expected, rtol=0, atol=1e-6)


def test_keras_file_round_trip_with_keras_mask(tmp_path):
    ids = keras.Input((5,), dtype="int32")
    q_in = keras.Input((3, 4))
    values = keras.layers.Embedding(10, 4, mask_zero=True)(ids)
    model = keras.Model([q_in, ids], DotAttention(score="general")(q_in, values))
    id_batch = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]])
    out = to_numpy(model([Q, id_batch]))
    # Padding ids are invisible: changing the embedding row of id 0 changes nothing.
    emb = [l for l in model.layers if isinstance(l, keras.layers.Embedding)][0]
    table = to_numpy(emb.embeddings).copy()
    table[0] += 5.0
    emb.embeddings.assign(table)
    np.testing.assert_allclose(to_numpy(model([Q, id_batch])), out, atol=1e-6)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(to_numpy(loaded([Q, id_batch])), out)
