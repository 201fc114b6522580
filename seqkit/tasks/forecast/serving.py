"""The forecast task's serving module: raw windows in, forecasts in original units out."""

import tensorflow as tf

from seqkit.tasks.forecast.evaluation import point_index


class ForecastServing(tf.Module):
    """`serve(window[, future])` -> {"forecast": [N, H, T] (, "quantiles": [N, H, T, Q])}.

    `window` is float32 [N, window, columns] in the data's own units (targets,
    then covariates, then known covariates, as the recipe lists them);
    `future` float32 [N, horizon, known covariates] when the model has known
    covariates. Normalisation runs inside the model.
    """

    def __init__(self, model, window, horizon, columns, known, quantiles):
        super().__init__()
        self.model = model
        self.quantiles = list(quantiles)
        window_spec = tf.TensorSpec([None, window, columns], tf.float32, name="window")
        if known:
            future_spec = tf.TensorSpec([None, horizon, known], tf.float32, name="future")
            self.serve = tf.function(self._serve_future, input_signature=[window_spec, future_spec])
        else:
            self.serve = tf.function(self._serve_window, input_signature=[window_spec])

    def _outputs(self, outputs):
        if not self.quantiles:
            return {"forecast": outputs}
        return {"forecast": outputs[..., point_index(self.quantiles)], "quantiles": outputs}

    def _serve_window(self, window):
        return self._outputs(self.model(window, training=False))

    def _serve_future(self, window, future):
        return self._outputs(self.model({"window": window, "future": future}, training=False))
