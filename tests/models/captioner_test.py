"""The captioning models: image encoder, the two decoders and the one-word step."""

import keras
import numpy as np
import pytest
from keras import ops

from seqkit.models.attention_lstm_decoder import AttentionLSTMDecoder
from seqkit.models.captioner import CaptionGenerator, build_captioner
from seqkit.models.image_encoder import build_image_encoder
from seqkit.samplers import get_sampler

pytestmark = pytest.mark.tf_only
VOCAB, LENGTH = 30, 9


def make(decoder, seed=1):
    keras.utils.set_random_seed(seed)
    return build_captioner(
        (32, 32), VOCAB, LENGTH, decoder=decoder, encoder_filters=(8, 16, 16),
        hidden_dim=16, embedding_dim=8, num_layers=2, num_heads=2, token_dropout=0.2, seed=1,
    )


def inputs(batch=3, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.random((batch, 32, 32, 3), dtype=np.float32)
    tokens = rng.integers(4, VOCAB, (batch, LENGTH)).astype("int32")
    tokens[:, 0] = 2
    return images, tokens


def test_region_grid_shape():
    encoder = build_image_encoder((64, 64), 24)
    assert tuple(encoder.output.shape) == (None, 64, 24)  # an 8x8 grid
    assert tuple(build_image_encoder((32, 48), 8, filters=(4, 8)).output.shape) == (None, 96, 8)  # 8x12
    with pytest.raises(ValueError, match="kind"):
        build_image_encoder((64, 64), 8, kind="resnet")


def test_colour_stream_keeps_shape_features_blind_to_colour():
    keras.utils.set_random_seed(2)
    encoder = build_image_encoder((32, 32), 16, filters=(8, 16), colour_stream=True)
    shapes = keras.Model(encoder.input, encoder.get_layer("pool_1").output)
    # One square in two hues whose darkest channel is the same, and a circle.
    red, blue = np.ones((2, 32, 32, 3), "float32")
    red[8:20, 6:18] = (0.85, 0.2, 0.25)
    blue[8:20, 6:18] = (0.25, 0.2, 0.85)
    circle = np.ones((32, 32, 3), "float32")
    yy, xx = np.mgrid[:32, :32]
    circle[(yy - 14) ** 2 + (xx - 12) ** 2 <= 36] = (0.85, 0.2, 0.25)
    features = np.asarray(shapes(np.stack([red, blue, circle])))
    np.testing.assert_allclose(features[0], features[1], atol=1e-6)
    assert np.abs(features[0] - features[2]).max() > 1e-3
    regions = np.asarray(encoder(np.stack([red, blue])))
    assert np.abs(regions[0] - regions[1]).max() > 1e-3  # the colour stream tells them apart
    with pytest.raises(ValueError, match="colour_stream"):
        build_image_encoder((64, 64), 8, kind="mobilenet_v3", colour_stream=True)


def test_mobilenet_backbone_from_scratch():
    encoder = build_image_encoder((64, 64), 16, kind="mobilenet_v3")
    regions = encoder(np.zeros((1, 64, 64, 3), "float32"))
    assert regions.shape[0] == 1 and regions.shape[-1] == 16 and regions.shape[1] >= 1


@pytest.mark.parametrize("decoder", ["lstm_attention", "transformer"])
def test_attention_weights_over_regions_sum_to_one(decoder):
    model = make(decoder)
    images, tokens = inputs()
    weights = CaptionGenerator(model, 2, 3, LENGTH).attention(images, tokens)
    weights = np.asarray(weights)
    assert weights.shape == (3, LENGTH, 16)  # 32x32 -> a 4x4 grid
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-5)
    assert (weights >= 0).all() and weights.std() > 0


def test_lstm_decoder_projects_each_region_once_with_the_attention_kernel():
    # The cached keys are the additive attention's own W2 r + b; a step's weights
    # equal the layer called plainly on the raw regions (which projects them itself).
    model = make("lstm_attention")
    images, tokens = inputs()
    decoder = model.get_layer("decoder")
    regions = model.get_layer("image_encoder")(images, training=False)
    cache = decoder.initial_cache(regions)
    np.testing.assert_allclose(np.asarray(cache["keys"]),
                               np.asarray(decoder.attention.project_key(regions)), rtol=1e-6)
    _, _, weights = decoder.step(ops.convert_to_tensor(tokens[:, 0]), cache)
    _, expected = decoder.attention(cache["h"], regions, return_attention_scores=True)
    np.testing.assert_allclose(np.asarray(weights), np.asarray(expected), rtol=1e-5, atol=1e-7)
    # No second projection of the regions anywhere in the decoder.
    assert [tuple(w.shape) for w in decoder.weights if "key" in w.path] == [(16, 64)]


def test_transformer_attention_is_the_last_blocks_cross_attention_over_heads():
    # The reference: the last block's own cross-attention layer, called on the
    # normalised output of its self-attention sublayer, with its scores averaged
    # over heads (pre-norm blocks).
    model = make("transformer")
    images, tokens = inputs()
    decoder = model.get_layer("decoder")
    regions = model.get_layer("image_encoder")(images, training=False)
    x = decoder._embed(tokens, 0, False)
    for block in decoder.blocks[:-1]:
        x = block(x, regions)
    block = decoder.blocks[-1]
    normed = block.self_attention_norm(x)
    x = x + block.self_attention(normed, normed, use_causal_mask=True)
    _, scores = block.cross_attention(block.cross_attention_norm(x), regions,
                                      return_attention_scores=True)
    expected = np.asarray(scores).mean(axis=1)
    got = np.asarray(CaptionGenerator(model, 2, 3, LENGTH).attention(images, tokens))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    # Each word reads the regions differently.
    assert np.abs(got[:, 1:] - got[:, :-1]).max() > 1e-4


@pytest.mark.parametrize("decoder", ["lstm_attention", "transformer"])
def test_cached_step_equals_full_pass(decoder):
    model = make(decoder)
    images, tokens = inputs()
    full = np.asarray(model({"image": images, "tokens": tokens}))
    generator = CaptionGenerator(model, 2, 3, LENGTH)
    _, cache = generator.start(images)
    prompt = ops.convert_to_tensor(tokens)
    steps = []
    for index in range(1, LENGTH + 1):
        logits, hidden, cache = generator.next(prompt, cache, index)
        assert hidden is None
        steps.append(np.asarray(logits))
    np.testing.assert_allclose(np.stack(steps, 1), full, atol=1e-4)
    # The full pass is causal: changing a later word leaves earlier logits alone.
    changed = tokens.copy()
    changed[:, 5] = (changed[:, 5] + 1 - 4) % (VOCAB - 4) + 4
    again = np.asarray(model({"image": images, "tokens": changed}))
    np.testing.assert_allclose(again[:, :5], full[:, :5], atol=1e-5)
    assert np.abs(again[:, 5:] - full[:, 5:]).max() > 1e-4


@pytest.mark.parametrize("decoder", ["lstm_attention", "transformer"])
def test_greedy_takes_the_argmax_and_pads_after_end(decoder):
    model = make(decoder)
    images, _ = inputs(2)
    generator = CaptionGenerator(model, 2, 3, LENGTH)
    out = np.asarray(generator.generate(images, get_sampler("greedy")))
    assert out.shape == (2, LENGTH) and (out[:, 0] == 2).all()
    # Re-derive each word from the step's logits.
    _, cache = generator.start(images)
    prompt = ops.convert_to_tensor(out)
    for index in range(1, LENGTH):
        logits, _, cache = generator.next(prompt, cache, index)
        expected = np.argmax(np.asarray(logits), -1)
        ended = (out[:, 1:index] == 3).any(1)
        np.testing.assert_array_equal(out[~ended, index], expected[~ended])
        assert (out[ended, index] == 0).all()


@pytest.mark.parametrize("decoder", ["lstm_attention", "transformer"])
def test_saved_and_loaded(tmp_path, decoder):
    model = make(decoder)
    images, tokens = inputs()
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(
        np.asarray(loaded({"image": images, "tokens": tokens})),
        np.asarray(model({"image": images, "tokens": tokens})), atol=1e-6,
    )


@pytest.mark.parametrize("decoder", ["lstm_attention", "transformer"])
def test_beam_width_one_equals_greedy_and_wider_beams_score_higher(decoder):
    model = make(decoder, seed=3)
    images, _ = inputs(4, seed=2)
    generator = CaptionGenerator(model, 2, 3, LENGTH)
    greedy = np.asarray(generator.generate(images, get_sampler("greedy")))
    beam_one = np.asarray(generator.generate(images, get_sampler("beam", beam_width=1)))
    np.testing.assert_array_equal(beam_one, greedy)
    # A beam of 3 finds a sequence at least as likely as greedy's (summed log-probabilities).
    beam_three = np.asarray(generator.generate(images, get_sampler("beam", beam_width=3)))

    def log_prob(ids):
        logits = np.asarray(model({"image": images, "tokens": ids}))[:, :-1]
        logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
        targets = ids[:, 1:]
        picked = np.take_along_axis(logp, targets[..., None], -1)[..., 0]
        ended = np.cumsum(targets == 3, axis=1) - (targets == 3)  # positions after the end
        return np.where((ended == 0), picked, 0.0).sum(1)

    assert (log_prob(beam_three) >= log_prob(greedy) - 1e-4).all()


def test_config_holds_every_argument():
    layer = AttentionLSTMDecoder(20, 8, 16, dropout=0.25)
    import inspect

    config = layer.get_config()
    for name in inspect.signature(type(layer).__init__).parameters:
        if name not in ("self", "kwargs"):
            assert name in config, name
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
