"""`RolloutDecoder`: an encoder-decoder's decoder that forecasts one step at a time."""

import keras
from keras import ops

from seqkit import layers


@keras.saving.register_keras_serializable(package="seqkit")
class RolloutDecoder(keras.layers.Layer):
    """Rolls a recurrent cell out over the horizon, feeding back its own forecast.

    Step h reads the forecast of step h - 1 (the last observed targets at
    h = 0) and the known covariates of step h, updates the cell state (which
    starts from the encoder's final state) and forecasts the targets of step
    h. With quantiles the middle level is fed back. The loop is unrolled over
    the (small, fixed) horizon, so it traces into a SavedModel as plain ops.

    Args:
        cell: `"lstm"` or `"gru"`.
        units: int. The cell's units (the encoder's).
        horizon: int. Steps to forecast.
        num_targets: int.
        num_quantiles: int or None. None: one point forecast per target.
        **kwargs: base layer arguments.

    Call arguments:
        states: the encoder's final states (list, as the cell takes them).
        last: `(batch, num_targets)`, the last observed targets.
        future: `(batch, horizon, K)` known covariates, or None.

    Returns:
        `(batch, horizon, num_targets)`, or `(..., num_quantiles)` ordered.
    """

    def __init__(self, cell, units, horizon, num_targets, num_quantiles=None, **kwargs):
        super().__init__(**kwargs)
        if cell not in ("lstm", "gru"):
            raise ValueError(f"`cell` must be 'lstm' or 'gru'. Received: cell={cell!r}")
        self.cell = cell
        self.units = units
        self.horizon = horizon
        self.num_targets = num_targets
        self.num_quantiles = num_quantiles
        cell_class = layers.LSTMCell if cell == "lstm" else layers.GRUCell
        self.step_cell = cell_class(units, name="cell")
        width = num_targets * (num_quantiles or 1)
        self.project = keras.layers.Dense(width, dtype="float32", name="project")  # the head: float32
        self.order = layers.OrderedQuantiles(dtype="float32", name="order") if num_quantiles else None

    def call(self, states, last, future=None):
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        previous = last
        outputs = []
        for h in range(self.horizon):
            step_input = previous if future is None else ops.concatenate(
                [previous, future[:, h, :]], axis=-1)
            output, states = self.step_cell(step_input, states)
            states = list(states) if isinstance(states, (list, tuple)) else [states]
            forecast = self.project(output)
            if self.num_quantiles:
                forecast = self.order(
                    ops.reshape(forecast, (-1, self.num_targets, self.num_quantiles)))
                previous = forecast[..., self.num_quantiles // 2]
            else:
                previous = forecast
            outputs.append(forecast)
        return ops.stack(outputs, axis=1)

    def get_config(self):
        config = super().get_config()
        config.update({"cell": self.cell, "units": self.units, "horizon": self.horizon,
                       "num_targets": self.num_targets, "num_quantiles": self.num_quantiles})
        return config
