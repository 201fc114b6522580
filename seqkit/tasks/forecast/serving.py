"""The forecast task's serving module: raw values in, forecasts in original units out.

`serve` (the export's `serving_default`) takes one input per column, the
column's last `window` values (float32 [N, window]), as `seqkit score`'s
per-group scoring feeds them, plus `<column>_future` [N, horizon] for each
known covariate. It returns one output per target, `<target>` [N, horizon]
(the point forecast) and, with quantiles, `<target>_q<level>` [N, horizon].

`serve_windows` takes the window as one array, float32 [N, window, columns]
(columns in the recipe's order: targets, covariates, known covariates), and
`future` [N, horizon, known covariates] when there are known covariates; it
returns `forecast` [N, horizon, targets] and `quantiles` [N, horizon,
targets, levels]. Both run the same model; normalisation is inside it.
"""

import inspect
import re

import tensorflow as tf

from seqkit.tasks.forecast.evaluation import point_index


def input_name(column):
    """A signature-safe name for a CSV column: `pm2.5` -> `pm2_5`."""
    name = re.sub(r"\W", "_", column)
    return name if re.match(r"[A-Za-z]", name) else f"c_{name}"


def quantile_name(target, level):
    """`sales`, 0.1 -> `sales_q10`."""
    text = f"{level * 100:.4f}".rstrip("0").rstrip(".").replace(".", "_")
    return f"{input_name(target)}_q{text}"


class ForecastServing(tf.Module):
    """`serve(**columns)` and `serve_windows(window[, future])` over one `Forecaster`."""

    def __init__(self, model, columns, targets, known, window, horizon, quantiles):
        super().__init__()
        self.model = model
        self.columns = list(columns)
        self.targets = list(targets)
        self.known = list(known)
        self.quantiles = list(quantiles)
        names = [input_name(c) for c in self.columns]
        future_names = [f"{input_name(c)}_future" for c in self.known]
        if len(set(names + future_names)) != len(names + future_names):
            raise ValueError(f"Columns {self.columns} give clashing input names {names}")
        self.input_names, self.future_names = names, future_names

        window_spec = tf.TensorSpec([None, window, len(self.columns)], tf.float32, name="window")
        if self.known:
            future_spec = tf.TensorSpec([None, horizon, len(self.known)], tf.float32,
                                        name="future")
            self.serve_windows = tf.function(self._windows_future,
                                             input_signature=[window_spec, future_spec])
        else:
            self.serve_windows = tf.function(self._windows, input_signature=[window_spec])

        parameters = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                      for n in names + future_names]
        signature = inspect.Signature(parameters)

        def serve(*args, **kwargs):
            bound = signature.bind(*args, **kwargs).arguments
            stacked = tf.stack([bound[n] for n in names], axis=-1)
            future = tf.stack([bound[n] for n in future_names], axis=-1) if future_names else None
            return self._by_target(self._outputs(stacked, future))

        serve.__signature__ = signature
        specs = ([tf.TensorSpec([None, window], tf.float32, name=n) for n in names]
                 + [tf.TensorSpec([None, horizon], tf.float32, name=n) for n in future_names])
        self.serve = tf.function(serve, input_signature=specs, autograph=False)

    def output_names(self):
        """[(output name, target, level or None)] of `serve`, in order."""
        names = []
        for target in self.targets:
            names.append((input_name(target), target, None))
            names += [(quantile_name(target, q), target, q) for q in self.quantiles]
        return names

    def _outputs(self, window, future):
        inputs = window if future is None else {"window": window, "future": future}
        outputs = self.model(inputs, training=False)
        if not self.quantiles:
            return {"forecast": outputs}
        return {"forecast": outputs[..., point_index(self.quantiles)], "quantiles": outputs}

    def _by_target(self, outputs):
        result = {}
        for j, target in enumerate(self.targets):
            result[input_name(target)] = outputs["forecast"][:, :, j]
            for k, level in enumerate(self.quantiles):
                result[quantile_name(target, level)] = outputs["quantiles"][:, :, j, k]
        return result

    def _windows(self, window):
        return self._outputs(window, None)

    def _windows_future(self, window, future):
        return self._outputs(window, future)
