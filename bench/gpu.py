"""Benchmark: train seqkit's Transformer LM and BiLSTM classifier on the JAX backend.

The GPU path of seqkit is Keras' JAX backend (the GPU machines carry JAX, not
TensorFlow), so this script needs only keras, numpy and jax: it imports no
TensorFlow (`seqkit.layers` uses keras.ops only; an installed TensorFlow is
hidden from Keras' optional probes, as if absent) and feeds generated token
data straight from NumPy. JAX picks the device itself (a GPU with jax[cuda],
else the CPU); the device is printed. Two models, built here from
seqkit.layers (seqkit/models' own builders need not exist on this path):

- `lm`: a decoder-only Transformer language model,
  TokenAndPositionEmbedding -> N x TransformerDecoderBlock (causal
  self-attention, pre-norm) -> Dense(vocabulary), next-token cross-entropy.
- `bilstm`: Embedding -> Bidirectional(LSTM) -> Dense(classes).

For each model it prints the median step time of a jit-compiled training step
(forward, backward, AdamW update; `train_on_batch`, which waits for the step
to finish), tokens/s (batch x sequence length per step), the model FLOP/s and
MFU, their share of the accelerator's peak (`--peak-tflops`).

FLOPs are counted analytically, matrix products only, 2 FLOPs per
multiply-add, and a training step counts 3x the forward pass (the backward
pass costs two forward passes):

- lm, per token: 6 * P + 12 * L * T * d, where P is the number of weights in
  matrix products (per block 4 d^2 for Q, K, V and the output projection plus
  2 d f for the feed-forward network, and d V for the output layer; embedding
  lookups are free) and 12 L T d counts the attention scores Q K^T and the
  weighted sum of V over all T keys (the full square, not half of it for the
  causal mask: the convention of PaLM's MFU, Chowdhery et al. 2022, app. B).
  The script checks P against the kernels of the model it built.
- bilstm, per token: 3 * 2 directions * 2 (E + H) 4H for the gate products
  (every position, padding or not, goes through the cell), plus the output
  layer once per sequence.

Each model is timed next to its peer built from Keras' own layers (the same
sizes, `keras.layers.MultiHeadAttention` / `LSTM`), in the same run, and the
ratio seqkit / keras step time is printed (`--peer none` skips the peers).

Layer norms, softmax, activations and the optimizer update are left out, so
MFU is a slight underestimate of the hardware's work.

    KERAS_BACKEND=jax python3 bench/gpu.py                  # GPU-sized models
    KERAS_BACKEND=jax python3 bench/gpu.py --quick          # tiny, for the CPU
    KERAS_BACKEND=jax python3 bench/gpu.py --dtype float32 --peak-tflops 67

`--dtype bfloat16` (the default) is Keras' `mixed_bfloat16` policy (float32
weights, bfloat16 compute; the logits and the loss stay float32); `float32`
computes in float32 (on NVIDIA GPUs XLA may use TF32 tensor cores for it).
The default peak is the H200 SXM's dense bfloat16 figure (989 TFLOP/s, half
the 1,979 of NVIDIA's datasheet, which counts 2:4 sparsity); pass the peak of
the machine and dtype you run on (on a CPU the MFU against a GPU peak is only
a placeholder).
"""

import argparse
import os
import random
import statistics
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
# Run as on the GPU machines, which have no TensorFlow: hide an installed one.
# Keras probes for it now and then (serialize_keras_object, which seqkit's
# Bidirectional calls, imports it just to check for tf.TensorShape); hidden,
# the probes find none, and anything that truly needed it would fail here.
sys.modules.setdefault("tensorflow", None)

import numpy as np  # noqa: E402

# Run as `python bench/gpu.py` from a checkout: make `seqkit` importable.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

H200_BF16_DENSE_TFLOPS = 989.0

# name: sizes. "lm": vocabulary V, model width d, blocks L, heads, feed-forward
# width f, sequence length T, batch. "bilstm": vocabulary, embedding E, units H
# per direction, classes, sequence length, batch.
CONFIGS = {
    "full": {
        "lm": dict(vocab=32000, d=1024, layers=8, heads=16, ff=4096, seq=1024, batch=32),
        "bilstm": dict(vocab=32000, embed=512, units=1024, classes=4, seq=256, batch=128),
    },
    "quick": {
        "lm": dict(vocab=512, d=64, layers=2, heads=4, ff=128, seq=32, batch=8),
        "bilstm": dict(vocab=512, embed=32, units=32, classes=4, seq=16, batch=16),
    },
}


def lm_matmul_weights(c):
    return c["layers"] * (4 * c["d"] ** 2 + 2 * c["d"] * c["ff"]) + c["d"] * c["vocab"]


def lm_train_flops_per_token(c):
    return 6 * lm_matmul_weights(c) + 12 * c["layers"] * c["seq"] * c["d"]


def bilstm_train_flops_per_token(c):
    gates = 2 * 2 * (c["embed"] + c["units"]) * 4 * c["units"]
    head = 2 * 2 * c["units"] * c["classes"] / c["seq"]
    return 3 * (gates + head)


def build_lm(c):
    import keras

    from seqkit import layers

    tokens = keras.Input((c["seq"],), dtype="int32")
    x = layers.TokenAndPositionEmbedding(
        c["vocab"], c["seq"], c["d"], mask_zero=False, name="embedding"
    )(tokens)
    for i in range(c["layers"]):
        x = layers.TransformerDecoderBlock(
            c["heads"], c["ff"], norm_first=True, name=f"block_{i}"
        )(x)
    x = keras.layers.LayerNormalization(epsilon=1e-5, name="final_norm")(x)
    logits = keras.layers.Dense(c["vocab"], dtype="float32", name="logits")(x)
    return keras.Model(tokens, logits, name="transformer_lm")


def build_bilstm(c):
    import keras

    from seqkit import layers

    tokens = keras.Input((c["seq"],), dtype="int32")
    x = keras.layers.Embedding(c["vocab"], c["embed"], mask_zero=True, name="embedding")(tokens)
    x = layers.Bidirectional(layers.LSTM(c["units"]), name="bilstm")(x)
    logits = keras.layers.Dense(c["classes"], dtype="float32", name="logits")(x)
    return keras.Model(tokens, logits, name="bilstm_classifier")


def build_lm_keras(c):
    """The same decoder-only LM from Keras' built-in layers: the peer of `build_lm`."""
    import keras

    tokens = keras.Input((c["seq"],), dtype="int32")
    x = keras.layers.Embedding(c["vocab"], c["d"], name="token_embedding")(tokens)
    positions = keras.layers.Embedding(c["seq"], c["d"], name="position_embedding")(
        keras.ops.arange(c["seq"])
    )
    x = x + positions
    for i in range(c["layers"]):
        h = keras.layers.LayerNormalization(epsilon=1e-5)(x)
        h = keras.layers.MultiHeadAttention(c["heads"], c["d"] // c["heads"])(
            h, h, use_causal_mask=True
        )
        x = x + h
        h = keras.layers.LayerNormalization(epsilon=1e-5)(x)
        h = keras.layers.Dense(c["ff"], activation="relu")(h)
        x = x + keras.layers.Dense(c["d"])(h)
    x = keras.layers.LayerNormalization(epsilon=1e-5, name="final_norm")(x)
    logits = keras.layers.Dense(c["vocab"], dtype="float32", name="logits")(x)
    return keras.Model(tokens, logits, name="keras_transformer_lm")


def build_bilstm_keras(c):
    """The same BiLSTM classifier from Keras' built-in LSTM: the peer of `build_bilstm`."""
    import keras

    tokens = keras.Input((c["seq"],), dtype="int32")
    x = keras.layers.Embedding(c["vocab"], c["embed"], mask_zero=True, name="embedding")(tokens)
    x = keras.layers.Bidirectional(keras.layers.LSTM(c["units"]), name="bilstm")(x)
    logits = keras.layers.Dense(c["classes"], dtype="float32", name="logits")(x)
    return keras.Model(tokens, logits, name="keras_bilstm_classifier")


def lm_data(rng, c):
    """Noisy arithmetic progressions over ids 1..V-1, shifted for next-token prediction."""
    n, t, v = c["batch"], c["seq"] + 1, c["vocab"] - 1
    start = rng.integers(0, v, size=(n, 1))
    stride = rng.integers(1, 8, size=(n, 1))
    ids = (start + stride * np.arange(t)[None, :]) % v + 1
    noise = rng.random((n, t)) < 0.1
    ids = np.where(noise, rng.integers(1, v + 1, size=(n, t)), ids).astype("int32")
    return ids[:, :-1], ids[:, 1:]


def bilstm_data(rng, c):
    """Random ids; the class is the quarter of the vocabulary the first id falls in."""
    ids = rng.integers(1, c["vocab"], size=(c["batch"], c["seq"])).astype("int32")
    labels = (ids[:, 0] * c["classes"] // c["vocab"]).astype("int32")
    return ids, labels


MODELS = {
    "lm": (build_lm, lm_data, lm_train_flops_per_token),
    "bilstm": (build_bilstm, bilstm_data, bilstm_train_flops_per_token),
}
# The same architectures from Keras' built-in layers, timed in the same run
# (`--peer keras`): the ratio column is seqkit step time / Keras step time.
PEERS = {"lm": build_lm_keras, "bilstm": build_bilstm_keras}


def count_matmul_weights(model):
    """Kernels of rank >= 2 outside embedding tables: the weights in matrix products."""
    return sum(
        int(np.prod(w.shape))
        for w in model.weights
        if len(w.shape) >= 2 and "embedding" not in w.path and "bias" not in w.name
    )


def bench_model(name, c, steps, warmup, seed, peer=False):
    import jax
    import keras

    build, make_data, flops_per_token = MODELS[name]
    if peer:
        build = PEERS[name]
    # Keras draws unseeded initial weights from Python's `random` (what
    # keras.utils.set_random_seed does on JAX, less its TensorFlow probe).
    random.seed(seed)
    model = build(c)
    if name == "lm" and not peer and count_matmul_weights(model) != lm_matmul_weights(c):
        raise AssertionError(
            f"FLOP formula out of date: the model has {count_matmul_weights(model)} "
            f"matmul weights, the formula {lm_matmul_weights(c)}"
        )
    model.compile(
        optimizer=keras.optimizers.AdamW(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=True,
    )
    rng = np.random.default_rng(seed)
    batches = [tuple(jax.device_put(a) for a in make_data(rng, c)) for _ in range(4)]
    start = time.perf_counter()
    first_loss = float(model.train_on_batch(*batches[0]))
    compile_s = time.perf_counter() - start
    for i in range(1, warmup):
        model.train_on_batch(*batches[i % len(batches)])
    times = []
    loss = first_loss
    for i in range(steps):
        start = time.perf_counter()
        loss = float(model.train_on_batch(*batches[i % len(batches)]))  # waits for the step
        times.append(time.perf_counter() - start)
    step_s = statistics.median(times)
    tokens = c["batch"] * c["seq"]
    return {
        "params": model.count_params(),
        "tokens_per_step": tokens,
        "compile_s": compile_s,
        "step_ms": 1e3 * step_s,
        "tokens_per_s": tokens / step_s,
        "tflops": flops_per_token(c) * tokens / step_s / 1e12,
        "first_loss": first_loss,
        "last_loss": loss,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny models, for a CPU")
    parser.add_argument("--dtype", choices=("bfloat16", "float32"), default="bfloat16")
    parser.add_argument("--peak-tflops", type=float, default=H200_BF16_DENSE_TFLOPS,
                        help="peak of the device for --dtype, in TFLOP/s (default: H200 bf16 dense)")
    parser.add_argument("--models", default="lm,bilstm", help="comma-separated: lm, bilstm")
    parser.add_argument("--steps", type=int, default=None, help="timed steps (default 20, quick 5)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps, the first compiles")
    parser.add_argument("--batch-size", type=int, default=None, help="override both models' batch")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--peer", choices=("keras", "none"), default="keras",
                        help="also time the same model built from Keras' own layers "
                             "(default) and print seqkit / keras step time")
    args = parser.parse_args(argv)
    names = [n for n in args.models.split(",") if n]
    unknown = sorted(set(names) - set(MODELS))
    if unknown or not names:
        parser.error(f"--models: unknown {unknown}; choose from {sorted(MODELS)}")
    if args.steps is not None and args.steps < 1 or args.warmup < 1 or args.peak_tflops <= 0:
        parser.error("--steps and --warmup must be >= 1 and --peak-tflops > 0")

    import keras

    if keras.backend.backend() != "jax":
        parser.error(f"needs KERAS_BACKEND=jax; this run has {keras.backend.backend()!r}")
    import jax

    keras.config.set_dtype_policy("mixed_bfloat16" if args.dtype == "bfloat16" else "float32")
    configs = CONFIGS["quick" if args.quick else "full"]
    steps = args.steps if args.steps is not None else (5 if args.quick else 20)
    device = jax.devices()[0]
    print(
        f"backend=jax {jax.__version__} keras {keras.__version__} device={device.platform}:"
        f"{device.device_kind} x{jax.device_count()} dtype={args.dtype} "
        f"peak={args.peak_tflops:g} TFLOP/s steps={steps} (median)"
    )
    if device.platform == "cpu":
        print("note: running on the CPU; MFU is against --peak-tflops, not this CPU's peak")
    print(f"{'model':<13}{'params':>12}{'tokens/step':>12}{'compile s':>10}{'step ms':>10}"
          f"{'tokens/s':>12}{'TFLOP/s':>11}{'MFU':>11}  loss first -> last")
    for name in names:
        c = dict(configs[name])
        if args.batch_size is not None:
            c["batch"] = args.batch_size
        runs = [(name, False)] + ([(f"{name}-keras", True)] if args.peer == "keras" else [])
        step_ms = {}
        for label, peer in runs:
            r = bench_model(name, c, steps, args.warmup, args.seed, peer=peer)
            step_ms[peer] = r["step_ms"]
            print(
                f"{label:<13}{r['params']:>12,}{r['tokens_per_step']:>12,}{r['compile_s']:>10.1f}"
                f"{r['step_ms']:>10.3f}{r['tokens_per_s']:>12,.0f}{r['tflops']:>11.4g}"
                f"{100 * r['tflops'] / args.peak_tflops:>10.3g}%  "
                f"{r['first_loss']:.3f} -> {r['last_loss']:.3f}",
                flush=True,
            )
        if True in step_ms:
            print(f"{name}: seqkit / keras step time = {step_ms[False] / step_ms[True]:.2f}",
                  flush=True)
    print(f"tensorflow imported: {'no' if sys.modules.get('tensorflow') is None else 'yes'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
