"""Interval calibration: offsets by hand, nominal coverage by construction, validation only."""

import json

import numpy as np
import pytest

from seqkit.metrics import forecasting as fm
from seqkit.tasks.forecast import calibration as cal
from seqkit.tasks.forecast import data as data_lib

QUANTILES = [0.1, 0.5, 0.9]
# Nine windows, one step, one target; the interval [0, 1] around 0.5.
ACTUAL = np.array([-0.4, 0.2, 1.3, 0.5, -0.1, 2.0, 0.9, 1.1, -0.3]).reshape(9, 1, 1)
OUTPUTS = np.broadcast_to(np.array([0.0, 0.5, 1.0]), (9, 1, 1, 3))


def _history(volatility):
    """Windows [N, 3, 1] whose mean absolute step is `volatility` (up, then down)."""
    volatility = np.asarray(volatility, np.float64)
    return np.stack([np.zeros_like(volatility), volatility, np.zeros_like(volatility)],
                    axis=1)[..., None]


def test_cqr_offsets_are_the_finite_sample_quantile_of_the_conformity_scores():
    history = _history(np.ones(9))
    # Scores max(lower - y, y - upper): 0.4 -0.2 0.3 -0.5 0.1 1.0 -0.1 0.1 0.3.
    # ceil((9 + 1) * 0.8) = 8: the 8th smallest of the sorted scores is 0.4.
    fitted = cal.fit_calibration("cqr", ACTUAL, OUTPUTS, history, QUANTILES)
    assert fitted.offsets.shape == (1, 1) and fitted.offsets[0, 0] == pytest.approx(0.4)
    assert fitted.floor is None and fitted.center == 1
    # Fewer windows than the rank needs: the largest score.
    for rows, expected in ((slice(0, 3), 0.4), (slice(0, 2), 0.4), (slice(1, 3), 0.3)):
        fitted = cal.fit_calibration("cqr", ACTUAL[rows], OUTPUTS[rows], history[rows], QUANTILES)
        assert fitted.offsets[0, 0] == pytest.approx(expected)


def test_scaled_offsets_by_hand():
    volatility = np.array([1.0, 2.0, 0.5, 1.0, 4.0, 2.0, 1.0, 0.5, 0.01])
    history = _history(volatility)
    # cqr_window: the CQR scores over the window volatility (floored at 0.1 x its
    # median 1.0): 0.4 -0.1 0.6 -0.5 0.025 0.5 -0.1 0.2 3.0 (0.3 / 0.1);
    # the 8th smallest: 0.6.
    window = cal.fit_calibration("cqr_window", ACTUAL, OUTPUTS, history, QUANTILES)
    np.testing.assert_allclose(window.floor, [0.1])
    assert window.offsets[0, 0] == pytest.approx(0.6)
    # residual_window: |y - 0.5| / s: 0.9 0.15 1.6 0 0.15 0.75 0.4 1.2 8; 8th: 1.6.
    residual = cal.fit_calibration("residual_window", ACTUAL, OUTPUTS, history, QUANTILES)
    assert residual.offsets[0, 0] == pytest.approx(1.6)
    # cqr_width: the CQR scores over the width 1: the same offset as cqr, in widths.
    width = cal.fit_calibration("cqr_width", ACTUAL, OUTPUTS * 2.0, history, QUANTILES)
    # With the interval [0, 2] (width 2) the scores are max(-y, y - 2) / 2:
    # 0.2 -0.1 -0.35 -0.25 0.05 0 -0.45 -0.45 0.15; 8th smallest: 0.15.
    assert width.offsets[0, 0] == pytest.approx(0.15) and width.floor[0] == pytest.approx(0.2)
    # Applied: cqr_window moves each window's levels by 0.6 x its volatility.
    fixed = np.asarray(window.apply(OUTPUTS.astype(np.float32), history.astype(np.float32)))
    np.testing.assert_allclose(fixed[:, 0, 0, 0], -0.6 * np.maximum(volatility, 0.1), rtol=1e-6)
    np.testing.assert_allclose(fixed[:, 0, 0, 2], 1 + 0.6 * np.maximum(volatility, 0.1), rtol=1e-6)
    fixed = np.asarray(residual.apply(OUTPUTS.astype(np.float32), history.astype(np.float32)))
    np.testing.assert_allclose(fixed[:, 0, 0, 2], 0.5 + 1.6 * np.maximum(volatility, 0.1), rtol=1e-6)


def test_recent_rows_keep_the_last_windows_of_each_series():
    series = np.array([0, 1, 0, 1, 0, 1, 0])
    starts = np.array([10, 5, 11, 6, 12, 7, 13])
    np.testing.assert_array_equal(cal.recent_rows(series, starts, 0.5), [3, 4, 5, 6])
    np.testing.assert_array_equal(cal.recent_rows(series, starts, 1.0), np.arange(7))
    np.testing.assert_array_equal(cal.recent_rows(series, starts, 0.01), [5, 6])


@pytest.mark.parametrize("method", cal.METHODS)
@pytest.mark.parametrize("width", [0.3, 6.0])  # too narrow (under-covers), too wide
def test_calibrated_coverage_meets_nominal_on_the_calibration_windows(method, width):
    rng = np.random.default_rng(0)
    actual = rng.normal(0.0, 1.0, (300, 4, 2)) * np.array([1.0, 3.0])  # two targets' scales
    history = rng.normal(0.0, 1.0, (300, 8, 2))
    median = np.zeros_like(actual)
    outputs = np.stack([median - width, median, median + width], axis=-1)
    raw = fm.coverage(actual, outputs[..., 0], outputs[..., -1], per_step=True)
    fitted = cal.fit_calibration(method, actual, outputs, history, QUANTILES)
    fixed = np.asarray(fitted.apply(outputs.astype(np.float32), history.astype(np.float32)))
    per_step = [fm.coverage(actual[:, :, t], fixed[:, :, t, 0], fixed[:, :, t, -1], per_step=True)
                for t in range(2)]
    assert abs(np.mean(raw) - 0.8) > 0.15  # the case needs calibrating
    # At least nominal at every step and target, and no more than one window above it.
    for covered in per_step:
        assert np.all(np.asarray(covered) >= 0.8) and np.all(np.asarray(covered) <= 0.8 + 2 / 300)
    # The middle level (the point forecast) does not move; the levels stay ordered.
    np.testing.assert_array_equal(fixed[..., 1], outputs[..., 1])
    assert np.all(np.diff(fixed, axis=-1) >= 0)


def _heteroscedastic(rng, count, volatile_share, scales=(1.0, 5.0)):
    """Windows whose noise scale is small or large, with a narrow constant interval.

    The history is a random walk with steps of the window's scale, the actual
    values are normal with it: the window shows how volatile its future is, the
    model's interval (+-0.01 around 0) does not.
    """
    scale = np.where(rng.random(count) < volatile_share, scales[1], scales[0])
    history = np.cumsum(rng.normal(0, 1, (count, 30, 1)) * scale[:, None, None], axis=1)
    actual = rng.normal(0, 1, (count, 2, 1)) * scale[:, None, None]
    outputs = np.broadcast_to(np.array([-0.01, 0.0, 0.01]), (count, 2, 1, 3))
    return actual, outputs, history, scale


def _coverage(fitted, actual, outputs, history):
    fixed = np.asarray(fitted.apply(outputs.astype(np.float32), history.astype(np.float32)))
    return (actual >= fixed[..., 0]) & (actual <= fixed[..., -1])


def test_window_scaled_cqr_holds_coverage_when_the_mix_of_volatility_shifts():
    # Calibration windows mostly calm, later windows mostly volatile (as PM2.5's
    # validation stretch and its winter): the additive CQR offset, fitted on the
    # calm mix, under-covers the volatile windows; the window-scaled one follows them.
    rng = np.random.default_rng(5)
    calibration = _heteroscedastic(rng, 3000, volatile_share=0.2)[:3]
    actual, outputs, history, scale = _heteroscedastic(rng, 3000, volatile_share=0.8)
    additive = _coverage(cal.fit_calibration("cqr", *calibration, QUANTILES),
                         actual, outputs, history)
    scaled = _coverage(cal.fit_calibration("cqr_window", *calibration, QUANTILES),
                       actual, outputs, history)
    assert additive.mean() < 0.6 and additive[scale == 5.0].mean() < 0.5
    assert abs(scaled.mean() - 0.8) < 0.03
    for group in (1.0, 5.0):  # and on the calm and the volatile windows alike
        assert abs(scaled[scale == group].mean() - 0.8) < 0.04


def test_recent_calibration_holds_coverage_after_a_change_of_regime():
    # The noise grows half-way through the calibration windows and stays grown:
    # the offset of every window under-covers what follows, that of the most
    # recent half does not. (The window shows nothing: its volatility is 1 throughout.)
    rng = np.random.default_rng(6)
    scale = np.repeat([1.0, 3.0], 1000)
    history = np.cumsum(rng.normal(0, 1, (2000, 30, 1)), axis=1)
    actual = rng.normal(0, 1, (2000, 2, 1)) * scale[:, None, None]
    outputs = np.broadcast_to(np.array([-0.2, 0.0, 0.2]), (2000, 2, 1, 3))
    later = rng.normal(0, 3.0, (2000, 2, 1))
    rows = cal.recent_rows(np.zeros(2000), np.arange(2000), 0.5)
    every = cal.fit_calibration("cqr", actual, outputs, history, QUANTILES)
    recent = cal.fit_calibration("cqr", actual[rows], outputs[rows], history[rows], QUANTILES)
    assert _coverage(every, later, outputs, history).mean() < 0.7
    assert abs(_coverage(recent, later, outputs, history).mean() - 0.8) < 0.03


def test_a_negative_offset_narrows_but_never_crosses_the_inner_levels():
    outputs = np.array([[[[0.0, 1.0, 2.0]]], [[[0.0, 0.1, 2.0]]]], np.float32)  # [2, 1, 1, 3]
    narrow = cal.Calibration("cqr", np.array([[-0.5]]))
    fixed = np.asarray(narrow.apply(outputs, np.zeros((2, 3, 1), np.float32)))
    np.testing.assert_allclose(fixed[0, 0, 0], [0.5, 1.0, 1.5])
    np.testing.assert_allclose(fixed[1, 0, 0], [0.1, 0.1, 1.5])  # clipped at the median
    two = np.asarray(cal.Calibration("cqr", np.array([[-5.0]]), center=0).apply(
        np.array([[[[0.0, 2.0]]]], np.float32), np.zeros((1, 3, 1), np.float32)))
    np.testing.assert_allclose(two[0, 0, 0], [1.0, 1.0])  # two levels meet at their midpoint


def test_calibration_round_trips_through_its_dict():
    fitted = cal.Calibration("cqr_window", np.array([[0.5], [1.5]]), center=2,
                             floor=np.array([0.25]))
    back = cal.Calibration.from_dict(json.loads(json.dumps(fitted.to_dict())))
    assert back.method == "cqr_window" and back.center == 2
    np.testing.assert_array_equal(back.offsets, fitted.offsets)
    np.testing.assert_array_equal(back.floor, fitted.floor)
    with pytest.raises(ValueError, match="unknown calibration method 'cqr_magic'"):
        cal.Calibration("cqr_magic", np.zeros((1, 1)))


def _recipe(tmp_path, calibration="cqr", recent=1.0):
    """Three series of 120 days; the test part (last 14 days) is far noisier than the rest."""
    rng = np.random.default_rng(3)
    lines = ["date,store,sales,temp"]
    for k, store in enumerate("abc"):
        for i, day in enumerate(np.datetime64("2024-01-01") + np.arange(120)):
            noise = rng.normal(0, 20.0 if i >= 106 else 1.0)
            lines.append(f"{day},{store},{10 * (k + 1) + 3 * np.sin(i) + noise:.3f},{rng.normal():.3f}")
    (tmp_path / "series.csv").write_text("\n".join(lines) + "\n")
    path = tmp_path / "recipe.yaml"
    path.write_text(json.dumps({
        "task": "forecast", "name": "calibration",
        "data": {"train": "series.csv", "time_column": "date", "target_columns": ["sales"],
                 "covariates": ["temp"], "id_column": "store", "window": 14, "horizon": 3,
                 "validation": 14, "test": 14, "season": 7},
        "model": {"kind": "dlinear", "kernel_size": 5, "loss": "pinball",
                  "quantiles": QUANTILES, "calibration": calibration,
                  "calibration_recent": recent},
        "train": {"epochs": 1, "seed": 1},
    }))
    return path


def _task_and_model(tmp_path, calibration="cqr", recent=1.0):
    import keras

    from seqkit.config import load_config
    from seqkit.tasks import get_task

    task = get_task(load_config([_recipe(tmp_path, calibration, recent)]))
    summary = task.validate_data(task.data_files())
    train, validation = task.read_training_data()
    assets = task.build_assets(train, summary)
    keras.utils.set_random_seed(1)
    return task, task.build_model(assets), assets, validation


def _fit_on(task, model, method, part, rows=None):
    data = task.config.data
    arrays = data_lib.windows(data, task.table(data.train), part)
    if rows is not None:
        arrays = {k: v[rows(arrays)] for k, v in arrays.items()}
    outputs = model.predict(data_lib.model_inputs(data, arrays), verbose=0)
    return cal.fit_calibration(method, arrays["target"], outputs,
                               arrays["window"][..., :1], QUANTILES)


@pytest.mark.parametrize("method", ["cqr", "cqr_window"])
def test_calibration_comes_from_the_validation_windows_only(tmp_path, method):
    task, model, assets, validation = _task_and_model(tmp_path, method)
    fitted = task.calibrate(model, assets, validation).calibration
    assert validation.part == "validation" and fitted.method == method
    np.testing.assert_allclose(fitted.offsets, _fit_on(task, model, method, "validation").offsets,
                               rtol=1e-6)
    # The test part's offsets differ widely: a leak would show.
    assert np.all(_fit_on(task, model, "cqr", "test").offsets
                  > _fit_on(task, model, "cqr", "validation").offsets + 5.0)


def test_calibration_recent_fits_on_the_last_validation_windows_of_each_series(tmp_path):
    task, model, assets, validation = _task_and_model(tmp_path, "cqr", recent=0.5)
    fitted = task.calibrate(model, assets, validation).calibration
    last_half = _fit_on(task, model, "cqr", "validation",
                        rows=lambda a: cal.recent_rows(a["series"], a["start"], 0.5))
    everything = _fit_on(task, model, "cqr", "validation")
    np.testing.assert_allclose(fitted.offsets, last_half.offsets, rtol=1e-6)
    assert not np.allclose(fitted.offsets, everything.offsets)


def test_calibration_none_keeps_the_raw_interval(tmp_path):
    task, model, assets, validation = _task_and_model(tmp_path, calibration="none")
    assert task.calibrate(model, assets, validation) is assets and assets.calibration is None


def test_saved_calibration_loads_back_and_must_match_the_config(tmp_path):
    import dataclasses

    from seqkit.errors import RunDirError

    task, model, assets, validation = _task_and_model(tmp_path, "cqr_window")
    calibrated = task.calibrate(model, assets, validation)
    task.save_assets(calibrated, tmp_path / "assets")
    saved = json.loads((tmp_path / "assets" / "calibration.json").read_text())
    assert saved["method"] == "cqr_window" and saved["fitted_on"] == "validation"
    assert saved["nominal_coverage"] == pytest.approx(0.8) and saved["recent"] == 1.0
    loaded = task.load_assets(tmp_path / "assets").calibration
    np.testing.assert_allclose(loaded.offsets, calibrated.calibration.offsets)
    np.testing.assert_allclose(loaded.floor, calibrated.calibration.floor)
    other = type(task)(task.config.replace_section(
        "model", dataclasses.replace(task.config.model, calibration="cqr")))
    with pytest.raises(RunDirError, match="holds a 'cqr_window' calibration; the run's config "
                                          "says model.calibration 'cqr'"):
        other.load_assets(tmp_path / "assets")


def test_calibration_without_a_validation_part_is_a_config_error(tmp_path):
    from seqkit.config import load_config
    from seqkit.errors import ConfigError

    path = _recipe(tmp_path)
    recipe = json.loads(path.read_text())
    recipe["data"]["validation"] = 0
    path.write_text(json.dumps(recipe))
    with pytest.raises(ConfigError, match=r"set data.validation > 0, or model.calibration: none"):
        load_config([path])
    recipe["model"]["calibration"] = "none"
    path.write_text(json.dumps(recipe))
    assert load_config([path]).model.calibration == "none"
    recipe["model"]["calibration_recent"] = 0
    path.write_text(json.dumps(recipe))
    with pytest.raises(ConfigError, match=r"model.calibration_recent must be in \(0, 1\]"):
        load_config([path])
