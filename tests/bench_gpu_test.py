"""bench/gpu.py trains both models under KERAS_BACKEND=jax and never imports TensorFlow."""

import importlib.util
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _load_bench_module(monkeypatch):
    """Imports bench/gpu.py for its formulas without letting it change this process.

    At import the script picks the JAX backend through `os.environ` and hides
    TensorFlow in `sys.modules`; both would leak into every later test (and
    every subprocess they start) if left in place.
    """
    import tensorflow  # noqa: F401  (present, so the script's setdefault leaves it)

    monkeypatch.setenv("KERAS_BACKEND", os.environ.get("KERAS_BACKEND", "tensorflow"))
    spec = importlib.util.spec_from_file_location("bench_gpu", ROOT / "bench" / "gpu.py")
    gpu = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gpu)
    return gpu


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="jax is not installed")
def test_quick_run_prints_the_figures_without_tensorflow():
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "bench/gpu.py", "--quick", "--steps", "2",
         "--warmup", "1", "--dtype", "float32", "--peak-tflops", "0.5"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    out = result.stdout
    assert re.search(r"backend=jax .* device=cpu:", out), out
    for model in ("lm", "bilstm"):
        number = r" +([\d.,e+-]+)"
        row = re.search(rf"^{model}{number}{number} +[\d.]+{number}{number}{number}{number}%", out, re.M)
        assert row, out
        params, tokens, step_ms, tokens_s, tflops, mfu = (float(g.replace(",", "")) for g in row.groups())
        assert params > 0 and step_ms > 0 and tflops > 0 and mfu > 0
        # tokens/s is the batch's tokens over the step time, and MFU is TFLOP/s over the peak.
        # The step time is printed to 3 decimals of a millisecond: the check allows that
        # rounding (half a unit either way) and the rounding of tokens/s to a whole number,
        # but nothing more.
        fastest, slowest = tokens / ((step_ms - 5e-4) / 1e3), tokens / ((step_ms + 5e-4) / 1e3)
        assert slowest - 0.5 <= tokens_s <= fastest + 0.5, (tokens_s, slowest, fastest)
        assert mfu == pytest.approx(100 * tflops / 0.5, rel=0.01)
    assert "tensorflow imported: no" in out
    # -X importtime lists every module imported, on stderr: TensorFlow is not among them.
    lines = result.stderr.splitlines()
    imported = [line.split("|")[-1].strip() for line in lines if line.startswith("import time:")]
    assert "keras" in imported and "jax" in imported
    assert not [name for name in imported if name.split(".")[0] == "tensorflow"]


def test_lm_flop_formula_counts_the_matrix_products(monkeypatch):
    gpu = _load_bench_module(monkeypatch)
    c = dict(vocab=10, d=4, layers=2, heads=2, ff=8, seq=3, batch=1)
    # per block: 4 d^2 (Q, K, V, output) + 2 d f (feed-forward); output layer d V.
    assert gpu.lm_matmul_weights(c) == 2 * (4 * 16 + 2 * 4 * 8) + 4 * 10
    assert gpu.lm_train_flops_per_token(c) == 6 * 296 + 12 * 2 * 3 * 4
    c = dict(vocab=10, embed=3, units=5, classes=2, seq=4, batch=1)
    assert gpu.bilstm_train_flops_per_token(c) == 3 * (2 * 2 * (3 + 5) * 20 + 2 * 2 * 5 * 2 / 4)
