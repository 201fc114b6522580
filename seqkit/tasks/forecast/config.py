"""The forecast task's config sections: data (file, columns, window, parts) and model."""

import dataclasses
from typing import ClassVar

from seqkit import config as config_lib
from seqkit.data.series_table import FILLS
from seqkit.data.series_table import Frequency
from seqkit.errors import ConfigError
from seqkit.models.forecast_baselines import BASELINES
from seqkit.models.forecast_loss import LOSSES
from seqkit.models.forecasting import KINDS
from seqkit.models.forecasting import TRANSFORMS
from seqkit.tasks.forecast.calibration import CALIBRATIONS


@dataclasses.dataclass(frozen=True)
class ForecastDataConfig:
    """`data`: one CSV of one or more series, cut in time order into train / validation / test.

    Fields:
        train: path of the CSV (every part comes from it, in time order).
        time_column: the time stamp column, or a list of columns holding its
            parts (year, month, day, hour, minute, second).
        target_columns: the columns to forecast.
        covariates: numeric inputs known only up to the forecast origin.
        known_covariates: numeric inputs also known over the horizon (e.g. a
            holiday flag); scoring needs their future rows.
        id_column: the series id, or null for a file of one series.
        frequency: "D", "h", "M", "W", "15min", ... (`Frequency`).
        window: past steps a forecast reads.
        horizon: future steps it forecasts (>= 1).
        stride: steps between training windows.
        eval_stride: steps between validation / test windows.
        validation, test: the last parts of each series: a fraction (< 1) or
            a number of steps (>= 1).
        fill: "none" (missing values and gaps are errors), "ffill" or
            "interpolate".
        season: steps per season: the seasonal naive baseline, Holt-Winters
            and the scale of MASE use it.
        baseline_history: the most past steps Holt-Winters reads per forecast
            (null: all).
        baselines: the classical forecasts evaluation puts beside the model
            (last_value, seasonal_naive, holt_winters; Holt-Winters is the slow one).
        target_transform: "none", or "log1p": the model learns and forecasts
            log(1 + y) of the targets (which must then be >= 0) and maps its
            forecast back with exp(y) - 1 inside the graph; the training
            statistics and the loss of the targets are those of log(1 + y).
            For skewed, non-negative series (concentrations, counts, sales),
            whose spread grows with their level. Metrics, baselines and
            exports stay in original units.
    """

    train: str | None = None
    time_column: tuple[str, ...] = ("date",)
    target_columns: tuple[str, ...] = ("value",)
    covariates: tuple[str, ...] = ()
    known_covariates: tuple[str, ...] = ()
    id_column: str | None = None
    frequency: str = "D"
    window: int = 28
    horizon: int = 7
    stride: int = 1
    eval_stride: int = 1
    validation: float = 0.15
    test: float = 0.15
    fill: str = "none"
    season: int = 7
    baseline_history: int | None = None
    baselines: tuple[str, ...] = BASELINES
    target_transform: str = "none"

    SECTION: ClassVar[str] = "data"
    PATHS: ClassVar[tuple] = ("train",)
    CHOICES: ClassVar[dict] = {"fill": lambda: FILLS, "target_transform": lambda: TRANSFORMS}

    def __post_init__(self):
        config_lib.positive(self, "window", "horizon", "stride", "eval_stride", "season")
        config_lib.non_negative(self, "validation", "test")
        try:
            Frequency.parse(self.frequency)
        except ValueError as error:
            raise ConfigError(f"data.frequency: {error}") from None
        columns = list(self.target_columns) + list(self.covariates) + list(self.known_covariates)
        if not self.target_columns:
            raise ConfigError("data.target_columns must name at least one column")
        duplicated = sorted({c for c in columns if columns.count(c) > 1})
        if duplicated:
            raise ConfigError(
                f"data: column {duplicated[0]!r} is listed twice among target_columns, "
                "covariates and known_covariates")
        unknown = [b for b in self.baselines if b not in BASELINES]
        if unknown:
            raise ConfigError(f"unknown data.baselines {unknown[0]!r}. Valid choices: "
                              f"{', '.join(BASELINES)}")
        if self.baseline_history is not None:
            config_lib.positive(self, "baseline_history")

    @property
    def columns(self):
        return list(self.target_columns) + list(self.covariates) + list(self.known_covariates)

    def part_size(self, value):
        """`validation` / `test` as `part_bounds` takes them (a fraction or a step count)."""
        return float(value) if value < 1 else int(value)


@dataclasses.dataclass(frozen=True)
class ForecastModelConfig:
    """`model`: which `seqkit.models.Forecaster` and its loss.

    Fields:
        kind: "lstm" | "gru" (direct multi-step head), "seq2seq" (encoder-
            decoder rolling the horizon out), "transformer", "dlinear".
        units: recurrent units, or the Transformer's width.
        num_layers, num_heads, intermediate_dim: encoder depth / Transformer.
        dropout: before the head (and inside the Transformer blocks).
        kernel_size: DLinear's moving-average width (odd).
        cell: the seq2seq cell, "lstm" or "gru".
        subtract_last: forecast relative to the last observed value.
        loss: "mse", "mae" or "pinball" (with `quantiles`).
        quantiles: increasing levels in (0, 1) for quantile forecasts (the
            pinball loss), e.g. [0.1, 0.5, 0.9]; the outer two make the
            reported interval. Empty: a point forecast.
        calibration: "cqr" (conformalized quantile regression: the interval
            of the outer levels widened or narrowed per horizon step so that it
            covers its nominal level on the calibration windows), "cqr_width"
            (the offset in units of the raw interval's width), "cqr_window" (in
            units of the input window's volatility, computed from the raw
            window, in the export too) or "none" (`calibration.py`). The fit is
            saved in the run's assets and applied in the export too. Point
            forecasts have no interval: it does nothing there.
        calibration_recent: the most recent fraction of each series'
            validation windows the calibration is fitted on (in (0, 1]; 0.5,
            the default, chosen on validation halves: docs/forecasting.md).
    """

    kind: str = "lstm"
    units: int = 32
    num_layers: int = 1
    num_heads: int = 4
    intermediate_dim: int = 64
    dropout: float = 0.0
    kernel_size: int = 25
    cell: str = "lstm"
    subtract_last: bool = False
    loss: str = "mse"
    quantiles: tuple[float, ...] = ()
    calibration: str = "cqr"
    calibration_recent: float = 0.5

    SECTION: ClassVar[str] = "model"
    CHOICES: ClassVar[dict] = {"kind": lambda: KINDS, "loss": lambda: LOSSES,
                               "cell": lambda: ("lstm", "gru"),
                               "calibration": lambda: CALIBRATIONS}

    def __post_init__(self):
        config_lib.positive(self, "units", "num_layers", "num_heads", "intermediate_dim")
        config_lib.fraction(self, "dropout")
        if not 0 < self.calibration_recent <= 1:
            raise ConfigError("model.calibration_recent must be in (0, 1]. Received: "
                              f"calibration_recent={self.calibration_recent}")
        if self.kernel_size < 1 or self.kernel_size % 2 == 0:
            raise ConfigError(
                f"model.kernel_size must be an odd int >= 1. Received: kernel_size={self.kernel_size}")
        levels = list(self.quantiles)
        if levels and (any(not 0 < q < 1 for q in levels) or levels != sorted(set(levels))
                       or len(levels) < 2):
            raise ConfigError(
                f"model.quantiles must be at least two increasing levels in (0, 1). "
                f"Received: quantiles={levels}")
        if (self.loss == "pinball") != bool(levels):
            raise ConfigError(
                "model.loss 'pinball' goes with model.quantiles (and only it). Received: "
                f"loss={self.loss!r}, quantiles={levels}")
