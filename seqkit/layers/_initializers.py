"""Private helper: one initializer argument, several weights, distinct starts.

A Keras 3 random initializer fixes its seed when it is created (an int drawn
then, when none is given), so every call with the same shape returns the same
tensor. A layer that hands one initializer to several weights of the same
shape, such as the query, key and value kernels of an attention layer, would
start them equal; `derived` gives each use its own seed instead.
"""

import zlib

import keras


def derived(initializer, use):
    """A copy of `initializer` for one named use (a weight or a sublayer).

    The copy's int seed is a hash of the original seed and `use`, so weights
    given the same initializer under different names start differently, and
    the layer stays reproducible when the original is seeded. Initializers
    with no int seed (constants, callables, a stateful `SeedGenerator`) are
    returned as they are.
    """
    seed = getattr(initializer, "seed", None)
    if isinstance(seed, bool) or not isinstance(seed, int):
        return initializer
    if not isinstance(initializer, keras.initializers.Initializer):
        return initializer
    config = initializer.get_config()
    config["seed"] = zlib.crc32(f"{seed}:{use}".encode()) & 0x7FFFFFFF
    return type(initializer).from_config(config)
