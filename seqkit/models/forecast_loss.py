"""`ForecastLoss`: squared, absolute or pinball error measured in standardized units."""

import keras
from keras import ops

from seqkit.models.forecasting import TRANSFORMS

LOSSES = ("mse", "mae", "pinball")


@keras.saving.register_keras_serializable(package="seqkit")
class ForecastLoss(keras.losses.Loss):
    """A forecasting loss on outputs in original units, scaled per target.

    The model forecasts in the targets' own units (normalisation runs inside
    it); the loss divides each target's error by that target's training
    standard deviation, so targets of different scales weigh alike and the
    learning rate does not depend on the data's units.

    Args:
        kind: `"mse"`, `"mae"` or `"pinball"`.
        std: list of floats, one per target.
        quantiles: list of levels in (0, 1) (pinball only).
        transform: `"none"` or `"log1p"`: the error is measured between
            `log1p` of the actual and forecast values (a model with
            `target_transform="log1p"`, whose `std` are those of `log1p(y)`).
            Defaults to `"none"`.

    Call arguments:
        y_true: `(batch, horizon, targets)`.
        y_pred: the same, or `(..., len(quantiles))` for pinball.
    """

    def __init__(self, kind="mse", std=(1.0,), quantiles=None, transform="none",
                 name="forecast_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        if kind not in LOSSES:
            raise ValueError(f"`kind` must be one of {LOSSES}. Received: kind={kind!r}")
        if (kind == "pinball") != bool(quantiles):
            raise ValueError("The pinball loss, and only it, takes `quantiles`. "
                             f"Received: kind={kind!r}, quantiles={quantiles}")
        self.kind = kind
        self.std = [float(s) for s in std]
        self.quantiles = [float(q) for q in quantiles] if quantiles else None
        if transform not in TRANSFORMS:
            raise ValueError(f"`transform` must be one of {TRANSFORMS}. "
                             f"Received: transform={transform!r}")
        self.transform = transform

    def call(self, y_true, y_pred):
        std = ops.convert_to_tensor(self.std, dtype=y_pred.dtype)
        y_true = ops.cast(y_true, y_pred.dtype)
        if self.transform == "log1p":
            # The model's expm1 output is above -1; the floor only keeps log1p finite
            # where float32 rounds it to -1 (a log1p of about -14 standard units).
            y_true = ops.log1p(ops.maximum(y_true, 0.0))
            y_pred = ops.log1p(ops.maximum(y_pred, -1.0 + 1e-6))
        if self.kind == "pinball":
            levels = ops.convert_to_tensor(self.quantiles, dtype=y_pred.dtype)
            error = (ops.expand_dims(y_true, -1) - y_pred) / ops.expand_dims(std, -1)
            return ops.mean(ops.maximum(levels * error, (levels - 1.0) * error), axis=(-1, -2, -3))
        error = (y_true - y_pred) / std
        values = ops.square(error) if self.kind == "mse" else ops.abs(error)
        return ops.mean(values, axis=(-1, -2))

    def get_config(self):
        config = super().get_config()
        config.update({"kind": self.kind, "std": self.std, "quantiles": self.quantiles,
                       "transform": self.transform})
        return config
