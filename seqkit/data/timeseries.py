"""`read_timeseries_csv`: a CSV with a time column and numeric value columns."""

import tensorflow as tf

from seqkit.data.csv_reader import read_csv
from seqkit.data.validate import validate_csv


def read_timeseries_csv(
    path,
    time_column,
    value_columns,
    delimiter=None,
    na_value="NA",
    dtype=tf.float32,
    validate=True,
):
    """Reads a time-series CSV as a dataset of dicts, one element per time step.

    Rows are kept in file order (the time order of the series). Values equal to
    `na_value`, and empty values, read as NaN; `Normalizer` ignores NaN when it
    fits, and a caller can fill them (e.g. `ds.map(...)` with `tf.where`).

    Args:
        path: str. The file (header line required).
        time_column: str. The time stamp column, kept as a string.
        value_columns: list of str. Numeric columns, read as `dtype`.
        delimiter: str or None. As in `read_csv`.
        na_value: str. The "missing" marker. Defaults to `"NA"`.
        dtype: float `tf.DType`. Defaults to `tf.float32`.
        validate: bool. Check every row up front with `validate_csv` (numbers
            parse, field counts, UTF-8). Defaults to `True`.

    Returns:
        `tf.data.Dataset` of `{time_column: tf.string, column: dtype, ...}`.

    Raises:
        DataError: a missing file or column, or (with `validate`) a bad row.
    """
    value_columns = list(value_columns)
    if not value_columns:
        raise ValueError("`value_columns` must name at least one column.")
    if not tf.as_dtype(dtype).is_floating:
        raise ValueError(f"`dtype` must be a float type. Received: dtype={dtype}")
    if validate:
        validate_csv(
            path,
            required_columns=[time_column],
            numeric_columns=value_columns,
            delimiter=delimiter,
            na_values=(na_value, ""),
        )
    return read_csv(
        path,
        columns=[time_column] + value_columns,
        delimiter=delimiter,
        dtypes={name: dtype for name in value_columns},
        na_value=na_value,
    )
