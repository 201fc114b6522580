"""Deterministic train / validation / test splits of a dataset from a seed."""

import math

import tensorflow as tf

from seqkit.data.batching import has_fixed_shapes

_BUCKETS = 2**31 - 1
_BLOCK = 1024


def split(dataset, fractions, seed, key=None):
    """Cuts a dataset into disjoint parts that together cover it, from a seed.

    Each element gets a number u in [0, 1) from a fingerprint hash of the seed
    and either the element's position in the stream or, with `key`, the value
    of one of its string fields. Part i holds the elements whose u falls in the
    i-th slice of [0, 1) sized by the fractions. So the split is the same on
    every run and every machine for a given seed, the parts are disjoint and
    cover the dataset, and their sizes match the fractions up to sampling noise
    (the split streams; it never counts the dataset). Hashing by `key` keeps
    duplicates together (all translations of one English sentence land in the
    same part), which prevents leakage between train and test.

    Args:
        dataset: `tf.data.Dataset`. Elements are dicts when `key` is given.
        fractions: list of floats or dict `{name: float}`, summing to 1.
        seed: int. The split seed.
        key: str or None. A string field to hash instead of the position.

    Returns:
        A tuple of datasets in the order of `fractions`, or a dict with the same
        names when `fractions` is a dict.

    >>> ds = tf.data.Dataset.range(100)
    >>> train, test = split(ds, [0.8, 0.2], seed=1)
    >>> sorted(list(train.as_numpy_iterator()) + list(test.as_numpy_iterator())) == list(range(100))
    True
    """
    names = list(fractions) if isinstance(fractions, dict) else None
    values = list(fractions.values()) if names is not None else list(fractions)
    bounds = _bounds(values)
    parts = [dataset.apply(_take_range(low, high, seed, key)) for low, high in bounds]
    return dict(zip(names, parts)) if names is not None else tuple(parts)


def take_split(fractions, part, seed, key=None):
    """The `.apply` form of `split`: keeps one part.

    Args:
        fractions: list or dict as in `split`.
        part: int index, or a name when `fractions` is a dict.
        seed: int. The split seed.
        key: str or None. As in `split`.

    Returns:
        A `dataset -> dataset` function.
    """
    if isinstance(fractions, dict):
        names = list(fractions)
        if part not in names:
            raise ValueError(f"Unknown split part {part!r}; the parts are {names}")
        index = names.index(part)
        values = list(fractions.values())
    else:
        values = list(fractions)
        if not isinstance(part, int) or not 0 <= part < len(values):
            raise ValueError(f"`part` must index `fractions`. Received: part={part!r}")
        index = part
    low, high = _bounds(values)[index]
    return _take_range(low, high, seed, key)


def split_in_order(dataset, fractions, num_examples):
    """Contiguous parts in stream order (for time series: train on the past).

    Args:
        dataset: `tf.data.Dataset`.
        fractions: list of floats summing to 1.
        num_examples: int. The dataset's length.

    Returns:
        A tuple of datasets: the first `round(f0 * n)` elements, the next ...,
        the last part taking the remainder.
    """
    values = list(fractions)
    _bounds(values)
    parts, start = [], 0
    for i, fraction in enumerate(values):
        stop = num_examples if i == len(values) - 1 else start + round(fraction * num_examples)
        parts.append(dataset.skip(start).take(stop - start))
        start = stop
    return tuple(parts)


def _bounds(values):
    if not values or any((not isinstance(v, (int, float))) or v < 0 for v in values):
        raise ValueError(f"`fractions` must be non-negative numbers. Received: {values}")
    if not math.isclose(sum(values), 1.0, abs_tol=1e-6):
        raise ValueError(f"`fractions` must sum to 1. Received: {values} (sum {sum(values)})")
    bounds, low = [], 0.0
    for i, value in enumerate(values):
        high = 1.0 if i == len(values) - 1 else low + value
        bounds.append((low, high))
        low = high
    return bounds


def _take_range(low, high, seed, key):
    if not isinstance(seed, int):
        raise ValueError(f"`seed` must be an int. Received: seed={seed!r}")
    prefix = f"{seed}\x1f"

    def position(element):
        u = tf.strings.to_hash_bucket_fast(prefix + element, _BUCKETS)
        return tf.cast(u, tf.float64) / _BUCKETS

    def keep(u):
        return tf.logical_and(u >= low, u < high)

    def keep_block(index, block):
        # The same decisions as one row at a time: a row's number is its
        # position in the stream, block * _BLOCK + its place in the block.
        if key is None:
            rows = tf.shape(tf.nest.flatten(block)[0], out_type=tf.int64)[0]
            numbers = index * _BLOCK + tf.range(rows, dtype=tf.int64)
            mask = keep(position(tf.strings.as_string(numbers)))
        else:
            mask = keep(position(block[key]))
        return tf.nest.map_structure(lambda t: tf.boolean_mask(t, mask), block)

    def apply(dataset):
        if has_fixed_shapes(dataset):
            # Hash a block of rows per call: a function call per row costs
            # more than reading the row.
            return dataset.batch(_BLOCK).enumerate().map(keep_block).unbatch()
        if key is None:
            numbered = dataset.enumerate()
            return numbered.filter(
                lambda i, element: keep(position(tf.strings.as_string(i)))
            ).map(lambda i, element: element)
        return dataset.filter(lambda element: keep(position(element[key])))

    return apply

