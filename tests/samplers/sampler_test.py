"""Samplers on fake logits: greedy, random with temperature, top-k, top-p, beam."""

import math

import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from seqkit.samplers import BeamSampler
from seqkit.samplers import get_sampler
from seqkit.samplers import prompt_buffer
from tests.samplers.conftest import fixed_next
from tests.samplers.conftest import markov_next

V = 8
START = 2
END = 3


def _start_buffer(batch, length):
    prompt = np.zeros((batch, length), "int32")
    prompt[:, 0] = START
    return ops.convert_to_tensor(prompt)


def _draws(sampler, logits, batch=2000, steps=1):
    out = sampler(fixed_next(logits), _start_buffer(batch, steps + 1), index=1)
    return ops.convert_to_numpy(out)[:, 1:].reshape(-1)


def _log_softmax(x):
    x = np.asarray(x, "float64")
    return x - x.max(-1, keepdims=True) - np.log(np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True))


def _greedy_chain(table, first, steps):
    tokens = [first]
    for _ in range(steps):
        tokens.append(int(np.argmax(table[tokens[-1]])))
    return tokens


def test_greedy_picks_the_argmax_at_every_step(rng):
    table = rng.normal(size=(V, V))
    out = get_sampler("greedy")(markov_next(table), _start_buffer(3, 7), index=1)
    expected = _greedy_chain(table, START, 6)
    assert ops.convert_to_numpy(out).tolist() == [expected] * 3


def test_top_k_never_draws_outside_the_k_best(rng):
    logits = rng.normal(size=V)
    k = 3
    drawn = _draws(get_sampler("top_k", k=k, seed=1), logits)
    best = set(np.argsort(-logits)[:k].tolist())
    assert set(drawn.tolist()) == best  # every one of the k best, nothing else


def test_top_p_never_draws_outside_the_nucleus():
    probs = np.array([0.05, 0.4, 0.02, 0.25, 0.1, 0.08, 0.06, 0.04])
    # Sorted: .4 .25 .1 .08 ... the cumulative mass reaches 0.7 at the third token.
    drawn = _draws(get_sampler("top_p", p=0.7, seed=1), np.log(probs))
    assert set(drawn.tolist()) == {1, 3, 4}
    # Renormalized inside the nucleus.
    freq = np.bincount(drawn, minlength=V)[[1, 3, 4]] / drawn.size
    np.testing.assert_allclose(freq, np.array([0.4, 0.25, 0.1]) / 0.75, atol=0.04)


def test_top_p_of_one_is_plain_sampling():
    probs = np.array([0.3, 0.3, 0.2, 0.1, 0.05, 0.03, 0.01, 0.01])
    drawn = _draws(get_sampler("top_p", p=1.0, seed=2), np.log(probs), batch=4000)
    np.testing.assert_allclose(np.bincount(drawn, minlength=V) / drawn.size, probs, atol=0.025)


@pytest.mark.parametrize("temperature", [0.5, 2.0])
def test_random_draws_follow_the_tempered_softmax(temperature):
    logits = np.array([2.0, 1.0, 0.5, 0.0, -0.5, -1.0, -1.5, -2.0])
    drawn = _draws(get_sampler("random", temperature=temperature, seed=3), logits, batch=4000)
    expected = np.exp(_log_softmax(logits / temperature))
    np.testing.assert_allclose(np.bincount(drawn, minlength=V) / drawn.size, expected, atol=0.025)


@pytest.mark.parametrize("strategy,options", [("random", {}), ("top_k", {"k": 4}), ("top_p", {"p": 0.95})])
def test_temperature_towards_zero_equals_greedy(rng, strategy, options):
    table = rng.normal(size=(V, V))
    greedy = get_sampler("greedy")(markov_next(table), _start_buffer(4, 9), index=1)
    cold = get_sampler(strategy, temperature=1e-4, seed=5, **options)(
        markov_next(table), _start_buffer(4, 9), index=1
    )
    np.testing.assert_array_equal(ops.convert_to_numpy(cold), ops.convert_to_numpy(greedy))


def test_beam_width_one_equals_greedy(rng):
    table = rng.normal(size=(V, V))
    greedy = get_sampler("greedy")(markov_next(table), _start_buffer(2, 9), index=1)
    beam = get_sampler("beam", beam_width=1)(markov_next(table), _start_buffer(2, 9), index=1)
    np.testing.assert_array_equal(ops.convert_to_numpy(beam), ops.convert_to_numpy(greedy))


def _trap_table():
    """From START, token 4 (p .6) leads to a flat distribution, token 5 (p .4) to one sure token.

    Greedy takes 4 then the best of a flat row (p .3: total .18); the best
    two-token sequence is 5, 6 (.4 * .9 = .36).
    """
    probs = np.full((V, V), 1e-3)
    probs[START, 4], probs[START, 5] = 0.6, 0.4
    probs[4, [0, 1, 6, 7]] = [0.3, 0.25, 0.25, 0.2]
    probs[5, 6] = 0.9
    probs[6, 7] = 0.9
    probs[7, 7] = 0.9
    probs[0, 7] = 0.9
    probs /= probs.sum(-1, keepdims=True)
    return np.log(probs)


def _sequence_log_prob(table, tokens):
    lp = _log_softmax(table)
    return sum(lp[a, b] for a, b in zip(tokens[:-1], tokens[1:]))


def test_beam_finds_the_best_sequence_where_greedy_does_not():
    table = _trap_table()
    greedy = ops.convert_to_numpy(get_sampler("greedy")(markov_next(table), _start_buffer(1, 3), index=1))[0]
    best, beams, scores = get_sampler("beam", beam_width=2, return_all_beams=True)(
        markov_next(table), _start_buffer(1, 3), index=1
    )
    best = ops.convert_to_numpy(best)[0].tolist()
    assert greedy.tolist() == [START, 4, 0]
    assert best == [START, 5, 6]
    assert _sequence_log_prob(table, best) > _sequence_log_prob(table, greedy.tolist())
    # Every beam's score is its sequence's log-probability, best first.
    beams, scores = ops.convert_to_numpy(beams)[0], ops.convert_to_numpy(scores)[0]
    expected = [_sequence_log_prob(table, b.tolist()) for b in beams]
    np.testing.assert_allclose(scores, expected, rtol=1e-5)
    assert scores[0] >= scores[1]
    assert beams[0].tolist() == best


def test_finished_beams_keep_their_score_and_the_length_penalty_favours_longer_ones():
    # From START: END at once (p .5) or token 5 (p .5); after 5 the chain runs on
    # with high probability and ends later. Plain log-probability prefers the
    # short ending; a strong length penalty prefers the longer one.
    probs = np.full((V, V), 1e-4)
    probs[START, END], probs[START, 5] = 0.5, 0.45
    probs[5, 6], probs[6, 7], probs[7, END] = 0.95, 0.95, 0.95
    probs /= probs.sum(-1, keepdims=True)
    table = np.log(probs)
    run = lambda alpha: get_sampler("beam", beam_width=2, length_penalty=alpha, return_all_beams=True)(
        markov_next(table), _start_buffer(1, 7), index=1, end_token_id=END
    )
    best, beams, scores = run(0.0)
    assert ops.convert_to_numpy(best)[0].tolist() == [START, END, 0, 0, 0, 0, 0]
    # The finished short beam was not extended: its score is log P(END | START).
    np.testing.assert_allclose(ops.convert_to_numpy(scores)[0, 0], _log_softmax(table)[START, END], rtol=1e-5)
    best, _, scores = run(2.0)
    assert ops.convert_to_numpy(best)[0].tolist() == [START, 5, 6, 7, END, 0, 0]
    long_lp = _sequence_log_prob(table, [START, 5, 6, 7, END])
    np.testing.assert_allclose(ops.convert_to_numpy(scores)[0, 0], long_lp / ((5 + 4) / 6) ** 2, rtol=1e-5)


@pytest.mark.parametrize("strategy", ["greedy", "random", "top_k", "top_p", "beam"])
def test_stops_at_the_end_token_and_pads_after_it(strategy):
    # Row 0 ends at once, row 1 two tokens later; the chain goes on after END.
    probs = np.full((V, V), 1e-4)
    probs[START, END], probs[END, 7], probs[7, 7], probs[6, 5], probs[5, END] = 1, 1, 1, 1, 1
    table = np.log(probs / probs.sum(-1, keepdims=True))
    buffer, mask, index = prompt_buffer([[START], [6]], [1, 1], 6)
    out = get_sampler(strategy, seed=1 if strategy not in ("greedy", "beam") else None)(
        markov_next(table), buffer, index=index, mask=mask, end_token_id=END
    )
    assert ops.convert_to_numpy(out).tolist() == [[START, END, 0, 0, 0, 0], [6, 5, END, 0, 0, 0]]


@pytest.mark.parametrize("strategy", ["greedy", "beam", "top_k"])
def test_given_prompt_tokens_are_kept_in_ragged_prompts(rng, strategy):
    table = rng.normal(size=(V, V))
    buffer, mask, index = prompt_buffer([[START, 6, 1], [START, 0, 0]], [3, 1], 6)
    out = ops.convert_to_numpy(
        get_sampler(strategy, temperature=1e-4, seed=1)(markov_next(table), buffer, index=index, mask=mask)
    )
    assert out[0, :3].tolist() == [START, 6, 1]
    assert out[0].tolist() == [START, 6, 1] + _greedy_chain(table, 1, 3)[1:]
    assert out[1].tolist() == _greedy_chain(table, START, 5)


@pytest.mark.parametrize("strategy", ["random", "top_k", "top_p"])
def test_a_fixed_seed_repeats_and_another_seed_differs(rng, strategy):
    logits = rng.normal(size=V)
    options = {"k": 5} if strategy == "top_k" else {"p": 0.95} if strategy == "top_p" else {}
    first = _draws(get_sampler(strategy, seed=11, **options), logits, batch=64, steps=4)
    again = _draws(get_sampler(strategy, seed=11, **options), logits, batch=64, steps=4)
    other = _draws(get_sampler(strategy, seed=12, **options), logits, batch=64, steps=4)
    np.testing.assert_array_equal(first, again)
    assert (first != other).any()


def _counting_next(table):
    """A recurrent-style `next_fn`: the cache is the running sum of the tokens read so far.

    The logits are `table[(sum * 3 + index) % V]`, so the output depends on
    the carried state; `recompute` gets the same logits from the whole prefix,
    without a cache.
    """
    table = ops.convert_to_tensor(np.asarray(table, "float32"))

    def logits_for(total, index):
        return ops.take(table, (total * 3 + index) % ops.shape(table)[0], axis=0)

    def next_fn(prompt, cache, index):
        total = cache["sum"] + prompt[:, index - 1]
        return logits_for(total, index), None, {"sum": total}

    def recompute(prompt, cache, index):
        positions = ops.arange(ops.shape(prompt)[1])[None, :] < index
        total = ops.sum(ops.where(positions, prompt, 0), axis=1)
        return logits_for(total, index), None, cache

    return next_fn, recompute


@pytest.mark.parametrize("strategy", ["greedy", "beam", "top_k"])
def test_a_nest_of_state_tensors_is_carried_as_the_cache(rng, strategy):
    next_fn, recompute = _counting_next(rng.normal(scale=2.0, size=(V, V)))
    options = {
        "beam": {"beam_width": 4, "return_all_beams": True},
        "top_k": {"k": 3, "seed": 4},
    }.get(strategy, {})
    # The cache holds the state after the tokens before index - 1: none here.
    cache = {"sum": ops.zeros((2,), "int32")}
    with_cache = get_sampler(strategy, **options)(next_fn, _start_buffer(2, 10), cache=cache, index=1)
    without = get_sampler(strategy, **options)(recompute, _start_buffer(2, 10), index=1)
    pairs = zip(with_cache, without) if strategy == "beam" else [(with_cache, without)]
    for a, b in pairs:  # beam: the best row, every beam and every score
        np.testing.assert_allclose(ops.convert_to_numpy(a), ops.convert_to_numpy(b), rtol=1e-6)


@pytest.mark.parametrize("strategy", ["greedy", "beam", "random", "top_k", "top_p"])
def test_samplers_trace_inside_a_tf_function(rng, strategy):
    table = rng.normal(size=(V, V))
    options = {} if strategy in ("greedy", "beam") else {"seed": 9, "temperature": 1e-4}
    sampler = get_sampler(strategy, **options)

    @tf.function(input_signature=[tf.TensorSpec([None, 6], tf.int32)])
    def generate(prompt):
        return sampler(markov_next(table), prompt, index=1, end_token_id=END)

    out = generate(_start_buffer(3, 6))
    reference = get_sampler("beam" if strategy == "beam" else "greedy")
    eager = reference(markov_next(table), _start_buffer(3, 6), index=1, end_token_id=END)
    np.testing.assert_array_equal(out.numpy(), ops.convert_to_numpy(eager))


@pytest.mark.parametrize(
    "strategy,options,named",
    [
        ("nucleus", {}, "strategy='nucleus'"),
        ("top_p", {"p": 1.5}, "p=1.5"),
        ("top_p", {"p": 0.0}, "p=0.0"),
        ("top_k", {"k": 0}, "k=0"),
        ("top_k", {"k": 2.5}, "k=2.5"),
        ("random", {"temperature": 0.0}, "temperature=0.0"),
        ("random", {"temperature": -1}, "temperature=-1"),
        ("beam", {"beam_width": 0}, "beam_width=0"),
        ("beam", {"length_penalty": -0.5}, "length_penalty=-0.5"),
        ("beam", {"k": 5}, "k=5"),
    ],
)
def test_bad_options_raise_naming_the_value(strategy, options, named):
    with pytest.raises(ValueError, match=named.replace(".", r"\.").replace("'", "'")):
        get_sampler(strategy, **options)


@pytest.mark.parametrize("max_length", [0, -3, 2.0])
def test_a_maximum_length_below_one_raises_naming_it(max_length):
    with pytest.raises(ValueError, match=f"max_length={max_length!r}"):
        prompt_buffer([[START]], [1], max_length)


def test_unused_options_left_at_none_take_the_defaults():
    sampler = get_sampler("top_k", k=None, p=None, beam_width=None, temperature=None, seed=None)
    assert sampler.k == 5 and sampler.temperature == 1.0
    assert isinstance(get_sampler("beam", beam_width=3), BeamSampler)
    assert math.isclose(get_sampler("top_p", p=0.5).p, 0.5)
