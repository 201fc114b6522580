"""Interval calibration of quantile forecasts: conformalized quantile regression per step.

A model trained with the pinball loss can give intervals that cover less (or
more) than their nominal level on new data. Conformalized quantile regression
(CQR, Romano et al., 2019) corrects them with held-out windows: for each
validation window, horizon step h and target t, the conformity score is how far
the actual value lies outside the interval of the outer levels,

    score = max(lower - actual, actual - upper)

(negative inside). The offset of (h, t) is the ceil((n + 1) * nominal)-th
smallest of its n scores (the largest when that rank passes n), and the
calibrated interval is [lower - offset, upper + offset]: wider where the model
under-covers, narrower where it over-covers. On the calibration windows
themselves the calibrated interval then covers at least `nominal` of the values
at every step, by construction. The offsets come from the validation part only
(never test) and are saved in the run's assets; the exported graph adds the
same offsets.
"""

import math

import numpy as np

CALIBRATIONS = ("cqr", "none")


def conformity_offsets(actual, outputs, nominal):
    """The CQR offsets of the interval formed by the outer quantile levels.

    Args:
        actual: array [N, H, T], the calibration windows' actual values.
        outputs: array [N, H, T, Q], the model's quantile forecasts (Q >= 2).
        nominal: float in (0, 1), the interval's nominal coverage (the outer
            levels' difference, e.g. 0.8 for 10-90%).

    Returns:
        float64 array [H, T].
    """
    actual = np.asarray(actual, np.float64)
    outputs = np.asarray(outputs, np.float64)
    if outputs.shape[:-1] != actual.shape or outputs.shape[-1] < 2:
        raise ValueError(f"outputs must be actual's shape plus a quantile axis of >= 2 levels. "
                         f"Received: actual {actual.shape}, outputs {outputs.shape}")
    if len(actual) == 0:
        raise ValueError("no calibration windows")
    scores = np.maximum(outputs[..., 0] - actual, actual - outputs[..., -1])
    count = len(scores)
    rank = min(math.ceil((count + 1) * nominal), count)
    return np.sort(scores, axis=0)[rank - 1]


def apply_offsets(outputs, offsets):
    """Moves the outer levels of `outputs` out by `offsets`, keeping the levels ordered.

    The lowest level goes down by the offset and the highest up (a negative
    offset narrows), each clipped at its inner neighbour (with two levels, at
    their midpoint), so the levels never cross and the inner ones (the point
    forecast) do not move. Backend ops only: it runs on NumPy arrays and inside
    the exported graph alike.

    Args:
        outputs: [N, H, T, Q] quantile forecasts.
        offsets: [H, T].

    Returns:
        A tensor shaped like `outputs`.
    """
    from keras import ops

    outputs = ops.convert_to_tensor(outputs)
    offsets = ops.cast(ops.convert_to_tensor(offsets), outputs.dtype)
    lowest, highest = outputs[..., 0], outputs[..., -1]
    if outputs.shape[-1] >= 3:
        inner_low, inner_high = outputs[..., 1], outputs[..., -2]
    else:
        inner_low = inner_high = (lowest + highest) / 2.0
    lower = ops.minimum(lowest - offsets, inner_low)
    upper = ops.maximum(highest + offsets, inner_high)
    return ops.concatenate([lower[..., None], outputs[..., 1:-1], upper[..., None]], axis=-1)
