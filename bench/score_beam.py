"""Beam scoring benchmark: `seqkit score --runner beam` against the local scorer, same run.

Generates N rows of short reviews (1M by default, `bench/score.py`'s generator)
in a temporary directory, once as one CSV and once cut into `--shards` files,
trains (or takes) a tiny classify run, exports it, then scores in two fresh
subprocesses, one after the other:

- local: `seqkit.scoring.score_csv` on the one file (streamed chunks, one
  process, the model call in a second thread).
- beam: `seqkit.scoring.beam.score_files` on the shards with Beam's
  DirectRunner, 2 worker processes (`direct_running_mode=multi_processing`),
  each loading the SavedModel once.

Rows/s counts the scoring call: reading, scoring, writing, and for Beam the
pipeline itself (worker start-up, model loading in each worker, shards and
manifest); loading the model in the calling process is timed apart. Peak
memory is the largest sum of RSS over the subprocess and all its
descendants (Beam's workers), sampled every 0.1 s from /proc. Both outputs
are checked to hold the same rows (an order-free checksum).

    flock /tmp/seqkit-bench.lock nice -n 5 python3 bench/score_beam.py
    python3 bench/score_beam.py --rows 100000 --export serving/sentiment

`--tasks` checks instead that every registered task's export scores the same
rows both ways: its contract recipe (`Task.contract_recipe`) is trained,
exported and its rows scored by the local runner and by Beam in process
(`runner.score` and `runner.score_beam`, so forecast writes its rows per series).

    python3 bench/score_beam.py --tasks
"""

import argparse
import csv
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import zlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from score import TINY_MODEL  # noqa: E402  (bench/ is on the path above)
from score import generate_csv  # noqa: E402
from score import train_tiny_run  # noqa: E402


def child(args):
    import tensorflow  # noqa: F401  (imported before the clock starts in both children)

    if args.child == "local":
        from seqkit.scoring import load_saved_model_scorer
        from seqkit.scoring import score_csv

        started = time.perf_counter()
        scorer = load_saved_model_scorer(args.source)
        load_seconds = time.perf_counter() - started
        result = score_csv(scorer, args.input, args.output, batch_size=args.batch_size)
        return {"rows": result.rows, "seconds": result.seconds, "load_seconds": load_seconds}
    from seqkit.scoring import beam

    result = beam.score_files(args.source, args.input, args.output, batch_size=args.batch_size,
                              beam_options={"direct_num_workers": args.workers})
    return {"rows": result.rows, "seconds": result.seconds, "load_seconds": result.load_seconds,
            "shards": [str(p) for p in result.shards]}


def _children(pid):
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as file:
                found += [int(c) for c in file.read().split()]
    except OSError:
        pass
    return found


def _rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_rss_mb(pid):
    """RSS of `pid` and all its descendants, in MB."""
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        total += _rss_mb(current)
        stack += _children(current)
    return total


def run_child(approach, source, input_path, output, args):
    command = [sys.executable, __file__, "--child", approach, "--source", str(source), "--input", str(input_path),
               "--output", str(output), "--batch-size", str(args.batch_size), "--workers", str(args.workers)]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, tree_rss_mb(process.pid))
            time.sleep(0.1)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"{approach} failed:\n{err.read().decode()[-4000:]}")
        result = json.loads(out.read().decode().strip().splitlines()[-1])
    result.update(peak_mb=peak, wall_seconds=wall)
    return result


def checksum(paths):
    """(rows, order-free checksum) of the data rows of CSV files with a header."""
    count, total = 0, 0
    for path in paths:
        with open(path, newline="", encoding="utf-8") as file:
            reader = csv.reader(file)
            next(reader)
            for row in reader:
                count += 1
                total += zlib.crc32("\x1f".join(row).encode("utf-8"))
    return count, total % (1 << 64)


def write_shards(source, folder, shards):
    """Cuts `source` (one header, rows without newlines inside) into `shards` files."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(source, encoding="utf-8") as file:
        header = file.readline()
        outs = [open(folder / f"part-{i:03d}.csv", "w", encoding="utf-8") for i in range(shards)]
        try:
            for out in outs:
                out.write(header)
            for index, line in enumerate(file):
                outs[index % shards].write(line)
        finally:
            for out in outs:
                out.close()
    return folder / "part-*.csv"


def check_tasks(work):
    """Every registered task: contract recipe -> fit -> export -> local and Beam scoring compared."""
    from seqkit import runner
    from seqkit.config import load_config
    from seqkit.tasks.registry import TASKS

    failed = []
    for name in sorted(TASKS):
        folder = work / name
        (folder / "out").mkdir(parents=True, exist_ok=True)
        recipe, rows = TASKS[name].contract_recipe(folder)
        (folder / "recipe.yaml").write_text(recipe)
        runner.fit(load_config([folder / "recipe.yaml"]), run_dir=folder / "run", verbose=0)
        version = runner.export(folder / "run", folder / "serving")
        with open(folder / "rows.csv", "w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        local = runner.score(version, folder / "rows.csv", folder / "local.csv")
        result = runner.score_beam(version, folder / "rows.csv", folder / "out" / "scored",
                                   beam_options={"direct_running_mode": "in_memory"})
        with open(folder / "local.csv", newline="", encoding="utf-8") as file:
            want = list(csv.reader(file))
        got = []
        for shard in result.shards:
            with open(shard, newline="", encoding="utf-8") as file:
                got += list(csv.reader(file))[1:]
        same = sorted(got) == sorted(want[1:])
        print(f"{name}: local {local.rows} rows, beam {result.rows} rows; columns {want[0]}; every row equal: {same}",
              flush=True)
        failed += [] if same else [name]
    return failed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--shards", type=int, default=4, help="input files for Beam")
    parser.add_argument("--workers", type=int, default=2, help="Beam DirectRunner worker processes")
    parser.add_argument("--batch-size", type=int, default=512)
    parser.add_argument("--export", help="an exported SavedModel (default: train and export a tiny run)")
    parser.add_argument("--keep", help="keep the generated files in this directory")
    parser.add_argument("--tasks", action="store_true", help="check every task's export both ways instead")
    parser.add_argument("--child", choices=["local", "beam"], help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return

    work = pathlib.Path(args.keep) if args.keep else pathlib.Path(tempfile.mkdtemp(prefix="seqkit-bench-beam-"))
    work.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    if args.tasks:
        sys.exit(1 if check_tasks(work) else 0)
    source = args.export
    if source is None:
        print("training a tiny run on the default data ...", flush=True)
        run_dir = train_tiny_run(work, TINY_MODEL)
        from seqkit import export
        from seqkit import runner

        source = export.export_run(runner.load_run(run_dir), work / "serving")
    print(f"export: {source}", flush=True)
    single = generate_csv(work / "reviews.csv", args.rows)
    pattern = write_shards(single, work / "shards", args.shards)
    (work / "beam-out").mkdir(exist_ok=True)
    size_mb = single.stat().st_size / 2**20

    local = run_child("local", source, single, work / "local.csv", args)
    beam = run_child("beam", source, pattern, work / "beam-out" / "scored", args)
    for name, result in (("local", local), ("beam", beam)):
        assert result["rows"] == args.rows, (name, result)
        print(f"{name:5s} {args.rows:,d} rows ({size_mb:.1f} MB): {args.rows / result['seconds']:>8,.0f} rows/s "
              f"({result['seconds']:.1f}s scoring, model load {result['load_seconds']:.1f}s, process "
              f"{result['wall_seconds']:.1f}s)  peak memory {result['peak_mb']:,.0f} MB (with child processes)",
              flush=True)
    same = checksum([work / "local.csv"]) == checksum(beam["shards"])
    print(f"outputs hold the same rows: {same}")
    rate = (args.rows / beam["seconds"]) / (args.rows / local["seconds"])
    print(f"rows/s beam ({args.workers} workers, {args.shards} shards) / local: {rate:.2f}x")
    print(f"peak memory beam / local: {beam['peak_mb'] / local['peak_mb']:.2f}x")
    print(f"total {time.perf_counter() - began:.0f}s")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
