"""`read_series_table`: a time-series CSV checked and held as regular series in memory.

A forecasting CSV has a time column (or several columns holding its parts, as
year / month / day / hour), one or more numeric target columns, optional
numeric covariates and an optional series-id column for many series in one
file. `read_series_table` reads it whole (time-series files are small next to
text corpora), checks it row by row and returns one regular array per series:
one row per `frequency` step, in time order. Every problem is a `DataError`
naming the file, the line and the column.
"""

import dataclasses

import numpy as np
import pandas as pd

from seqkit.errors import DataError

NA_VALUES = ("", "NA", "NaN", "nan", "N/A", "null")
FILLS = ("none", "ffill", "interpolate")

# Frequency letter -> (numpy datetime unit, steps of that unit per period).
_UNITS = {
    "Y": ("Y", 1),
    "M": ("M", 1),
    "W": ("D", 7),
    "D": ("D", 1),
    "h": ("h", 1),
    "min": ("m", 1),
    "s": ("s", 1),
}
_FORMATS = {"Y": "%Y", "M": "%Y-%m", "D": "%Y-%m-%d"}
_PARTS = ("year", "month", "day", "hour", "minute", "second")


@dataclasses.dataclass(frozen=True)
class Frequency:
    """A sampling frequency such as `"D"`, `"h"`, `"M"`, `"15min"` or `"2h"`.

    Attributes:
        text: str. As written in the recipe.
        unit: str. The numpy datetime64 unit the time stamps are counted in.
        step: int. Units per period (`"15min"`: unit `"m"`, step 15).
    """

    text: str
    unit: str
    step: int

    @classmethod
    def parse(cls, text):
        text = str(text).strip()
        digits = len(text) - len(text.lstrip("0123456789"))
        count = int(text[:digits]) if digits else 1
        letter = text[digits:]
        if letter not in _UNITS or count < 1:
            raise ValueError(
                f"Unknown frequency {text!r}: write an optional count and one of "
                f"{', '.join(_UNITS)} (e.g. 'D', 'h', 'M', '15min'). Received: frequency={text!r}"
            )
        unit, per = _UNITS[letter]
        return cls(text=text, unit=unit, step=count * per)

    def format(self, stamps):
        """Formats integer time stamps (counted in `unit`) as strings."""
        values = np.asarray(stamps, np.int64).astype(f"datetime64[{self.unit}]")
        fmt = _FORMATS.get(self.unit, "%Y-%m-%d %H:%M:%S")
        return [pd.Timestamp(v).strftime(fmt) for v in values]


@dataclasses.dataclass
class Series:
    """One regular series.

    Attributes:
        id: str. The value of the id column ("" when the file holds one series).
        stamps: int64 [T]. Time stamps counted in the frequency's unit, one
            period apart.
        values: float64 [T, C]. The table's `columns`, with gaps filled.
        lines: int64 [T]. The CSV line of each step (0 for a step a fill inserted).
    """

    id: str
    stamps: np.ndarray
    values: np.ndarray
    lines: np.ndarray


@dataclasses.dataclass
class SeriesTable:
    """The series of one file. `columns` = targets, then covariates, then known covariates."""

    path: str
    columns: list
    targets: list
    covariates: list
    known_covariates: list
    frequency: Frequency
    series: list

    def column_index(self, names):
        return [self.columns.index(name) for name in names]


def read_series_table(
    path,
    time_columns,
    target_columns,
    covariates=(),
    known_covariates=(),
    id_column=None,
    frequency="D",
    fill="none",
    allow_missing=(),
):
    """Reads and checks a forecasting CSV.

    Args:
        path: str. The file (header line required).
        time_columns: str or list of str. One column holding a date / time, or
            several holding its parts in the order year, month, day, hour,
            minute, second (e.g. `["year", "month", "day", "hour"]`).
        target_columns: list of str. The columns to forecast.
        covariates: list of str. Numeric inputs known only in the past.
        known_covariates: list of str. Numeric inputs also known over the horizon.
        id_column: str or None. The series id; rows of one series must be in
            time order (series may be interleaved).
        frequency: str. See `Frequency.parse`. Defaults to `"D"`.
        fill: `"none"` (a missing value or a gap in the time index is an
            error), `"ffill"` (carry the last value forward; leading gaps take
            the first value) or `"interpolate"` (linear in time; the ends are
            held flat). Defaults to `"none"`.
        allow_missing: columns whose missing values are kept as NaN whatever
            `fill` says (scoring: the targets of the future rows that carry
            known covariates).

    Returns:
        A `SeriesTable`.

    Raises:
        DataError: a missing file or column, a non-numeric value (row and
            column named), an unsorted or duplicated time stamp, a time stamp
            off the frequency's grid, a missing value or a gap with
            `fill="none"`.
    """
    if fill not in FILLS:
        raise ValueError(f"`fill` must be one of {FILLS}. Received: fill={fill!r}")
    freq = frequency if isinstance(frequency, Frequency) else Frequency.parse(frequency)
    time_columns = [time_columns] if isinstance(time_columns, str) else list(time_columns)
    targets, covariates, known = list(target_columns), list(covariates), list(known_covariates)
    if not targets:
        raise ValueError("`target_columns` must name at least one column.")
    columns = targets + covariates + known
    frame = _read_frame(path, time_columns + columns + ([id_column] if id_column else []))
    values = np.empty((len(frame), len(columns)), np.float64)
    for j, column in enumerate(columns):
        values[:, j] = _numeric(frame[column], path, column)
    stamps = _stamps(frame, time_columns, freq, path)
    lines = np.arange(len(frame), dtype=np.int64) + 2
    ids = frame[id_column].to_numpy(str) if id_column else np.full(len(frame), "", object)
    keep_nan = [columns.index(c) for c in allow_missing if c in columns]
    series = []
    for key in dict.fromkeys(ids):
        rows = np.nonzero(ids == key)[0]
        series.append(
            _regular(key, stamps[rows], values[rows], lines[rows], freq, fill, path,
                     columns, keep_nan)
        )
    return SeriesTable(path=str(path), columns=columns, targets=targets, covariates=covariates,
                       known_covariates=known, frequency=freq, series=series)


def _read_frame(path, required):
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError:
        raise DataError("file not found", path=path) from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise DataError(f"cannot read the file as CSV: {str(error).splitlines()[0]}",
                        path=path) from None
    except pd.errors.EmptyDataError:
        raise DataError("the file is empty", path=path) from None
    missing = [c for c in dict.fromkeys(required) if c not in frame.columns]
    if missing:
        raise DataError(
            f"missing column {missing[0]!r}; the header has: {', '.join(frame.columns)}",
            path=path, line=1,
        )
    if len(frame) == 0:
        raise DataError("no data rows", path=path, line=1)
    return frame


def _numeric(column, path, name):
    text = column.str.strip()
    missing = text.isin(NA_VALUES)
    numbers = pd.to_numeric(text.where(~missing, None), errors="coerce").to_numpy(np.float64)
    bad = np.nonzero(~missing.to_numpy() & ~np.isfinite(numbers))[0]
    if bad.size:
        row = int(bad[0])
        raise DataError(f"not a number: {text.iloc[row]!r}", path=path, line=row + 2, column=name)
    return numbers


def _stamps(frame, time_columns, freq, path):
    """Integer time stamps in the frequency's unit; errors name the row."""
    if len(time_columns) == 1:
        column = time_columns[0]
        text = frame[column].str.strip()
        parsed = pd.to_datetime(text, errors="coerce", format="mixed")
        where = column
    else:
        if len(time_columns) > len(_PARTS):
            raise ValueError(f"At most {len(_PARTS)} time part columns. Received: {time_columns}")
        parts = {}
        for name, column in zip(_PARTS, time_columns):
            parts[name] = pd.to_numeric(frame[column].str.strip(), errors="coerce")
        for name in ("month", "day"):
            parts.setdefault(name, 1)
        parsed = pd.to_datetime(pd.DataFrame(parts), errors="coerce")
        where = "+".join(time_columns)
    bad = np.nonzero(parsed.isna().to_numpy())[0]
    if bad.size:
        row = int(bad[0])
        shown = ", ".join(str(frame[c].iloc[row]) for c in time_columns)
        raise DataError(f"not a time stamp: {shown!r}", path=path, line=row + 2, column=where)
    exact = parsed.to_numpy().astype("datetime64[ns]")
    coarse = exact.astype(f"datetime64[{freq.unit}]")
    off = np.nonzero(coarse.astype("datetime64[ns]") != exact)[0]
    if off.size:
        row = int(off[0])
        raise DataError(
            f"irregular time stamp {str(exact[row])!r}: not on the {freq.text!r} grid",
            path=path, line=row + 2, column=where,
        )
    return coarse.astype(np.int64)


def _regular(key, stamps, values, lines, freq, fill, path, columns, keep_nan):
    label = f" (series {key!r})" if key else ""
    delta = np.diff(stamps)
    for i in np.nonzero(delta <= 0)[0]:
        what = "duplicated" if delta[i] == 0 else "out of order (earlier than the row before)"
        raise DataError(f"time stamp {what}{label}; sort the file by time",
                        path=path, line=int(lines[i + 1]))
    off = np.nonzero(delta % freq.step != 0)[0]
    if off.size:
        i = int(off[0])
        raise DataError(
            f"irregular time step{label}: {int(delta[i])} {freq.unit} after the row before, "
            f"not a multiple of the frequency {freq.text!r}",
            path=path, line=int(lines[i + 1]),
        )
    gaps = np.nonzero(delta > freq.step)[0]
    if gaps.size and fill == "none":
        i = int(gaps[0])
        raise DataError(
            f"gap in the time index{label}: {int(delta[i] // freq.step) - 1} missing step(s) "
            f"before this row; set data.fill to 'ffill' or 'interpolate' to fill gaps",
            path=path, line=int(lines[i + 1]),
        )
    position = (stamps - stamps[0]) // freq.step
    full = np.full((int(position[-1]) + 1, values.shape[1]), np.nan)
    full[position] = values
    full_lines = np.zeros(len(full), np.int64)
    full_lines[position] = lines
    check = [j for j in range(values.shape[1]) if j not in keep_nan]
    if fill == "none":
        missing = np.argwhere(~np.isfinite(full[:, check]))
        if missing.size:
            row, j = missing[0]
            raise DataError(
                f"missing value{label}; set data.fill to 'ffill' or 'interpolate' to fill it",
                path=path, line=int(full_lines[row]), column=columns[check[j]],
            )
    else:
        for j in check:
            if not np.isfinite(full[:, j]).any():
                raise DataError(f"no value at all{label}", path=path, column=columns[j])
            full[:, j] = fill_missing(full[:, j], fill)
    stamps_full = stamps[0] + np.arange(len(full), dtype=np.int64) * freq.step
    return Series(id=str(key), stamps=stamps_full, values=full, lines=full_lines)


def fill_missing(column, how):
    """Fills the NaNs of a 1-D array: "ffill" (leading NaNs take the first value) or
    "interpolate" (linear; the ends held flat)."""
    known = np.isfinite(column)
    index = np.arange(len(column))
    if how == "interpolate":
        return np.interp(index, index[known], column[known])
    last = np.maximum.accumulate(np.where(known, index, -1))
    first = index[known][0]
    return column[np.where(last < 0, first, last)]
