"""Step time of `--precision float32|mixed` x `--jit-compile on|off`, in one run.

Builds the classifier of a recipe (pipelines/sentiment.yaml by default) through
`seqkit.training.Trainer` under each combination, trains it on generated token
ids for a few warm-up steps and then times `--steps` steps, and prints each
combination's step time with its ratio against float32 without XLA measured in
the same run. "mixed" is what this machine's backend picks (bfloat16 on a CPU,
float16 with loss scaling on a GPU). A combination the backend cannot run is
reported, not fatal.

    flock /tmp/seqkit-bench.lock python bench/precision.py
    flock /tmp/seqkit-bench.lock python bench/precision.py --set model.encoder=transformer --steps 10
"""

import argparse
import os
import pathlib
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def step_time(config, policy, jit, batch, length, vocabulary, steps):
    import numpy as np

    from seqkit.run_dir import RunDir
    from seqkit.tasks.classify.model import build_classifier
    from seqkit.training import Trainer

    trainer = Trainer(config.train, RunDir(tempfile.mkdtemp()), precision=policy, jit_compile=jit)
    model = trainer.build(
        lambda: build_classifier(config, vocabulary, 1, 2),
        {"loss": "categorical_crossentropy"}, steps,
    )
    rng = np.random.default_rng(0)
    ids = rng.integers(5, vocabulary, size=(batch, length)).astype("int32")
    targets = np.eye(2, dtype="float32")[rng.integers(0, 2, size=batch)]
    for _ in range(3):  # trace, compile, warm up
        model.train_on_batch(ids, targets)
    start = time.perf_counter()
    for _ in range(steps):
        loss = model.train_on_batch(ids, targets)
    elapsed = (time.perf_counter() - start) / steps
    return elapsed, float(loss if np.isscalar(loss) else loss[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", default=str(ROOT / "pipelines" / "sentiment.yaml"))
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--length", type=int, default=64)
    parser.add_argument("--vocabulary", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    import keras

    from seqkit.config import load_config
    from seqkit.errors import ConfigError
    from seqkit.training.precision import dtype_policy

    config = load_config([args.recipe], args.overrides)
    batch = config.train.batch_size
    print(f"backend {keras.backend.backend()}, model {config.model.encoder.kind}, batch {batch} x "
          f"{args.length} tokens, {args.steps} timed steps")
    results = {}
    for precision in ("float32", "mixed"):
        try:
            policy = dtype_policy(precision)
        except ConfigError as error:
            print(f"{precision}: skipped ({error})")
            continue
        for jit in (False, True):
            try:
                seconds, loss = step_time(config, policy, jit, batch, args.length, args.vocabulary, args.steps)
            except Exception as error:  # an XLA or dtype failure is a result, not a crash
                print(f"{policy:15s} jit={'on ' if jit else 'off'}  failed: {type(error).__name__}: "
                      f"{str(error).splitlines()[0][:150]}")
                continue
            results[(policy, jit)] = seconds
            base = results.get(("float32", False))
            ratio = f"{seconds / base:5.2f}x float32/no-jit" if base else ""
            print(f"{policy:15s} jit={'on ' if jit else 'off'}  {seconds * 1000:8.1f} ms/step  loss {loss:.4f}  {ratio}")


if __name__ == "__main__":
    main()
