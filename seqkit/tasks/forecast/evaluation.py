"""Forecast evaluation: the model and the classical baselines on the same windows, plus plots."""

import numpy as np

from seqkit.errors import DataError
from seqkit.metrics import forecasting as fm
from seqkit.models import forecast_baselines
from seqkit.tasks.forecast.calibration import point_index
from seqkit.tasks.forecast.data import bounds
from seqkit.tasks.forecast.data import mase_scales
from seqkit.tasks.forecast.data import model_inputs
from seqkit.tasks.forecast.data import windows

BASELINES = forecast_baselines.BASELINES


def split_forecast(outputs, quantiles):
    """(point [N, H, T], lower or None, upper or None) of a model's outputs."""
    outputs = np.asarray(outputs, np.float64)
    if not quantiles:
        return outputs, None, None
    return outputs[..., point_index(quantiles)], outputs[..., 0], outputs[..., -1]


def baseline_forecasts(data, table, arrays, names=BASELINES):
    """{name: [N, H, T]} of each baseline over the windows in `arrays`."""
    target_index = table.column_index(table.targets)
    horizon = data.horizon
    out = {name: np.zeros(arrays["target"].shape) for name in names}
    for i, one in enumerate(table.series):
        rows = np.nonzero(arrays["series"] == i)[0]
        if rows.size == 0:
            continue
        values = one.values[:, target_index]
        origins = arrays["start"][rows]
        if "last_value" in out:
            out["last_value"][rows] = forecast_baselines.last_value(values, origins, horizon)
        if "seasonal_naive" in out:
            out["seasonal_naive"][rows] = forecast_baselines.seasonal_naive(
                values, origins, horizon, data.season)
        if "holt_winters" in out:
            train_end, _ = bounds(data, len(values))
            for j in range(values.shape[1]):
                out["holt_winters"][rows, :, j] = forecast_baselines.holt_winters(
                    values[:, j], origins, horizon, data.season, fit_end=train_end,
                    history=data.baseline_history)
    return out


def target_history(data, window):
    """[N, W, T]: the targets' raw values over each input `window` [N, W, columns]."""
    return window[..., :len(data.target_columns)]


def calibrated(outputs, calibration, history):
    """The model's outputs with the run's interval calibration (None: as they are), as NumPy.

    `history` is the targets' raw values over each input window ([N, W, T]).
    """
    if calibration is None:
        return np.asarray(outputs)
    return np.asarray(calibration.apply(np.asarray(outputs, np.float32),
                                        np.asarray(history, np.float32)))


def evaluate_part(model, data, quantiles, table, part, plots_dir=None, baselines=None,
                  calibration=None):
    """Metrics of `model` and the baselines on the windows of one part.

    Args:
        calibration: the run's interval calibration (`calibration.Calibration`),
            or None.

    Returns:
        {"part", "windows", "model": forecast_report (+ "pinball", "nominal"
        coverage, "calibration" and the coverage before it with quantiles),
        "baselines": {name: forecast_report}}.
    """
    arrays = windows(data, table, part)
    if len(arrays["start"]) == 0:
        raise DataError(f"no {part} windows: the {part} part is empty", path=table.path)
    raw = model.predict(model_inputs(data, arrays), batch_size=512, verbose=0)
    history = target_history(data, arrays["window"])
    outputs = calibrated(raw, calibration, history) if quantiles else raw
    point, lower, upper = split_forecast(outputs, quantiles)
    actual = arrays["target"].astype(np.float64)
    scale = mase_scales(data, table)[arrays["series"]][:, None, :]
    report = {"part": part, "windows": int(len(actual)),
              "model": fm.forecast_report(actual, point, scale, lower, upper)}
    if quantiles:
        _, raw_lower, raw_upper = split_forecast(raw, quantiles)
        report["model"]["pinball"] = float(fm.pinball(actual, outputs, quantiles))
        report["model"]["nominal_coverage"] = float(quantiles[-1] - quantiles[0])
        report["model"]["calibration"] = "none" if calibration is None else calibration.method
        report["model"]["uncalibrated_coverage"] = float(fm.coverage(actual, raw_lower, raw_upper))
    others = baseline_forecasts(data, table, arrays,
                                baselines if baselines is not None else data.baselines)
    report["baselines"] = {name: fm.forecast_report(actual, values, scale)
                           for name, values in others.items()}
    if plots_dir is not None:
        _plots(data, table, arrays, point, lower, upper, report, plots_dir, part)
    return report


def _plots(data, table, arrays, point, lower, upper, report, plots_dir, part):
    from seqkit import plots

    rows = np.nonzero(arrays["series"] == 0)[0]
    first = arrays["start"][rows[0]]
    # Back-to-back forecasts (one every `horizon` steps), at most 8 of them.
    chosen = [r for r in rows if (arrays["start"][r] - first) % data.horizon == 0][:8]
    last = arrays["start"][chosen[-1]] + data.horizon
    begin = max(0, first - data.window)
    values = table.series[0].values[:, table.column_index(table.targets)[0]]
    steps = np.arange(begin, last)

    def pieces(source):
        return [(np.arange(arrays["start"][r], arrays["start"][r] + data.horizon), source[r, :, 0])
                for r in chosen]

    name = table.series[0].id or table.targets[0]
    plots.plot_forecasts(
        steps, values[begin:last], pieces(point), f"{plots_dir}/forecasts_{part}.png",
        lower=pieces(lower) if lower is not None else None,
        upper=pieces(upper) if upper is not None else None,
        title=f"{part}: {name} ({table.targets[0]}), forecasts over actual values")
    errors = {"model": report["model"]["per_step"]["mae"]}
    errors.update({k: v["per_step"]["mae"] for k, v in report["baselines"].items()})
    plots.plot_error_by_step(errors, f"{plots_dir}/error_by_step_{part}.png",
                             title=f"{part}: MAE by horizon step")


def format_report(report):
    """A table: one row per forecaster (model first), overall metrics."""
    names = ["mae", "rmse", "smape", "mase"]
    lines = [f"{report['part']}: {report['windows']} windows",
             f"{'':16}" + "".join(f"{n.upper():>10}" for n in names) + f"{'COVERAGE':>10}"]
    rows = [("model", report["model"])] + list(report["baselines"].items())
    for name, metrics in rows:
        cover = metrics.get("coverage")
        lines.append(f"{name:16}" + "".join(f"{metrics[n]:10.4f}" for n in names)
                     + (f"{cover:10.3f}" if cover is not None else f"{'':>10}"))
    steps = report["model"]["per_step"]["mae"]
    lines.append("model MAE by step: " + " ".join(f"{v:.4f}" for v in steps))
    return "\n".join(lines)
