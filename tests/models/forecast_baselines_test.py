import numpy as np
import pytest

from seqkit.models import forecast_baselines as fb


def test_last_value_and_seasonal_naive():
    windows = np.arange(12, dtype=np.float64).reshape(1, 6, 2)  # target column 0: 0,2,..,10
    assert fb.last_value(windows, 3, [0])[0, :, 0].tolist() == [10, 10, 10]
    # season 4 over the last four steps 4, 6, 8, 10
    assert fb.seasonal_naive(windows, 6, [0], 4)[0, :, 0].tolist() == [4, 6, 8, 10, 4, 6]
    with pytest.raises(ValueError, match="at least one season"):
        fb.seasonal_naive(windows, 2, [0], 7)


def test_holt_winters_follows_a_clean_seasonal_trend():
    t = np.arange(120, dtype=np.float64)
    series = 50 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12)
    forecasts = fb.holt_winters(series, [96, 108], 12, 12, fit_end=96)
    actual = np.stack([series[96:108], series[108:120]])
    assert forecasts.shape == (2, 12)
    assert np.abs(forecasts - actual).max() < 1.0
