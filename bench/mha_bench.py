"""Benchmark: seqkit MultiHeadAttention against keras.layers.MultiHeadAttention.

Self-attention, batch 32, length 256, d_model 256, 8 heads of 32. Both layers
are timed interleaved in the same process (one step of each, in turn), so
machine noise hits both alike. A training step is forward + backward +
optimizer update (SGD) on a mean-square loss, run through
`keras.Model.train_on_batch`; inference is `predict_on_batch`.

    python bench/mha_bench.py            # table of both jit_compile settings
    python bench/mha_bench.py --steps 5  # quicker

`run(jit_compile)` returns the median milliseconds per step as a dict with keys
`train_seqkit_ms`, `train_keras_ms`, `infer_seqkit_ms`, `infer_keras_ms`.
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import keras  # noqa: E402

BATCH, LENGTH, D_MODEL, HEADS = 32, 256, 256, 8
# Forward FLOPs: 4 projections + Q.K^T + weights.V; a train step is ~3x.
FORWARD_FLOP = 4 * 2 * BATCH * LENGTH * D_MODEL * D_MODEL + 2 * 2 * BATCH * LENGTH * LENGTH * D_MODEL
PEAK_GFLOPS = 480.0  # float32 matmul peak of the reference 2-core machine


def _model(layer_cls, jit_compile):
    inputs = keras.Input((LENGTH, D_MODEL))
    outputs = layer_cls(num_heads=HEADS, key_dim=D_MODEL // HEADS)(inputs, inputs)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(1e-3), loss="mse", jit_compile=jit_compile)
    return model


def run(jit_compile, steps=15, warmup=3):
    """Median ms per train / inference step of both layers under one jit_compile setting."""
    from seqkit.layers.multi_head_attention import MultiHeadAttention

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(BATCH, LENGTH, D_MODEL)).astype("float32")
    y = np.zeros_like(x)
    models = {
        "seqkit": _model(MultiHeadAttention, jit_compile),
        "keras": _model(keras.layers.MultiHeadAttention, jit_compile),
    }
    times = {f"{kind}_{name}_ms": [] for kind in ("train", "infer") for name in models}
    for kind in ("train", "infer"):
        for i in range(warmup + steps):
            for name, model in models.items():
                start = time.perf_counter()
                if kind == "train":
                    model.train_on_batch(x, y)
                else:
                    model.predict_on_batch(x)
                elapsed = (time.perf_counter() - start) * 1000.0
                if i >= warmup:
                    times[f"{kind}_{name}_ms"].append(elapsed)
    return {key: statistics.median(values) for key, values in times.items()}


def _share_of_peak(ms, flop):
    return flop / (ms / 1000.0) / 1e9 / PEAK_GFLOPS


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=15)
    args = parser.parse_args(argv)
    results = {jit: run(jit, steps=args.steps) for jit in (False, True)}
    print(f"MultiHeadAttention, batch {BATCH}, length {LENGTH}, d_model {D_MODEL}, "
          f"{HEADS} heads; median ms/step, backend {keras.backend.backend()}")
    print(f"{'step':<6}{'jit':<7}{'seqkit':>9}{'keras':>9}{'ratio':>8}{'seqkit % peak':>15}")
    for kind, flop in (("train", 3 * FORWARD_FLOP), ("infer", FORWARD_FLOP)):
        for jit, res in results.items():
            s, k = res[f"{kind}_seqkit_ms"], res[f"{kind}_keras_ms"]
            print(f"{kind:<6}{str(jit):<7}{s:9.1f}{k:9.1f}{s / k:8.2f}"
                  f"{100 * _share_of_peak(s, flop):14.0f}%")
        best_s = min(r[f"{kind}_seqkit_ms"] for r in results.values())
        best_k = min(r[f"{kind}_keras_ms"] for r in results.values())
        print(f"{kind:<6}{'best':<7}{best_s:9.1f}{best_k:9.1f}{best_s / best_k:8.2f}")


if __name__ == "__main__":
    main()
