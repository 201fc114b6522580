"""Windows over sequences: language-model windows and time-series windows."""

import numpy as np
import tensorflow as tf


def language_model_windows(sequence_length, stride=None, random=False, num_windows=None, seed=None):
    """Cuts a token stream into next-token prediction pairs `(tokens[:-1], tokens[1:])`.

    The input dataset yields rank-1 integer token sequences (one per document,
    e.g. one per tune); they are read as one stream, in order. Each window
    takes `sequence_length + 1` consecutive tokens `w`; the input is `w[:-1]`
    and the target `w[1:]`.

    Contiguous windows (default) start every `stride` tokens. With the default
    `stride=sequence_length` every token after the first is a target exactly
    once; `stride=sequence_length + 1` gives the non-overlapping chunks of the
    TensorFlow text-generation tutorial. A short tail is dropped.

    Random windows (`random=True`) draw `num_windows` start positions uniformly
    from the whole stream, as `get_batch` does in the MIT 6.S191 music lab.
    The stream is held in memory for this; the draws depend only on `seed`
    and the window's index, so the same seed gives the same windows.

    Args:
        sequence_length: int. Input (and target) length.
        stride: int or None. Start-to-start distance of contiguous windows.
            Defaults to `sequence_length`.
        random: bool. Random instead of contiguous windows. Defaults to `False`.
        num_windows: int or None. How many random windows. Defaults to
            `len(stream) // sequence_length`.
        seed: int. Required with `random=True`.

    Returns:
        A `dataset -> dataset` function giving `(input int32 [sequence_length],
        target int32 [sequence_length])`.
    """
    _check_positive(sequence_length=sequence_length)
    size = sequence_length + 1
    if random:
        if not isinstance(seed, int):
            raise ValueError(f"Random windows need an int `seed`. Received: seed={seed!r}")
        if stride is not None:
            raise ValueError("`stride` applies to contiguous windows only.")
    else:
        stride = stride if stride is not None else sequence_length
        _check_positive(stride=stride)
        if num_windows is not None:
            raise ValueError("`num_windows` applies to random windows only.")

    def split(window):
        window = tf.cast(window, tf.int32)
        return window[:-1], window[1:]

    def contiguous(dataset):
        tokens = dataset.unbatch()
        if stride == size:
            chunks = tokens.batch(size, drop_remainder=True)
        else:
            chunks = tokens.window(size, shift=stride, drop_remainder=True).flat_map(
                lambda w: w.batch(size)
            )
        return chunks.map(split)

    def random_windows(dataset):
        pieces = [np.asarray(p).reshape(-1) for p in dataset.as_numpy_iterator()]
        stream = tf.constant(np.concatenate(pieces) if pieces else np.zeros([0]), tf.int32)
        n = int(stream.shape[0])
        if n < size:
            raise ValueError(
                f"The token stream ({n} tokens) is shorter than one window ({size})."
            )
        count = num_windows if num_windows is not None else n // sequence_length

        def take(i):
            start = tf.random.stateless_uniform(
                [], seed=tf.stack([tf.constant(seed, tf.int64), i]), minval=0,
                maxval=n - sequence_length, dtype=tf.int64,
            )
            return split(stream[start:start + size])

        return tf.data.Dataset.range(count).map(take)

    return random_windows if random else contiguous


def timeseries_windows(feature_columns, target_columns, window, horizon=1, stride=1):
    """Cuts a time series into `(past window of features, future targets)` pairs.

    The input dataset yields one dict per time step (e.g. `read_timeseries_csv`,
    normalized). Window k covers steps `s = k * stride .. s + window - 1` of the
    features; its targets are steps `s + window .. s + window + horizon - 1`
    of the target columns. A tail too short for a full window is dropped.

    Args:
        feature_columns: list of str. The model's input columns.
        target_columns: list of str. The columns to forecast (may overlap the
            features).
        window: int. Past steps per example.
        horizon: int. Future steps to forecast. Defaults to `1`.
        stride: int. Steps between window starts. Defaults to `1`.

    Returns:
        A `dataset -> dataset` function giving `(features [window,
        len(feature_columns)], targets [horizon, len(target_columns)])`.
    """
    feature_columns = list(feature_columns)
    target_columns = list(target_columns)
    if not feature_columns or not target_columns:
        raise ValueError("`feature_columns` and `target_columns` must not be empty.")
    _check_positive(window=window, horizon=horizon, stride=stride)
    size = window + horizon

    def stack(record):
        features = tf.stack([tf.cast(record[c], tf.float32) for c in feature_columns])
        targets = tf.stack([tf.cast(record[c], tf.float32) for c in target_columns])
        return features, targets

    def split(features, targets):
        return features[:window], targets[window:]

    def apply(dataset):
        steps = dataset.map(stack)
        windows = steps.window(size, shift=stride, drop_remainder=True)
        return windows.flat_map(
            lambda f, t: tf.data.Dataset.zip((f.batch(size), t.batch(size)))
        ).map(split)

    return apply


def _check_positive(**values):
    for name, value in values.items():
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"`{name}` must be a positive int. Received: {name}={value!r}")
