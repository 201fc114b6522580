import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_numpy

from seqkit.layers import scaled_dot_product_attention


def _reference(q, k, v, mask=None, scale=None):
    """softmax(q k^T * scale) v in NumPy, rank-4 (B, T, N, H) layout."""
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", q, k).astype("float64") * scale
    if mask is not None:
        logits = np.where(mask, logits, -np.inf)
    logits = logits - logits.max(-1, keepdims=True)
    w = np.exp(logits)
    w = w / w.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", w, v), w


def _data(b=2, t=3, s=4, n=2, h=4, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape).astype("float32") for shape in ((b, t, n, h), (b, s, n, h), (b, s, n, h))]


@pytest.mark.parametrize("implementation", ["auto", "explicit"])
def test_matches_numpy_with_padding_mask(implementation):
    q, k, v = _data()
    key_mask = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], bool)
    mask = np.broadcast_to(key_mask[:, None, :], (2, 3, 4))
    out = scaled_dot_product_attention(q, k, v, mask=mask, implementation=implementation)
    ref, _ = _reference(q, k, v, mask=mask[:, None])
    np.testing.assert_allclose(to_numpy(out), ref, atol=1e-5)


@pytest.mark.parametrize("implementation", ["auto", "explicit"])
def test_causal_matches_numpy(implementation):
    q, k, v = _data(t=4, s=4)
    out = scaled_dot_product_attention(q, k, v, is_causal=True, implementation=implementation)
    ref, _ = _reference(q, k, v, mask=np.tril(np.ones((4, 4), bool))[None, None])
    np.testing.assert_allclose(to_numpy(out), ref, atol=1e-5)


def test_exact_values_tiny_rank3():
    # One query, two keys: logits (1*1 + 0*0)/sqrt(2) and 0 -> weights by hand.
    q = np.array([[[1.0, 0.0]]], "float32")
    k = np.array([[[1.0, 0.0], [0.0, 1.0]]], "float32")
    v = np.array([[[10.0, 0.0], [0.0, 10.0]]], "float32")
    out, w = scaled_dot_product_attention(q, k, v, return_weights=True)
    a = np.exp(1 / np.sqrt(2))
    w_ref = np.array([a, 1.0]) / (a + 1.0)
    np.testing.assert_allclose(to_numpy(w)[0, 0], w_ref, rtol=1e-6)
    np.testing.assert_allclose(to_numpy(out)[0, 0], 10 * w_ref, rtol=1e-6)


def test_weights_are_zero_where_masked_and_rows_sum_to_one():
    q, k, v = _data()
    mask = np.array([[1, 0, 1, 1], [1, 1, 1, 0]], bool)[:, None, :]
    out, w = scaled_dot_product_attention(q, k, v, mask=mask, return_weights=True)
    w = to_numpy(w)
    assert w.shape == (2, 2, 3, 4)
    assert np.all(w[0, :, :, 1] == 0) and np.all(w[1, :, :, 3] == 0)
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-6)
    fused = scaled_dot_product_attention(q, k, v, mask=mask)
    np.testing.assert_allclose(to_numpy(out), to_numpy(fused), atol=1e-5)


def test_padding_keys_appended_change_nothing():
    q, k, v = _data(s=4)
    extra = np.random.default_rng(1).normal(size=(2, 3, 2, 4)).astype("float32")
    k2, v2 = np.concatenate([k, extra], 1), np.concatenate([v, extra], 1)
    mask = np.array([True] * 4 + [False] * 3)[None, None, :]
    base = scaled_dot_product_attention(q, k, v)
    padded = scaled_dot_product_attention(q, k2, v2, mask=mask)
    np.testing.assert_allclose(to_numpy(padded), to_numpy(base), atol=1e-6)


def test_forcing_fused_path_fails_with_reason():
    q, k, v = _data()
    with pytest.raises(ValueError, match="return_weights"):
        scaled_dot_product_attention(q, k, v, return_weights=True, implementation="fused")
    with pytest.raises(ValueError, match="implementation"):
        scaled_dot_product_attention(q, k, v, implementation="fast")


def test_dropout_only_in_training():
    q, k, v = _data()
    plain = to_numpy(scaled_dot_product_attention(q, k, v))
    infer = to_numpy(scaled_dot_product_attention(q, k, v, dropout_rate=0.5, training=False))
    train = to_numpy(scaled_dot_product_attention(q, k, v, dropout_rate=0.5, training=True, seed=1))
    np.testing.assert_allclose(infer, plain, atol=1e-6)
    assert not np.allclose(train, plain, atol=1e-3)
