import numpy as np
import pytest

from seqkit.metrics import forecasting as fm

# Two windows, horizon 2, one target.
Y = np.array([[[10.0], [20.0]], [[0.0], [4.0]]])
F = np.array([[[12.0], [20.0]], [[0.0], [1.0]]])


def test_mae_rmse_by_hand():
    assert fm.mae(Y, F) == pytest.approx((2 + 0 + 0 + 3) / 4)
    assert fm.mae(Y, F, per_step=True).tolist() == pytest.approx([1.0, 1.5])
    assert fm.rmse(Y, F) == pytest.approx(np.sqrt((4 + 0 + 0 + 9) / 4))
    assert fm.rmse(Y, F, per_step=True).tolist() == pytest.approx([np.sqrt(2), np.sqrt(4.5)])


def test_smape_by_hand():
    # terms: 2*2/22, 0, 0 (both zero), 2*3/5
    expected = 100 * (4 / 22 + 0 + 0 + 6 / 5) / 4
    assert fm.smape(Y, F) == pytest.approx(expected)
    assert fm.smape(Y, F, per_step=True).tolist() == pytest.approx([100 * (4 / 22) / 2,
                                                                    100 * (6 / 5) / 2])


def test_seasonal_naive_scale_and_mase_by_hand():
    history = np.array([1.0, 2.0, 4.0, 3.0, 7.0, 5.0])
    # season 2: |4-1|, |3-2|, |7-4|, |5-3| -> mean 9/4
    assert fm.seasonal_naive_scale(history, 2) == pytest.approx(2.25)
    # season 1: 1, 2, 1, 4, 2 -> 2
    assert fm.seasonal_naive_scale(history, 1) == pytest.approx(2.0)
    assert fm.mase(Y, F, 2.25) == pytest.approx(1.25 / 2.25)
    # one scale per window (series)
    per_window = np.array([1.0, 3.0])[:, None, None]
    assert fm.mase(Y, F, per_window) == pytest.approx((2 / 1 + 0 + 0 + 3 / 3) / 4)


def test_mase_needs_more_than_a_season():
    with pytest.raises(ValueError, match="more than one season"):
        fm.seasonal_naive_scale(np.ones(7), 7)


def test_coverage_and_pinball_by_hand():
    lower = Y - np.array([[[1.0], [0.0]], [[1.0], [-1.0]]])  # last one misses
    upper = Y + 1.0
    assert fm.coverage(Y, lower, upper) == pytest.approx(0.75)
    assert fm.coverage(Y, lower, upper, per_step=True).tolist() == [1.0, 0.5]
    y = np.array([[[10.0]]])
    q = np.array([[[[8.0, 10.0, 13.0]]]])
    # levels 0.1, 0.5, 0.9: 0.1*2, 0, (0.9-1)*(-3)
    assert fm.pinball(y, q, [0.1, 0.5, 0.9]) == pytest.approx((0.2 + 0 + 0.3) / 3)


def test_report_holds_every_metric_per_step():
    report = fm.forecast_report(Y, F, 2.0, lower=F - 1, upper=F + 1)
    assert set(report) == {"mae", "rmse", "smape", "mase", "coverage", "per_step"}
    assert report["per_step"]["mae"] == pytest.approx([1.0, 1.5])
    assert report["mase"] == pytest.approx(1.25 / 2)


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="differ in shape"):
        fm.mae(Y, F[:1])
