"""Forecast quality on real series: every model kind and the classical baselines, one table.

For each recipe (`pipelines/temperatures.yaml`, `pm25.yaml`, `airline.yaml`) and each
model kind, trains with `seqkit.runner.fit` (the recipe as written, `model.kind`
overridden) and reports the test part's MAE, RMSE, sMAPE, MASE (against the in-sample
seasonal naive error, the recipe's `data.season`) and the interval's coverage before and
after its calibration on the validation windows (`model.calibration` and
`model.calibration_recent`: by default CQR on the most recent half of the validation
windows), with the training time. The baselines (last value, seasonal naive, Holt-Winters) are scored on
the same test windows by the same evaluation, and timed once per recipe.

    python3 bench/forecast_quality.py                       # all recipes, all kinds
    python3 bench/forecast_quality.py --recipes temperatures --kinds dlinear,lstm
    python3 bench/forecast_quality.py --data-dir /work/shared/data/timeseries --set train.epochs=3

The data live in ../shared/data/timeseries beside the checkout; without them the
bench says so and exits 0. Times are wall-clock on a shared machine: compare them
within one run only.
"""

import argparse
import pathlib
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DATA_DIR = ROOT.parent / "shared" / "data" / "timeseries"
RECIPES = {
    "temperatures": ("pipelines/temperatures.yaml", "daily-min-temperatures.csv"),
    "pm25": ("pipelines/pm25.yaml", "pollution.csv"),
    "airline": ("pipelines/airline.yaml", "airline-passengers.csv"),
}
KINDS = ("dlinear", "lstm", "gru", "seq2seq", "transformer")
COLUMNS = ("mae", "rmse", "smape", "mase", "uncalibrated_coverage", "coverage")


def training_clock():
    import keras

    class Clock(keras.callbacks.Callback):
        """Wall time from the first to the last training step (no evaluation)."""

        seconds = 0.0

        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()

        def on_train_end(self, logs=None):
            self.seconds = time.perf_counter() - self.start

    return Clock()


def row(recipe, name, metrics, seconds):
    cells = [recipe, name]
    for key in COLUMNS:
        value = metrics.get(key)
        cells.append("" if value is None else f"{value:.3f}")
    cells.append("" if seconds is None else f"{seconds:.0f}")
    return "| " + " | ".join(cells) + " |"


def run_recipe(name, data_dir, kinds, overrides, workdir):
    from seqkit import config as config_lib
    from seqkit import runner
    from seqkit.tasks.forecast import data as data_lib
    from seqkit.tasks.forecast import evaluation

    recipe, filename = RECIPES[name]
    lines = []
    for index, kind in enumerate(kinds):
        config = config_lib.load_config(
            [ROOT / recipe],
            # The baselines do not depend on the model: score the slow one once.
            overrides=[f"model.kind={kind}", *overrides]
            + ([] if index == 0 else ["data.baselines=[last_value,seasonal_naive]"]),
            data_overrides={"train": str(data_dir / filename)})
        clock = training_clock()
        result = runner.fit(config, run_dir=workdir / f"{name}_{kind}", overwrite=True,
                            verbose=0, callbacks=[clock])
        test = result.metrics["test"]
        if index == 0:
            task = result.run.task
            table = task.table(config.data.train)
            arrays = data_lib.windows(config.data, table, "test")
            for baseline in evaluation.BASELINES:
                begin = time.perf_counter()
                evaluation.baseline_forecasts(config.data, table, arrays, (baseline,))
                took = time.perf_counter() - begin
                lines.append(row(name, baseline, test["baselines"][baseline], took))
        nominal = test["model"].get("nominal_coverage")
        label = kind + (f" (q, nominal {nominal:.2f})" if nominal else "")
        lines.append(row(name, label, test["model"], clock.seconds))
        print(lines[-1], flush=True)
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", default=",".join(RECIPES))
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--data-dir", type=pathlib.Path, default=DATA_DIR)
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    args = parser.parse_args()
    if not args.data_dir.is_dir():
        print(f"no data: {args.data_dir} is absent (pass --data-dir)")
        return 0
    header = ("| data | forecaster | MAE | RMSE | sMAPE | MASE | coverage raw | coverage "
              "calibrated | seconds |\n|---|---|---|---|---|---|---|---|---|")
    table = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.recipes.split(","):
            table += run_recipe(name, args.data_dir, args.kinds.split(","), args.overrides,
                                pathlib.Path(tmp))
    print("\n" + header)
    print("\n".join(table))
    print("\ncoverage raw: the model's interval as trained; calibrated: with the recipe's "
          "calibration (model.calibration, fitted on the validation windows; the same as raw "
          "with model.calibration=none).\n"
          "seconds: training wall time for models (Keras fit, with its validation "
          "passes); forecasting the test windows for baselines.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
