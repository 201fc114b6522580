"""The forecast task's data: its CSV as a `SeriesTable`, windows per part, training statistics."""

import numpy as np

from seqkit.data.forecast_windows import forecast_windows
from seqkit.data.forecast_windows import part_bounds
from seqkit.data.forecast_windows import training_rows
from seqkit.data.series_table import read_series_table
from seqkit.errors import DataError
from seqkit.metrics.forecasting import seasonal_naive_scale


def load_table(data, path, allow_missing=()):
    """Reads `path` with the columns, frequency and fill of the `data` section.

    With `data.target_transform: log1p` a negative target value is a
    `DataError` naming its line and column.
    """
    time = data.time_column[0] if len(data.time_column) == 1 else list(data.time_column)
    table = read_series_table(
        path, time, list(data.target_columns), covariates=list(data.covariates),
        known_covariates=list(data.known_covariates), id_column=data.id_column,
        frequency=data.frequency, fill=data.fill, allow_missing=allow_missing,
    )
    if data.target_transform == "log1p":
        index = table.column_index(table.targets)
        for one in table.series:
            negative = np.argwhere(one.values[:, index] < 0)  # NaN (kept missing) is not
            if negative.size:
                row, j = negative[0]
                label = f" (series {one.id!r})" if one.id else ""
                raise DataError(
                    f"{one.values[row, index[j]]:g} is negative{label}; data.target_transform "
                    "'log1p' needs target values >= 0", path=path,
                    line=int(one.lines[row]) or None, column=table.targets[j])
    return table


def bounds(data, length):
    """(end of train, end of validation) of a series of `length` steps."""
    return part_bounds(length, data.part_size(data.validation), data.part_size(data.test))


def windows(data, table, part):
    """The windows of one part (`forecast_windows`); training windows use `stride`."""
    stride = data.stride if part == "train" else data.eval_stride
    return forecast_windows(
        table, data.window, data.horizon, stride=stride, part=part,
        validation=data.part_size(data.validation), test=data.part_size(data.test),
    )


def model_inputs(data, arrays):
    """What the Keras model takes: the window, plus the known future when there is one."""
    if data.known_covariates:
        return {"window": arrays["window"], "future": arrays["future"]}
    return arrays["window"]


def statistics(data, table):
    """Mean and std of every column over the training parts only (a `Normalizer`).

    With `data.target_transform: log1p` the targets' are those of log(1 + y),
    the values the model standardizes.
    """
    import tensorflow as tf

    from seqkit.data.normalizer import Normalizer

    rows = training_rows(table, data.part_size(data.validation), data.part_size(data.test))
    if data.target_transform == "log1p":
        rows = rows.copy()
        index = table.column_index(table.targets)
        rows[:, index] = np.log1p(rows[:, index])
    columns = list(table.columns)
    dataset = tf.data.Dataset.from_tensor_slices(
        {c: rows[:, j].astype(np.float64) for j, c in enumerate(columns)})
    return Normalizer(columns).fit(dataset)


def mase_scales(data, table):
    """[series, targets]: each series' in-sample seasonal naive MAE over its training part."""
    target_index = table.column_index(table.targets)
    scales = []
    for one in table.series:
        train_end, _ = bounds(data, len(one.values))
        scales.append(seasonal_naive_scale(one.values[:train_end, target_index], data.season))
    return np.asarray(scales, np.float64)
