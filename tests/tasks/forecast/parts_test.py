"""The forecast task's pieces: statistics, evaluation with baselines, history forecasts."""

import numpy as np
import pytest

from seqkit.errors import DataError
from seqkit.tasks.forecast import data as data_lib
from seqkit.tasks.forecast import evaluation
from seqkit.tasks.forecast import history
from seqkit.tasks.forecast.config import ForecastDataConfig
from seqkit.tasks.forecast.config import ForecastModelConfig


@pytest.fixture
def write(tmp_path):
    def _write(name, text):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return _write


def series_csv(write, days=60, stores=("a", "b"), name="s.csv", tail=None):
    dates = np.datetime64("2024-01-01") + np.arange(days)
    lines = ["date,store,sales,temp"]
    for k, store in enumerate(stores):
        count = days if tail is None or store != stores[-1] else tail
        for i, d in enumerate(dates[:count]):
            lines.append(f"{d},{store},{10 * (k + 1) + (i % 7) + 0.01 * i},{i % 5}")
    return write(name, "\n".join(lines) + "\n")


def config(**changes):
    base = dict(train="x", target_columns=("sales",), covariates=("temp",), id_column="store",
                window=14, horizon=3, validation=10, test=10, season=7)
    base.update(changes)
    return ForecastDataConfig(**base)


def test_statistics_see_the_training_part_only(write):
    data = config()
    table = data_lib.load_table(data, series_csv(write))
    stats = data_lib.statistics(data, table)
    train = np.concatenate([s.values[:40] for s in table.series])
    assert stats.mean["sales"] == pytest.approx(train[:, 0].mean())
    assert stats.std["temp"] == pytest.approx(train[:, 1].std())
    # Whatever the later parts hold, the statistics do not move.
    for one in table.series:
        one.values[40:] *= 1000.0
    again = data_lib.statistics(data, table)
    assert again.mean == stats.mean and again.std == stats.std


def test_mase_scale_is_the_in_sample_seasonal_naive_error(write):
    data = config(season=7)
    table = data_lib.load_table(data, series_csv(write))
    values = table.series[0].values[:40, 0]
    expected = np.abs(values[7:] - values[:-7]).mean()
    assert data_lib.mase_scales(data, table)[0, 0] == pytest.approx(expected)
    assert data_lib.mase_scales(config(season=1), table)[0, 0] != pytest.approx(expected)


class Oracle:
    """A 'model' that forecasts the seasonal naive values (or quantiles around them)."""

    def __init__(self, quantiles=None):
        self.quantiles = quantiles

    def predict(self, window, batch_size=None, verbose=0):
        point = window[:, -7:-4, :1]  # season 7, horizon 3: the steps a week before
        if not self.quantiles:
            return point
        return np.stack([point - 1, point, point + 1], axis=-1)


def test_evaluation_puts_baselines_beside_the_model(write, tmp_path):
    data = config()
    table = data_lib.load_table(data, series_csv(write))
    report = evaluation.evaluate_part(Oracle([0.1, 0.5, 0.9]), data, [0.1, 0.5, 0.9], table,
                                      "test", plots_dir=tmp_path)
    assert report["windows"] == 2 * (10 - 3 + 1)
    # The oracle is the seasonal naive forecast, so their metrics agree.
    naive = report["baselines"]["seasonal_naive"]
    for name in ("mae", "rmse", "smape", "mase"):
        assert report["model"][name] == pytest.approx(naive[name], rel=1e-5)
    assert set(report["baselines"]) == {"last_value", "seasonal_naive", "holt_winters"}
    assert len(report["model"]["per_step"]["mae"]) == 3
    assert 0 <= report["model"]["coverage"] <= 1 and report["model"]["nominal_coverage"] == 0.8
    assert (tmp_path / "forecasts_test.png").stat().st_size > 0
    assert (tmp_path / "error_by_step_test.png").stat().st_size > 0
    assert "seasonal_naive" in evaluation.format_report(report)


def test_history_forecast_rows_continue_the_time_stamps(write):
    data = config()
    table = data_lib.load_table(data, series_csv(write, days=30))
    arrays, skipped = history.history_windows(data, table)
    assert skipped == [] and arrays["window"].shape == (2, 14, 2)
    np.testing.assert_allclose(arrays["window"][1], table.series[1].values[-14:], rtol=1e-6)
    point = np.arange(6, dtype=np.float32).reshape(2, 3, 1)
    rows = history.forecast_rows(data, table, arrays, point)
    assert [(r["store"], r["date"], r["step"], r["sales"]) for r in rows[:4]] == [
        ("a", "2024-01-31", 1, 0.0), ("a", "2024-02-01", 2, 1.0), ("a", "2024-02-02", 3, 2.0),
        ("b", "2024-01-31", 1, 3.0)]
    quantiles = np.zeros((2, 3, 1, 2))
    assert history.output_columns(data, [0.1, 0.9]) == ["store", "date", "step", "sales",
                                                        "sales_q10", "sales_q90"]
    assert set(history.forecast_rows(data, table, arrays, point, quantiles, [0.1, 0.9])[0]) == {
        "store", "date", "step", "sales", "sales_q10", "sales_q90"}


def test_a_series_shorter_than_the_window_is_skipped_or_an_error(write):
    data = config()
    table = data_lib.load_table(data, series_csv(write, days=30, tail=5))
    arrays, skipped = history.history_windows(data, table, on_error="skip")
    assert arrays["series"].tolist() == [0]
    assert skipped[0][0] == "b" and "shorter than the window" in skipped[0][1]
    with pytest.raises(DataError, match="series 'b' has 5 steps"):
        history.history_windows(data, table, on_error="fail")


def test_model_config_checks():
    from seqkit.errors import ConfigError

    with pytest.raises(ConfigError, match="pinball"):
        ForecastModelConfig(loss="pinball")
    with pytest.raises(ConfigError, match="increasing"):
        ForecastModelConfig(loss="pinball", quantiles=(0.9, 0.1))
    with pytest.raises(ConfigError, match="listed twice"):
        config(covariates=("sales",))
    with pytest.raises(ConfigError, match="horizon"):
        config(horizon=0)


def test_known_covariates_come_from_the_rows_after_the_last_target(write):
    data = config(covariates=(), known_covariates=("temp",), id_column=None, window=5)
    lines = ["date,store,sales,temp"] + [
        f"2024-01-{d:02d},a,{d},{d * 10}" for d in range(1, 11)] + [
        f"2024-01-{d:02d},a,,{d * 10}" for d in range(11, 14)]
    path = write("h.csv", "\n".join(lines) + "\n")
    table = data_lib.load_table(data, path, allow_missing=["sales"])
    arrays, _ = history.history_windows(data, table)
    assert arrays["window"][0, :, 0].tolist() == [6, 7, 8, 9, 10]
    assert arrays["future"][0, :, 0].tolist() == [110, 120, 130]
    rows = history.forecast_rows(data, table, arrays, np.zeros((1, 3, 1)))
    assert rows[0]["date"] == "2024-01-11"
    short = write("s.csv", "\n".join(lines[:-1]) + "\n")
    table = data_lib.load_table(data, short, allow_missing=["sales"])
    with pytest.raises(DataError, match="2 future rows of known covariates"):
        history.history_windows(data, table)


def test_log1p_statistics_are_those_of_the_transformed_targets(write):
    data = config(target_transform="log1p")
    table = data_lib.load_table(data, series_csv(write))
    stats = data_lib.statistics(data, table)
    train = np.concatenate([s.values[:40] for s in table.series])
    assert stats.mean["sales"] == pytest.approx(np.log1p(train[:, 0]).mean())
    assert stats.std["sales"] == pytest.approx(np.log1p(train[:, 0]).std())
    # Covariates keep their units.
    assert stats.mean["temp"] == pytest.approx(train[:, 1].mean())


def test_log1p_refuses_a_negative_target_naming_line_and_column(write):
    path = series_csv(write)
    lines = open(path).read().splitlines()
    date, store, _, temp = lines[5].split(",")
    lines[5] = f"{date},{store},-2.5,{temp}"
    bad = write("neg.csv", "\n".join(lines) + "\n")
    # Without the transform a negative value is fine.
    data_lib.load_table(config(), bad)
    with pytest.raises(DataError, match=r"line 6, column 'sales': -2.5 is negative .*log1p"):
        data_lib.load_table(config(target_transform="log1p"), bad)
    # A negative covariate is fine either way.
    lines = open(path).read().splitlines()
    date, store, sales, _ = lines[5].split(",")
    lines[5] = f"{date},{store},{sales},-3"
    data_lib.load_table(config(target_transform="log1p"), write("cov.csv", "\n".join(lines) + "\n"))
