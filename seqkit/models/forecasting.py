"""`Forecaster`: a window of raw values in, the next `horizon` values out, in original units.

Every kind standardizes the window with the training statistics it carries
(`seqkit.layers.Standardization`), encodes it, forecasts in standardized units
and maps the forecast back, so the saved model takes raw windows:

- `lstm` / `gru`: a recurrent encoder over the window; its last output feeds a
  direct multi-step head (all `horizon` steps at once).
- `seq2seq`: a recurrent encoder whose final state starts a decoder that rolls
  the horizon out one step at a time (`RolloutDecoder`).
- `transformer`: a linear projection, sinusoidal positions and Transformer
  encoder blocks over the window, flattened into the direct head.
- `dlinear`: the window split into a moving-average trend and a remainder
  (`SeriesDecomposition`), one linear map of each to the horizon, summed
  (Zeng et al., 2023). No hidden layer.

With `quantiles` every head forecasts one value per level, made
non-decreasing by `OrderedQuantiles`. With `subtract_last`, the last observed
value of each target (standardized) is subtracted from the window's target
channels and added back to the forecast (NLinear's trick against a level
shift between training and test).

With `target_transform="log1p"` the model works on `log1p` of the targets:
their channels of the raw window go through `log1p` before standardization
(`mean` and `std` of the target columns are then statistics of `log1p(y)`),
and the forecast comes back through `expm1`. Quantiles survive a monotone
map, so the levels stay levels; an interval then widens with the level of the
series, as it does for counts, sales and concentrations.
"""

import keras
from keras import ops

from seqkit import layers
from seqkit.models.forecast_rollout import RolloutDecoder

KINDS = ("lstm", "gru", "seq2seq", "transformer", "dlinear")
TRANSFORMS = ("none", "log1p")


@keras.saving.register_keras_serializable(package="seqkit")
class Forecaster(keras.Model):
    """Forecasts `horizon` steps of the targets from a window of every column.

    Args:
        kind: one of `KINDS`.
        window: int. Steps per input window.
        horizon: int. Steps to forecast.
        mean, std: lists, the training statistics of the window's columns.
        target_index: list of int, the target columns within the window.
        known_index: list of int, the known-covariate columns (their future
            values come in as `future`). Defaults to none.
        quantiles: list of levels in (0, 1), increasing, or None (a point
            forecast).
        units: int. Recurrent units, or the Transformer's model width.
            Defaults to `64`.
        num_layers: int. Recurrent or Transformer layers. Defaults to `1`.
        num_heads: int. Attention heads. Defaults to `4`.
        intermediate_dim: int. Transformer feed-forward width. Defaults to `128`.
        dropout: float. Dropout before the head (and in the Transformer blocks).
            Defaults to `0.0`.
        kernel_size: int. DLinear's moving-average width. Defaults to `25`.
        cell: `"lstm"` or `"gru"`, the seq2seq cell. Defaults to `"lstm"`.
        subtract_last: bool. Defaults to `False`.
        target_transform: `"none"` or `"log1p"` (the targets must be >= 0;
            a negative raw value is read as 0). Defaults to `"none"`.
        **kwargs: `keras.Model` arguments.

    Call arguments:
        inputs: `(batch, window, columns)` raw values, or a dict
            `{"window": ..., "future": (batch, horizon, len(known_index))}`.

    Returns:
        `(batch, horizon, targets)` or `(batch, horizon, targets, quantiles)`
        in the targets' original units.
    """

    def __init__(self, kind, window, horizon, mean, std, target_index, known_index=(),
                 quantiles=None, units=64, num_layers=1, num_heads=4, intermediate_dim=128,
                 dropout=0.0, kernel_size=25, cell="lstm", subtract_last=False, target_transform="none",
                 **kwargs):
        super().__init__(**kwargs)
        if kind not in KINDS:
            raise ValueError(f"`kind` must be one of {KINDS}. Received: kind={kind!r}")
        if target_transform not in TRANSFORMS:
            raise ValueError(f"`target_transform` must be one of {TRANSFORMS}. "
                             f"Received: target_transform={target_transform!r}")
        if quantiles is not None and list(quantiles) != sorted(set(quantiles)):
            raise ValueError(f"`quantiles` must increase. Received: quantiles={quantiles}")
        self.kind = kind
        self.window = window
        self.horizon = horizon
        self.mean = [float(v) for v in mean]
        self.std = [float(v) for v in std]
        self.target_index = [int(i) for i in target_index]
        self.known_index = [int(i) for i in known_index]
        self.quantiles = [float(q) for q in quantiles] if quantiles else None
        self.units = units
        self.num_layers = num_layers
        self.num_heads = num_heads
        self.intermediate_dim = intermediate_dim
        self.dropout = dropout
        self.kernel_size = kernel_size
        self.cell = cell
        self.subtract_last = subtract_last
        self.target_transform = target_transform

        targets = len(self.target_index)
        self.num_outputs = horizon * targets * (len(self.quantiles) if self.quantiles else 1)
        # Raw values are standardized in float32 too (the encoder then casts them).
        self.scale_in = layers.Standardization(self.mean, self.std, dtype="float32", name="standardize")
        pick = lambda values, index: [values[i] for i in index]  # noqa: E731
        # The heads and the way back to original units compute in float32 under
        # a mixed policy: bfloat16 keeps 3 significant digits, too few for a forecast.
        self.scale_out = layers.Standardization(
            pick(self.mean, self.target_index), pick(self.std, self.target_index),
            invert=True, axis=2, dtype="float32", name="unstandardize")
        self.scale_future = layers.Standardization(
            pick(self.mean, self.known_index), pick(self.std, self.known_index),
            dtype="float32", name="standardize_future") if self.known_index else None
        self.encoder = []
        if kind in ("lstm", "gru", "seq2seq"):
            recurrent = layers.GRU if (kind == "gru" or (kind == "seq2seq" and cell == "gru")) \
                else layers.LSTM
            for i in range(num_layers):
                last = i == num_layers - 1
                self.encoder.append(recurrent(
                    units, return_sequences=not last, return_state=last and kind == "seq2seq",
                    name=f"{kind}_{i}"))
        elif kind == "transformer":
            self.project_in = keras.layers.Dense(units, name="project_in")
            self.positions = layers.SinusoidalPositionEncoding(name="positions")
            self.encoder = [
                layers.TransformerEncoderBlock(num_heads=num_heads,
                                               intermediate_dim=intermediate_dim,
                                               dropout=dropout, name=f"transformer_{i}")
                for i in range(num_layers)
            ]
        else:
            self.decompose = layers.SeriesDecomposition(kernel_size, name="decompose")
            self.trend_head = keras.layers.Dense(self.num_outputs, dtype="float32", name="trend_head")
        self.drop = keras.layers.Dropout(dropout, name="dropout")
        if kind == "seq2seq":
            self.decoder = RolloutDecoder(
                cell, units, horizon, targets, len(self.quantiles) if self.quantiles else None,
                name="decoder")
        else:
            self.head = keras.layers.Dense(self.num_outputs, dtype="float32", name="head")
            self.future_head = keras.layers.Dense(
                self.num_outputs, dtype="float32", name="future_head") if self.known_index else None
            self.order = layers.OrderedQuantiles(dtype="float32", name="order") if self.quantiles else None

    def call(self, inputs, training=False):
        if isinstance(inputs, dict):
            window, future = inputs["window"], inputs.get("future")
        else:
            window, future = inputs, None
        if self.known_index and future is None:
            raise ValueError("This forecaster needs the known covariates' future values "
                             "as inputs['future'].")
        if self.target_transform == "log1p":
            # Only the target channels; covariates keep their units.
            is_target = ops.sum(ops.one_hot(self.target_index, window.shape[-1]), axis=0) > 0
            window = ops.where(is_target, ops.log1p(ops.maximum(window, 0.0)), window)
        x = self.scale_in(window)
        future = self.scale_future(future) if self.known_index else None
        targets = len(self.target_index)
        level = ops.take(x[:, -1, :], self.target_index, axis=-1)  # [B, T]
        if self.subtract_last:
            shift = ops.sum(ops.one_hot(self.target_index, x.shape[-1]) * level[:, :, None],
                            axis=1)
            x = x - shift[:, None, :]
        if self.kind == "seq2seq":
            states = None
            for layer in self.encoder:
                out = layer(x, training=training)
                x, states = (out[0], out[1:]) if isinstance(out, (list, tuple)) else (out, None)
            start = ops.zeros_like(level) if self.subtract_last else level
            forecast = self.decoder(states, start, future)
        else:
            if self.kind == "dlinear":
                trend, remainder = self.decompose(x)
                flat_trend = ops.reshape(trend, (-1, self.window * x.shape[-1]))
                features = ops.reshape(remainder, (-1, self.window * x.shape[-1]))
                raw = self.trend_head(flat_trend) + self.head(self.drop(features, training=training))
            else:
                if self.kind == "transformer":
                    x = self.project_in(x)
                    x = x + self.positions(x)
                    for block in self.encoder:
                        x = block(x, training=training)
                    features = ops.reshape(x, (-1, self.window * self.units))
                else:
                    for layer in self.encoder:
                        x = layer(x, training=training)
                    features = x
                raw = self.head(self.drop(features, training=training))
            if self.known_index:
                raw = raw + self.future_head(
                    ops.reshape(future, (-1, self.horizon * len(self.known_index))))
            if self.quantiles:
                forecast = self.order(
                    ops.reshape(raw, (-1, self.horizon, targets, len(self.quantiles))))
            else:
                forecast = ops.reshape(raw, (-1, self.horizon, targets))
        if self.subtract_last:
            shape = (-1, 1, targets, 1) if self.quantiles else (-1, 1, targets)
            forecast = forecast + ops.reshape(level, shape)
        forecast = self.scale_out(forecast)
        if self.target_transform == "log1p":
            forecast = ops.expm1(forecast)
        return forecast

    def get_config(self):
        config = super().get_config()
        config.update({
            "kind": self.kind, "window": self.window, "horizon": self.horizon,
            "mean": self.mean, "std": self.std, "target_index": self.target_index,
            "known_index": self.known_index, "quantiles": self.quantiles, "units": self.units,
            "num_layers": self.num_layers, "num_heads": self.num_heads,
            "intermediate_dim": self.intermediate_dim, "dropout": self.dropout,
            "kernel_size": self.kernel_size, "cell": self.cell,
            "subtract_last": self.subtract_last, "target_transform": self.target_transform,
        })
        return config
