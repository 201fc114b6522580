import numpy as np
import pytest

from seqkit.models import forecast_baselines as fb


def test_last_value_and_seasonal_naive():
    values = np.stack([np.arange(6.0), -np.arange(6.0)], axis=1)
    assert fb.last_value(values, [4], 3)[0, :, 0].tolist() == [3, 3, 3]
    # origin 5, season 3: the steps 2, 3, 4 repeat
    assert fb.seasonal_naive(values, [5], 5, 3)[0, :, 0].tolist() == [2, 3, 4, 2, 3]
    assert fb.seasonal_naive(values, [5], 2, 1)[0, :, 1].tolist() == [-4, -4]
    with pytest.raises(ValueError, match="a season of history"):
        fb.seasonal_naive(values, [2], 2, 3)


def test_holt_winters_follows_a_clean_seasonal_trend():
    t = np.arange(120, dtype=np.float64)
    series = 50 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12)
    forecasts = fb.holt_winters(series, [96, 108], 12, 12, fit_end=96)
    actual = np.stack([series[96:108], series[108:120]])
    assert forecasts.shape == (2, 12)
    assert np.abs(forecasts - actual).max() < 1.0
