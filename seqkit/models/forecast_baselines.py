"""Classical forecasts to print beside a trained model: last value, seasonal naive, Holt-Winters.

All three forecast the same windows the model does, from the same past, so the
numbers are comparable. Holt-Winters (additive exponential smoothing, via
statsmodels) has its smoothing parameters fitted once per series and target on
the training part; at each forecast origin the same parameters are run over the
history up to that origin (at most `history` steps of it) and projected forward.
"""

import warnings

import numpy as np


def last_value(windows, horizon, target_index):
    """Repeats the last observed value. `windows` [N, W, C] -> [N, horizon, T]."""
    last = np.asarray(windows, np.float64)[:, -1:, target_index]
    return np.repeat(last, horizon, axis=1)


def seasonal_naive(windows, horizon, target_index, season):
    """Repeats the last observed season: step h takes the value `season` steps (or a
    multiple) before it. Needs `window >= season`."""
    windows = np.asarray(windows, np.float64)[:, :, target_index]
    length = windows.shape[1]
    if season > length:
        raise ValueError(
            f"The seasonal naive forecast needs a window of at least one season. "
            f"Received: window={length}, season={season}"
        )
    lags = [length - season + (h % season) for h in range(horizon)]
    return windows[:, lags, :]


def holt_winters(series_values, origins, horizon, season, fit_end, history=None,
                 trend=True):
    """Additive Holt-Winters forecasts of one series from several origins.

    Args:
        series_values: array [L] (one target of one series, whole length).
        origins: ints, the first forecast step of each window.
        horizon: int.
        season: int. Season length in steps (1 or more than the data holds:
            no seasonal component).
        fit_end: int. The end of the training part; the parameters are fitted on
            `series_values[:fit_end]` (its last `history` steps).
        history: int or None. The most past steps used per forecast (keeps a
            long hourly series cheap). Defaults to all of it.
        trend: bool. An additive (damped) trend. Defaults to `True`.

    Returns:
        float64 array [len(origins), horizon].
    """
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    values = np.asarray(series_values, np.float64)

    def model(data):
        seasonal = "add" if 1 < season and len(data) >= 2 * season + 1 else None
        return ExponentialSmoothing(
            data, trend="add" if trend else None, damped_trend=trend,
            seasonal=seasonal, seasonal_periods=season if seasonal else None,
            initialization_method="heuristic" if seasonal else "estimated",
        )

    def tail(end):
        return values[max(0, end - history):end] if history else values[:end]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = model(tail(fit_end)).fit()
        names = ("smoothing_level", "smoothing_trend", "smoothing_seasonal", "damping_trend")
        params = {k: fitted.params[k] for k in names if fitted.params.get(k) is not None
                  and np.isfinite(fitted.params[k])}
        out = np.empty((len(origins), horizon))
        for i, origin in enumerate(origins):
            result = model(tail(int(origin))).fit(optimized=False, **params)
            out[i] = result.forecast(horizon)
    return out
