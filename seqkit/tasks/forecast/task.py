"""`ForecastTask`: time-series windows in, the next `horizon` values out (`task: forecast`)."""

import dataclasses
import json
import pathlib

import numpy as np

from seqkit.config import ExportConfig
from seqkit.config import TrainConfig
from seqkit.errors import DataError
from seqkit.errors import RunDirError
from seqkit.run_dir import write_text
from seqkit.tasks.base import Batches
from seqkit.tasks.base import Task
from seqkit.tasks.base import steps_for
from seqkit.tasks.forecast import data as data_lib
from seqkit.tasks.forecast import evaluation
from seqkit.tasks.forecast.config import ForecastDataConfig
from seqkit.tasks.forecast.config import ForecastModelConfig


@dataclasses.dataclass
class ForecastAssets:
    """What a forecast run learns from its data: the training statistics of every column.

    Attributes:
        normalizer: `seqkit.data.Normalizer` fitted on the training parts only.
    """

    normalizer: object

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
        return {"loss": "min", "mae": "min"}

    @property
    def quantiles(self):
        return list(self.config.model.quantiles)

    # ---- data

    def data_files(self):
        return {"train": self.config.data.train}

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
        return ForecastAssets(normalizer=normalizer)

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
            subtract_last=model.subtract_last, name="forecaster",
        )
        window = np.zeros((1, data.window, len(columns)), np.float32)
        future = np.zeros((1, data.horizon, len(data.known_covariates)), np.float32)
        forecaster(data_lib.model_inputs(data, {"window": window, "future": future}))
        return forecaster

    def compile_args(self, assets):
        from seqkit.models.forecast_loss import ForecastLoss

        data = self.config.data
        _, std = assets.stats(list(data.target_columns))
        return {"loss": ForecastLoss(self.config.model.loss, std, self.quantiles or None)}

    # ---- evaluation and prediction

    def evaluate(self, run, batches, plots_dir=None, title="validation"):
        windows = batches.windows
        return evaluation.evaluate_part(
            run.model, self.config.data, self.quantiles, windows.table, windows.part,
            plots_dir=plots_dir)

    def summarize(self, report):
        model = report["model"]
        best = min(report["baselines"].items(), key=lambda item: item[1]["mase"])
        text = (f"{report['part']} ({report['windows']} windows): MAE {model['mae']:.4f}, "
                f"RMSE {model['rmse']:.4f}, sMAPE {model['smape']:.2f}, MASE {model['mase']:.4f}"
                f" (best baseline {best[0]}: MASE {best[1]['mase']:.4f})")
        if "coverage" in model:
            text += (f", coverage {model['coverage']:.3f} "
                     f"(nominal {model['nominal_coverage']:.2f})")
        return text

    def format_report(self, report):
        return evaluation.format_report(report)

    def history_forecast(self, model_fn, path, on_error="error"):
        """Forecasts after the end of every series of the history CSV at `path`.

        `model_fn(window, future)` returns the serving outputs as NumPy arrays.
        Returns (rows, skipped) as `seqkit.tasks.forecast.history` describes.
        """
        from seqkit.tasks.forecast import history

        data = self.config.data
        allow = list(data.target_columns) if data.known_covariates else []
        table = data_lib.load_table(data, path, allow_missing=allow)
        arrays, skipped = history.history_windows(data, table, on_error)
        if len(arrays["series"]) == 0:
            return [], skipped
        outputs = model_fn(arrays["window"], arrays["future"])
        rows = history.forecast_rows(data, table, arrays, outputs["forecast"],
                                     outputs.get("quantiles"), self.quantiles)
        return rows, skipped

    def predict(self, run, inputs):
        """Forecasts for history CSV paths (each: one dict per series and step)."""
        def model_fn(window, future):
            return self.serving_module(run).serve(*self._serving_args(window, future))

        results = []
        for path in inputs:
            rows, _ = self.history_forecast(
                lambda w, f: {k: np.asarray(v) for k, v in model_fn(w, f).items()}, path)
            results.extend(rows)
        return results

    def format_prediction(self, prediction):
        return ", ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
                         for k, v in prediction.items())

    # ---- serving

    def _serving_args(self, window, future):
        return (window, future) if self.config.data.known_covariates else (window,)

    def serving_module(self, run):
        from seqkit.tasks.forecast.serving import ForecastServing

        data = self.config.data
        return ForecastServing(run.model, data.window, data.horizon, len(data.columns),
                               len(data.known_covariates), self.quantiles)

    def export_metadata(self, assets):
        data = self.config.data
        return {"forecast": {
            "columns": data.columns, "targets": list(data.target_columns),
            "known_covariates": list(data.known_covariates), "window": data.window,
            "horizon": data.horizon, "frequency": data.frequency,
            "time_column": list(data.time_column), "id_column": data.id_column,
            "quantiles": self.quantiles,
        }}

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
