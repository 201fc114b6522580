import inspect

import keras
import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_numpy

from seqkit.layers import TokenAndPositionEmbedding, TransformerDecoderBlock

RNG = np.random.default_rng(0)
X = RNG.normal(size=(2, 5, 8)).astype("float32")
MEMORY = RNG.normal(size=(2, 6, 10)).astype("float32")
MEMORY_MASK = np.array([[1] * 6, [1] * 4 + [0] * 2], bool)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("cross", [False, True])
def test_cache_decoding_equals_full_causal_pass(norm_first, cross):
    block = TransformerDecoderBlock(num_heads=2, intermediate_dim=12, norm_first=norm_first)
    kwargs = {"encoder_outputs": MEMORY, "encoder_padding_mask": MEMORY_MASK} if cross else {}
    full = to_numpy(block(X, **kwargs))
    cache = block.get_initial_cache(2, 5)
    steps = []
    for t in range(5):
        y, cache = block(X[:, t : t + 1], self_attention_cache=cache, cache_index=t, **kwargs)
        steps.append(to_numpy(y))
    np.testing.assert_allclose(np.concatenate(steps, 1), full, atol=1e-5)


def test_is_causal_and_honours_encoder_padding():
    block = TransformerDecoderBlock(num_heads=2, intermediate_dim=12)
    base = to_numpy(block(X, MEMORY, encoder_padding_mask=MEMORY_MASK))
    changed_future = X.copy()
    changed_future[:, 3:] += 1.0
    out = to_numpy(block(changed_future, MEMORY, encoder_padding_mask=MEMORY_MASK))
    np.testing.assert_allclose(out[:, :3], base[:, :3], atol=1e-6)
    assert not np.allclose(out[:, 3:], base[:, 3:], atol=1e-3)
    changed_pad = MEMORY.copy()
    changed_pad[1, 4:] += 3.0
    out = to_numpy(block(X, changed_pad, encoder_padding_mask=MEMORY_MASK))
    np.testing.assert_allclose(out, base, atol=1e-6)


def test_keras_masks_from_embeddings_are_honoured():
    dec_ids = keras.Input((5,), dtype="int32")
    enc_ids = keras.Input((6,), dtype="int32")
    dec_embed = TokenAndPositionEmbedding(20, 5, 8)
    enc_embed = TokenAndPositionEmbedding(20, 6, 8)
    block = TransformerDecoderBlock(2, 12)
    model = keras.Model([dec_ids, enc_ids], block(dec_embed(dec_ids), enc_embed(enc_ids)))
    d = np.array([[3, 4, 5, 0, 0], [6, 7, 8, 9, 10]])
    e = np.array([[1, 2, 3, 4, 5, 6], [7, 8, 9, 3, 0, 0]])
    out = to_numpy(model([d, e]))
    explicit = to_numpy(
        block(dec_embed(d), enc_embed(e), decoder_padding_mask=d != 0, encoder_padding_mask=e != 0)
    )
    real = d != 0  # outputs at padded positions carry no meaning
    np.testing.assert_allclose(out[real], explicit[real], atol=1e-5)


def test_cross_attention_presence_is_checked():
    block = TransformerDecoderBlock(2, 12)
    block(X)  # decoder-only
    with pytest.raises(ValueError, match="without cross-attention"):
        block(X, MEMORY)
    with pytest.raises(ValueError, match="cache_index"):
        block(X, self_attention_cache=block.get_initial_cache(2, 5))


def test_get_config_is_complete_and_round_trips():
    block = TransformerDecoderBlock(2, 12, dropout=0.1, activation="gelu", layer_norm_epsilon=1e-3,
                                    norm_first=True)
    expected = to_numpy(block(X, MEMORY))
    config = block.get_config()
    for p in inspect.signature(TransformerDecoderBlock.__init__).parameters:
        if p not in ("self", "kwargs"):
            assert p in config, p
    assert (config["dropout"], config["layer_norm_epsilon"], config["norm_first"]) == (0.1, 1e-3, True)
    clone = TransformerDecoderBlock.from_config(config)
    assert clone.get_config() == config
    clone(X, MEMORY)
    clone.set_weights(block.get_weights())
    np.testing.assert_allclose(to_numpy(clone(X, MEMORY)), expected, rtol=0, atol=1e-5)


def test_keras_file_round_trip(tmp_path):
    dec_ids = keras.Input((5,), dtype="int32")
    memory = keras.Input((6, 10))
    x = TokenAndPositionEmbedding(20, 5, 8)(dec_ids)
    y = TransformerDecoderBlock(2, 12)(x, memory)
    model = keras.Model([dec_ids, memory], y)
    d = np.array([[3, 4, 5, 0, 0], [6, 7, 8, 9, 10]])
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(to_numpy(loaded([d, MEMORY])), to_numpy(model([d, MEMORY])))
