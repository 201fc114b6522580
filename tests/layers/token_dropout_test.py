"""Tests for seqkit.layers.TokenDropout (word dropout)."""

import keras
import numpy as np
import pytest

from seqkit.layers import TokenDropout


def _ids(seed=0):
    ids = np.random.default_rng(seed).integers(2, 500, size=(300, 40)).astype("int32")
    ids[:, 30:] = 0  # padding
    return ids


def test_replaces_the_requested_share_of_real_tokens_and_never_padding():
    ids = _ids()
    out = keras.ops.convert_to_numpy(TokenDropout(0.2, unknown_id=1, seed=3)(ids, training=True))
    real = ids[:, :30]
    replaced = out[:, :30] == 1
    assert abs(replaced.mean() - 0.2) < 0.02
    np.testing.assert_array_equal(out[:, :30][~replaced], real[~replaced])  # the others untouched
    np.testing.assert_array_equal(out[:, 30:], 0)
    assert out.dtype == ids.dtype


def test_identity_at_inference_and_at_rate_zero():
    ids = _ids(1)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(TokenDropout(0.5)(ids)), ids)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(TokenDropout(0.0)(ids, training=True)), ids)


def test_seeded_and_config_round_trip():
    ids = _ids(2)
    a = keras.ops.convert_to_numpy(TokenDropout(0.3, seed=5)(ids, training=True))
    b = keras.ops.convert_to_numpy(TokenDropout(0.3, seed=5)(ids, training=True))
    np.testing.assert_array_equal(a, b)
    layer = TokenDropout(0.3, unknown_id=7, pad_id=2, seed=5)
    again = TokenDropout.from_config(layer.get_config())
    assert (again.rate, again.unknown_id, again.pad_id, again.seed) == (0.3, 7, 2, 5)


@pytest.mark.parametrize("bad", [1.0, -0.1, "0.1", True])
def test_rates_outside_zero_one_are_rejected(bad):
    with pytest.raises(ValueError, match="rate"):
        TokenDropout(bad)


def test_a_model_with_token_dropout_saves_and_loads(tmp_path):
    inputs = keras.Input((None,), dtype="int32")
    x = TokenDropout(0.2, seed=1)(inputs)
    x = keras.layers.Embedding(50, 4, mask_zero=True)(x)
    outputs = keras.layers.GlobalAveragePooling1D()(x)
    model = keras.Model(inputs, outputs)
    ids = np.array([[3, 4, 5, 0]], dtype="int32")
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(ids)), keras.ops.convert_to_numpy(model(ids)), atol=1e-6
    )
