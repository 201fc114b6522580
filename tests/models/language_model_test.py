"""Language models: the incremental step equals the full pass, generation with and without the cache."""

import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import keras
from seqkit.models.recurrent_language_model import RecurrentLanguageModel
from seqkit.models.transformer_language_model import TransformerLanguageModel
from seqkit.samplers import get_sampler

V = 13
END = 3


def _models():
    return {
        "lstm": lambda: RecurrentLanguageModel(V, cell="lstm", units=8, embedding_dim=6, num_layers=2),
        "gru": lambda: RecurrentLanguageModel(V, cell="gru", units=8, embedding_dim=6),
        "rnn": lambda: RecurrentLanguageModel(V, cell="rnn", units=8, embedding_dim=6),
        "transformer-learned": lambda: TransformerLanguageModel(V, max_length=12, num_layers=2, num_heads=2, model_dim=8),
        "transformer-sinusoidal": lambda: TransformerLanguageModel(
            V, max_length=12, num_heads=2, model_dim=8, positions="sinusoidal"
        ),
    }


@pytest.fixture(params=sorted(_models()))
def model(request):
    keras.utils.set_random_seed(1)
    return _models()[request.param]()


def _tokens(batch=3, length=9):
    return np.random.default_rng(4).integers(4, V, (batch, length)).astype("int32")


def test_one_step_at_a_time_equals_the_full_pass(model):
    x = _tokens()
    full = ops.convert_to_numpy(model(x))
    cache = model.get_initial_cache(3, 12)
    steps = []
    for i in range(x.shape[1]):
        logits, hidden, cache = model.step(x[:, i : i + 1], cache, i)
        steps.append(ops.convert_to_numpy(logits))
        assert tuple(hidden.shape)[:2] == (3, 1)
    np.testing.assert_allclose(np.concatenate(steps, axis=1), full, atol=1e-5)


@pytest.mark.parametrize("name", ["lstm", "transformer-learned"])
def test_next_gives_the_logits_of_the_position_after_the_prefix(name):
    keras.utils.set_random_seed(1)
    model = _models()[name]()
    x = _tokens()
    full = ops.convert_to_numpy(model(x))
    cache = model.get_initial_cache(3, 12)
    for index in range(1, 5):
        logits, _, cache = model.next(x, cache, index)
        np.testing.assert_allclose(ops.convert_to_numpy(logits), full[:, index - 1], atol=1e-5)


@pytest.mark.parametrize(
    "name,strategy,options",
    [
        ("lstm", "greedy", {}),
        ("transformer-learned", "greedy", {}),
        ("lstm", "beam", {"beam_width": 3}),
        ("transformer-sinusoidal", "beam", {"beam_width": 3}),
        ("gru", "top_k", {"k": 4, "seed": 3}),
    ],
)
def test_generation_with_the_cache_equals_recomputing_the_prefix(name, strategy, options):
    keras.utils.set_random_seed(1)
    model = _models()[name]()
    prompt = np.array([[2, 7, 9], [2, 0, 0]], "int32")
    lengths = np.array([3, 1], "int32")
    fast = model.generate(prompt, lengths, get_sampler(strategy, **options), 12, end_token_id=END)
    slow = model.generate(prompt, lengths, get_sampler(strategy, **options), 12, end_token_id=END, use_cache=False)
    fast, slow = ops.convert_to_numpy(fast), ops.convert_to_numpy(slow)
    np.testing.assert_array_equal(fast, slow)
    assert fast[0, :3].tolist() == [2, 7, 9]


@pytest.mark.parametrize("name", ["gru", "transformer-sinusoidal"])
def test_greedy_generation_follows_the_argmax_of_the_full_pass(name):
    keras.utils.set_random_seed(1)
    model = _models()[name]()
    out = ops.convert_to_numpy(model.generate(np.array([[2]], "int32"), np.array([1]), get_sampler("greedy"), 8))[0]
    full = ops.convert_to_numpy(model(out[None, :-1]))[0]
    assert out[1:].tolist() == np.argmax(full, axis=-1).tolist()


@pytest.mark.parametrize("name", ["lstm", "transformer-learned"])
def test_generation_traces_inside_a_tf_function(name):
    model = _models()[name]()
    sampler = get_sampler("greedy")

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32), tf.TensorSpec([None], tf.int32)])
    def generate(prompt, lengths):
        return model.generate(prompt, lengths, sampler, 10, end_token_id=END)

    prompt, lengths = np.array([[2, 5], [2, 0]], "int32"), np.array([2, 1], "int32")
    np.testing.assert_array_equal(
        generate(prompt, lengths).numpy(),
        ops.convert_to_numpy(model.generate(prompt, lengths, sampler, 10, end_token_id=END)),
    )


def test_saved_and_loaded_models_give_the_same_logits(model, tmp_path):
    x = _tokens()
    expected = ops.convert_to_numpy(model(x))
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(ops.convert_to_numpy(loaded(x)), expected, atol=1e-6)
    config = model.get_config()
    init_args = model.__init__.__code__.co_varnames[1 : model.__init__.__code__.co_argcount]
    assert set(init_args) <= set(config)


@pytest.mark.parametrize(
    "build,named",
    [
        (lambda: RecurrentLanguageModel(V, cell="lstmx"), "cell='lstmx'"),
        (lambda: RecurrentLanguageModel(V, units=0), "units=0"),
        (lambda: TransformerLanguageModel(V, positions="rotary"), "positions='rotary'"),
        (lambda: TransformerLanguageModel(V, model_dim=10, num_heads=4), "num_heads=4"),
    ],
)
def test_bad_arguments_raise_naming_the_value(build, named):
    with pytest.raises(ValueError, match=named):
        build()
