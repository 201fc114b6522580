import inspect

import keras
import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_numpy

from seqkit.layers import TokenAndPositionEmbedding, TransformerEncoderBlock

RNG = np.random.default_rng(0)
X = RNG.normal(size=(2, 5, 8)).astype("float32")


def _layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def _reference(block, x, key_mask):
    """The block's math in NumPy, from its own weights (post- or pre-norm)."""
    (wq, bq, wk, bk, wv, bv, wo, bo, g1, b1, w_in, b_in, w_out, b_out, g2, b2) = (
        np.asarray(w, "float64") for w in block.get_weights()
    )

    def attend(h):
        q = np.einsum("btd,dnh->btnh", h, wq) + bq
        k = np.einsum("btd,dnh->btnh", h, wk) + bk
        v = np.einsum("btd,dnh->btnh", h, wv) + bv
        logits = np.einsum("btnh,bsnh->bnts", q, k) / np.sqrt(q.shape[-1])
        logits = np.where(key_mask[:, None, None, :], logits, -np.inf)
        w = np.exp(logits - logits.max(-1, keepdims=True))
        w /= w.sum(-1, keepdims=True)
        return np.einsum("btnh,nhd->btd", np.einsum("bnts,bsnh->btnh", w, v), wo) + bo

    def ffn(h):
        return np.maximum(h @ w_in + b_in, 0) @ w_out + b_out

    if block.norm_first:
        h = x + attend(_layer_norm(x, g1, b1))
        return h + ffn(_layer_norm(h, g2, b2))
    h = _layer_norm(x + attend(x), g1, b1)
    return _layer_norm(h + ffn(h), g2, b2)


@pytest.mark.parametrize("norm_first", [False, True])
def test_matches_numpy_reference(norm_first):
    block = TransformerEncoderBlock(num_heads=2, intermediate_dim=12, norm_first=norm_first)
    key_mask = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], bool)
    out = to_numpy(block(X, padding_mask=key_mask))
    np.testing.assert_allclose(out, _reference(block, X.astype("float64"), key_mask), atol=1e-5)


@pytest.mark.parametrize("norm_first", [False, True])
def test_appended_padding_changes_no_real_output(norm_first):
    block = TransformerEncoderBlock(num_heads=2, intermediate_dim=12, norm_first=norm_first)
    base = to_numpy(block(X[:, :3]))
    padded = np.concatenate([X[:, :3], RNG.normal(size=(2, 4, 8)).astype("float32")], 1)
    mask = np.array([[True] * 3 + [False] * 4] * 2)
    out = to_numpy(block(padded, padding_mask=mask))
    np.testing.assert_allclose(out[:, :3], base, atol=1e-5)


def test_keras_mask_from_embedding_is_honoured():
    ids = keras.Input((5,), dtype="int32")
    embedding = TokenAndPositionEmbedding(20, 5, 8)
    block = TransformerEncoderBlock(num_heads=2, intermediate_dim=12)
    model = keras.Model(ids, block(embedding(ids)))
    batch = np.array([[3, 4, 5, 0, 0], [6, 7, 8, 9, 10]])
    out = to_numpy(model(batch))
    x = to_numpy(embedding(batch))
    explicit = to_numpy(block(x, padding_mask=batch != 0))
    real = batch != 0  # outputs at padded positions carry no meaning
    np.testing.assert_allclose(out[real], explicit[real], atol=1e-5)
    unmasked = to_numpy(block(x))
    assert not np.allclose(out[0, :3], unmasked[0, :3], atol=1e-4)


def test_dropout_trains_and_bad_heads_raise():
    block = TransformerEncoderBlock(num_heads=2, intermediate_dim=12, dropout=0.5)
    a = to_numpy(block(X, training=True))
    assert not np.allclose(a, to_numpy(block(X, training=False)), atol=1e-3)
    with pytest.raises(ValueError, match="num_heads=3"):
        TransformerEncoderBlock(num_heads=3, intermediate_dim=4)(X)


def test_get_config_is_complete():
    block = TransformerEncoderBlock(2, 12, dropout=0.1, activation="gelu", norm_first=True)
    config = block.get_config()
    for p in inspect.signature(TransformerEncoderBlock.__init__).parameters:
        if p not in ("self", "kwargs"):
            assert p in config, p
    clone = TransformerEncoderBlock.from_config(config)
    assert clone.norm_first and clone.activation is keras.activations.gelu
    assert clone.get_config() == config
    expected = to_numpy(block(X))
    clone(X)
    clone.set_weights(block.get_weights())
    np.testing.assert_allclose(to_numpy(clone(X)), expected, rtol=0, atol=1e-5)


def test_keras_file_round_trip(tmp_path):
    ids = keras.Input((5,), dtype="int32")
    x = TokenAndPositionEmbedding(20, 5, 8)(ids)
    x = TransformerEncoderBlock(2, 12, norm_first=True)(x)
    model = keras.Model(ids, keras.layers.GlobalAveragePooling1D()(x))
    batch = np.array([[3, 4, 5, 0, 0], [6, 7, 8, 9, 10]])
    model.save(tmp_path / "m.keras")
    np.testing.assert_array_equal(
        to_numpy(keras.models.load_model(tmp_path / "m.keras")(batch)), to_numpy(model(batch))
    )


def test_attention_window_equals_the_band_attention_mask():
    from seqkit.layers import masks

    block = TransformerEncoderBlock(num_heads=2, intermediate_dim=16, attention_window=1)
    windowed = to_numpy(block(X))
    plain = TransformerEncoderBlock.from_config({**block.get_config(), "attention_window": None})
    plain.build(X.shape)
    plain.set_weights(block.get_weights())
    band = to_numpy(masks.local_mask(5, window=1))[None]
    np.testing.assert_allclose(windowed, to_numpy(plain(X, attention_mask=band)), atol=1e-5)
    assert not np.allclose(windowed, to_numpy(plain(X)), atol=1e-3)


def test_attention_window_keeps_far_tokens_out_of_one_block():
    block = TransformerEncoderBlock(num_heads=2, intermediate_dim=16, attention_window=1)
    changed = X.copy()
    changed[:, 4] += 5.0  # step 4 is 4 steps from step 0, 2 from step 2
    before, after = to_numpy(block(X)), to_numpy(block(changed))
    np.testing.assert_allclose(before[:, :3], after[:, :3], atol=1e-5)
    assert not np.allclose(before[:, 3], after[:, 3], atol=1e-3)


@pytest.mark.parametrize("window", [-1, 1.5, True])
def test_attention_window_rejects_bad_values(window):
    with pytest.raises(ValueError, match="attention_window"):
        TransformerEncoderBlock(num_heads=2, intermediate_dim=16, attention_window=window)
