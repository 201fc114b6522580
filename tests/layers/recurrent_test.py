"""Tests for seqkit.layers.Recurrent and its SimpleRNN / LSTM / GRU subclasses.

Parity with keras.layers.SimpleRNN / LSTM / GRU uses identical (random,
non-zero) weights copied in; tolerance 1e-5 max abs difference, float32.
"""

import inspect

import keras
import numpy as np
import pytest

import seqkit.layers as sl

KINDS = {
    "simple_rnn": (sl.SimpleRNN, keras.layers.SimpleRNN, {}),
    "lstm": (sl.LSTM, keras.layers.LSTM, {}),
    "gru": (sl.GRU, keras.layers.GRU, {}),
    "gru_reset_before": (sl.GRU, keras.layers.GRU, {"reset_after": False}),
}
# Loop variants of seqkit's layer that must all agree with Keras.
VARIANTS = {
    "auto": {},  # the default: while, or scan when returning sequences
    "while": {"_loop": "while"},
    "scan": {"_loop": "scan"},
    "unroll": {"unroll": True},
    "hoisted": {"input_projection": "hoisted"},
}
UNITS, FEATURES, STEPS, BATCH = 5, 3, 6, 4


def _keras_reference(cls, *args, **kwargs):
    """Keras' layer on its generic loop: on a GPU, Keras' cuDNN path is not the reference.

    Seen on an H200: under torch, cuDNN (TF32) differs from the loop by ~5e-4;
    under JAX, Keras 3.15's cuDNN LSTM returns the sequence in the wrong order
    when `go_backwards=True` (0.38 off), while seqkit matches the loop to 1e-7.
    """
    if cls in (keras.layers.LSTM, keras.layers.GRU):
        kwargs["use_cudnn"] = False
    return cls(*args, **kwargs)


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _inputs(seed=0, steps=STEPS):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((BATCH, steps, FEATURES)).astype("float32")


def _mask(steps=STEPS):
    lengths = np.array([steps, 4, 1, 3])
    mask = np.arange(steps)[None, :] < lengths[:, None]
    mask[3] = [True, False, True, True, False, True][:steps]  # holes, not only right padding
    return mask


def _pair(kind, variant="auto", **flags):
    ours_cls, theirs_cls, cell_kwargs = KINDS[kind]
    options = dict(VARIANTS[variant])
    loop = options.pop("_loop", None)
    ours = ours_cls(UNITS, **cell_kwargs, **options, **flags)
    if loop is not None:
        ours._loop = loop
    theirs = _keras_reference(theirs_cls, UNITS, **cell_kwargs, **flags)
    ours.build((None, STEPS, FEATURES))
    theirs.build((None, STEPS, FEATURES))
    rng = np.random.default_rng(42)
    weights = [rng.standard_normal(w.shape).astype("float32") * 0.5 for w in theirs.get_weights()]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    return ours, theirs


def _assert_close(a, b):
    a, b = (a,) if not isinstance(a, (tuple, list)) else a, (b,) if not isinstance(b, (tuple, list)) else b
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert x.shape == y.shape
        np.testing.assert_allclose(_np(x), _np(y), atol=1e-5, rtol=0)


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("go_backwards", [False, True])
def test_parity_with_keras_sequences_states_and_masks(kind, variant, go_backwards):
    flags = dict(return_sequences=True, return_state=True, go_backwards=go_backwards)
    ours, theirs = _pair(kind, variant, **flags)
    x = _inputs()
    _assert_close(ours(x), theirs(x))
    _assert_close(ours(x, mask=_mask()), theirs(x, mask=_mask()))


@pytest.mark.parametrize("kind", list(KINDS))
def test_parity_last_output_and_initial_state(kind):
    ours, theirs = _pair(kind, return_state=True)
    x = _inputs(1)
    states = _np(theirs(x)[1:])  # some non-zero states to start from
    states = [s * 0.7 for s in states]
    _assert_close(ours(x, initial_state=states), theirs(x, initial_state=states))
    _assert_close(ours(x, mask=_mask())[0], theirs(x, mask=_mask())[0])


@pytest.mark.parametrize("kind", ["simple_rnn", "lstm", "gru"])
def test_weights_copy_back_to_keras(kind):
    ours, theirs = _pair(kind)
    scaled = [w * 0.9 for w in ours.get_weights()]
    ours.set_weights(scaled)
    theirs.set_weights(ours.get_weights())
    _assert_close(ours(_inputs(2)), theirs(_inputs(2)))


@pytest.mark.parametrize("kind", ["simple_rnn", "lstm", "gru"])
@pytest.mark.parametrize("variant", ["auto", "scan", "unroll"])
def test_appending_padding_changes_no_real_output(kind, variant):
    ours, _ = _pair(kind, variant, return_sequences=True, return_state=True)
    x = _inputs(3)
    mask = _mask()
    padded_x = np.concatenate([x, np.full((BATCH, 3, FEATURES), 9.0, "float32")], axis=1)
    padded_mask = np.concatenate([mask, np.zeros((BATCH, 3), bool)], axis=1)
    short = ours(x, mask=mask)
    long = ours(padded_x, mask=padded_mask)
    np.testing.assert_allclose(_np(long[0])[:, :STEPS], _np(short[0]), atol=1e-6)
    for a, b in zip(long[1:], short[1:]):  # final states: those of the last real step
        np.testing.assert_allclose(_np(a), _np(b), atol=1e-6)
    # A row's output at its last real step equals its final state (the last output).
    np.testing.assert_allclose(_np(short[0])[1, 3], _np(short[1])[1], atol=1e-6)


def test_output_mask_follows_return_sequences():
    inputs = keras.Input((None,), dtype="int32")
    embedded = keras.layers.Embedding(10, 3, mask_zero=True)(inputs)
    seq = sl.LSTM(4, return_sequences=True)(embedded)
    assert getattr(seq, "_keras_mask", None) is not None
    last = sl.LSTM(4)(embedded)
    assert getattr(last, "_keras_mask", None) is None


@pytest.mark.parametrize("kind", ["simple_rnn", "lstm", "gru"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_gradients_through_50_steps_are_finite_and_match_keras(kind, return_sequences):
    # Backend-neutral gradient check: one SGD step with learning rate 1
    # changes each weight by minus its gradient; compare the changes.
    steps = 50
    ours_cls, theirs_cls, _ = KINDS[kind]
    rng = np.random.default_rng(4)
    x = rng.standard_normal((BATCH, steps, FEATURES)).astype("float32")
    y_shape = (BATCH, steps, UNITS) if return_sequences else (BATCH, UNITS)
    y = rng.standard_normal(y_shape).astype("float32")
    models = []
    for cls in (ours_cls, theirs_cls):
        layer = _keras_reference(cls, UNITS, return_sequences=return_sequences)
        model = keras.Sequential([keras.Input((steps, FEATURES)), layer])
        model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse", jit_compile=False)
        models.append(model)
    weights = [rng.standard_normal(w.shape).astype("float32") * 0.4 for w in models[1].get_weights()]
    deltas = []
    for model in models:
        model.set_weights(weights)
        model.train_on_batch(x, y)
        deltas.append([w1 - w0 for w0, w1 in zip(weights, model.get_weights())])
    for ours, theirs in zip(*deltas):
        assert np.all(np.isfinite(ours))
        assert np.abs(theirs).max() > 1e-6  # the check is not vacuous
        np.testing.assert_allclose(ours, theirs, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_training_step_compiles_with_jit_and_matches_eager_graph(kind):
    # The default loop must also work under XLA (jit_compile=True).
    ours_cls = KINDS[kind][0]
    rng = np.random.default_rng(6)
    x = rng.standard_normal((BATCH, STEPS, FEATURES)).astype("float32")
    y = rng.standard_normal((BATCH, UNITS)).astype("float32")
    results = []
    for jit in (False, True):
        model = keras.Sequential([keras.Input((STEPS, FEATURES)), ours_cls(UNITS)])
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse", jit_compile=jit)
        if not results:
            weights = model.get_weights()
        model.set_weights(weights)
        model.train_on_batch(x, y)
        results.append(model.get_weights())
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert any(np.abs(a - w).max() > 1e-4 for a, w in zip(results[1], weights))


def test_any_keras_cell_runs_under_recurrent():
    cell = keras.layers.GRUCell(UNITS)
    ours = sl.Recurrent(cell, return_sequences=True)
    theirs = keras.layers.RNN(cell, return_sequences=True)  # same cell, same weights
    x = _inputs(5)
    _assert_close(ours(x, mask=_mask()), theirs(x, mask=_mask()))


@pytest.mark.parametrize(
    "layer",
    [
        lambda: sl.LSTM(UNITS, return_sequences=True),
        lambda: sl.GRU(UNITS, reset_after=False, go_backwards=True),
        lambda: sl.SimpleRNN(UNITS, output_units=2, unroll=True),
        lambda: sl.Recurrent(sl.LSTMCell(UNITS), input_projection="hoisted"),
    ],
    ids=["lstm", "gru", "simple_rnn", "recurrent"],
)
def test_keras_file_round_trip_gives_identical_outputs(layer, tmp_path):
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(12, FEATURES, mask_zero=True)(inputs)
    x = layer()(x)
    model = keras.Model(inputs, keras.layers.Dense(2)(x))
    tokens = np.array([[3, 4, 5, 0, 0], [7, 1, 2, 9, 11]], "int32")
    before = _np(model(tokens))
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(_np(loaded(tokens)), before)
    assert type(loaded.layers[2]) is type(model.layers[2])


@pytest.mark.parametrize("cls", [sl.SimpleRNN, sl.LSTM, sl.GRU])
def test_config_is_complete_and_round_trips(cls):
    layer = cls(3, return_sequences=True, go_backwards=True, unroll=True)
    config = layer.get_config()
    params = set(inspect.signature(cls.__init__).parameters) - {"self", "kwargs"}
    assert params <= set(config), params - set(config)
    clone = cls.from_config(config)
    assert clone.get_config() == config
    assert clone.units == 3


def test_recurrent_config_is_complete_and_round_trips():
    layer = sl.Recurrent(sl.GRUCell(3, reset_after=False), return_state=True, zero_output_for_mask=True)
    config = layer.get_config()
    params = set(inspect.signature(sl.Recurrent.__init__).parameters) - {"self", "kwargs"}
    assert params <= set(config), params - set(config)
    clone = sl.Recurrent.from_config(config)
    assert clone.get_config() == config
    assert clone.cell.reset_after is False


def test_bad_arguments_are_rejected_with_the_value():
    with pytest.raises(ValueError, match="input_projection='sideways'"):
        sl.LSTM(3, input_projection="sideways")
    with pytest.raises(ValueError, match="project_inputs"):
        sl.Recurrent(keras.layers.LSTMCell(3), input_projection="hoisted")
    with pytest.raises(ValueError, match="2 state"):
        sl.LSTM(3)(_inputs(), initial_state=[np.zeros((BATCH, 3), "float32")])
