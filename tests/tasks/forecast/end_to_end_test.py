"""`task: forecast` through the CLI: fit, evaluate, export (fresh process), score, forecast, bad input."""

import csv
import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from seqkit.cli import main

DEFAULT_CALIBRATION = "cqr"  # model.calibration's default

FRESH_PROCESS = r"""
import sys
import numpy as np
import tensorflow as tf
serve = tf.saved_model.load(sys.argv[1]).signatures["serving_default"]
out = serve(window=tf.constant(np.load(sys.argv[2])))
np.savez(sys.argv[3], **{k: v.numpy() for k, v in out.items()})
"""


def write_series(path, days=90, stores=("a", "b"), short=None):
    rng = np.random.default_rng(0)
    dates = np.datetime64("2024-01-01") + np.arange(days)
    lines = ["date,store,sales,temp"]
    for k, store in enumerate(stores):
        count = short if short and store == stores[-1] else days
        for i, day in enumerate(dates[:count]):
            lines.append(f"{day},{store},{10 * (k + 1) + 3 * np.sin(2 * np.pi * i / 7) + rng.normal():.3f},"
                         f"{rng.normal():.3f}")
    path.write_text("\n".join(lines) + "\n")
    return path


def recipe(tmp_path, **data):
    write_series(tmp_path / "series.csv")
    settings = {"train": "series.csv", "time_column": "date", "target_columns": ["sales"],
                "covariates": ["temp"], "id_column": "store", "window": 14, "horizon": 3,
                "validation": 14, "test": 14, "season": 7}
    settings.update(data)
    path = tmp_path / "tiny.yaml"
    path.write_text(json.dumps({
        "task": "forecast", "name": "tiny", "data": settings,
        "model": {"kind": "dlinear", "kernel_size": 5, "loss": "pinball",
                  "quantiles": [0.1, 0.5, 0.9]},
        "train": {"epochs": 2, "batch_size": 32, "learning_rate": 0.01},
    }))
    return path


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def messages(result):
    """The output's lines less `seqkit score`'s progress bar label."""
    return [line for line in result.output.strip().splitlines() if line != "scoring"]


@pytest.mark.large
def test_fit_evaluate_export_forecast_and_score(tmp_path):
    run = tmp_path / "run"
    result = invoke("fit", recipe(tmp_path), "--run-dir", run)
    assert result.exit_code == 0, result.output
    assert (run / "assets" / "statistics.json").is_file()
    assert "test: " in result.output and "coverage" in result.output

    evaluated = invoke("evaluate", run)
    assert evaluated.exit_code == 0, evaluated.output
    for name in ("model", "last_value", "seasonal_naive", "holt_winters"):
        assert name in evaluated.output
    metrics = json.loads((run / "metrics.json").read_text())["test"]
    assert len(metrics["model"]["per_step"]["mase"]) == 3
    assert (run / "plots" / "forecasts_test.png").stat().st_size > 0
    assert (run / "plots" / "error_by_step_test.png").stat().st_size > 0

    exported = invoke("export", run, "--out", tmp_path / "serving")
    assert exported.exit_code == 0, exported.output
    version = tmp_path / "serving" / "1"

    # serving_default in a fresh process (TensorFlow only): raw windows in, the
    # in-memory model's calibrated forecasts out, in original units.
    from seqkit.run import load_run
    from seqkit.tasks.forecast.evaluation import calibrated

    loaded = load_run(run)
    fitted = loaded.assets.calibration
    saved = json.loads((run / "assets" / "calibration.json").read_text())
    assert saved["fitted_on"] == "validation" and np.shape(saved["offsets"]) == (3, 1)
    assert saved["method"] == fitted.method == DEFAULT_CALIBRATION
    np.testing.assert_allclose(fitted.offsets, saved["offsets"])
    window = np.random.default_rng(1).normal(15, 5, (5, 14, 2)).astype("float32")
    uncalibrated = np.asarray(loaded.model(window))
    expected = calibrated(uncalibrated, fitted, window[..., :1])
    np.save(tmp_path / "window.npy", window)
    subprocess.run([sys.executable, "-c", FRESH_PROCESS, str(version), str(tmp_path / "window.npy"),
                    str(tmp_path / "out.npz")], check=True)
    got = np.load(tmp_path / "out.npz")
    assert sorted(got.files) == ["forecast", "quantiles"]
    # 1e-5 absolute, plus float32 rounding (a few ulps) on values in the tens.
    np.testing.assert_allclose(got["quantiles"], expected, rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(got["forecast"], expected[..., 1], rtol=1e-6, atol=1e-5)
    # The offsets (times the method's scale) moved the outer levels only, and the
    # levels stay ordered.
    scale = fitted.scale(uncalibrated, window[..., :1])
    amount = fitted.offsets * (1.0 if scale is None else np.asarray(scale))
    np.testing.assert_allclose(expected[..., 0], np.minimum(
        uncalibrated[..., 0] - amount, uncalibrated[..., 1]), rtol=1e-6, atol=1e-5)
    np.testing.assert_array_equal(expected[..., 1], uncalibrated[..., 1])
    assert np.all(np.diff(expected, axis=-1) >= 0)

    # seqkit forecast: one row per series and step, time stamps continued.
    history = write_series(tmp_path / "history.csv", days=40)
    out = tmp_path / "next.csv"
    forecast = invoke("forecast", version, history, "--out", out)
    assert forecast.exit_code == 0, forecast.output
    rows = list(csv.DictReader(out.open()))
    assert [(r["store"], r["date"], r["step"]) for r in rows[:4]] == [
        ("a", "2024-02-10", "1"), ("a", "2024-02-11", "2"), ("a", "2024-02-12", "3"),
        ("b", "2024-02-10", "1")]
    last = np.loadtxt(history, delimiter=",", skiprows=1, usecols=(2, 3))[26:40]
    direct = calibrated(loaded.model(last[None].astype("float32")), fitted, last[None, :, :1])
    assert float(rows[0]["sales"]) == pytest.approx(float(direct[0, 0, 0, 1]), abs=1e-4)
    assert float(rows[2]["sales_q90"]) == pytest.approx(float(direct[0, 2, 0, 2]), abs=1e-4)
    from_run = invoke("forecast", run, history, "--out", tmp_path / "next_run.csv")
    assert from_run.exit_code == 0 and (tmp_path / "next_run.csv").read_text() == out.read_text()

    # seqkit score (export and run) writes the same rows as seqkit forecast.
    for source in (version, run):
        scored = invoke("score", source, history, "--out", tmp_path / "scored.csv")
        assert scored.exit_code == 0, scored.output
        assert "Scored 6 rows" in scored.output
        assert (tmp_path / "scored.csv").read_text() == out.read_text()

    # A series shorter than the window: named; skipped or an error per --on-error.
    short = write_series(tmp_path / "short.csv", days=40, short=5)
    for command in ("forecast", "score"):
        failed = invoke(command, version, short, "--out", tmp_path / "none.csv")
        assert failed.exit_code == 2 and "series 'b' has 5 steps" in failed.output, command
        assert len(messages(failed)) == 1, failed.output
        assert not (tmp_path / "none.csv").exists()
        skipped = invoke(command, version, short, "--out", tmp_path / "some.csv",
                         "--on-error", "skip")
        assert skipped.exit_code == 0 and "skipped series 'b'" in skipped.output, command
        assert [r["store"] for r in csv.DictReader((tmp_path / "some.csv").open())] == ["a"] * 3

    # A missing covariate at scoring time: one line, exit 2, nothing written.
    (tmp_path / "nocov.csv").write_text("date,store,sales\n2024-01-01,a,1\n")
    for command in ("forecast", "score"):
        missing = invoke(command, version, tmp_path / "nocov.csv", "--out", tmp_path / "x.csv")
        assert missing.exit_code == 2 and "missing column 'temp'" in missing.output, command
        assert len(messages(missing)) == 1, missing.output
        assert not (tmp_path / "x.csv").exists()

    # A value that is not a number in the history: line and column named, nothing written.
    lines = history.read_text().splitlines()
    date, store, _, temp = lines[3].split(",")
    (tmp_path / "bad.csv").write_text("\n".join(lines[:3] + [f"{date},{store},abc,{temp}"] + lines[4:]))
    for command in ("forecast", "score"):
        bad = invoke(command, version, tmp_path / "bad.csv", "--out", tmp_path / "x.csv")
        assert bad.exit_code == 2 and "line 4, column 'sales': not a number: 'abc'" in bad.output
        assert len(messages(bad)) == 1, bad.output
        assert not (tmp_path / "x.csv").exists()


def _bad(tmp_path, text):
    path = tmp_path / "series.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize("edit, settings, message", [
    (lambda lines: lines[:5] + ["2024-01-05,a,abc,0.1"] + lines[6:], {},
     "line 6, column 'sales': not a number: 'abc'"),
    (lambda lines: lines[:3] + [lines[4], lines[3]] + lines[5:], {}, "line 5: time stamp out of order"),
    (lambda lines: lines[:3] + [lines[3], lines[3]] + lines[5:], {}, "time stamp duplicated"),
    (lambda lines: lines, {"window": 80}, "longer than the training part"),
    (lambda lines: lines, {"horizon": 0}, "horizon must be > 0"),
])
def test_bad_input_exits_2_and_writes_nothing(tmp_path, edit, settings, message):
    path = recipe(tmp_path, **settings)
    data = tmp_path / "series.csv"
    lines = data.read_text().splitlines()
    data.write_text("\n".join(edit(lines)) + "\n")
    result = invoke("fit", path, "--run-dir", tmp_path / "run")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "run").exists()


@pytest.mark.large
def test_export_with_known_covariates_takes_their_future_values(tmp_path):
    """serving_default(window, future) in a fresh process == the in-memory model, calibrated;
    `seqkit score` and `seqkit forecast` read the future rows after each series' last target."""
    import dataclasses

    import keras

    from seqkit import runner
    from seqkit.config import load_config
    from seqkit.run import Run
    from seqkit.tasks import get_task
    from seqkit.tasks.forecast.calibration import Calibration
    from seqkit.tasks.forecast.evaluation import calibrated

    path = recipe(tmp_path, covariates=[], known_covariates=["temp"])
    task = get_task(load_config([path]))
    train, _ = task.read_training_data()
    assets = task.build_assets(train, task.validate_data(task.data_files()))
    keras.utils.set_random_seed(2)
    model = task.build_model(assets)  # untrained: the plumbing, not the quality
    # A window-scaled calibration: the graph computes each window's volatility.
    fitted = Calibration("cqr_window", np.array([[0.5], [-0.2], [1.0]]), floor=np.array([2.0]))
    run = Run(path=None, config=task.config, task=task, model=model,
              assets=dataclasses.replace(assets, calibration=fitted))
    version = runner.export(run, tmp_path / "serving")

    rng = np.random.default_rng(4)
    window = rng.normal(15, 5, (4, 14, 2)).astype("float32")
    future = rng.normal(0, 1, (4, 3, 1)).astype("float32")
    expected = calibrated(model({"window": window, "future": future}), fitted, window[..., :1])
    raw = np.asarray(model({"window": window, "future": future}))
    volatility = np.abs(np.diff(window[..., 0], axis=1)).mean(axis=1)  # [N], above the floor
    assert np.all(volatility > 2.0)
    np.testing.assert_allclose(expected[:, 0, 0, 0], raw[:, 0, 0, 0] - 0.5 * volatility,
                               rtol=1e-5, atol=1e-5)
    np.save(tmp_path / "window.npy", window)
    np.save(tmp_path / "future.npy", future)
    fresh = FRESH_PROCESS.replace(
        "window=tf.constant(np.load(sys.argv[2]))",
        "window=tf.constant(np.load(sys.argv[2])), future=tf.constant(np.load(sys.argv[4]))")
    subprocess.run([sys.executable, "-c", fresh, str(version), str(tmp_path / "window.npy"),
                    str(tmp_path / "out.npz"), str(tmp_path / "future.npy")], check=True)
    got = np.load(tmp_path / "out.npz")
    np.testing.assert_allclose(got["quantiles"], expected, rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(got["forecast"], expected[..., 1], rtol=1e-6, atol=1e-5)

    # A history whose series end with 3 rows of future temperatures and no sales.
    history = write_series(tmp_path / "history.csv", days=40)
    lines = history.read_text().splitlines()
    rows = [line.split(",") for line in lines[1:]]
    for row in rows:
        if int(row[0][-2:]) > 6 and row[0][5:7] == "02":  # 2024-02-07 .. 02-09: the future
            row[2] = ""
    history.write_text("\n".join([lines[0]] + [",".join(r) for r in rows]) + "\n")
    result = runner.score(version, history, tmp_path / "next.csv")
    written = list(csv.DictReader((tmp_path / "next.csv").open()))
    assert result.rows == 6 and [r["date"] for r in written[:3]] == [
        "2024-02-07", "2024-02-08", "2024-02-09"]
    table = np.array([[float(v or "nan") for v in r[2:]] for r in rows if r[1] == "a"])
    direct = calibrated(model({"window": table[23:37][None].astype("float32"),
                               "future": table[37:40, 1:][None].astype("float32")}), fitted,
                        table[23:37, :1][None])
    assert float(written[1]["sales"]) == pytest.approx(float(direct[0, 1, 0, 1]), abs=1e-4)
    assert float(written[2]["sales_q90"]) == pytest.approx(float(direct[0, 2, 0, 2]), abs=1e-4)
    runner.forecast(version, history, tmp_path / "forecast.csv")
    assert (tmp_path / "forecast.csv").read_text() == (tmp_path / "next.csv").read_text()


@pytest.mark.large
def test_log1p_export_maps_back_to_original_units_in_the_graph(tmp_path):
    """With data.target_transform log1p, serving_default on raw windows in a fresh
    process equals the in-memory model (log1p in, expm1 out, calibration after)."""
    import dataclasses

    import keras

    from seqkit import runner
    from seqkit.config import load_config
    from seqkit.run import Run
    from seqkit.tasks import get_task
    from seqkit.tasks.forecast.calibration import Calibration
    from seqkit.tasks.forecast.evaluation import calibrated

    path = recipe(tmp_path, target_transform="log1p")
    task = get_task(load_config([path]))
    train, _ = task.read_training_data()
    assets = task.build_assets(train, task.validate_data(task.data_files()))
    # The target's statistics are those of log1p(sales): about log(16), not 16.
    assert 2.0 < assets.normalizer.mean["sales"] < 3.5
    keras.utils.set_random_seed(3)
    model = task.build_model(assets)  # untrained: the plumbing, not the quality
    fitted = Calibration("cqr", np.array([[0.5], [-0.2], [1.0]]))
    run = Run(path=None, config=task.config, task=task, model=model,
              assets=dataclasses.replace(assets, calibration=fitted))
    version = runner.export(run, tmp_path / "serving")
    window = np.random.default_rng(5).uniform(0, 40, (6, 14, 2)).astype("float32")
    raw = np.asarray(model(window))
    assert np.all(raw > -1) and 5 < np.median(raw) < 60  # original units, not log units
    expected = calibrated(raw, fitted, window[..., :1])
    np.save(tmp_path / "window.npy", window)
    subprocess.run([sys.executable, "-c", FRESH_PROCESS, str(version), str(tmp_path / "window.npy"),
                    str(tmp_path / "out.npz")], check=True)
    got = np.load(tmp_path / "out.npz")
    # Within 1e-5 relative: expm1 turns float32 rounding in log space (a few ulps of
    # values near 4, some 1e-6) into a relative error in original units.
    np.testing.assert_allclose(got["quantiles"], expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got["forecast"], expected[..., 1], rtol=1e-5, atol=1e-5)
