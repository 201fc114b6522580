"""`seqkit fit` under KERAS_BACKEND=jax: tf.data feeding a JAX-backend model, and
the export (jax2tf) serving raw strings in a process that imports only TensorFlow.

The JAX side runs once, in its own process (`tests.scale.jax_session`: Keras
fixes its backend at import); the tests below read its report. The backend
checks themselves are pure functions, tested here on any backend.
"""

import csv
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from seqkit.errors import ConfigError
from seqkit.tasks.classify import ClassifyTask
from seqkit.tasks.registry import TASKS
from seqkit.training.backend import check_backend
from tests.export_test import run_in_fresh_process
from tests.scale.recipe import ROOT
from tests.scale.recipe import environment
from tests.scale.jax_session import SCORED
from tests.scale.jax_session import TEXTS

needs_jax = pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="jax is not installed")


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    if importlib.util.find_spec("jax") is None:
        pytest.skip("jax is not installed")
    directory = tmp_path_factory.mktemp("jax")
    env = environment(KERAS_BACKEND="jax", JAX_PLATFORMS="cpu")
    done = subprocess.run([sys.executable, "-m", "tests.scale.jax_session", str(directory)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    return directory, json.loads(done.stdout.strip().splitlines()[-1])


@needs_jax
@pytest.mark.large
def test_fit_runs_the_model_on_jax(session):
    _, report = session
    assert report["fit"]["exit_code"] == 0, report["fit"]["output"][-3000:]
    reference = report["reference"]
    assert reference["backend"] == "jax"
    assert reference["weights_are_jax_arrays"] and reference["outputs_are_jax_arrays"]
    # Under JAX training batches are padded wider (seqkit.data.round_up_width): no output changes.
    np.testing.assert_allclose(reference["padded_probabilities"], reference["probabilities"], rtol=0, atol=1e-6)
    training = report["metrics"]["training"]
    assert training["jit_compile"] is True and training["replicas"] == 1
    assert training["precision"] == "float32"


@needs_jax
@pytest.mark.large
def test_export_in_a_fresh_tensorflow_process_equals_the_jax_model(session):
    directory, report = session
    assert report["export"]["exit_code"] == 0, report["export"]["output"][-3000:]
    versions = sorted((directory / "serve").iterdir())
    assert [v.name for v in versions] == ["1"]
    meta = json.loads((versions[0] / "assets.extra" / "seqkit.json").read_text())
    assert "XlaCallModule" in meta["ops"]  # the JAX computation, converted by jax2tf
    assert meta["custom_ops"] == {"tensorflow_text": [], "unknown": []}

    result = run_in_fresh_process(versions[0], TEXTS)

    expected = np.asarray(report["reference"]["probabilities"])
    got = np.asarray(result["probabilities"])
    assert got.shape == expected.shape == (len(TEXTS), 2)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5)
    labels = report["reference"]["labels"]
    assert result["label"] == [labels[i] for i in expected.argmax(axis=-1)]
    assert not [m for m in result["loaded_modules"] if m.split(".")[0] in ("jax", "jaxlib", "seqkit")]


@needs_jax
@pytest.mark.large
def test_evaluate_predict_and_score_work_under_jax(session):
    directory, report = session
    for command in ("evaluate", "predict", "score_run", "score_export"):
        assert report[command]["exit_code"] == 0, (command, report[command]["output"][-3000:])
    assert "accuracy" in report["evaluate"]["output"]
    expected = np.asarray(report["reference"]["probabilities"])
    labels = report["reference"]["labels"]
    assert report["predict"]["output"].startswith(labels[int(expected[0].argmax())] + "\t")
    for name in ("scored_run.csv", "scored_export.csv"):
        with open(directory / name, newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert [row["text"] for row in rows] == SCORED
        got = np.asarray([[float(row[f"prob_{label}"]) for label in labels] for row in rows])
        want = expected[[TEXTS.index(text) for text in SCORED]]
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)  # the CSV keeps 6 decimals


@needs_jax
@pytest.mark.large
@pytest.mark.parametrize("command", ["mirrored", "multi_worker", "refused_task"])
def test_what_jax_cannot_do_is_refused_in_one_line(session, command):
    directory, report = session
    if command not in report:
        pytest.skip("every task runs on jax")
    result = report[command]
    assert result["exit_code"] == 2, result["output"][-3000:]
    lines = result["output"].strip().splitlines()
    assert len(lines) == 1 and "jax" in lines[0], lines
    if command == "refused_task":
        assert f"task '{result['task']}'" in lines[0]
        assert not (directory / result["task"] / "run").exists()
    else:
        assert "--strategy" in lines[0]
        assert not (directory / {"mirrored": "mirrored", "multi_worker": "multi"}[command]).exists()


def test_strategies_other_than_default_are_tensorflow_only():
    check_backend(ClassifyTask, "mirrored", backend="tensorflow")
    check_backend(ClassifyTask, "default", backend="jax")
    for strategy in ("mirrored", "multi-worker"):
        with pytest.raises(ConfigError, match=f"--strategy {strategy} .*KERAS_BACKEND=jax"):
            check_backend(ClassifyTask, strategy, backend="jax")


@pytest.mark.parametrize("name", sorted(TASKS))
def test_each_task_runs_on_tensorflow_and_names_itself_where_it_is_refused(name):
    task_class = TASKS[name]
    check_backend(task_class, backend="tensorflow")
    if "jax" in task_class.backends:
        check_backend(task_class, backend="jax")
    else:
        with pytest.raises(ConfigError, match=f"task '{name}' does not run on the jax backend"):
            check_backend(task_class, backend="jax")
    with pytest.raises(ConfigError, match=f"task '{name}' does not run on the torch backend"):
        check_backend(task_class, backend="torch")


def test_a_run_of_a_refused_task_is_not_loaded_under_jax(tmp_path, monkeypatch):
    import keras

    from seqkit.config import load_config
    from seqkit.run import load_run

    name = next(n for n, cls in sorted(TASKS.items()) if "jax" not in cls.backends)
    recipe, _ = TASKS[name].contract_recipe(tmp_path)
    (tmp_path / "recipe.yaml").write_text(recipe)
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.yaml").write_text(load_config([tmp_path / "recipe.yaml"]).to_yaml())
    (run / "model.keras").write_bytes(b"")  # refused before it is read
    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    with pytest.raises(ConfigError, match=f"task '{name}' does not run on the jax backend"):
        load_run(run)
