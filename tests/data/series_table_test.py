import numpy as np
import pytest

from seqkit.data.series_table import Frequency
from seqkit.data.series_table import read_series_table
from seqkit.errors import DataError


def test_reads_series_by_id_in_time_order(write):
    path = write("s.csv", "date,id,y,x\n2024-01-01,a,1,10\n2024-01-01,b,5,50\n"
                          "2024-01-02,a,2,20\n2024-01-02,b,6,60\n2024-01-03,a,3,30\n")
    table = read_series_table(path, "date", ["y"], covariates=["x"], id_column="id")
    assert [s.id for s in table.series] == ["a", "b"]
    a, b = table.series
    assert a.values.tolist() == [[1, 10], [2, 20], [3, 30]]
    assert b.values.tolist() == [[5, 50], [6, 60]]
    assert a.lines.tolist() == [2, 4, 6]
    assert table.frequency.format(a.stamps) == ["2024-01-01", "2024-01-02", "2024-01-03"]


@pytest.mark.parametrize("text, line, column, message", [
    ("t,y\n2024-01-01,1\n2024-01-02,abc\n", 3, "y", "not a number: 'abc'"),
    ("t,y\n2024-01-02,1\n2024-01-01,2\n", 3, None, "out of order"),
    ("t,y\n2024-01-01,1\n2024-01-01,2\n", 3, None, "duplicated"),
    ("t,y\n2024-01-01,1\n2024-01-02 12:00,2\n", 3, "t", "irregular time stamp"),
    ("t,y\n2024-01-01,1\n2024-01-03,2\n", 3, None, "gap in the time index"),
    ("t,y\n2024-01-01,1\n2024-01-02,NA\n", 3, "y", "missing value"),
    ("t,y\n2024-01-01,1\nyesterday,2\n", 3, "t", "not a time stamp"),
])
def test_bad_rows_are_named(write, text, line, column, message):
    path = write("s.csv", text)
    with pytest.raises(DataError, match=message) as error:
        read_series_table(path, "t", ["y"])
    assert (error.value.line, error.value.column) == (line, column)


def test_irregular_step_between_rows_is_an_error(write):
    path = write("s.csv", "t,y\n2024-01-01 00:00,1\n2024-01-01 01:00,2\n2024-01-01 01:30,3\n")
    with pytest.raises(DataError, match="irregular") as error:
        read_series_table(path, "t", ["y"], frequency="h")
    assert error.value.line == 4


def test_gaps_and_missing_values_are_filled_as_configured(write):
    path = write("s.csv", "t,y\n2024-01-01,NA\n2024-01-02,2\n2024-01-04,4\n2024-01-05,NA\n")
    ffill = read_series_table(path, "t", ["y"], fill="ffill").series[0]
    inter = read_series_table(path, "t", ["y"], fill="interpolate").series[0]
    assert ffill.values[:, 0].tolist() == [2, 2, 2, 4, 4]
    assert inter.values[:, 0].tolist() == [2, 2, 3, 4, 4]
    assert inter.lines.tolist() == [2, 3, 0, 4, 5]


def test_time_from_part_columns_and_hourly_grid(write):
    path = write("s.csv", "year,month,day,hour,y\n2010,1,1,22,1\n2010,1,1,23,2\n2010,1,2,0,3\n")
    table = read_series_table(path, ["year", "month", "day", "hour"], ["y"], frequency="h")
    stamps = table.series[0].stamps
    assert np.diff(stamps).tolist() == [1, 1]
    assert table.frequency.format(stamps[-1:] + 1) == ["2010-01-02 01:00:00"]


def test_monthly_and_multiples():
    assert Frequency.parse("M").format([0, 13]) == ["1970-01", "1971-02"]
    assert (Frequency.parse("15min").unit, Frequency.parse("15min").step) == ("m", 15)
    assert Frequency.parse("W").step == 7
    with pytest.raises(ValueError, match="Unknown frequency"):
        Frequency.parse("fortnight")


def test_missing_column_named(write):
    path = write("s.csv", "t,y\n2024-01-01,1\n")
    with pytest.raises(DataError, match="missing column 'z'"):
        read_series_table(path, "t", ["y"], covariates=["z"])


def test_allow_missing_keeps_future_targets_nan(write):
    path = write("s.csv", "t,y,k\n2024-01-01,1,5\n2024-01-02,,6\n")
    series = read_series_table(path, "t", ["y"], known_covariates=["k"],
                               allow_missing=["y"]).series[0]
    assert np.isnan(series.values[1, 0]) and series.values[1, 1] == 6
