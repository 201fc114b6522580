"""Validity of sampled ABC tunes per strategy and temperature, measured with music21.

Loads a trained music run, samples `--num` tunes from nothing with each strategy at
each temperature and each sampling seed (the run's other decoding settings: top_k,
top_p, max_length; `--max-length` replaces the run's max_length, `--seeds` its
seed), and reports the share that parse, carry X/T/M/L/K, have >= 4 bars and full
bars (`seqkit.tasks.generate.music.check_tune`), the share that ended with [END]
before the maximum length (character models: fewer characters than max_length - 1),
and the number of distinct tunes. With several seeds, a last row per setting gives
the mean validity over the seeds, their spread (max - min) and the pooled count.
`--save-dir` writes each row's tunes to `<strategy>_t<temperature>_s<seed>.json`
(a list of str); `--recheck DIR` reads such files back and checks them
again without a model (to compare checker versions on the same tunes).

    python3 bench/music_validity.py runs/music --num 100 --temperatures 0.6 0.8 1.0
    python3 bench/music_validity.py runs/music --strategies top_p --temperatures 0.6 \\
        --seeds 7 8 9 --save-dir samples/
    python3 bench/music_validity.py --recheck samples/
"""

import argparse
import json
import pathlib
import statistics

_HEAD = "| strategy | temperature | seed | valid | parses | headers | >= 4 bars | full bars | ended | distinct |"


def _row(strategy, temperature, seed, texts, max_length):
    from seqkit.tasks.generate.music import validity_report

    r = validity_report(texts)
    ended = "-" if max_length is None else f"{sum(len(t) < max_length - 1 for t in texts) / len(texts):.2f}"
    print(f"| {strategy} | {temperature} | {seed} | {r['valid']:.2f} | {r['parses']:.2f} | {r['headers']:.2f} | "
          f"{r['min_bars']:.2f} | {r['full_bars']:.2f} | {ended} | {len(set(texts))} |", flush=True)
    return r["valid"], len(texts)


def _summary(strategy, temperature, rows):
    if len(rows) < 2:
        return
    rates = [rate for rate, _ in rows]
    print(f"| {strategy} | {temperature} | mean of {len(rows)} | **{statistics.mean(rates):.3f}** "
          f"(spread {min(rates):.2f}-{max(rates):.2f}, n={sum(n for _, n in rows)}) | | | | | | |", flush=True)


def _tunes_file(directory, strategy, temperature, seed):
    return pathlib.Path(directory) / f"{strategy}_t{temperature}_s{seed}.json"


def recheck(directory):
    """Checks the tunes of every `*.json` file under `directory` again."""
    print(_HEAD)
    print("|---|---|---|---|---|---|---|---|---|---|")
    groups = {}
    for path in sorted(pathlib.Path(directory).glob("*.json")):
        strategy, temperature, seed = path.stem.rsplit("_", 2)
        texts = json.loads(path.read_text(encoding="utf-8"))
        key = (strategy, temperature[1:])
        groups.setdefault(key, []).append(_row(*key, seed[1:], texts, None))
    for key, rows in groups.items():
        _summary(*key, rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", nargs="?")
    parser.add_argument("--num", type=int, default=100)
    parser.add_argument("--strategies", nargs="+", default=["greedy", "top_k", "top_p"])
    parser.add_argument("--temperatures", nargs="+", type=float, default=[0.8])
    parser.add_argument("--seeds", nargs="+", type=int, default=None, help="sampling seeds (default: the run's)")
    parser.add_argument("--max-length", type=int, default=None, help="characters per tune (default: the run's)")
    parser.add_argument("--save-dir", default=None, help="write each row's tunes here")
    parser.add_argument("--recheck", default=None, help="check the tunes saved in this folder again (no model)")
    args = parser.parse_args(argv)
    if args.recheck is not None:
        return recheck(args.recheck)
    if args.run_dir is None:
        parser.error("run_dir is required unless --recheck is given")

    from seqkit import runner
    from seqkit.run_dir import atomic_write

    run = runner.load_run(args.run_dir)
    run_task = run.task.with_decoding(max_length=args.max_length)
    d = run_task.config.decoding
    seeds = args.seeds if args.seeds is not None else [d.seed]
    print(f"{args.run_dir}: {args.num} tunes per row, top_k={d.top_k}, top_p={d.top_p}, "
          f"max_length={d.max_length}")
    print(_HEAD)
    print("|---|---|---|---|---|---|---|---|---|---|")
    if args.save_dir is not None:
        pathlib.Path(args.save_dir).mkdir(parents=True, exist_ok=True)
    for strategy in args.strategies:
        for temperature in args.temperatures if strategy != "greedy" else [1.0]:
            rows = []
            for seed in seeds if strategy != "greedy" else seeds[:1]:
                task = run_task.with_decoding(strategy=strategy, temperature=temperature, seed=seed)
                texts = task.generate(run, [""] * args.num)
                if args.save_dir is not None:
                    with atomic_write(_tunes_file(args.save_dir, strategy, temperature, seed)) as f:
                        json.dump(texts, f)
                rows.append(_row(strategy, temperature, seed, texts, d.max_length))
            _summary(strategy, temperature, rows)


if __name__ == "__main__":
    main()
