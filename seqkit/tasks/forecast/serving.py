"""The forecast task's serving module: raw windows in, forecasts in original units out.

`serve` (the export's `serving_default`) takes the raw, unnormalised window as
one array, `window` float32 [N, window, columns] (columns in the recipe's
order: targets, covariates, known covariates), plus `future` float32
[N, horizon, known covariates] when the recipe has known covariates. It returns
`forecast` [N, horizon, targets] (the point forecast) and, for a model trained
on quantiles, `quantiles` [N, horizon, targets, levels] with the run's interval
calibration (`calibration.py`) applied. Normalisation runs inside the model, the
calibration's offsets (and scale floor) are constants of the graph and a scale
read from the window (its targets' recent volatility) is computed in it: serving
needs no Python.
"""

import re

import tensorflow as tf

from seqkit.tasks.forecast.calibration import point_index


def input_name(column):
    """A signature-safe name for a CSV column: `pm2.5` -> `pm2_5`."""
    name = re.sub(r"\W", "_", column)
    return name if re.match(r"[A-Za-z]", name) else f"c_{name}"


class ForecastServing(tf.Module):
    """`serve(window[, future])` over one `Forecaster` and its interval calibration.

    Args:
        model: the `Forecaster`.
        columns, known: the recipe's window columns and known covariates.
        window, horizon: ints.
        quantiles: the model's levels (empty: a point forecast).
        calibration: a `calibration.Calibration` moving the interval's outer
            levels, or None. It reads the targets' raw values over the window
            (the first columns of `window`).
    """

    def __init__(self, model, columns, known, window, horizon, quantiles, calibration=None):
        super().__init__()
        self.model = model
        self.columns = list(columns)
        self.known = list(known)
        self.quantiles = list(quantiles)
        self.calibration = calibration
        self.targets = None if calibration is None else calibration.offsets.shape[-1]
        window_spec = tf.TensorSpec([None, window, len(self.columns)], tf.float32, name="window")
        if self.known:
            future_spec = tf.TensorSpec([None, horizon, len(self.known)], tf.float32, name="future")
            self.serve = tf.function(self._serve_future, input_signature=[window_spec, future_spec])
        else:
            self.serve = tf.function(self._serve, input_signature=[window_spec])

    def _outputs(self, window, future):
        inputs = window if future is None else {"window": window, "future": future}
        outputs = self.model(inputs, training=False)
        if not self.quantiles:
            return {"forecast": outputs}
        if self.calibration is not None:
            outputs = self.calibration.apply(outputs, window[..., :self.targets])
        return {"forecast": outputs[..., point_index(self.quantiles)], "quantiles": outputs}

    def _serve(self, window):
        return self._outputs(window, None)

    def _serve_future(self, window, future):
        return self._outputs(window, future)
