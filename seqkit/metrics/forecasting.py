"""Forecast errors in NumPy: MAE, RMSE, sMAPE, MASE, interval coverage, pinball loss.

Forecasts and actual values are arrays `[N, horizon, targets]` (N forecast
windows). Every metric is reported overall and per horizon step (the mean over
windows and targets at that step).

MASE (Hyndman & Koehler, 2006) divides the absolute error by the mean absolute
error of the seasonal naive forecast `y[t] = y[t - season]` over the training
part of the same series (`seasonal_naive_scale`): below 1, the forecast beats
that in-sample naive forecast.

sMAPE is the symmetric percentage error `200 |y - f| / (|y| + |f|)`, in
percent; a step where both are 0 counts as 0.

>>> y = np.array([[[1.0], [2.0]]]); f = np.array([[[2.0], [2.0]]])
>>> float(mae(y, f)), float(smape(y, f))
(0.5, 33.33333333333333)
"""

import numpy as np


def _pair(y_true, y_pred):
    y_true = np.asarray(y_true, np.float64)
    y_pred = np.asarray(y_pred, np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"Forecasts and actual values differ in shape. Received: y_true.shape="
            f"{y_true.shape}, y_pred.shape={y_pred.shape}"
        )
    return y_true, y_pred


def _reduce(values, per_step):
    values = np.asarray(values, np.float64)
    if per_step:
        # [N, H, ...] -> [H]
        return values.reshape(values.shape[0], values.shape[1], -1).mean(axis=(0, 2))
    return values.mean()


def mae(y_true, y_pred, per_step=False):
    """Mean absolute error (overall, or one value per horizon step)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _reduce(np.abs(y_true - y_pred), per_step)


def rmse(y_true, y_pred, per_step=False):
    """Root mean squared error (overall, or one value per horizon step)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return np.sqrt(_reduce((y_true - y_pred) ** 2, per_step))


def smape(y_true, y_pred, per_step=False):
    """Symmetric mean absolute percentage error, in percent (0 to 200)."""
    y_true, y_pred = _pair(y_true, y_pred)
    denominator = np.abs(y_true) + np.abs(y_pred)
    terms = np.divide(
        2.0 * np.abs(y_true - y_pred), denominator,
        out=np.zeros_like(denominator), where=denominator > 0,
    )
    return 100.0 * _reduce(terms, per_step)


def seasonal_naive_scale(history, season):
    """The in-sample MAE of the seasonal naive forecast, per column.

    Args:
        history: array [T, C] (or [T]): the training part of one series.
        season: int >= 1. The season length in steps (1: the naive forecast).

    Returns:
        float64 array [C] (or a float): `mean |y[t] - y[t - season]|`; a
        column whose scale is 0 (a constant series) gets 1.
    """
    if not isinstance(season, int) or season < 1:
        raise ValueError(f"`season` must be a positive int. Received: season={season!r}")
    history = np.asarray(history, np.float64)
    if history.shape[0] <= season:
        raise ValueError(
            f"MASE needs more than one season of history: {history.shape[0]} steps, "
            f"season={season}"
        )
    scale = np.abs(history[season:] - history[:-season]).mean(axis=0)
    return np.where(scale > 0, scale, 1.0)


def mase(y_true, y_pred, scale, per_step=False):
    """Mean absolute scaled error.

    Args:
        y_true, y_pred: arrays [N, H, T].
        scale: the in-sample seasonal naive MAE, broadcastable to [N, H, T]
            (a float, [T], or [N, 1, T] with one scale per window's series).
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return _reduce(np.abs(y_true - y_pred) / np.asarray(scale, np.float64), per_step)


def coverage(y_true, lower, upper, per_step=False):
    """The fraction of actual values inside `[lower, upper]`."""
    y_true, lower = _pair(y_true, lower)
    _, upper = _pair(y_true, upper)
    inside = (y_true >= lower) & (y_true <= upper)
    return _reduce(inside.astype(np.float64), per_step)


def pinball(y_true, quantile_pred, quantiles, per_step=False):
    """Mean pinball (quantile) loss over the quantile levels.

    Args:
        y_true: array [N, H, T].
        quantile_pred: array [N, H, T, Q], one forecast per level.
        quantiles: Q levels in (0, 1).
    """
    y_true = np.asarray(y_true, np.float64)[..., None]
    quantile_pred = np.asarray(quantile_pred, np.float64)
    levels = np.asarray(quantiles, np.float64)
    if quantile_pred.shape != y_true.shape[:-1] + (len(levels),):
        raise ValueError(
            f"Quantile forecasts must be [N, H, T, {len(levels)}]. Received: "
            f"{quantile_pred.shape}"
        )
    error = y_true - quantile_pred
    loss = np.maximum(levels * error, (levels - 1.0) * error)
    return _reduce(loss, per_step)


def forecast_report(y_true, y_pred, scale, lower=None, upper=None):
    """Every metric, overall and per horizon step, as a JSON-able dict.

    Returns:
        `{"mae": float, "rmse": ..., "smape": ..., "mase": ..., ["coverage": ...,]
        "per_step": {"mae": [H floats], ...}}`.
    """
    report, steps = {}, {}
    for name, fn in (("mae", mae), ("rmse", rmse), ("smape", smape)):
        report[name] = float(fn(y_true, y_pred))
        steps[name] = [float(v) for v in fn(y_true, y_pred, per_step=True)]
    report["mase"] = float(mase(y_true, y_pred, scale))
    steps["mase"] = [float(v) for v in mase(y_true, y_pred, scale, per_step=True)]
    if lower is not None and upper is not None:
        report["coverage"] = float(coverage(y_true, lower, upper))
        steps["coverage"] = [float(v) for v in coverage(y_true, lower, upper, per_step=True)]
    report["per_step"] = steps
    return report
