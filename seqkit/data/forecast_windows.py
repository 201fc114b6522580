"""Forecasting windows over a `SeriesTable`, cut in time order into train / validation / test.

Each series is cut on its time axis: the first steps are the training part,
then the validation part, then the test part (never shuffled across time). A
window starting its forecast at step `t` reads the `window` steps before `t`
(all columns) and forecasts the targets of steps `t .. t + horizon - 1`; it
belongs to the part that holds all of its forecast steps. Its input may reach
back into an earlier part: that past is known when the forecast is made.
Normalisation statistics come from the rows of the training parts only
(`training_rows`).
"""

import numpy as np

from seqkit.errors import DataError

PARTS = ("train", "validation", "test")


def part_bounds(length, validation, test):
    """The steps `(end of train, end of validation)` of a series of `length` steps.

    `validation` and `test` are fractions of the series (floats below 1) or
    step counts (ints); the test part is the last `test` steps, validation
    the `validation` steps before it.
    """
    def steps(value):
        if isinstance(value, float) and value < 1:
            return int(round(value * length))
        return int(value)

    test_steps, validation_steps = steps(test), steps(validation)
    validation_end = length - test_steps
    return validation_end - validation_steps, validation_end


def forecast_windows(table, window, horizon, stride=1, part="train", validation=0.15,
                     test=0.15, series=None):
    """Cuts the windows of one part of every series.

    Args:
        table: `SeriesTable`.
        window: int. Past steps a forecast reads.
        horizon: int. Future steps it forecasts.
        stride: int. Steps between consecutive forecast starts. Defaults to `1`.
        part: `"train"`, `"validation"`, `"test"` or `"all"` (every window
            the series holds). Defaults to `"train"`.
        validation, test: fractions or step counts, as in `part_bounds`.
        series: list of series indices or None (all).

    Returns:
        dict of NumPy arrays: `window` float32 [N, window, C] (all columns),
        `future` float32 [N, horizon, K] (known covariates over the horizon;
        K may be 0), `target` float32 [N, horizon, T], `series` int [N] (index
        in `table.series`) and `start` int [N] (the forecast's first step).

    Raises:
        DataError: horizon or window below 1, a training part shorter than
            one window plus its horizon, or a validation / test part shorter
            than the horizon.
    """
    for name, value in (("window", window), ("horizon", horizon), ("stride", stride)):
        if not isinstance(value, int) or value < 1:
            raise DataError(f"data.{name} must be a positive int. Received: {name}={value!r}",
                            path=table.path)
    if part not in PARTS + ("all",):
        raise ValueError(f"`part` must be one of {PARTS + ('all',)}. Received: part={part!r}")
    target_index = table.column_index(table.targets)
    known_index = table.column_index(table.known_covariates)
    inputs, futures, targets, owners, starts = [], [], [], [], []
    for i, one in enumerate(table.series):
        if series is not None and i not in series:
            continue
        length = len(one.values)
        train_end, validation_end = part_bounds(length, validation, test)
        label = f" of series {one.id!r}" if one.id else ""
        if train_end < window + horizon:
            raise DataError(
                f"the window ({window}) plus the horizon ({horizon}) is longer than the "
                f"training part ({max(train_end, 0)} steps){label}; shorten data.window or the "
                f"validation / test parts",
                path=table.path,
            )
        low, high = {
            "train": (window, train_end),
            "validation": (train_end, validation_end),
            "test": (validation_end, length),
            "all": (window, length),
        }[part]
        if part in ("validation", "test") and 0 < high - low < horizon:
            raise DataError(
                f"the {part} part{label} ({high - low} steps) is shorter than the horizon "
                f"({horizon})", path=table.path,
            )
        for t in range(max(low, window), high - horizon + 1, stride):
            inputs.append(one.values[t - window:t])
            futures.append(one.values[t:t + horizon][:, known_index])
            targets.append(one.values[t:t + horizon][:, target_index])
            owners.append(i)
            starts.append(t)
    count = len(starts)

    def stacked(pieces, width, length):
        out = np.zeros((count, length, width), np.float32)
        if count and width:
            out[:] = np.asarray(pieces, np.float32)
        return out

    return {
        "window": stacked(inputs, len(table.columns), window),
        "future": stacked(futures, len(known_index), horizon),
        "target": stacked(targets, len(target_index), horizon),
        "series": np.asarray(owners, np.int64),
        "start": np.asarray(starts, np.int64),
    }


def training_rows(table, validation=0.15, test=0.15):
    """The rows [R, C] of every series' training part: what normalisation may see."""
    rows = []
    for one in table.series:
        train_end, _ = part_bounds(len(one.values), validation, test)
        rows.append(one.values[:max(train_end, 0)])
    return np.concatenate(rows, axis=0)
