"""Fake models for the sampler tests: logits from tables, no network."""

import numpy as np
import pytest
from keras import ops


def fixed_next(logits):
    """`next_fn` whose logits are the same row `logits [V]` at every step, for every row."""
    logits = np.asarray(logits, "float32")

    def next_fn(prompt, cache, index):
        batch = ops.shape(prompt)[0]
        return ops.broadcast_to(ops.convert_to_tensor(logits)[None, :], (batch, logits.shape[0])), None, cache

    return next_fn


def markov_next(table):
    """`next_fn` of a Markov chain: logits of the next token are `table[previous token]`."""
    table = ops.convert_to_tensor(np.asarray(table, "float32"))

    def next_fn(prompt, cache, index):
        previous = ops.take_along_axis(prompt, ops.reshape(index - 1, (1, 1)) + ops.zeros_like(prompt[:, :1]), axis=1)[:, 0]
        return ops.take(table, previous, axis=0), None, cache

    return next_fn


@pytest.fixture
def rng():
    return np.random.default_rng(0)
