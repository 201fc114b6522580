"""`ForecastTask`: time-series windows in, the next `horizon` values out (`task: forecast`)."""

import dataclasses
import json
import pathlib

import numpy as np

from seqkit.config import ExportConfig
from seqkit.config import TrainConfig
from seqkit.errors import ConfigError
from seqkit.errors import DataError
from seqkit.errors import RunDirError
from seqkit.run_dir import write_text
from seqkit.tasks.base import Batches
from seqkit.tasks.base import Task
from seqkit.tasks.base import steps_for
from seqkit.tasks.forecast import calibration
from seqkit.tasks.forecast import data as data_lib
from seqkit.tasks.forecast import evaluation
from seqkit.tasks.forecast.config import ForecastDataConfig
from seqkit.tasks.forecast.config import ForecastModelConfig


@dataclasses.dataclass
class ForecastAssets:
    """What a forecast run learns: training statistics and the interval calibration.

    Attributes:
        normalizer: `seqkit.data.Normalizer` fitted on the training parts only.
        calibration: the interval calibration fitted on the validation
            windows after training (`calibration.Calibration`), or None (a
            point model, `calibration: none`, or not calibrated yet).
    """

    normalizer: object
    calibration: object = None

    def stats(self, columns):
        return ([self.normalizer.mean[c] for c in columns],
                [self.normalizer.std[c] for c in columns])


@dataclasses.dataclass
class Windows:
    """The examples of one part: `forecast_windows` arrays and the table they came from."""

    arrays: dict
    table: object
    part: str

    def __len__(self):
        return len(self.arrays["start"])


@dataclasses.dataclass
class ForecastBatches(Batches):
    """`Batches` that remember their windows (evaluation compares baselines on them)."""

    windows: Windows = None


class ForecastTask(Task):
    """Forecasting with recurrent, seq2seq, Transformer and DLinear models (`seqkit.models.Forecaster`)."""

    name = "forecast"
    sections = {
        "data": ForecastDataConfig,
        "model": ForecastModelConfig,
        "train": TrainConfig,
        "export": ExportConfig,
    }

    def __init__(self, config):
        super().__init__(config)
        self._tables = {}

    # ---- config

    @classmethod
    def monitor_modes(cls):
        return {"loss": "min"}

    @classmethod
    def check_config(cls, config):
        super().check_config(config)
        model = config.model
        if model.quantiles and model.calibration != "none" and not config.data.validation:
            raise ConfigError(
                f"model.calibration {model.calibration!r} fits the interval on the validation "
                "windows: set data.validation > 0, or model.calibration: none")

    @property
    def quantiles(self):
        return list(self.config.model.quantiles)

    # ---- data

    def data_files(self):
        # One file holds every part; its test part is what `evaluate` scores.
        data = self.config.data
        files = {"train": data.train}
        if data.test:
            files["test"] = data.train
        return files

    def table(self, path):
        """The file at `path` as a checked `SeriesTable` (read once per task)."""
        key = str(path)
        if key not in self._tables:
            if path is None:
                raise DataError("no data file: set data.train in the recipe")
            self._tables[key] = data_lib.load_table(self.config.data, path)
        return self._tables[key]

    def validate_data(self, splits, assets=None):
        data = self.config.data
        summary = None
        for split, path in splits.items():
            table = self.table(path)
            # Every part must hold windows: errors (window longer than the
            # training part, horizon longer than validation / test) surface now.
            for part in ("train", "validation", "test"):
                data_lib.windows(data, table, part)
            if split == "train":
                summary = data_lib.statistics(data, table)
        return summary

    def _windows(self, path, part):
        table = self.table(path)
        return Windows(data_lib.windows(self.config.data, table, part), table, part)

    def read_training_data(self):
        path = self.config.data.train
        validation = self._windows(path, "validation")
        return self._windows(path, "train"), (validation if len(validation) else None)

    def read_file(self, path):
        return self._windows(path, "test")

    def probes(self):
        """`fit` ends with the forecasts after the end of the training file's series."""
        return [self.config.data.train] if self.config.data.train else []

    def test_file(self):
        data = self.config.data
        return data.train if data.test else None

    # ---- assets

    def build_assets(self, train_examples, data_summary):
        return ForecastAssets(normalizer=data_summary)

    def save_assets(self, assets, directory):
        directory = pathlib.Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        write_text(directory / "statistics.json", assets.normalizer.to_json())
        if assets.calibration is not None:
            write_text(directory / "calibration.json", json.dumps({
                **assets.calibration.to_dict(), "fitted_on": "validation",
                "recent": self.config.model.calibration_recent,
                "nominal_coverage": self.quantiles[-1] - self.quantiles[0]}, indent=1) + "\n")

    def load_assets(self, directory):
        from seqkit.data.normalizer import Normalizer

        path = pathlib.Path(directory) / "statistics.json"
        try:
            normalizer = Normalizer.from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError) as error:
            raise RunDirError(
                f"cannot read {path} ({error}): the run's normalisation statistics are "
                "missing or corrupt. Train the run again with --overwrite") from None
        missing = [c for c in self.config.data.columns if c not in normalizer.columns]
        if missing:
            raise RunDirError(f"{path} has no statistics for column {missing[0]!r}")
        return ForecastAssets(normalizer=normalizer, calibration=self._load_calibration(directory))

    def _load_calibration(self, directory):
        # Absent until training ends (a resumed run is calibrated again).
        path = pathlib.Path(directory) / "calibration.json"
        method = self.config.model.calibration
        if not path.is_file() or not self.quantiles or method == "none":
            return None
        data = self.config.data
        try:
            fitted = calibration.Calibration.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise RunDirError(f"cannot read {path} ({error}): the run's interval calibration "
                              "is corrupt. Train the run again with --overwrite") from None
        if fitted.offsets.shape != (data.horizon, len(data.target_columns)):
            raise RunDirError(f"{path} holds offsets of shape {fitted.offsets.shape}; the recipe "
                              f"needs {(data.horizon, len(data.target_columns))}")
        if fitted.method != method:
            raise RunDirError(f"{path} holds a {fitted.method!r} calibration; the run's config "
                              f"says model.calibration {method!r}")
        return fitted

    def calibrate(self, model, assets, validation):
        """The trained model's interval calibration, fitted on the validation windows.

        Returns `assets` with `calibration` set (`model.calibration`, on the
        most recent `model.calibration_recent` of each series' validation
        windows); unchanged for a point model or `model.calibration: none`.
        """
        method = self.config.model.calibration
        if not self.quantiles or method == "none":
            return assets
        if validation is None or not len(validation):
            raise DataError(f"model.calibration {method!r} needs validation windows "
                            "(data.validation > 0); set model.calibration: none to keep the raw "
                            "interval")
        data = self.config.data
        arrays = validation.arrays
        rows = calibration.recent_rows(arrays["series"], arrays["start"],
                                       self.config.model.calibration_recent)
        arrays = {key: value[rows] for key, value in arrays.items()}
        outputs = model.predict(data_lib.model_inputs(data, arrays), batch_size=512, verbose=0)
        fitted = calibration.fit_calibration(
            method, arrays["target"], outputs, evaluation.target_history(data, arrays["window"]),
            self.quantiles)
        return dataclasses.replace(assets, calibration=fitted)

    def make_dataset(self, examples, assets, training):
        import tensorflow as tf

        arrays = examples.arrays
        inputs = data_lib.model_inputs(self.config.data, arrays)
        dataset = tf.data.Dataset.from_tensor_slices((inputs, arrays["target"]))
        train = self.config.train
        if training:
            dataset = dataset.shuffle(min(len(examples), train.shuffle_buffer), seed=train.seed,
                                      reshuffle_each_iteration=True)
        dataset = dataset.batch(train.batch_size).prefetch(tf.data.AUTOTUNE)
        return ForecastBatches(dataset=dataset, steps=steps_for(len(examples), train.batch_size),
                               examples=len(examples), windows=examples)

    # ---- model

    def build_model(self, assets):
        from seqkit.models.forecasting import Forecaster

        data, model = self.config.data, self.config.model
        columns = data.columns
        mean, std = assets.stats(columns)
        targets = len(data.target_columns)
        known_start = targets + len(data.covariates)
        forecaster = Forecaster(
            model.kind, data.window, data.horizon, mean, std,
            target_index=list(range(targets)),
            known_index=list(range(known_start, len(columns))),
            quantiles=self.quantiles or None, units=model.units, num_layers=model.num_layers,
            num_heads=model.num_heads, intermediate_dim=model.intermediate_dim,
            dropout=model.dropout, kernel_size=model.kernel_size, cell=model.cell,
            subtract_last=model.subtract_last, target_transform=data.target_transform,
            name="forecaster",
        )
        window = np.zeros((1, data.window, len(columns)), np.float32)
        future = np.zeros((1, data.horizon, len(data.known_covariates)), np.float32)
        forecaster(data_lib.model_inputs(data, {"window": window, "future": future}))
        return forecaster

    def compile_args(self, assets):
        from seqkit.models.forecast_loss import ForecastLoss

        data = self.config.data
        _, std = assets.stats(list(data.target_columns))
        return {"loss": ForecastLoss(self.config.model.loss, std, self.quantiles or None,
                                     transform=data.target_transform)}

    # ---- evaluation and prediction

    def evaluate(self, run, batches, plots_dir=None, title="validation"):
        windows = batches.windows
        return evaluation.evaluate_part(
            run.model, self.config.data, self.quantiles, windows.table, windows.part,
            plots_dir=plots_dir, calibration=run.assets.calibration)

    def summarize(self, report):
        model = report["model"]
        text = (f"{report['windows']} windows: MAE {model['mae']:.4f}, "
                f"RMSE {model['rmse']:.4f}, sMAPE {model['smape']:.2f}, MASE {model['mase']:.4f}")
        if report["baselines"]:
            best = min(report["baselines"].items(), key=lambda item: item[1]["mase"])
            text += f" (best baseline {best[0]}: MASE {best[1]['mase']:.4f})"
        if "coverage" in model:
            text += (f", coverage {model['coverage']:.3f} "
                     f"(nominal {model['nominal_coverage']:.2f}, calibration "
                     f"{model['calibration']}; {model['uncalibrated_coverage']:.3f} before)")
        return text

    def format_report(self, report):
        return evaluation.format_report(report)

    def forecast_history(self, serve, path, on_error="fail"):
        """Forecasts after the end of every series of the history CSV at `path`.

        Args:
            serve: the serving function (`ForecastServing.serve`, or the
                export's `serving_default`): `window` [N, window, columns]
                (and `future`) in, `forecast` (and `quantiles`) out.
            path: the history CSV (the training file's columns).
            on_error: "fail" or "skip": a series shorter than the window.

        Returns:
            (rows, skipped): one dict per series and future step (the columns
            of `history.output_columns`), and [(series id, reason)].
        """
        from seqkit.tasks.forecast import history

        data = self.config.data
        allow = list(data.target_columns) if data.known_covariates else []
        table = data_lib.load_table(data, path, allow_missing=allow)
        return history.forecast_table(data, self.quantiles, serve, table, on_error)

    def score_history(self, serve, input_path, output_path, on_error="fail"):
        """`seqkit forecast` and `seqkit score`: writes the forecast rows of a history CSV
        atomically (nothing when the history is bad).

        Returns a dict: `output` (the path), `rows`, `columns`, `series`
        (forecast), `skipped` ([(series id, reason)]) and `notes` (a line per
        skipped series, for the user).
        """
        import csv

        from seqkit.run_dir import atomic_write
        from seqkit.tasks.forecast import history

        rows, skipped = self.forecast_history(serve, input_path, on_error)
        columns = history.output_columns(self.config.data, self.quantiles)
        with atomic_write(output_path, newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(history.format_row(row) for row in rows)
        return {"output": str(output_path), "rows": len(rows), "columns": columns,
                "series": len(rows) // self.config.data.horizon, "skipped": skipped,
                "notes": [f"skipped series {series!r}: {reason}" for series, reason in skipped]}

    def history_groups(self):
        """`history.HistoryGroups`: this task's series-by-series scoring, for the Beam runner."""
        from seqkit.tasks.forecast import history

        return history.HistoryGroups(self.config.data, tuple(self.quantiles))

    def predict(self, run, inputs):
        """Forecasts for history CSV paths: one dict per series and future step."""
        module = self.serving_module(run)
        results = []
        for path in inputs:
            rows, _ = self.forecast_history(module.serve, path)
            results.extend(rows)
        return results

    def format_prediction(self, prediction):
        return ", ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
                         for k, v in prediction.items())

    # ---- serving

    def serving_module(self, run):
        from seqkit.tasks.forecast.serving import ForecastServing

        data = self.config.data
        return ForecastServing(run.model, data.columns, data.known_covariates, data.window,
                               data.horizon, self.quantiles, calibration=run.assets.calibration)

    def serving_spec(self, assets):
        from seqkit.serving import ServingInput
        from seqkit.serving import ServingOutput
        from seqkit.serving import ServingSpec

        data = self.config.data
        # `window`: each series' last `window` rows of every column, stacked.
        inputs = [ServingInput(name="window", dtype="float32",
                               shape=(None, data.window, len(data.columns)),
                               column=data.columns[0], columns=tuple(data.columns),
                               read="number")]
        if data.known_covariates:
            # The `horizon` rows after each series' last target (`seqkit forecast`).
            inputs.append(ServingInput(
                name="future", dtype="float32",
                shape=(None, data.horizon, len(data.known_covariates)),
                column=data.known_covariates[0], columns=tuple(data.known_covariates),
                read="number"))
        # Written by the task (`score_history`: one row per series and step).
        outputs = [ServingOutput(name="forecast", kind="array")]
        if self.quantiles:
            outputs.append(ServingOutput(name="quantiles", kind="array"))
        return ServingSpec(inputs=tuple(inputs), outputs=tuple(outputs),
                           group_by=data.id_column, window=data.window)

    def export_metadata(self, assets):
        from seqkit.config import build

        fitted = assets.calibration
        return {"forecast": {"data": build.to_plain(self.config.data),
                             "quantiles": self.quantiles,
                             "calibration": {"method": "none"} if fitted is None
                             else fitted.to_dict()}}

    @classmethod
    def contract_recipe(cls, directory):
        directory = pathlib.Path(directory)
        days = np.datetime64("2024-01-01") + np.arange(120)
        lines = ["date,store,sales,temp"]
        rng = np.random.default_rng(0)
        for store, level in (("a", 10.0), ("b", 20.0)):
            for i, day in enumerate(days):
                lines.append(f"{day},{store},{level + 3 * np.sin(i * 2 * np.pi / 7) + rng.normal():.3f},"
                             f"{rng.normal():.3f}")
        (directory / "series.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        recipe = json.dumps({
            "task": "forecast", "name": "forecast_contract",
            "data": {"train": str(directory / "series.csv"), "time_column": "date",
                     "target_columns": ["sales"], "covariates": ["temp"], "id_column": "store",
                     "window": 14, "horizon": 3, "validation": 14, "test": 14, "season": 7},
            "model": {"kind": "dlinear", "kernel_size": 5, "loss": "pinball",
                      "quantiles": [0.1, 0.5, 0.9]},
            "train": {"epochs": 1, "batch_size": 32, "learning_rate": 0.01},
        })
        rows = [{"date": str(day), "store": "a", "sales": "10.0", "temp": "0.5"}
                for day in days[:20]]
        return recipe, rows
