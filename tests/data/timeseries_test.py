import math

import numpy as np
import pytest

from seqkit.data import read_timeseries_csv
from seqkit.errors import DataError


def test_reads_time_and_values_with_missing(write):
    path = write("s.csv", '"t","a","b"\r\n"d1",1.5,NA\r\n"d2",2,3\r\n')
    records = list(read_timeseries_csv(path, "t", ["a", "b"]).as_numpy_iterator())
    assert [r["t"] for r in records] == [b"d1", b"d2"]
    assert [r["a"] for r in records] == [1.5, 2.0]
    assert math.isnan(records[0]["b"]) and records[1]["b"] == 3.0


def test_bad_number_is_reported_up_front(write):
    path = write("s.csv", "t,a\nd1,1\nd2,one\n")
    with pytest.raises(DataError, match="not a number") as e:
        read_timeseries_csv(path, "t", ["a"])
    assert (e.value.line, e.value.column) == (3, "a")


def test_daily_min_temperatures(shared_data):
    path = shared_data / "timeseries" / "daily-min-temperatures.csv"
    records = list(read_timeseries_csv(path, "Date", ["Temp"]).as_numpy_iterator())
    assert len(records) == 3650
    assert records[0]["Date"] == b"1981-01-01" and records[-1]["Date"] == b"1990-12-31"
    assert records[1]["Temp"] == pytest.approx(17.9)


def test_pollution_missing_pm25(shared_data):
    path = shared_data / "timeseries" / "pollution.csv"
    ds = read_timeseries_csv(path, "No", ["pm2.5", "DEWP", "TEMP"])
    values = np.concatenate([b["pm2.5"] for b in ds.batch(8192).as_numpy_iterator()])
    assert values.shape == (43824,) and int(np.isnan(values).sum()) == 2067
