"""Benchmark: seqkit's recurrent layers (and MultiHeadAttention) vs Keras'.

Prints, for a training step (forward + backward + SGD update, via
`train_on_batch`) and for inference (`predict_on_batch`), the median time of
seqkit's LSTM / GRU / SimpleRNN in several configurations next to
`keras.layers.LSTM` / `GRU` / `SimpleRNN`, all measured interleaved in the
same process (the machine is shared, so only same-run ratios mean
anything), with and without `jit_compile`. Shape: batch 64, 100 time steps,
128 inputs, 256 units. The ratio column is seqkit / keras-best (<= 1.0 is
the target) and `%peak` is the share of the ~480 GFLOP/s float32 matmul peak
(matmul FLOPs only; a training step counts 3x the forward FLOPs).

    python bench/layers.py            # full run (a few minutes)
    python bench/layers.py --quick    # fewer repeats, fewer variants
    python bench/layers.py --kinds lstm --hoist   # the hoisting measurement
    python bench/layers.py --kinds lstm --sequences --no-mha   # seqkit's scan vs Keras' ops.scan

Runs under any Keras backend (`KERAS_BACKEND=jax|torch python bench/layers.py`);
the ratios are always against Keras' layers on the same backend. On torch,
`jit_compile=True` means `torch.compile`, which traces the loop over time
step by step (compiling a 6-step LSTM training step took 43 s in the torch
layer tests, Inductor's start-up included; this shape has 100 steps), so its
rows are left out unless `--torch-compile` is given.

If `bench/mha_bench.py` exists (it exposes `run(jit_compile) -> dict`), its
MultiHeadAttention rows are printed in the same table.
"""

import argparse
import importlib
import os
import statistics
import sys
import time

import numpy as np

# Run as `python bench/layers.py` from a checkout: make `seqkit` importable.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

BATCH, STEPS, INPUTS, UNITS = 64, 100, 128, 256
PEAK_FLOPS = 480e9
GATES = {"lstm": 4, "gru": 3, "simple_rnn": 1}


def forward_flops(kind):
    # Per step: x_t W (INPUTS x G*UNITS) and h U (UNITS x G*UNITS).
    return 2.0 * BATCH * STEPS * (INPUTS + UNITS) * GATES[kind] * UNITS


def make_model(kind, impl, jit_compile, options):
    import keras

    import seqkit.layers

    keras_classes = {
        "lstm": keras.layers.LSTM,
        "gru": keras.layers.GRU,
        "simple_rnn": keras.layers.SimpleRNN,
    }
    seqkit_classes = {
        "lstm": seqkit.layers.LSTM,
        "gru": seqkit.layers.GRU,
        "simple_rnn": seqkit.layers.SimpleRNN,
    }
    cls = keras_classes[kind] if impl == "keras" else seqkit_classes[kind]
    options = dict(options)
    loop = options.pop("_loop", None)
    options.pop("_keras_scan", None)
    layer = cls(UNITS, **options)
    if loop is not None:
        layer._loop = loop
    model = keras.Sequential([keras.Input((STEPS, INPUTS)), layer])
    model.compile(
        optimizer=keras.optimizers.SGD(1e-3), loss="mse", jit_compile=jit_compile
    )
    return model


def timed(fn):
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1e3


def keras_scan(step, init, xs, stack):
    """seqkit's scan as it was before `seqkit.layers._scan`: Keras' `ops.scan`
    keeping the whole carry at every step (on TensorFlow an unbounded
    `tf.while_loop`, which XLA cannot differentiate)."""
    from keras import ops

    def body(carry, x):
        carry = tuple(step(carry, x))
        return carry, (carry if stack else None)

    final, kept = ops.scan(body, tuple(init), xs)
    return tuple(final), (tuple(kept)[:stack] if stack else ())


def bench_kind(kind, variants, repeats, sequences=False):
    """Returns {label: (train_ms, infer_ms)} measured interleaved."""
    from seqkit.layers import _recurrent_utils

    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, STEPS, INPUTS)).astype("float32")
    y = rng.standard_normal((BATCH, STEPS, UNITS) if sequences else (BATCH, UNITS)).astype("float32")
    models = {}
    for label, impl, jit, options in variants:
        if sequences:
            options = dict(options, return_sequences=True)
        model = make_model(kind, impl, jit, options)
        seqkit_scan = _recurrent_utils.scan
        if options.get("_keras_scan"):  # traced (in the warm-up) with the old loop
            _recurrent_utils.scan = keras_scan
        try:
            for _ in range(2):  # compile + warm up
                model.train_on_batch(x, y)
                model.predict_on_batch(x)
        finally:
            _recurrent_utils.scan = seqkit_scan
        models[label] = model
    train = {label: [] for label in models}
    infer = {label: [] for label in models}
    for _ in range(repeats):
        for label, model in models.items():
            train[label].append(timed(lambda: model.train_on_batch(x, y)))
            infer[label].append(timed(lambda: model.predict_on_batch(x)))
    return {
        label: (statistics.median(train[label]), statistics.median(infer[label]))
        for label in models
    }


def variants_for(quick, hoist, loops=False, jit_settings=(False, True), sequences=False):
    variants = _all_variants(quick, hoist, loops, sequences)
    return [v for v in variants if v[2] in jit_settings]


def jit_settings(torch_compile):
    import keras

    if keras.backend.backend() == "torch" and not torch_compile:
        return (False,)
    return (False, True)


def _all_variants(quick, hoist, loops, sequences=False):
    keras_variants = [
        ("keras", "keras", False, {}),
        ("keras jit", "keras", True, {}),
    ]
    if sequences:
        # Returning sequences runs seqkit's scan; the old loop (Keras' ops.scan)
        # beside it, without XLA, which cannot train it on TensorFlow.
        seqkit_variants = [
            ("seqkit scan", "seqkit", False, {}),
            ("seqkit keras-ops-scan", "seqkit", False, {"_keras_scan": True}),
            ("seqkit scan jit", "seqkit", True, {}),
        ]
    elif loops:
        seqkit_variants = [
            (f"seqkit {loop}{' jit' if jit else ''}", "seqkit", jit, opts)
            for jit in (False, True)
            for loop, opts in (("scan", {"_loop": "scan"}), ("while", {"_loop": "while"}),
                               ("unroll", {"unroll": True}))
            # An unrolled XLA training step compiles for minutes (measured:
            # 25 s per step afterwards).
            if not (jit and loop == "unroll")
        ]
    elif hoist:
        seqkit_variants = [
            (f"seqkit {p}{' jit' if jit else ''}", "seqkit", jit,
             {"input_projection": p})
            for jit in (False, True)
            for p in ("per_step", "hoisted")
        ]
    else:
        # The unrolled variants are left out: slower here, and XLA takes
        # minutes to compile an unrolled training step (see --loops).
        seqkit_variants = [
            ("seqkit", "seqkit", False, {}),
            ("seqkit jit", "seqkit", True, {}),
        ]
    return keras_variants + seqkit_variants


def print_rows(name, results, flops):
    keras_train = min(v[0] for k, v in results.items() if k.startswith("keras"))
    keras_infer = min(v[1] for k, v in results.items() if k.startswith("keras"))
    for label, (train_ms, infer_ms) in results.items():
        print(
            f"{name:<11}{label:<26}"
            f"{train_ms:9.1f} {train_ms / keras_train:6.2f} "
            f"{100 * 3 * flops / (train_ms * 1e-3) / PEAK_FLOPS:6.1f}%  "
            f"{infer_ms:9.1f} {infer_ms / keras_infer:6.2f} "
            f"{100 * flops / (infer_ms * 1e-3) / PEAK_FLOPS:6.1f}%"
        )
    best = lambda i: min(v[i] for k, v in results.items() if k.startswith("seqkit"))
    print(
        f"{name:<11}{'=> best seqkit / best keras':<26}"
        f"{'':9} {best(0) / keras_train:6.2f} {'':8}{'':9} "
        f"{best(1) / keras_infer:6.2f}"
    )


def mha_rows(quick, jits=(False, True)):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        mha = importlib.import_module("mha_bench")
    except ImportError:
        print("MHA        (bench/mha_bench.py not present; skipped)")
        return
    results = {}
    for jit in jits:
        r = mha.run(jit_compile=jit)
        suffix = " jit" if jit else ""
        results[f"keras{suffix}"] = (r["train_keras_ms"], r["infer_keras_ms"])
        results[f"seqkit{suffix}"] = (r["train_seqkit_ms"], r["infer_seqkit_ms"])
    flops = r.get("forward_flops")
    if flops is None:
        # batch 32, length 256, d_model 256: 4 projections + 2 attention matmuls.
        b, n, d = 32, 256, 256
        flops = 2.0 * b * n * d * d * 4 + 2.0 * 2 * b * n * n * d
    print_rows("MHA", results, flops)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and variants")
    parser.add_argument("--kinds", default="lstm,gru,simple_rnn")
    parser.add_argument("--hoist", action="store_true",
                        help="compare input_projection per_step vs hoisted")
    parser.add_argument("--loops", action="store_true",
                        help="compare loop primitives (scan, while, unroll)")
    parser.add_argument("--sequences", action="store_true",
                        help="layers return sequences (seqkit's scan, and the old Keras ops.scan loop)")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--no-mha", action="store_true")
    parser.add_argument("--torch-compile", action="store_true",
                        help="on torch, also time jit_compile=True (torch.compile)")
    args = parser.parse_args(argv)
    import keras

    repeats = args.repeats if args.repeats is not None else (5 if args.quick else 15)
    print(
        f"backend={keras.backend.backend()} batch={BATCH} steps={STEPS} "
        f"inputs={INPUTS} units={UNITS} repeats={repeats} (median ms)"
    )
    print(f"{'layer':<11}{'config':<26}{'train ms':>9} {'ratio':>6} {'%peak':>7}  "
          f"{'infer ms':>9} {'ratio':>6} {'%peak':>7}")
    jits = jit_settings(args.torch_compile)
    if jits == (False,):
        print("(torch: jit_compile=True rows left out; --torch-compile adds them)")
    for kind in args.kinds.split(","):
        variants = variants_for(args.quick, args.hoist, args.loops, jits, args.sequences)
        results = bench_kind(kind, variants, repeats, args.sequences)
        print_rows(kind, results, forward_flops(kind))
        sys.stdout.flush()
    if not args.no_mha:
        mha_rows(args.quick, jits)


if __name__ == "__main__":
    main()
