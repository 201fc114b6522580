"""Batch-scoring benchmark: `seqkit score` against the naive approach, same run.

Generates CSVs of short reviews (100k and 1M rows by default) in a temporary
directory and scores each one twice, each time in a fresh subprocess so peak
memory (`ru_maxrss` of that process) belongs to one approach only:

- seqkit: `seqkit.scoring.score_csv` on the exported SavedModel (streamed CSV
  chunks, fixed-size batches through the in-graph serving signature, atomic
  output).
- naive: `pandas.read_csv` of the whole file, then per row batch (as many rows
  as seqkit's chunk): tokenize eagerly, `model.predict(batch_size=...)` on the
  ids padded to `max_length` (no tf.data pipeline, no serving graph), and
  `DataFrame.to_csv` at the end.

Throughput counts reading, scoring and writing; loading the model is timed
apart. Peak memory is printed two ways per child: `ru_maxrss` (the whole
process, start-up included: importing TensorFlow peaks above what scoring
a small file needs, so it can hide growth) and the peak RSS while scoring
(VmHWM after the child resets it with `/proc/self/clear_refs` once the model
is loaded).

The targets: seqkit's peak memory for the largest file within 1.2x of that
for the smallest, and its throughput at least the naive approach's.

    python bench/score.py                 # 100k and 1M rows (several minutes)
    python bench/score.py --quick         # 10k and 100k rows
    python bench/score.py --run-dir runs/sentiment --rows 100000,1000000
"""

import argparse
import json
import os
import pathlib
import random
import resource
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
PIPELINE = ROOT / "pipelines" / "sentiment.yaml"
TINY_MODEL = (
    "train.epochs=1",
    "model.embedding_dim=16",
    "model.units=16",
    "tokenizer.max_length=32",
)

SUBJECTS = ["the film", "the movie", "the plot", "the acting", "the ending", "the score",
            "the cast", "the script", "this sequel", "the director's cut"]
VERBS = ["was", "is", "felt", "seemed", "looked"]
ADVERBS = ["", "", "very ", "not ", "never ", "really ", "hardly ", "quite ", "so "]
ADJECTIVES = ["good", "bad", "great", "awful", "boring", "fun", "dull", "superb",
              "moving", "predictable", "clever", "tedious", "charming", "weak"]
TAILS = ["", "", " and I loved it", ", a waste of time", " but the pacing dragged",
         ", would watch again", " -- \"five stars\"", " and the music, too"]


def generate_csv(path, rows, seed=0):
    """Writes `rows` generated reviews with an id and a star count."""
    rng = random.Random(seed)
    import csv

    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["review_id", "sentence", "stars"])
        for start in range(0, rows, 10_000):
            block = []
            for i in range(start, min(rows, start + 10_000)):
                text = (
                    f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(ADVERBS)}"
                    f"{rng.choice(ADJECTIVES)}{rng.choice(TAILS)}"
                )
                block.append((i, text, rng.randint(1, 5)))
            writer.writerows(block)
    return path


def _status_mb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _current_rss_mb():
    return _status_mb("VmRSS")


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _start_scoring_window():
    """Returns the startup peak and resets the peak RSS (VmHWM), so that
    `_scoring_peak_mb` measures the scoring alone (Linux: /proc/self/clear_refs).

    `ru_maxrss` cannot be reset in a TensorFlow process: threads that exited
    during start-up already folded the start-up peak into it.
    """
    startup_peak = _peak_rss_mb()
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return startup_peak, True
    except OSError:
        return startup_peak, False


def child_seqkit(args):
    import tensorflow  # noqa: F401  (imported before the clock starts, as in child_naive)

    from seqkit import runner
    from seqkit.scoring import score_csv

    started = time.perf_counter()
    scorer = runner.scorer(args.source)
    scorer.predict({scorer.spec.inputs[0].name: ["warm up the graph"]}, batch_size=1)
    loaded_rss = _current_rss_mb()
    load_seconds = time.perf_counter() - started
    startup_peak, window = _start_scoring_window()
    result = score_csv(
        scorer, args.input, args.output, batch_size=args.batch_size, chunk_size=args.chunk_size
    )
    return {
        "rows": result.rows,
        "seconds": result.seconds,
        "load_seconds": load_seconds,
        "loaded_rss_mb": loaded_rss,
        "startup_peak_mb": startup_peak,
        "peak_rss_mb": _peak_rss_mb(),
        "scoring_peak_mb": _status_mb("VmHWM") if window else float("nan"),
    }


def child_naive(args):
    import numpy as np
    import pandas as pd
    import tensorflow as tf

    from seqkit import runner

    started = time.perf_counter()
    run = runner.load_run(args.source)
    max_length = run.config.tokenizer.max_length
    text_column = run.task.serving_spec(run.assets).columns[0]
    run.model.predict(np.zeros((1, 4), np.int32), verbose=0)
    loaded_rss = _current_rss_mb()
    load_seconds = time.perf_counter() - started
    startup_peak, window = _start_scoring_window()

    started = time.perf_counter()
    frame = pd.read_csv(args.input)
    texts = frame[text_column].astype(str).tolist()
    pieces = []
    # Row batches as large as seqkit's chunks: each model.predict call costs a
    # fixed setup, so small row batches would make the naive approach look worse.
    for start in range(0, len(texts), args.chunk_size):
        ids = run.assets.tokenizer.tokenize(tf.constant(texts[start : start + args.chunk_size]))
        # A fixed width, so model.predict does not retrace for every batch.
        dense = ids[:, :max_length].to_tensor(default_value=0, shape=[None, max_length])
        pieces.append(run.model.predict(dense, batch_size=args.batch_size, verbose=0))
    probabilities = np.concatenate(pieces)
    frame["predicted_label"] = np.asarray(run.assets.labels, dtype=object)[probabilities.argmax(axis=-1)]
    for index, name in enumerate(run.assets.labels):
        frame[f"prob_{name}"] = probabilities[:, index]
    frame.to_csv(args.output, index=False, float_format="%.6f")
    return {
        "rows": len(frame),
        "seconds": time.perf_counter() - started,
        "load_seconds": load_seconds,
        "loaded_rss_mb": loaded_rss,
        "startup_peak_mb": startup_peak,
        "peak_rss_mb": _peak_rss_mb(),
        "scoring_peak_mb": _status_mb("VmHWM") if window else float("nan"),
    }


def run_child(approach, source, input_path, output_path, batch_size, chunk_size):
    command = [
        sys.executable, __file__, "--child", approach, "--source", str(source),
        "--input", str(input_path), "--output", str(output_path),
        "--batch-size", str(batch_size), "--chunk-size", str(chunk_size),
    ]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(ROOT))
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{approach} on {input_path} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def train_tiny_run(work_dir, overrides):
    """Trains one short epoch on the default data; returns the run directory."""
    sys.path.insert(0, str(ROOT))
    from seqkit import config as config_lib
    from seqkit import runner

    config = config_lib.load_config([PIPELINE], overrides=list(overrides))
    run_dir = pathlib.Path(work_dir) / "run"
    runner.fit(config, run_dir=run_dir, verbose=0)
    return run_dir


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100000,1000000", help="comma-separated row counts")
    parser.add_argument("--quick", action="store_true", help="10k and 100k rows")
    parser.add_argument("--run-dir", help="a trained run (default: train a tiny one)")
    parser.add_argument("--set", action="append", default=None, dest="overrides",
                        help=f"config override for the tiny run (default: {' '.join(TINY_MODEL)})")
    parser.add_argument("--batch-size", type=int, default=512)
    parser.add_argument("--chunk-size", type=int, default=10_000)
    parser.add_argument("--keep", help="keep the generated files in this directory")
    parser.add_argument("--child", choices=["seqkit", "naive"], help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        result = (child_seqkit if args.child == "seqkit" else child_naive)(args)
        print(json.dumps(result))
        return

    sizes = [10_000, 100_000] if args.quick else [int(n) for n in args.rows.split(",")]
    work = pathlib.Path(args.keep) if args.keep else pathlib.Path(tempfile.mkdtemp(prefix="seqkit-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()

    run_dir = args.run_dir
    if run_dir is None:
        print("training a tiny run on the default data ...", flush=True)
        run_dir = train_tiny_run(work, args.overrides or TINY_MODEL)
    sys.path.insert(0, str(ROOT))
    from seqkit import export
    from seqkit import runner

    version_dir = export.export_run(runner.load_run(run_dir), work / "serving")
    print(f"run: {run_dir}\nexport: {version_dir}", flush=True)

    results = {}
    for rows in sizes:
        input_path = generate_csv(work / f"reviews_{rows}.csv", rows)
        size_mb = input_path.stat().st_size / 2**20
        for approach, source in (("seqkit", version_dir), ("naive", run_dir)):
            output = work / f"scored_{approach}_{rows}.csv"
            result = run_child(approach, source, input_path, output, args.batch_size, args.chunk_size)
            assert result["rows"] == rows, result
            results[(approach, rows)] = result
            print(
                f"{approach:6s} {rows:>9,d} rows ({size_mb:5.1f} MB): "
                f"{rows / result['seconds']:>7,.0f} rows/s  "
                f"ru_maxrss {result['peak_rss_mb']:5.0f} MB  "
                f"peak while scoring {result['scoring_peak_mb']:5.0f} MB "
                f"(+{result['scoring_peak_mb'] - result['loaded_rss_mb']:.0f} MB over the loaded model)  "
                f"load {result['load_seconds']:.1f}s",
                flush=True,
            )
        _check_same_labels(work / f"scored_seqkit_{rows}.csv", work / f"scored_naive_{rows}.csv")
        for approach in ("seqkit", "naive"):
            (work / f"scored_{approach}_{rows}.csv").unlink()
        if not args.keep:
            input_path.unlink()

    small, large = sizes[0], sizes[-1]
    print()
    for approach in ("seqkit", "naive"):
        for key, what in (("peak_rss_mb", "ru_maxrss"), ("scoring_peak_mb", "peak while scoring")):
            ratio = results[(approach, large)][key] / results[(approach, small)][key]
            print(f"{approach:6s} {what} {large:,d} / {small:,d} rows: {ratio:.2f}x"
                  + ("   (target <= 1.20x)" if approach == "seqkit" else ""))
    for rows in sizes:
        seqkit_rate = rows / results[("seqkit", rows)]["seconds"]
        naive_rate = rows / results[("naive", rows)]["seconds"]
        print(f"throughput seqkit / naive at {rows:,d} rows: {seqkit_rate / naive_rate:.2f}x   (target >= 1.00x)")
    print(f"total {time.perf_counter() - began:.0f}s")


def _check_same_labels(seqkit_path, naive_path):
    """Both approaches must agree on every predicted label."""
    import csv

    with open(seqkit_path, newline="", encoding="utf-8") as a, open(naive_path, newline="", encoding="utf-8") as b:
        ra, rb = csv.DictReader(a), csv.DictReader(b)
        differ = sum(x["predicted_label"] != y["predicted_label"] for x, y in zip(ra, rb))
    if differ:
        print(f"  warning: {differ} predicted labels differ between seqkit and naive")


if __name__ == "__main__":
    main()
