"""Weights that share one initializer argument must still start apart.

A Keras 3 random initializer fixes its seed when created, so reusing one
object for several same-shape weights would start them equal (query, key and
value kernels; self- and cross-attention of a decoder block).
"""

import itertools

import keras
import numpy as np
import pytest

from seqkit.layers import (
    AdditiveAttention,
    MultiHeadAttention,
    TransformerDecoderBlock,
    TransformerEncoderBlock,
)
from seqkit.layers._initializers import derived


def assert_all_differ(named):
    for (a, x), (b, y) in itertools.combinations(named.items(), 2):
        x, y = keras.ops.convert_to_numpy(x), keras.ops.convert_to_numpy(y)
        if x.shape == y.shape:
            assert not np.allclose(x, y), f"{a} and {b} start equal"


def kernels(layer):
    return {w.path: w for w in layer.weights if w.path.endswith("kernel")}


@pytest.mark.parametrize("initializer", ["glorot_uniform", keras.initializers.GlorotUniform(seed=3)])
def test_multi_head_attention_projections_start_apart(initializer):
    layer = MultiHeadAttention(2, 4, kernel_initializer=initializer)
    layer.build((None, 5, 8), (None, 5, 8))
    weights = kernels(layer)
    assert len(weights) == 4
    assert_all_differ(weights)


def test_additive_attention_kernels_start_apart_when_sizes_match():
    layer = AdditiveAttention(6)
    layer.build((None, 3, 6), (None, 4, 6))
    assert_all_differ(kernels(layer))


def test_encoder_block_kernels_start_apart():
    block = TransformerEncoderBlock(2, 16)
    block.build((None, 5, 16))
    weights = kernels(block)
    assert len(weights) == 6
    assert_all_differ(weights)


def test_decoder_block_self_and_cross_attention_start_apart():
    block = TransformerDecoderBlock(2, 16)
    block.build((None, 5, 16), (None, 7, 16))
    weights = kernels(block)
    assert len(weights) == 10
    assert_all_differ(weights)


def test_a_seeded_initializer_still_reproduces_the_layer():
    def build():
        layer = MultiHeadAttention(2, 4, kernel_initializer=keras.initializers.GlorotUniform(seed=7))
        layer.build((None, 5, 8), (None, 5, 8))
        return [keras.ops.convert_to_numpy(w) for w in layer.weights]

    for first, again in zip(build(), build()):
        np.testing.assert_array_equal(first, again)


def test_derived_keeps_the_distribution_and_passes_seedless_initializers_through():
    base = keras.initializers.RandomNormal(stddev=0.5, seed=1)
    copy = derived(base, "key_kernel")
    assert copy.get_config()["stddev"] == 0.5 and copy.seed != base.seed
    assert derived(base, "key_kernel").seed == copy.seed
    zeros = keras.initializers.Zeros()
    assert derived(zeros, "bias") is zeros
    generator = keras.initializers.GlorotUniform(seed=keras.random.SeedGenerator(0))
    assert derived(generator, "kernel") is generator
