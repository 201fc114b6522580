"""Paired bootstrap between Tatoeba runs of bench/translate_quality.py.

Each run writes `hypotheses.txt`, one translation per test pair in the split's
order. This rebuilds the same split (same data, same seed) for the references
and asks sacreBLEU's paired bootstrap whether each system differs from the
first (the baseline): BLEU and chrF with their 95% confidence intervals and
p-values.

    python3 bench/translate_compare.py none=/work/t/rnn_none attention=/work/t/rnn_attention
"""

import argparse
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "translation" / "spa-eng" / "spa.txt"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", metavar="NAME=RUN_DIR",
                        help="run directories holding hypotheses.txt; the first is the baseline")
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--seed", type=int, default=1234, help="the split seed the runs used")
    parser.add_argument("--samples", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args(argv)
    if len(args.runs) < 2:
        parser.error("give a baseline and at least one system")
    if not pathlib.Path(args.data).exists():
        print(f"translate_compare: {args.data} not found (../shared is absent?)", file=sys.stderr)
        return 2

    from sacrebleu.metrics import BLEU, CHRF
    from sacrebleu.significance import PairedTest

    sys.path.insert(0, str(ROOT))
    from seqkit.data.parallel_text import complete_pairs
    from seqkit.data.unseen_split import unseen_split

    _, _, test = unseen_split(complete_pairs(args.data), 2000, 2000, seed=args.seed)
    references = [target for _, target in test]
    systems = []
    for spec in args.runs:
        name, sep, run = spec.partition("=")
        if not sep:
            parser.error(f"expected NAME=RUN_DIR, got {spec!r}")
        path = pathlib.Path(run) / "hypotheses.txt"
        lines = path.read_text(encoding="utf-8").split("\n")[: len(references)]
        if len(lines) != len(references):
            print(f"translate_compare: {path}: {len(lines)} lines, the split has "
                  f"{len(references)} test pairs", file=sys.stderr)
            return 2
        systems.append((name, lines))

    _, results = PairedTest(systems, {"BLEU": BLEU(), "chrF": CHRF()}, [references],
                            test_type="bs", n_samples=args.samples)()
    rows = []
    print("| system | BLEU (95% CI) | p vs baseline | chrF (95% CI) | p vs baseline |")
    print("|---|---|---|---|---|")
    for i, name in enumerate(results["System"]):
        row = {"system": name}
        for key, metric in (("bleu", "BLEU"), ("chrf", "chrF2")):
            result = results[metric][i]
            row.update({key: float(result.score), f"{key}_ci": float(result.ci),
                        f"{key}_p": None if result.p_value is None else float(result.p_value)})
        rows.append(row)
        cells = [f"{row[k]:.1f} ± {row[k + '_ci']:.1f} | "
                 + ("baseline" if row[k + "_p"] is None else f"{row[k + '_p']:.4f}")
                 for k in ("bleu", "chrf")]
        print(f"| {name} | {cells[0]} | {cells[1]} |")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
