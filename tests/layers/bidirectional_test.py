"""Tests for seqkit.layers.Bidirectional."""

import inspect

import keras
import numpy as np
import pytest

import seqkit.layers as sl

UNITS, FEATURES, STEPS, BATCH = 4, 3, 6, 3


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, STEPS, FEATURES)).astype("float32")
    mask = np.arange(STEPS)[None, :] < np.array([STEPS, 4, 2])[:, None]
    return x, mask


def _pair(ours_cls, theirs_cls, merge_mode, **flags):
    ours = sl.Bidirectional(ours_cls(UNITS, **flags), merge_mode=merge_mode)
    if theirs_cls in (keras.layers.LSTM, keras.layers.GRU):
        flags_theirs = dict(flags, use_cudnn=False)  # the generic loop is the reference on a GPU
    else:
        flags_theirs = flags
    theirs = keras.layers.Bidirectional(theirs_cls(UNITS, **flags_theirs), merge_mode=merge_mode)
    ours.build((None, STEPS, FEATURES))
    theirs.build((None, STEPS, FEATURES))
    rng = np.random.default_rng(7)
    weights = [rng.standard_normal(w.shape).astype("float32") * 0.5 for w in theirs.get_weights()]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    return ours, theirs


def _assert_close(a, b):
    a = a if isinstance(a, (tuple, list)) else (a,)
    b = b if isinstance(b, (tuple, list)) else (b,)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert tuple(x.shape) == tuple(y.shape)
        np.testing.assert_allclose(_np(x), _np(y), atol=1e-5, rtol=0)


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "ave", "mul", None])
@pytest.mark.parametrize(
    "kind", [(sl.LSTM, keras.layers.LSTM), (sl.GRU, keras.layers.GRU), (sl.SimpleRNN, keras.layers.SimpleRNN)],
    ids=["lstm", "gru", "simple_rnn"],
)
def test_parity_with_keras_bidirectional_with_states_and_masks(kind, merge_mode):
    ours, theirs = _pair(*kind, merge_mode, return_sequences=True, return_state=True)
    x, mask = _data()
    _assert_close(ours(x), theirs(x))
    _assert_close(ours(x, mask=mask), theirs(x, mask=mask))


def test_parity_last_output_and_both_final_states():
    ours, theirs = _pair(sl.LSTM, keras.layers.LSTM, "concat", return_state=True)
    x, mask = _data(1)
    result = ours(x, mask=mask)
    assert len(result) == 5  # merged output, forward h, c, backward h, c
    _assert_close(result, theirs(x, mask=mask))


def test_backward_direction_reads_right_to_left():
    ours, _ = _pair(sl.GRU, keras.layers.GRU, None, return_sequences=True)
    x, _ = _data(2)
    forward, backward = ours(x)
    # The backward direction at the last position has seen only the last step.
    alone = ours.backward_layer(x[:, -1:])
    np.testing.assert_allclose(_np(backward)[:, -1], _np(alone)[:, 0], atol=1e-6)
    np.testing.assert_allclose(_np(forward)[:, 0], _np(ours.forward_layer(x[:, :1]))[:, 0], atol=1e-6)


def test_padded_positions_are_zero_and_padding_changes_nothing():
    ours, _ = _pair(sl.LSTM, keras.layers.LSTM, "concat", return_sequences=True)
    x, mask = _data(3)
    short = _np(ours(x, mask=mask))
    assert np.all(short[~mask] == 0)
    padded = np.concatenate([x, np.ones((BATCH, 2, FEATURES), "float32")], axis=1)
    padded_mask = np.concatenate([mask, np.zeros((BATCH, 2), bool)], axis=1)
    np.testing.assert_allclose(_np(ours(padded, mask=padded_mask))[:, :STEPS], short, atol=1e-6)


def test_keras_file_round_trip_and_config(tmp_path):
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(10, FEATURES, mask_zero=True)(inputs)
    x = sl.Bidirectional(sl.GRU(UNITS, return_sequences=True), merge_mode="ave")(x)
    x = sl.Bidirectional(sl.LSTM(UNITS))(x)
    model = keras.Model(inputs, x)
    tokens = np.array([[1, 2, 3, 0], [4, 5, 6, 7]], "int32")
    before = _np(model(tokens))
    model.save(tmp_path / "bi.keras")
    loaded = keras.saving.load_model(tmp_path / "bi.keras")
    np.testing.assert_array_equal(_np(loaded(tokens)), before)

    layer = sl.Bidirectional(sl.LSTM(UNITS), merge_mode="sum")
    config = layer.get_config()
    params = set(inspect.signature(sl.Bidirectional.__init__).parameters) - {"self", "kwargs"}
    assert params <= set(config), params - set(config)
    assert sl.Bidirectional.from_config(config).get_config() == config


def test_bad_merge_mode_is_rejected():
    with pytest.raises(ValueError, match="merge_mode='max'"):
        sl.Bidirectional(sl.LSTM(3), merge_mode="max")
