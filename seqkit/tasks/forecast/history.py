"""Forecasts after the end of each series of a history CSV (`seqkit forecast` / `seqkit score`).

Each series' last `window` steps make one window; with known covariates the
history ends with `horizon` rows whose targets are empty and whose known
covariates hold the future values. The forecast becomes one row per series
and future step, with the time stamps continued at the series' frequency.
"""

import csv
import dataclasses
import io

import numpy as np

from seqkit.data.series_table import fill_missing
from seqkit.errors import DataError

ON_ERROR = ("fail", "skip")


def history_windows(data, table, on_error="fail"):
    """The last window (and known future) of every series long enough.

    Returns:
        (arrays, skipped): arrays as `forecast_windows` gives them, with
        `last_stamp` [N] (the last observed step of each series); skipped is
        a list of `(series id, reason)`.

    Raises:
        DataError: with `on_error="fail"`, a series shorter than the window
            (or, with known covariates, without `horizon` future rows).
    """
    if on_error not in ON_ERROR:
        raise ValueError(f"`on_error` must be one of {ON_ERROR}. Received: {on_error!r}")
    target_index = table.column_index(table.targets)
    known_index = table.column_index(table.known_covariates)
    window, horizon = data.window, data.horizon
    chosen = {"window": [], "future": [], "series": [], "last_stamp": []}
    skipped = []
    for i, one in enumerate(table.series):
        values = one.values
        label = f"series {one.id!r}" if one.id else "the series"
        observed = len(values)
        if known_index:
            targets_known = np.isfinite(values[:, target_index]).all(axis=1)
            observed = int(np.nonzero(targets_known)[0][-1]) + 1 if targets_known.any() else 0
            future_rows = len(values) - observed
            reason = None
            if future_rows < horizon:
                reason = (f"{label} has {future_rows} future rows of known covariates after "
                          f"its last target; the forecast needs {horizon}")
            elif not np.isfinite(values[observed:observed + horizon][:, known_index]).all():
                reason = f"{label} misses a known covariate in its future rows"
        else:
            reason = None
        if reason is None and observed < window:
            reason = f"{label} has {observed} steps, shorter than the window ({window})"
        if reason is not None:
            if on_error == "fail":
                raise DataError(f"{reason}; pass --on-error skip to leave it out",
                                path=table.path)
            skipped.append((one.id, reason))
            continue
        past = values[observed - window:observed].copy()
        if known_index and data.fill != "none":
            for j in target_index:
                past[:, j] = fill_missing(past[:, j], data.fill) if np.isfinite(past[:, j]).any() \
                    else past[:, j]
        if not np.isfinite(past).all():
            raise DataError(f"{label}: a missing value in its last window", path=table.path)
        chosen["window"].append(past)
        chosen["future"].append(values[observed:observed + horizon][:, known_index]
                                if known_index else np.zeros((horizon, 0)))
        chosen["series"].append(i)
        chosen["last_stamp"].append(one.stamps[observed - 1])
    count = len(chosen["series"])
    arrays = {
        "window": np.asarray(chosen["window"], np.float32).reshape(count, window, len(table.columns)),
        "future": np.asarray(chosen["future"], np.float32).reshape(count, horizon, len(known_index)),
        "series": np.asarray(chosen["series"], np.int64),
        "last_stamp": np.asarray(chosen["last_stamp"], np.int64),
    }
    return arrays, skipped


def output_columns(data, quantiles):
    """The columns of a forecast CSV, in order."""
    time = data.time_column[0] if len(data.time_column) == 1 else "time"
    columns = ([data.id_column] if data.id_column else []) + [time, "step"]
    for target in data.target_columns:
        columns.append(target)
        columns += [f"{target}_q{quantile_label(q)}" for q in quantiles]
    return columns


def quantile_label(level):
    """0.1 -> "10", 0.05 -> "5", 0.975 -> "97.5"."""
    text = f"{level * 100:.4f}".rstrip("0").rstrip(".")
    return text


def forecast_rows(data, table, arrays, point, quantile_values=None, quantiles=()):
    """One dict per series and future step (keys: `output_columns`)."""
    columns = output_columns(data, quantiles)
    time_key = columns[1 if data.id_column else 0]
    rows = []
    for n, i in enumerate(arrays["series"]):
        one = table.series[i]
        stamps = arrays["last_stamp"][n] + table.frequency.step * np.arange(1, data.horizon + 1)
        for h, stamp in enumerate(table.frequency.format(stamps)):
            row = {}
            if data.id_column:
                row[data.id_column] = one.id
            row[time_key] = stamp
            row["step"] = h + 1
            for j, target in enumerate(data.target_columns):
                row[target] = float(point[n, h, j])
                for k, q in enumerate(quantiles):
                    row[f"{target}_q{quantile_label(q)}"] = float(quantile_values[n, h, j, k])
            rows.append(row)
    return rows


def forecast_table(data, quantiles, serve, table, on_error="fail"):
    """Forecasts after the end of every series of `table`: the one per-series step of
    `seqkit score` / `seqkit forecast` (the whole file) and of the Beam runner (the
    rows of one series, gathered by `HistoryGroups`).

    Returns:
        (rows, skipped): one dict per series and future step (`output_columns`),
        and [(series id, reason)].
    """
    import tensorflow as tf

    arrays, skipped = history_windows(data, table, on_error)
    if len(arrays["series"]) == 0:
        return [], skipped
    inputs = {"window": tf.constant(arrays["window"])}
    if data.known_covariates:
        inputs["future"] = tf.constant(arrays["future"])
    outputs = {k: np.asarray(v) for k, v in serve(**inputs).items()}
    rows = forecast_rows(data, table, arrays, outputs["forecast"], outputs.get("quantiles"), quantiles)
    return rows, skipped


def format_row(row):
    """A forecast row's CSV values (floats with 6 decimals), in `output_columns` order."""
    return [f"{v:.6f}" if isinstance(v, float) else str(v) for v in row.values()]


@dataclasses.dataclass(frozen=True)
class HistoryGroups:
    """How a distributed runner scores a history CSV series by series (picklable).

    Attributes:
        data: the task's `ForecastDataConfig`.
        quantiles: tuple of the quantile levels.
        group_by: the series-id column, or None (the file holds one series).
        columns: the output's columns (`output_columns`).
    """

    data: object
    quantiles: tuple

    @property
    def group_by(self):
        return self.data.id_column

    @property
    def columns(self):
        return output_columns(self.data, self.quantiles)

    def score(self, serve, path, header, records, on_error="fail"):
        """Forecasts one series from its CSV records (in file order) with `forecast_table`.

        Returns:
            (rows, skipped): rows as lists of CSV strings, [(series id, reason)].
        """
        from seqkit.tasks.forecast import data as data_lib

        text = io.StringIO()
        csv.writer(text).writerows([header, *records])
        text.seek(0)
        allow = list(self.data.target_columns) if self.data.known_covariates else []
        try:
            table = data_lib.load_table(self.data, text, allow_missing=allow)
        except DataError as error:
            raise DataError(f"{error.message} (series rows gathered by the beam runner)", path=path) from None
        table = dataclasses.replace(table, path=str(path))
        rows, skipped = forecast_table(self.data, self.quantiles, serve, table, on_error)
        return [format_row(row) for row in rows], skipped
