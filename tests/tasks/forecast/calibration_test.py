"""CQR interval calibration: offsets by hand, nominal coverage by construction, validation only."""

import json

import numpy as np
import pytest

from seqkit.metrics import forecasting as fm
from seqkit.tasks.forecast import data as data_lib
from seqkit.tasks.forecast.calibration import apply_offsets
from seqkit.tasks.forecast.calibration import conformity_offsets


def test_offsets_are_the_finite_sample_quantile_of_the_conformity_scores():
    # Nine windows, one step, one target; the interval [0, 1] around 0.5.
    actual = np.array([-0.4, 0.2, 1.3, 0.5, -0.1, 2.0, 0.9, 1.1, -0.3]).reshape(9, 1, 1)
    outputs = np.broadcast_to(np.array([0.0, 0.5, 1.0]), (9, 1, 1, 3))
    # Scores max(lower - y, y - upper): 0.4 -0.2 0.3 -0.5 0.1 1.0 -0.1 0.1 0.3.
    # ceil((9 + 1) * 0.8) = 8: the 8th smallest of the sorted scores is 0.4.
    offsets = conformity_offsets(actual, outputs, 0.8)
    assert offsets.shape == (1, 1) and offsets[0, 0] == pytest.approx(0.4)
    # Fewer windows than the rank needs: the largest score.
    assert conformity_offsets(actual[:3], outputs[:3], 0.8)[0, 0] == pytest.approx(0.4)
    assert conformity_offsets(actual[:2], outputs[:2], 0.8)[0, 0] == pytest.approx(0.4)
    assert conformity_offsets(actual[1:3], outputs[1:3], 0.8)[0, 0] == pytest.approx(0.3)


@pytest.mark.parametrize("width", [0.3, 6.0])  # too narrow (under-covers), too wide
def test_calibrated_coverage_meets_nominal_on_the_calibration_windows(width):
    rng = np.random.default_rng(0)
    actual = rng.normal(0.0, 1.0, (300, 4, 2)) * np.array([1.0, 3.0])  # two targets' scales
    median = np.zeros_like(actual)
    outputs = np.stack([median - width, median, median + width], axis=-1)
    raw = fm.coverage(actual, outputs[..., 0], outputs[..., -1], per_step=True)
    offsets = conformity_offsets(actual, outputs, 0.8)
    fixed = np.asarray(apply_offsets(outputs.astype(np.float32), offsets))
    per_step = [fm.coverage(actual[:, :, t], fixed[:, :, t, 0], fixed[:, :, t, -1], per_step=True)
                for t in range(2)]
    assert abs(np.mean(raw) - 0.8) > 0.15  # the case needs calibrating
    # At least nominal at every step and target, and no more than one window above it.
    for covered in per_step:
        assert np.all(np.asarray(covered) >= 0.8) and np.all(np.asarray(covered) <= 0.8 + 2 / 300)
    # The middle level (the point forecast) does not move; the levels stay ordered.
    np.testing.assert_array_equal(fixed[..., 1], outputs[..., 1])
    assert np.all(np.diff(fixed, axis=-1) >= 0)


def test_a_negative_offset_narrows_but_never_crosses_the_inner_levels():
    outputs = np.array([[[[0.0, 1.0, 2.0]]], [[[0.0, 0.1, 2.0]]]], np.float32)  # [2, 1, 1, 3]
    fixed = np.asarray(apply_offsets(outputs, np.array([[-0.5]])))
    np.testing.assert_allclose(fixed[0, 0, 0], [0.5, 1.0, 1.5])
    np.testing.assert_allclose(fixed[1, 0, 0], [0.1, 0.1, 1.5])  # clipped at the median
    two = np.asarray(apply_offsets(np.array([[[[0.0, 2.0]]]], np.float32), np.array([[-5.0]])))
    np.testing.assert_allclose(two[0, 0, 0], [1.0, 1.0])  # two levels meet at their midpoint


def _recipe(tmp_path, calibration="cqr"):
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
                  "quantiles": [0.1, 0.5, 0.9], "calibration": calibration},
        "train": {"epochs": 1, "seed": 1},
    }))
    return path


def _task_and_model(tmp_path, calibration="cqr"):
    import keras

    from seqkit.config import load_config
    from seqkit.tasks import get_task

    task = get_task(load_config([_recipe(tmp_path, calibration)]))
    summary = task.validate_data(task.data_files())
    train, validation = task.read_training_data()
    assets = task.build_assets(train, summary)
    keras.utils.set_random_seed(1)
    return task, task.build_model(assets), assets, validation


def test_offsets_come_from_the_validation_windows_only(tmp_path):
    task, model, assets, validation = _task_and_model(tmp_path)
    offsets = task.calibrate(model, assets, validation).offsets
    data = task.config.data

    def offsets_on(part):
        arrays = data_lib.windows(data, task.table(data.train), part)
        outputs = model.predict(data_lib.model_inputs(data, arrays), verbose=0)
        return conformity_offsets(arrays["target"], outputs, 0.8)

    assert validation.part == "validation"
    np.testing.assert_allclose(offsets, offsets_on("validation"), rtol=1e-6)
    # The test part's offsets differ widely: a leak would show.
    assert np.all(offsets_on("test") > offsets + 5.0)


def test_calibration_none_keeps_the_raw_interval(tmp_path):
    task, model, assets, validation = _task_and_model(tmp_path, calibration="none")
    assert task.calibrate(model, assets, validation) is assets and assets.offsets is None


def test_cqr_without_a_validation_part_is_a_config_error(tmp_path):
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
