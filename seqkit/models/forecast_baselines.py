"""Classical forecasts to print beside a trained model: last value, seasonal naive, Holt-Winters.

All three forecast the same windows the model does, from the same past, so the
numbers are comparable. Holt-Winters (additive exponential smoothing, via
statsmodels) has its smoothing parameters fitted once per series and target on
the training part; at each forecast origin the same parameters are run over the
history up to that origin (at most `history` steps of it) and projected forward.
"""

import warnings

import numpy as np

BASELINES = ("last_value", "seasonal_naive", "holt_winters")


def last_value(values, origins, horizon):
    """Repeats the last value before each origin.

    Args:
        values: array [L, T], a series' targets.
        origins: ints, the first forecast step of each window.
        horizon: int.

    Returns:
        float64 array [len(origins), horizon, T].
    """
    values = np.asarray(values, np.float64)
    last = values[np.asarray(origins, np.int64) - 1]
    return np.repeat(last[:, None, :], horizon, axis=1)


def seasonal_naive(values, origins, horizon, season):
    """Repeats the last observed season: step h takes the value `season` steps
    before it (or a multiple, for h >= season).

    Args and Returns: as `last_value`; `season` is an int >= 1 and each
    origin must have at least `season` steps before it.
    """
    values = np.asarray(values, np.float64)
    origins = np.asarray(origins, np.int64)
    if origins.size and origins.min() < season:
        raise ValueError(
            f"The seasonal naive forecast needs a season of history before each origin. "
            f"Received: origin={int(origins.min())}, season={season}"
        )
    steps = np.arange(horizon)
    lags = season * (steps // season + 1)
    return values[origins[:, None] + steps[None, :] - lags[None, :]]


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
