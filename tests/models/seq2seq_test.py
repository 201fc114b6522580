"""Encoder-decoder models: cached decoding equals the full pass, no padding or
future-token leaks, attention weights for maps, save/load."""

import keras
import numpy as np
import pytest

from seqkit.models.recurrent_decoder import RecurrentDecoder
from seqkit.models.seq2seq import Seq2SeqDecoding
from seqkit.models.seq2seq import seq2seq_model
from seqkit.models.transformer_decoder import TransformerDecoder

SOURCE_VOCAB, TARGET_VOCAB = 23, 19

CONFIGS = {
    "rnn_none": dict(architecture="rnn", attention="none"),
    "rnn_additive": dict(architecture="rnn", attention="additive"),
    "rnn_dot_feeding": dict(architecture="rnn", attention="dot", input_feeding=True),
    "rnn_general_lstm": dict(architecture="rnn", attention="general", cell="lstm"),
    "transformer": dict(architecture="transformer", positions="sinusoidal"),
    "transformer_prenorm_learned": dict(
        architecture="transformer", positions="learned", norm_first=True
    ),
}


def _model(name, seed=1):
    keras.utils.set_random_seed(seed)
    return seq2seq_model(
        SOURCE_VOCAB, TARGET_VOCAB, units=16, embedding_dim=8, num_layers=2, num_heads=2,
        max_source_length=12, max_target_length=8, **CONFIGS[name],
    )


# Two sources of 5 and 3 real tokens, two decoder inputs of 6 and 4 real tokens.
SOURCE = np.array([[5, 6, 7, 8, 9], [10, 11, 12, 0, 0]], "int32")
TARGET_IN = np.array([[2, 5, 6, 7, 8, 9], [2, 10, 11, 12, 0, 0]], "int32")
REAL_TARGET = np.array([[1] * 6, [1] * 4 + [0] * 2], bool)


def _logits(model, source, target_in):
    return np.asarray(model({"encoder_inputs": source, "decoder_inputs": target_in}))


def _sharpen_attention(model, factor=4.0):
    """Scales the attention kernels up and gives its biases values: at
    initialisation the scores are so flat (and the biases zero) that a wrong
    key projection would move the logits by less than the tolerance."""
    rng = np.random.default_rng(0)
    for variable in model.weights:
        if "attention" not in variable.path:
            continue
        if "bias" in variable.path:
            variable.assign(rng.normal(0, 0.5, variable.shape).astype(variable.dtype))
        else:
            variable.assign(variable.numpy() * factor)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_cached_decoding_equals_full_pass(name):
    model = _model(name)
    _sharpen_attention(model)
    full = _logits(model, SOURCE, TARGET_IN)
    decoding = Seq2SeqDecoding(model)
    cache = decoding.encode(SOURCE)
    steps = []
    for index in range(1, TARGET_IN.shape[1] + 1):
        prompt = np.pad(TARGET_IN, ((0, 0), (0, 1)))
        logits, hidden, cache = decoding.next(prompt, cache, index)
        assert hidden is None
        steps.append(np.asarray(logits))
    np.testing.assert_allclose(np.stack(steps, 1), full, atol=2e-5)


@pytest.mark.parametrize("name", ["rnn_additive", "rnn_dot_feeding", "rnn_general_lstm", "transformer"])
def test_source_padding_never_leaks(name):
    model = _model(name)
    base = _logits(model, SOURCE, TARGET_IN)
    # More padding columns: identical logits.
    padded = _logits(model, np.pad(SOURCE, ((0, 0), (0, 4))), TARGET_IN)
    np.testing.assert_allclose(padded, base, atol=2e-5)
    # Different encoder outputs at the padded positions of the cache change
    # nothing either: the decoder masks them explicitly.
    decoding = Seq2SeqDecoding(model)
    cache = decoding.encode(SOURCE)
    noisy = np.asarray(cache["memory"]).copy()
    noisy[1, 3:] = np.random.default_rng(0).normal(size=noisy[1, 3:].shape) * 10
    caches = [cache, {**cache, "memory": noisy}]
    prompt = np.pad(TARGET_IN, ((0, 0), (0, 1)))
    outputs = [[], []]
    for index in range(1, 4):
        for i in range(2):
            logits, _, caches[i] = decoding.next(prompt, caches[i], index)
            outputs[i].append(np.asarray(logits))
    np.testing.assert_allclose(outputs[1], outputs[0], atol=2e-5)


@pytest.mark.parametrize("name", ["rnn_additive", "transformer"])
def test_decoder_never_sees_future_tokens(name):
    model = _model(name)
    base = _logits(model, SOURCE, TARGET_IN)
    changed = TARGET_IN.copy()
    changed[:, 3:] = 17
    out = _logits(model, SOURCE, changed)
    np.testing.assert_allclose(out[:, :3], base[:, :3], atol=2e-5)
    assert np.abs(out[:, 3:] - base[:, 3:]).max() > 1e-4


@pytest.mark.parametrize("name", ["rnn_additive", "rnn_dot_feeding", "transformer"])
def test_attention_weights_for_maps(name):
    model = _model(name)
    weights = np.asarray(Seq2SeqDecoding(model).attention_scores(SOURCE, TARGET_IN))
    assert weights.shape == (2, 6, 5)
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-5)
    assert np.all(weights[1, :, 3:] == 0.0)
    assert np.all(weights >= 0.0)


def test_no_attention_model_has_no_weights():
    assert Seq2SeqDecoding(_model("rnn_none")).attention_scores(SOURCE, TARGET_IN) is None


def test_transformer_attention_rerun_matches_the_block():
    model = _model("transformer_prenorm_learned")
    decoder = model.get_layer("decoder")
    decoding = Seq2SeqDecoding(model)
    memory = np.asarray(decoding.encode(SOURCE)["memory"])
    mask = SOURCE != 0
    rerun = np.asarray(decoder.last_block_output(TARGET_IN, memory, mask))
    x = decoder._embed(TARGET_IN, 0, False)
    for block in decoder.blocks:
        x = block(x, memory, encoder_padding_mask=mask)
    np.testing.assert_allclose(rerun, np.asarray(x), atol=1e-5)


@pytest.mark.parametrize("name", ["rnn_dot_feeding", "transformer"])
def test_keras_save_and_load(tmp_path, name):
    model = _model(name)
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(
        _logits(loaded, SOURCE, TARGET_IN), _logits(model, SOURCE, TARGET_IN), atol=1e-6
    )
    cache = Seq2SeqDecoding(loaded).encode(SOURCE)
    np.testing.assert_allclose(
        np.asarray(cache["memory"]), np.asarray(Seq2SeqDecoding(model).encode(SOURCE)["memory"]),
        atol=1e-6,
    )


def test_bad_arguments_name_the_value():
    with pytest.raises(ValueError, match="architecture='lstm'"):
        seq2seq_model(5, 5, architecture="lstm")
    with pytest.raises(ValueError, match="attention='luong'"):
        seq2seq_model(5, 5, attention="luong")
    with pytest.raises(ValueError, match="input_feeding"):
        seq2seq_model(5, 5, attention="none", input_feeding=True)
    decoder = RecurrentDecoder(5, 4, units=8, attention="dot")
    with pytest.raises(ValueError, match="'general'"):
        decoder(np.ones((1, 2), "int32"), np.ones((1, 3, 6), "float32"), np.ones((1, 3), bool),
                [np.zeros((1, 8), "float32")])


@pytest.mark.parametrize("layer", [
    RecurrentDecoder(7, 3, cell="lstm", units=5, attention="general", attention_units=4,
                     input_feeding=True, dropout=0.1),
    TransformerDecoder(7, 8, 6, num_layers=1, num_heads=2, intermediate_dim=5,
                       positions="learned", dropout=0.2, norm_first=True),
])
def test_get_config_holds_every_argument(layer):
    import inspect

    config = layer.get_config()
    for name in inspect.signature(type(layer).__init__).parameters:
        if name not in ("self", "kwargs"):
            assert name in config, name
    again = type(layer).from_config(config)
    assert again.get_config() == config


@pytest.mark.parametrize("name", ["rnn_dot_feeding"])
def test_beam_width_one_equals_greedy(name):
    import tensorflow as tf

    from seqkit.samplers import get_sampler

    decoding = Seq2SeqDecoding(_model(name))
    greedy, beam1, beam3 = (get_sampler("greedy"), get_sampler("beam", beam_width=1),
                            get_sampler("beam", beam_width=3, length_penalty=0.6))

    @tf.function
    def decode(source):
        return [decoding.translate(source, s, max_length=7) for s in (greedy, beam1, beam3)]

    greedy_ids, beam1_ids, beam3_ids = (np.asarray(t) for t in decode(tf.constant(SOURCE)))
    np.testing.assert_array_equal(beam1_ids, greedy_ids)
    assert greedy_ids.shape == beam3_ids.shape == (2, 7)
