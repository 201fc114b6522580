"""Interval calibration of quantile forecasts: split conformal methods fitted on validation.

A model trained with the pinball loss can give intervals that cover less (or
more) than their nominal level on new data. Each method here moves the outer
two levels (the interval) by a conformity rule fitted on held-out windows (the
validation part, never test):

- `cqr`: conformalized quantile regression (Romano et al., 2019). The score of
  a window at horizon step h and target t is how far the actual value lies
  outside the interval, `max(lower - actual, actual - upper)` (negative
  inside); the calibrated interval is `[lower - q, upper + q]`, one additive
  offset q per (h, t).
- `cqr_width`: the same score divided by the raw interval's width (scaled
  CQR); the interval becomes `[lower - q w, upper + q w]`: the offset grows
  with the model's own width.
- `cqr_window`: the score divided by the volatility of the input window
  (the mean absolute step-to-step change of the target over the window,
  computed from the raw window itself); `[lower - q s, upper + q s]`: wider
  when the recent past moved more.
- `residual_window`: locally weighted split conformal (Lei et al., 2018)
  around the point forecast: score `|actual - point| / s` with the window
  volatility s; the interval is `[point - q s, point + q s]` (the model's own
  interval width is not used).

In every method q of (h, t) is the ceil((n + 1) * nominal)-th smallest of the n
calibration scores (the largest when that rank passes n), so on the
calibration windows themselves the calibrated interval covers at least
`nominal` of the values at every step, by construction. A scale (width or
volatility) is floored at `FLOOR_FRACTION` of its median over the calibration
windows, so a flat window cannot give a zero-width interval or an infinite
score. Moved levels are clipped at their inner neighbours, so the levels never
cross and the point forecast does not move. `Calibration.apply` uses backend
ops only: evaluation runs it on NumPy arrays and the export inside its graph,
where the window volatility comes from the raw `window` input.
"""

import dataclasses
import math

import numpy as np

METHODS = ("cqr", "cqr_width", "cqr_window", "residual_window")
CALIBRATIONS = METHODS + ("none",)
FLOOR_FRACTION = 0.1


def point_index(quantiles):
    """The quantile level used as the point forecast: 0.5, or the middle one."""
    quantiles = list(quantiles)
    return quantiles.index(0.5) if 0.5 in quantiles else len(quantiles) // 2


def conformal_quantile(scores, nominal):
    """The ceil((n + 1) * nominal)-th smallest of the n scores along axis 0 (capped at n)."""
    scores = np.asarray(scores, np.float64)
    if len(scores) == 0:
        raise ValueError("no calibration windows")
    rank = min(math.ceil((len(scores) + 1) * nominal), len(scores))
    return np.sort(scores, axis=0)[rank - 1]


def recent_rows(series, starts, fraction):
    """Indices of the most recent `fraction` of each series' windows, in their order.

    Args:
        series: int array [N], each window's series.
        starts: int array [N], each window's first forecast step.
        fraction: in (0, 1]; at least one window per series is kept.

    Returns:
        int array of row indices (sorted).
    """
    series, starts = np.asarray(series), np.asarray(starts)
    keep = []
    for one in np.unique(series):
        rows = np.nonzero(series == one)[0]
        rows = rows[np.argsort(starts[rows], kind="stable")]
        keep.append(rows[len(rows) - max(1, math.ceil(fraction * len(rows))):])
    return np.sort(np.concatenate(keep)) if keep else np.zeros(0, np.int64)


def window_volatility(history):
    """[N, T]: mean |x[i] - x[i - 1]| of each target over the window `history` [N, W, T]."""
    from keras import ops

    history = ops.convert_to_tensor(history)
    return ops.mean(ops.abs(history[:, 1:] - history[:, :-1]), axis=1)


@dataclasses.dataclass(frozen=True, eq=False)  # arrays: compare fields, not objects
class Calibration:
    """A fitted interval calibration: its method, offsets [H, T] and scale floor [T].

    Attributes:
        method: one of `METHODS`.
        offsets: float64 array [horizon, targets]: q per step and target
            (in the targets' units for `cqr`, in scale units otherwise).
        center: the index of the point level (`residual_window` centres on it).
        floor: float64 array [targets], the smallest scale, or None (`cqr`).
    """

    method: str
    offsets: np.ndarray
    center: int = 1
    floor: np.ndarray | None = None

    def __post_init__(self):
        if self.method not in METHODS:
            raise ValueError(f"unknown calibration method {self.method!r}. Valid choices: "
                             f"{', '.join(METHODS)}")

    def to_dict(self):
        values = {"method": self.method, "offsets": np.asarray(self.offsets).tolist(),
                  "center": int(self.center)}
        if self.floor is not None:
            values["floor"] = np.asarray(self.floor).tolist()
        return values

    @classmethod
    def from_dict(cls, values):
        floor = values.get("floor")
        return cls(method=values["method"], offsets=np.asarray(values["offsets"], np.float64),
                   center=int(values.get("center", 1)),
                   floor=None if floor is None else np.asarray(floor, np.float64))

    def scale(self, outputs, history):
        """The per-window scale of the offsets: [N, H, T], [N, 1, T] or None (`cqr`)."""
        return _scale(self.method, outputs, history, self.floor)

    def apply(self, outputs, history):
        """The calibrated outputs: the outer levels moved, the others unchanged.

        Args:
            outputs: [N, H, T, Q] raw quantile forecasts (Q >= 2).
            history: [N, W, T] the raw target values of the input windows.

        Returns:
            A tensor shaped like `outputs`.
        """
        from keras import ops

        outputs = ops.convert_to_tensor(outputs)
        offsets = ops.cast(ops.convert_to_tensor(self.offsets), outputs.dtype)
        scale = self.scale(outputs, history)
        amount = offsets if scale is None else offsets * ops.cast(scale, outputs.dtype)
        if self.method == "residual_window":
            center = outputs[..., self.center]
            return place_outer(outputs, center - amount, center + amount)
        return place_outer(outputs, outputs[..., 0] - amount, outputs[..., -1] + amount)


def _scale(method, outputs, history, floor):
    from keras import ops

    if method == "cqr":
        return None
    if method == "cqr_width":
        outputs = ops.convert_to_tensor(outputs)
        raw = outputs[..., -1] - outputs[..., 0]
    else:
        raw = window_volatility(history)[:, None, :]
    return raw if floor is None else ops.maximum(raw, ops.cast(floor, raw.dtype))


def place_outer(outputs, lower, upper):
    """`outputs` with its lowest level set to `lower` and highest to `upper`, [N, H, T] each.

    Each is clipped at its inner neighbour (with two levels, at their midpoint),
    so the levels never cross and the inner ones (the point forecast) do not
    move. Backend ops only.
    """
    from keras import ops

    outputs = ops.convert_to_tensor(outputs)
    if outputs.shape[-1] >= 3:
        inner_low, inner_high = outputs[..., 1], outputs[..., -2]
    else:
        inner_low = inner_high = (outputs[..., 0] + outputs[..., -1]) / 2.0
    lower = ops.minimum(ops.cast(lower, outputs.dtype), inner_low)
    upper = ops.maximum(ops.cast(upper, outputs.dtype), inner_high)
    return ops.concatenate([lower[..., None], outputs[..., 1:-1], upper[..., None]], axis=-1)


def fit_calibration(method, actual, outputs, history, quantiles):
    """Fits `method` on calibration windows (the validation part).

    Args:
        method: one of `METHODS`.
        actual: array [N, H, T], the windows' actual values.
        outputs: array [N, H, T, Q], the model's raw quantile forecasts.
        history: array [N, W, T], the targets' raw values over each input window.
        quantiles: the Q increasing levels; the interval's nominal coverage is
            the outer two's difference (0.8 for 10-90%).

    Returns:
        A `Calibration`.
    """
    actual = np.asarray(actual, np.float64)
    outputs = np.asarray(outputs, np.float64)
    if outputs.shape[:-1] != actual.shape or outputs.shape[-1] < 2:
        raise ValueError(f"outputs must be actual's shape plus a quantile axis of >= 2 levels. "
                         f"Received: actual {actual.shape}, outputs {outputs.shape}")
    if method not in METHODS:
        raise ValueError(f"unknown calibration method {method!r}. Valid choices: "
                         f"{', '.join(METHODS)}")
    quantiles = list(quantiles)
    nominal = quantiles[-1] - quantiles[0]
    center = point_index(quantiles)
    floor = None
    scale = 1.0
    if method != "cqr":
        raw = np.asarray(_scale(method, outputs, np.asarray(history, np.float64), None))
        floor = np.maximum(FLOOR_FRACTION * np.median(raw.reshape(-1, raw.shape[-1]), axis=0),
                           1e-9)
        scale = np.maximum(raw, floor)
    if method == "residual_window":
        scores = np.abs(actual - outputs[..., center])
    else:
        scores = np.maximum(outputs[..., 0] - actual, actual - outputs[..., -1])
    offsets = conformal_quantile(scores / scale, nominal)
    return Calibration(method=method, offsets=offsets, center=center, floor=floor)
