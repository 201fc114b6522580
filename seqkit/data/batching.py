"""Batching steps: seeded shuffle, padded batches, length buckets, sorted windows, token budgets.

Each function returns a `dataset -> dataset` function for `Dataset.apply`:

    ds.apply(shuffle(seed=1)).apply(bucket_by_length([16, 32], [64, 32, 16]))
"""

import tensorflow as tf


def shuffle(seed, buffer_size=10_000, reshuffle_each_iteration=True):
    """Shuffles with a fixed seed: the same seed gives the same order on every run.

    With `reshuffle_each_iteration=True` each epoch has a new order, and the
    sequence of epoch orders is itself fixed by the seed.

    Args:
        seed: int. Required: an unseeded shuffle is not reproducible.
        buffer_size: int. Defaults to `10_000`.
        reshuffle_each_iteration: bool. Defaults to `True`.
    """
    if not isinstance(seed, int):
        raise ValueError(f"`seed` must be an int. Received: seed={seed!r}")
    if buffer_size < 1:
        raise ValueError(f"`buffer_size` must be >= 1. Received: buffer_size={buffer_size}")

    def apply(dataset):
        return dataset.shuffle(
            buffer_size, seed=seed, reshuffle_each_iteration=reshuffle_each_iteration
        )

    return apply


def padded_batch(batch_size, drop_remainder=False, padded_shapes=None):
    """Batches variable-length elements, padding with 0 (`[PAD]`) and `""`.

    Args:
        batch_size: int.
        drop_remainder: bool. Defaults to `False`.
        padded_shapes: optional, as in `tf.data.Dataset.padded_batch`. Defaults
            to padding each batch to its longest element.
    """
    _check_positive(batch_size=batch_size)

    def apply(dataset):
        return dataset.padded_batch(
            batch_size, padded_shapes=padded_shapes, drop_remainder=drop_remainder
        )

    return apply


def bucket_by_length(
    boundaries,
    batch_sizes,
    length_fn=None,
    pad_to_bucket_boundary=False,
    drop_remainder=False,
):
    """Groups elements of similar length into padded batches.

    A thin wrapper over `tf.data.Dataset.bucket_by_sequence_length`: bucket i
    holds lengths in `[boundaries[i-1], boundaries[i])` and is batched by
    `batch_sizes[i]`, so padding is limited to the bucket's width.

    Args:
        boundaries: increasing list of ints.
        batch_sizes: list of ints, one more than `boundaries`.
        length_fn: callable -> scalar int, called like a `Dataset.map`
            function (tuple elements unpacked), or None for the longest
            rank-1 component of the element (the tokens; for a pair, the
            longer side).
        pad_to_bucket_boundary: bool. Pad to the bucket's upper bound - 1
            instead of the batch's longest element. Defaults to `False`.
        drop_remainder: bool. Defaults to `False`.
    """
    boundaries = list(boundaries)
    batch_sizes = list(batch_sizes)
    if len(batch_sizes) != len(boundaries) + 1:
        raise ValueError(
            "`batch_sizes` needs one more entry than `boundaries`. Received: "
            f"boundaries={boundaries}, batch_sizes={batch_sizes}"
        )
    if any(b <= a for a, b in zip(boundaries, boundaries[1:])) or (boundaries and boundaries[0] < 1):
        raise ValueError(f"`boundaries` must be positive and increasing. Received: {boundaries}")
    length_fn = length_fn if length_fn is not None else sequence_length

    def apply(dataset):
        return dataset.bucket_by_sequence_length(
            length_fn,
            bucket_boundaries=boundaries,
            bucket_batch_sizes=batch_sizes,
            pad_to_bucket_boundary=pad_to_bucket_boundary,
            drop_remainder=drop_remainder,
        )

    return apply


def batch_by_tokens(max_tokens, bucket_width=8, length_fn=None):
    """Batches so that each batch's padded size (batch x longest) stays within a budget.

    Elements are grouped by length into buckets `bucket_width` wide; a bucket
    whose longest possible element has length L is batched `max_tokens // L`
    at a time and padded to the batch's longest element, so
    `batch_size * padded_length <= max_tokens`. An element longer than
    `max_tokens` forms a batch of its own (the only case over budget). The
    last batch of each bucket may be smaller. Element order follows the
    input order within a bucket, so the output is deterministic.

    Args:
        max_tokens: int. The budget of padded tokens per batch.
        bucket_width: int. Width of the length buckets. Defaults to `8`.
        length_fn: callable or None. As in `bucket_by_length`.
    """
    _check_positive(max_tokens=max_tokens, bucket_width=bucket_width)
    length_fn = length_fn if length_fn is not None else sequence_length

    def bucket(*element):
        length = tf.cast(length_fn(*element), tf.int64)
        return (tf.maximum(length, 1) + bucket_width - 1) // bucket_width

    def window_size(key):
        longest = key * bucket_width
        return tf.maximum(tf.constant(max_tokens, tf.int64) // longest, 1)

    def apply(dataset):
        return dataset.group_by_window(
            key_func=bucket,
            reduce_func=lambda key, window: window.padded_batch(window_size(key)),
            window_size_func=window_size,
        )

    return apply


def length_sorted_batches(batch_size, window_batches=32, seed=None, length_fn=None):
    """Padded batches of similar-length elements, with the usual number of batches.

    Takes the elements `batch_size * window_batches` at a time (a window; shuffle
    the elements beforehand), sorts each window by length (stable, so ties keep
    their input order), cuts it into batches of `batch_size` padded with 0 /
    `""` to each batch's own longest element, and shuffles the batches with
    `seed`. Every window but the last holds a whole number of batches, so a
    dataset of `n` elements gives exactly `ceil(n / batch_size)` batches, as
    `padded_batch` does, while most padding goes away. Unlike
    `bucket_by_length`, no batch is held back and the count is known ahead.

    Args:
        batch_size: int.
        window_batches: int. Batches per sorting window; 1 only sorts inside
            each batch (no saving). Defaults to `32`.
        seed: int or None. Seeds the order of the batches (one new order per
            epoch, the sequence fixed by the seed); None leaves the batches in
            length order within each window, unshuffled.
        length_fn: callable or None. As in `bucket_by_length`.
    """
    _check_positive(batch_size=batch_size, window_batches=window_batches)
    if seed is not None and not isinstance(seed, int):
        raise ValueError(f"`seed` must be an int or None. Received: seed={seed!r}")
    window = batch_size * window_batches

    def apply(dataset):
        if length_fn is None:
            # One padded_batch per window (far cheaper here than ragged_batch);
            # a row's length is the position of its last non-padding entry, so
            # padding values (0 or "") must never end a real sequence, as with
            # the reserved padding id 0 of seqkit's vocabularies.
            variable = [
                spec.shape.rank is not None and spec.shape.rank >= 1 and spec.shape[0] is None
                for spec in tf.nest.flatten(dataset.element_spec)
            ]
            if not any(variable):
                raise ValueError("Element has no variable-length component to sort by.")

            def unpad(*window):
                flat = tf.nest.flatten(_one(window))
                flat = [_unpadded(t) if v else t for t, v in zip(flat, variable)]
                return tf.nest.pack_sequence_as(_one(window), flat)

            windows = dataset.padded_batch(window)
            batches = windows.flat_map(lambda *w: _cut_window(unpad(*w), batch_size, sort_by_length=True))
        else:

            def with_length(*element):
                return _one(element), tf.cast(length_fn(*element), tf.int64)

            windows = dataset.map(with_length).ragged_batch(window)
            batches = windows.flat_map(lambda w, lengths: _cut_window(w, batch_size, key=lengths))
        return _shuffle_batches(batches, window_batches, seed)

    return apply


def batch_and_map(fn, batch_size, window_batches=1, sort_by_length=False, seed=None):
    """Padded batches straight from rows: one vectorized call of `fn` per window.

    Takes rows `batch_size * window_batches` at a time (a window), calls `fn` on
    the whole window (for example: tokenize 2,048 strings in one call), cuts
    its output into batches of `batch_size` rows and pads each ragged output to
    its batch's longest row. No function runs per row, which is what makes this
    faster than `map_batched` followed by `padded_batch` or
    `length_sorted_batches`. Every window but the last holds a whole number of
    batches, so `n` rows give exactly `ceil(n / batch_size)` batches.

    With `sort_by_length`, each window is sorted by length (stable, by the
    longest ragged row of each example) before it is cut, so batches hold
    similar lengths and most padding goes away, as in `length_sorted_batches`.
    Shuffle the rows beforehand, and pass `seed` to shuffle the batches too.

    Args:
        fn: callable. Receives a window of rows (rank-1 leaves, as `Dataset.batch`
            gives them; tuples come unpacked) and returns a structure whose leaves
            have one row per example: dense tensors, or `tf.RaggedTensor`s for
            variable-length sequences. Ragged leaves come out as dense tensors
            padded with 0 (or `""`) to the batch's longest row, at least 1 wide.
        batch_size: int.
        window_batches: int. Batches per call of `fn` (and per sorting window).
            Defaults to `1`.
        sort_by_length: bool. Defaults to `False`.
        seed: int or None. Shuffles the batches with a buffer of
            `window_batches` (one new order per epoch, fixed by the seed); None
            keeps them in order.

    Returns:
        A `dataset -> dataset` function.

    >>> rows = tf.data.Dataset.from_tensor_slices(["a b c", "d", "e f", "g h i j"])
    >>> batches = rows.apply(batch_and_map(tf.strings.split, 2))
    >>> [b.shape.as_list() for b in batches]
    [[2, 3], [2, 4]]
    """
    _check_positive(batch_size=batch_size, window_batches=window_batches)
    if seed is not None and not isinstance(seed, int):
        raise ValueError(f"`seed` must be an int or None. Received: seed={seed!r}")

    def apply(dataset):
        windows = dataset.batch(batch_size * window_batches).map(
            fn, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True
        )
        batches = windows.flat_map(
            lambda *outputs: _cut_window(_one(outputs), batch_size, sort_by_length=sort_by_length)
        )
        return _shuffle_batches(batches, window_batches, seed)

    return apply


def _one(elements):
    """A `Dataset.map`-style argument tuple back to the element structure."""
    return elements[0] if len(elements) == 1 else elements


def _cut_window(window, batch_size, sort_by_length=False, key=None):
    """A window (leaves with one row per example) -> a dataset of its batches.

    Sorts the rows stably by `key`, or with `sort_by_length` by the longest
    ragged row of each example; ragged leaves come out dense, padded to their
    batch's longest row (at least 1 wide).
    """
    flat = tf.nest.flatten(window, expand_composites=False)
    ragged = [isinstance(t, tf.RaggedTensor) for t in flat]
    count = flat[0].nrows(out_type=tf.int32) if ragged[0] else tf.shape(flat[0])[0]
    if key is None and sort_by_length and any(ragged):
        key = tf.reduce_max(tf.stack([t.row_lengths() for t, r in zip(flat, ragged) if r]), axis=0)
    if key is not None:
        order = tf.argsort(key, stable=True)
        flat = [tf.gather(t, order) for t in flat]

    def one_batch(index):
        start = tf.cast(index, tf.int32) * batch_size
        end = tf.minimum(start + batch_size, count)
        parts = [_padded(t[start:end]) if r else t[start:end] for t, r in zip(flat, ragged)]
        return tf.nest.pack_sequence_as(window, parts)

    batches = (count + batch_size - 1) // batch_size
    return tf.data.Dataset.range(tf.cast(batches, tf.int64)).map(one_batch)


def _unpadded(padded):
    """A padded batch -> ragged, each row cut after its last non-padding entry."""
    zero = "" if padded.dtype == tf.string else tf.zeros([], padded.dtype)
    present = tf.not_equal(padded, zero)
    while present.shape.rank > 2:
        present = tf.reduce_any(present, axis=-1)
    positions = tf.range(1, tf.shape(present)[1] + 1)
    lengths = tf.reduce_max(positions[None, :] * tf.cast(present, tf.int32), axis=1)
    return tf.RaggedTensor.from_tensor(padded, lengths=lengths)


def _shuffle_batches(batches, window_batches, seed):
    if seed is None:
        return batches
    return batches.shuffle(window_batches, seed=seed, reshuffle_each_iteration=True)


def _padded(ragged):
    """A ragged batch -> dense, padded with 0 / "" to its longest row (at least 1 wide)."""
    dense = ragged.to_tensor()
    missing = tf.maximum(1 - tf.shape(dense)[1], 0)
    paddings = tf.concat([[[0, 0], [0, missing]], tf.zeros([dense.shape.rank - 2, 2], tf.int32)], axis=0)
    return tf.pad(dense, paddings)


def parallel_map(fn, deterministic=True):
    """`Dataset.map` with `num_parallel_calls=AUTOTUNE`, keeping order by default."""

    def apply(dataset):
        return dataset.map(fn, num_parallel_calls=tf.data.AUTOTUNE, deterministic=deterministic)

    return apply


def cache(filename=""):
    """`Dataset.cache`: in memory by default, or in files named from `filename`."""

    def apply(dataset):
        return dataset.cache(filename)

    return apply


def prefetch(buffer_size=tf.data.AUTOTUNE):
    """`Dataset.prefetch`, autotuned by default: overlaps input with training."""

    def apply(dataset):
        return dataset.prefetch(buffer_size)

    return apply


def round_up_width(multiple, limit):
    """Pads the inputs of `(inputs, ...)` batches with 0 along axis 1 to a multiple of `multiple`.

    A compiled backend (XLA under JAX) compiles one training step per input
    shape; batches padded to their longest row come in up to `limit` widths,
    rounded ones in `ceil(limit / multiple)`. A width never grows past `limit`
    (a model built for at most `limit` positions), nor shrinks.

    Args:
        multiple: int. The widths to round up to.
        limit: int. The widest input the model takes (`tokenizer.max_length`).

    Returns:
        A `dataset -> dataset` function.

    >>> batch = (tf.ones([2, 5], tf.int32), tf.constant([0, 1]))
    >>> ds = tf.data.Dataset.from_tensors(batch).apply(round_up_width(4, limit=7))
    >>> [x.shape.as_list() for x, _ in ds]
    [[2, 7]]
    """
    _check_positive(multiple=multiple, limit=limit)

    def pad(inputs, *rest):
        width = tf.shape(inputs)[1]
        target = tf.maximum(width, tf.minimum((width + multiple - 1) // multiple * multiple, limit))
        return (tf.pad(inputs, [[0, 0], [0, target - width]]), *rest)

    def apply(dataset):
        return dataset.map(pad, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)

    return apply


def sequence_length(*element):
    """The longest first dimension among an element's rank >= 1 components.

    Called like a `Dataset.map` function: a tuple element comes unpacked.
    """
    lengths = [
        tf.shape(t, out_type=tf.int32)[0]
        for t in tf.nest.flatten(element)
        if t.shape.rank is not None and t.shape.rank >= 1
    ]
    if not lengths:
        raise ValueError("Element has no sequence component; pass `length_fn`.")
    return tf.reduce_max(tf.stack(lengths))


def _check_positive(**values):
    for name, value in values.items():
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"`{name}` must be a positive int. Received: {name}={value!r}")


def map_batched(fn, chunk_size=256):
    """Applies a vectorized `fn` to chunks of elements, then splits them again.

    Tokenizing 256 strings in one call is far cheaper than 256 calls on one
    string each. `fn` receives a batch (rank-1 leaves) and returns a batch; a
    `tf.RaggedTensor` in its output comes back as a dense rank-1 tensor per
    element, ready for `padded_batch`. Order is kept.

    Args:
        fn: callable(batch) -> batch.
        chunk_size: int. Elements per call. Defaults to `256`.
    """
    _check_positive(chunk_size=chunk_size)

    def densify(*element):
        return tf.nest.map_structure(
            lambda t: t.to_tensor() if isinstance(t, tf.RaggedTensor) else tf.identity(t),
            element if len(element) > 1 else element[0],
        )

    def apply(dataset):
        mapped = dataset.batch(chunk_size).map(
            fn, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True
        )
        return mapped.unbatch().map(densify)

    return apply


def filter_batched(predicate, block_size=1024):
    """Keeps the elements a vectorized `predicate` accepts, judged a block at a time.

    `Dataset.filter` calls its function once per element, which costs more
    than reading a CSV row; this judges `block_size` rows per call and keeps
    their order. Elements with a variable-length component are judged one by
    one (as a block of one), since they cannot be stacked.

    Args:
        predicate: callable(block) -> bool tensor `[n]`, where `block` is the
            element structure with a leading axis of `n` rows (a dict of
            rank-1 tensors for `read_csv` rows).
        block_size: int. Rows per call. Defaults to `1024`.

    Returns:
        A `dataset -> dataset` function.

    >>> rows = tf.data.Dataset.from_tensor_slices({"n": [1, 5, 2, 7]})
    >>> kept = rows.apply(filter_batched(lambda block: block["n"] > 1))
    >>> [int(r["n"]) for r in kept]
    [5, 2, 7]
    """
    _check_positive(block_size=block_size)

    def keep_block(*block):
        block = block[0] if len(block) == 1 else block
        keep = predicate(block)
        return tf.nest.map_structure(lambda t: tf.boolean_mask(t, keep), block)

    def keep_one(*element):
        element = element[0] if len(element) == 1 else element
        return predicate(tf.nest.map_structure(lambda t: tf.expand_dims(t, 0), element))[0]

    def apply(dataset):
        if has_fixed_shapes(dataset):
            return dataset.batch(block_size).map(keep_block).unbatch()
        return dataset.filter(keep_one)

    return apply


def has_fixed_shapes(dataset):
    """Whether every component of the elements has a fully known shape.

    Such elements stack into blocks with `Dataset.batch`, which lets a
    function run once per block of rows instead of once per row.
    """
    specs = tf.nest.flatten(dataset.element_spec, expand_composites=False)
    return all(isinstance(spec, tf.TensorSpec) and spec.shape.is_fully_defined() for spec in specs)
