"""Validity of sampled ABC tunes per strategy and temperature, measured with music21.

Loads a trained music run, samples `--num` tunes from nothing with each strategy at
each temperature (the run's other decoding settings: top_k, top_p, max_length,
seed; `--max-length` replaces the run's max_length), and reports the share that
parse, carry X/T/M/L/K, have >= 4 bars and full bars
(`seqkit.tasks.generate.music.check_tune`), the share that ended with [END] before
the maximum length (character models: fewer characters than max_length - 1), and
the number of distinct tunes.

    python3 bench/music_validity.py runs/music --num 100 --temperatures 0.6 0.8 1.0
"""

import argparse


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir")
    parser.add_argument("--num", type=int, default=100)
    parser.add_argument("--strategies", nargs="+", default=["greedy", "top_k", "top_p"])
    parser.add_argument("--temperatures", nargs="+", type=float, default=[0.8])
    parser.add_argument("--max-length", type=int, default=None, help="characters per tune (default: the run's)")
    args = parser.parse_args(argv)

    from seqkit import runner
    from seqkit.tasks.generate.music import validity_report

    run = runner.load_run(args.run_dir)
    run_task = run.task.with_decoding(max_length=args.max_length)
    d = run_task.config.decoding
    print(f"{args.run_dir}: {args.num} tunes per row, top_k={d.top_k}, top_p={d.top_p}, "
          f"max_length={d.max_length}, seed={d.seed}")
    print("| strategy | temperature | valid | parses | headers | >= 4 bars | full bars | ended | distinct |")
    print("|---|---|---|---|---|---|---|---|---|")
    for strategy in args.strategies:
        for temperature in args.temperatures if strategy != "greedy" else [1.0]:
            task = run_task.with_decoding(strategy=strategy, temperature=temperature)
            texts = task.generate(run, [""] * args.num)
            r = validity_report(texts)
            ended = sum(len(t) < d.max_length - 1 for t in texts) / len(texts)
            print(f"| {strategy} | {temperature} | {r['valid']:.2f} | {r['parses']:.2f} | {r['headers']:.2f} | "
                  f"{r['min_bars']:.2f} | {r['full_bars']:.2f} | {ended:.2f} | {len(set(texts))} |", flush=True)


if __name__ == "__main__":
    main()
