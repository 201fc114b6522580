import numpy as np
import pytest
import tensorflow as tf

from seqkit.data import Normalizer
from seqkit.data import read_timeseries_csv
from seqkit.data import split_in_order


def test_fit_on_train_only_matches_numpy_and_applies_to_test():
    rng = np.random.default_rng(0)
    values = rng.normal(5.0, 2.0, size=(1000, 2)) + np.linspace(0, 20, 1000)[:, None]
    ds = tf.data.Dataset.from_tensor_slices({"a": values[:, 0], "b": values[:, 1].astype(np.float32)})
    train, test = split_in_order(ds, [0.7, 0.3], 1000)
    norm = Normalizer(["a", "b"]).fit(train, chunk_size=64)
    assert norm.mean["a"] == pytest.approx(values[:700, 0].mean(), rel=1e-12)
    assert norm.std["a"] == pytest.approx(values[:700, 0].std(), rel=1e-12)
    assert norm.mean["b"] == pytest.approx(values[:700, 1].astype(np.float32).astype(np.float64).mean(), rel=1e-9)
    # Not the statistics of the whole series (the trend makes them differ).
    assert abs(norm.mean["a"] - values[:, 0].mean()) > 1.0
    out = np.array([r["a"] for r in test.apply(norm.transform()).as_numpy_iterator()])
    np.testing.assert_allclose(out, (values[700:, 0] - values[:700, 0].mean()) / values[:700, 0].std())
    np.testing.assert_allclose(norm.inverse(out, "a"), values[700:, 0])
    again = Normalizer.from_json(norm.to_json())
    assert again.mean == norm.mean and again.std == norm.std


def test_nan_is_skipped_when_fitting_and_kept():
    ds = tf.data.Dataset.from_tensor_slices({"x": np.array([1.0, np.nan, 3.0], np.float32)})
    norm = Normalizer(["x"]).fit(ds)
    assert (norm.mean["x"], norm.std["x"]) == (2.0, 1.0)
    out = [r["x"] for r in ds.apply(norm.transform()).as_numpy_iterator()]
    assert out[0] == -1.0 and np.isnan(out[1]) and out[2] == 1.0


def test_unfitted_and_constant_columns():
    with pytest.raises(ValueError, match="fit"):
        Normalizer(["x"]).transform()
    ds = tf.data.Dataset.from_tensor_slices({"x": [4.0, 4.0]})
    assert Normalizer(["x"]).fit(ds).std == {"x": 1.0}


def test_pollution_train_statistics(shared_data):
    path = shared_data / "timeseries" / "pollution.csv"
    ds = read_timeseries_csv(path, "No", ["pm2.5", "TEMP"], validate=False)
    n = 43824
    train, _, _ = split_in_order(ds, [0.7, 0.15, 0.15], n)
    norm = Normalizer(["pm2.5", "TEMP"]).fit(train)
    import csv

    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))[: round(0.7 * n)]
    temp = np.array([float(r["TEMP"]) for r in rows], np.float32).astype(np.float64)
    pm = np.array([float(r["pm2.5"]) for r in rows if r["pm2.5"] != "NA"], np.float32).astype(np.float64)
    assert norm.mean["TEMP"] == pytest.approx(temp.mean(), rel=1e-9)
    assert norm.std["TEMP"] == pytest.approx(temp.std(), rel=1e-9)
    assert norm.mean["pm2.5"] == pytest.approx(pm.mean(), rel=1e-9)
    assert norm.std["pm2.5"] == pytest.approx(pm.std(), rel=1e-9)
