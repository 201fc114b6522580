import numpy as np
import pytest

from seqkit.data.forecast_windows import forecast_windows
from seqkit.data.forecast_windows import part_bounds
from seqkit.data.forecast_windows import training_rows
from seqkit.data.series_table import read_series_table
from seqkit.errors import DataError


@pytest.fixture
def table(write):
    days = np.datetime64("2024-01-01") + np.arange(40)
    lines = ["t,id,y,x,k"]
    for sid, offset in (("a", 0), ("b", 1000)):
        lines += [f"{d},{sid},{offset + i},{-i},{i * 10}" for i, d in enumerate(days)]
    path = write("s.csv", "\n".join(lines) + "\n")
    return read_series_table(path, "t", ["y"], covariates=["x"], known_covariates=["k"],
                             id_column="id")


def test_target_is_exactly_the_next_horizon_values(table):
    w = forecast_windows(table, window=5, horizon=3, stride=2, part="train",
                         validation=10, test=10)
    assert w["window"].shape[1:] == (5, 3) and w["target"].shape[1:] == (3, 1)
    for inputs, future, target, owner, start in zip(
            w["window"], w["future"], w["target"], w["series"], w["start"]):
        offset = 1000 * owner
        assert inputs[:, 0].tolist() == [offset + start - 5 + i for i in range(5)]
        assert target[:, 0].tolist() == [offset + start + i for i in range(3)]
        assert future[:, 0].tolist() == [(start + i) * 10 for i in range(3)]
    assert w["start"][w["series"] == 0].tolist() == [5, 7, 9, 11, 13, 15, 17]


def test_parts_are_in_time_order_and_disjoint(table):
    spans = {}
    for part in ("train", "validation", "test"):
        w = forecast_windows(table, 5, 3, part=part, validation=10, test=10, series=[0])
        spans[part] = (w["start"].min(), (w["start"] + 3).max())
    assert spans["train"] == (5, 20)       # forecasts end by the end of train (step 20)
    assert spans["validation"] == (20, 30)
    assert spans["test"] == (30, 40)


def test_training_rows_hold_no_later_values(table):
    rows = training_rows(table, validation=0.25, test=0.25)
    assert rows.shape == (40, 3)
    assert sorted(rows[:, 0]) == list(range(20)) + list(range(1000, 1020))


def test_part_bounds_fractions_and_counts():
    assert part_bounds(100, 0.1, 0.2) == (70, 80)
    assert part_bounds(100, 5, 365 // 73) == (90, 95)


def test_window_longer_than_training_part(table):
    with pytest.raises(DataError, match="longer than the training part"):
        forecast_windows(table, window=19, horizon=2, validation=10, test=10)


def test_horizon_zero_is_an_error(table):
    with pytest.raises(DataError, match="horizon must be a positive int"):
        forecast_windows(table, window=5, horizon=0)


def test_test_part_shorter_than_horizon(table):
    with pytest.raises(DataError, match="shorter than the horizon"):
        forecast_windows(table, window=5, horizon=4, part="test", validation=10, test=3)
