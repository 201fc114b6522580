"""Runs the layer tests again under KERAS_BACKEND=jax and =torch (each skipped when absent).

Each pass is a fresh `pytest tests/layers` subprocess, since Keras fixes its
backend at import. This file is deselected inside the passes, so they never
nest.
"""

import importlib.util
import os
import pathlib
import subprocess
import sys

import keras
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
THIS = "tests/layers/backends_test.py"

# backend: (environment it runs under, tests it leaves out and why).
BACKENDS = {
    "jax": ({"JAX_PLATFORMS": "cpu"}, ()),
    # torch.compile (Keras' jit_compile=True on torch) spends ~20 s of CPU
    # starting Inductor for each of these tests; the pass keeps every other test.
    "torch": (
        {"CUDA_VISIBLE_DEVICES": ""},
        ("tests/layers/recurrent_test.py::test_training_step_compiles_with_jit_and_matches_eager_graph",
         "tests/layers/scan_test.py::test_a_sequence_returning_layer_trains_under_jit_like_without"),
    ),
}


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_layer_tests_pass_on_another_backend(backend):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed")
    if keras.backend.backend() == backend:
        pytest.skip(f"already running on {backend}")
    extra_env, left_out = BACKENDS[backend]
    env = dict(os.environ, KERAS_BACKEND=backend, **extra_env)
    deselect = [arg for test in (THIS, *left_out) for arg in ("--deselect", test)]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/layers", "-m", "not tf_only", "-q",
         "-p", "no:cacheprovider", *deselect],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
    )
    tail = (result.stdout + result.stderr)[-4000:]
    assert result.returncode == 0, tail
    assert " passed" in result.stdout, tail  # "no tests ran" must not pass


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="jax is not installed")
def test_seqkit_layers_import_no_tensorflow():
    # Under the TensorFlow backend Keras imports it anyway; under JAX nothing may.
    code = (
        "import sys, keras, seqkit.layers; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'jax', 'seqkit'}))"
    )
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert result.stdout.strip() == "['jax', 'seqkit']", result.stdout
