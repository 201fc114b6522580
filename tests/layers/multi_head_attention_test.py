import inspect

import keras
import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_numpy

from seqkit.layers import MultiHeadAttention

RNG = np.random.default_rng(0)
X = RNG.normal(size=(2, 5, 8)).astype("float32")
MEMORY = RNG.normal(size=(2, 6, 12)).astype("float32")
# Lengths 5/3 for X and 6/4 for MEMORY; id 0 is padding.
X_IDS = np.array([[3, 4, 5, 6, 7], [8, 9, 2, 0, 0]])
MEMORY_IDS = np.array([[1, 2, 3, 4, 5, 6], [7, 8, 9, 1, 0, 0]])


def _pair(value_dim=None, output_shape=None, cross=False):
    ours = MultiHeadAttention(num_heads=2, key_dim=4, value_dim=value_dim, output_shape=output_shape)
    theirs = keras.layers.MultiHeadAttention(
        num_heads=2, key_dim=4, value_dim=value_dim, output_shape=output_shape
    )
    value = MEMORY if cross else X
    theirs(X, value)
    ours(X, value)
    ours.set_weights(theirs.get_weights())
    return ours, theirs


def test_weights_have_keras_layout():
    ours = MultiHeadAttention(num_heads=2, key_dim=4, value_dim=3, output_shape=7)
    theirs = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4, value_dim=3, output_shape=7)
    ours.build((2, 5, 8), (2, 6, 12))
    theirs.build((2, 5, 8), (2, 6, 12))
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    assert len(ours.get_weights()) == 8


@pytest.mark.parametrize("cross", [False, True])
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("scores", [False, True])
def test_matches_keras_with_identical_weights(cross, causal, scores):
    ours, theirs = _pair(cross=cross)
    value = MEMORY if cross else X
    a = theirs(X, value, use_causal_mask=causal, return_attention_scores=scores)
    b = ours(X, value, use_causal_mask=causal, return_attention_scores=scores)
    for x, y in zip(keras.tree.flatten(a), keras.tree.flatten(b)):
        assert np.max(np.abs(to_numpy(x) - to_numpy(y))) <= 1e-5
    assert not np.allclose(to_numpy(keras.tree.flatten(b)[0]), 0.0)


def _masked_model(layer, cross, causal, scores):
    """A model that embeds ids with mask_zero so the layer sees Keras masks."""
    x_ids = keras.Input((5,), dtype="int32")
    x = keras.layers.Embedding(10, 8, mask_zero=True, name="x_embed")(x_ids)
    if cross:
        m_ids = keras.Input((6,), dtype="int32")
        memory = keras.layers.Embedding(10, 12, mask_zero=True, name="m_embed")(m_ids)
        out = layer(x, memory, use_causal_mask=causal, return_attention_scores=scores)
        return keras.Model([x_ids, m_ids], out)
    out = layer(x, x, use_causal_mask=causal, return_attention_scores=scores)
    return keras.Model(x_ids, out)


@pytest.mark.parametrize("cross", [False, True])
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("scores", [False, True])
def test_matches_keras_with_keras_padding_masks(cross, causal, scores):
    # scores=False takes the fused path of both layers, scores=True the explicit one.
    keras.utils.set_random_seed(1)
    theirs_model = _masked_model(keras.layers.MultiHeadAttention(2, 4), cross, causal, scores)
    ours_model = _masked_model(MultiHeadAttention(2, 4), cross, causal, scores)
    ours_model.set_weights(theirs_model.get_weights())
    inputs = [X_IDS, MEMORY_IDS] if cross else X_IDS
    a = keras.tree.flatten(theirs_model(inputs))
    b = keras.tree.flatten(ours_model(inputs))
    real = X_IDS != 0
    # Padded query rows attend nothing; both layers agree there too, but only
    # real rows carry meaning, so compare everything at real rows.
    np.testing.assert_allclose(to_numpy(b[0])[real], to_numpy(a[0])[real], atol=1e-5)
    np.testing.assert_allclose(to_numpy(b[0]), to_numpy(a[0]), atol=1e-5)
    if scores:
        np.testing.assert_allclose(to_numpy(b[1]), to_numpy(a[1]), atol=1e-5)


def test_matches_keras_with_explicit_attention_mask():
    ours, theirs = _pair(cross=True)
    mask = RNG.random((2, 5, 6)) > 0.3
    mask[..., 0] = True
    a, sa = theirs(X, MEMORY, attention_mask=mask, return_attention_scores=True)
    b, sb = ours(X, MEMORY, attention_mask=mask, return_attention_scores=True)
    np.testing.assert_allclose(to_numpy(b), to_numpy(a), atol=1e-5)
    np.testing.assert_allclose(to_numpy(sb), to_numpy(sa), atol=1e-5)
    b2 = ours(X, MEMORY, attention_mask=mask)  # fused path
    np.testing.assert_allclose(to_numpy(b2), to_numpy(a), atol=1e-5)


def test_output_carries_query_mask():
    x_ids = keras.Input((5,), dtype="int32")
    x = keras.layers.Embedding(10, 8, mask_zero=True)(x_ids)
    y = MultiHeadAttention(2, 4)(x, x)
    pooled = keras.layers.GlobalAveragePooling1D()(y)  # honours the mask
    model = keras.Model(x_ids, [y, pooled])
    seq, mean = model(X_IDS)
    seq = to_numpy(seq)
    np.testing.assert_allclose(to_numpy(mean)[1], seq[1, :3].mean(0), atol=1e-5)


def test_appended_padding_changes_no_real_output():
    layer = MultiHeadAttention(2, 4)
    x = X[:1, :3]
    padded = np.concatenate([x, RNG.normal(size=(1, 4, 8)).astype("float32")], 1)
    key_mask = np.array([[True] * 3 + [False] * 4])
    base = layer(x, x, use_causal_mask=True)
    out = layer(padded, padded, attention_mask=key_mask[:, None, :], use_causal_mask=True)
    np.testing.assert_allclose(to_numpy(out)[:, :3], to_numpy(base), atol=1e-5)


def test_cache_decoding_equals_full_causal_pass():
    layer = MultiHeadAttention(2, 4)
    full = to_numpy(layer(X, X, use_causal_mask=True))
    cache = layer.get_initial_cache(2, 5)
    steps = []
    for t in range(5):
        x_t = X[:, t : t + 1]
        y, cache = layer(x_t, x_t, use_causal_mask=True, cache=cache, cache_index=t)
        steps.append(to_numpy(y))
    np.testing.assert_allclose(np.concatenate(steps, 1), full, atol=1e-5)
    # A prefix of two tokens then single steps works too.
    cache = layer.get_initial_cache(2, 5)
    y, cache = layer(X[:, :2], X[:, :2], use_causal_mask=True, cache=cache, cache_index=0)
    np.testing.assert_allclose(to_numpy(y), full[:, :2], atol=1e-5)


def test_precomputed_cache_for_cross_attention():
    layer = MultiHeadAttention(2, 4)
    full = to_numpy(layer(X, MEMORY))
    cache = layer.get_initial_cache(2, 6)
    _, cache = layer(X[:, :1], MEMORY, cache=cache, cache_index=0)  # fills all 6
    y, _ = layer(X[:, 2:3], MEMORY, cache=cache)  # cache_index=None: read as is
    np.testing.assert_allclose(to_numpy(y), full[:, 2:3], atol=1e-5)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="num_heads=0"):
        MultiHeadAttention(0, 4)
    layer = MultiHeadAttention(2, 4)
    cache = np.zeros((2, 2, 5, 2, 4), "float32")
    with pytest.raises(ValueError, match="return_attention_scores"):
        layer(X, X, cache=cache, cache_index=0, return_attention_scores=True)
    with pytest.raises(ValueError, match="value_dim"):
        MultiHeadAttention(2, 4, value_dim=3)(X, X, cache=cache, cache_index=0)


def test_get_config_is_complete():
    layer = MultiHeadAttention(3, 5, value_dim=2, dropout=0.1, use_bias=False, output_shape=4, seed=7)
    config = layer.get_config()
    params = [p for p in inspect.signature(MultiHeadAttention.__init__).parameters if p not in ("self", "kwargs")]
    for p in params:
        assert p in config, p
    clone = MultiHeadAttention.from_config(config)
    assert (clone.num_heads, clone.value_dim, clone._output_dim, clone.use_bias) == (3, 2, 4, False)
    assert clone.get_config() == config
    expected = to_numpy(layer(X, MEMORY))
    clone(X, MEMORY)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(to_numpy(clone(X, MEMORY)), expected, rtol=0, atol=1e-5)


def test_keras_file_round_trip(tmp_path):
    x_ids = keras.Input((5,), dtype="int32")
    x = keras.layers.Embedding(10, 8, mask_zero=True)(x_ids)
    y = MultiHeadAttention(2, 4, output_shape=6)(x, x, use_causal_mask=True)
    model = keras.Model(x_ids, y)
    path = tmp_path / "mha.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(to_numpy(loaded(X_IDS)), to_numpy(model(X_IDS)))
