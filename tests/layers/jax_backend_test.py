"""Runs the layer tests again under KERAS_BACKEND=jax (skipped without jax)."""

import importlib.util
import os
import pathlib
import subprocess
import sys

import keras
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="jax is not installed")
@pytest.mark.skipif(keras.backend.backend() == "jax", reason="already running on jax")
def test_layer_tests_pass_on_the_jax_backend():
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/layers", "-m", "not tf_only", "-q",
         "-p", "no:cacheprovider", "--deselect", "tests/layers/jax_backend_test.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    tail = (result.stdout + result.stderr)[-4000:]
    assert result.returncode == 0, tail
    assert " passed" in result.stdout, tail  # "no tests ran" must not pass
