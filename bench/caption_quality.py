"""Captioning quality on the generated scenes: one recipe, four splits, BLEU-4 and exact match.

Trains `pipelines/caption.yaml` with the `--set` overrides given, then captions each
split (greedy, or the recipe's `decode.beam_width`) and scores it against all its
references (sacreBLEU, `seqkit.tasks.caption.evaluation.caption_metrics`): held-out
validation (new compositions, the split to choose a recipe on), validation and test
(in-distribution) and held-out test (`heldout.csv`, new compositions, never chosen on).
The README's "Quality on the generated scenes" table rows come from this script.

    python3 data/captions/generate.py
    flock /tmp/seqkit-train.lock nice -n 5 python3 bench/caption_quality.py --name colour \\
        --set model.encoder.colour_stream=true

Appends one JSON line per run to `<out>/results.jsonl` (training seconds, epochs and the
metrics of each split) and writes each split's captions to `<out>/<name>/<split>_captions.json`
(image paths, hypotheses, references), for error analysis.
"""

import argparse
import json
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPLITS = ("heldout_validation", "validation", "test", "heldout")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True, help="the run's name under --out")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--data-dir", default=str(ROOT / "data" / "captions"))
    parser.add_argument("--out", default="runs/caption_quality")
    args = parser.parse_args()

    from seqkit import runner
    from seqkit.config import load_config
    from seqkit.data.image_captions import load_image_captions
    from seqkit.run_dir import atomic_write
    from seqkit.tasks.caption import data as data_lib
    from seqkit.tasks.caption.evaluation import caption_metrics

    data_dir = pathlib.Path(args.data_dir)
    splits = {"train": data_dir / "train.csv", "validation": data_dir / "validation.csv",
              "test": data_dir / "test.csv"}
    config = load_config([str(ROOT / "pipelines" / "caption.yaml")], overrides=args.overrides,
                         data_overrides={k: str(v) for k, v in splits.items()})
    run_dir = pathlib.Path(args.out) / args.name
    started = time.time()
    result = runner.fit(config, run_dir=run_dir, overwrite=True)
    report = {"name": args.name, "overrides": args.overrides,
              "train_s": round(time.time() - started, 1), "epochs": result.epochs, "splits": {}}
    run = result.run
    for split in SPLITS:
        table = load_image_captions(str(data_dir / f"{split}.csv"), "image", "caption")
        paths, references = data_lib.group_references(table)
        hypotheses = run.task.caption_paths(run, paths)
        report["splits"][split] = caption_metrics(hypotheses, references)
        with atomic_write(run_dir / f"{split}_captions.json") as f:
            json.dump({"paths": paths, "hypotheses": hypotheses, "references": references}, f)
    with open(pathlib.Path(args.out) / "results.jsonl", "a") as f:
        f.write(json.dumps(report) + "\n")
    for split, metrics in report["splits"].items():
        print(f"{split:20s} BLEU-4 {metrics['bleu_4']:.3f}  exact {metrics['exact_match']:.3f}")
    print(f"trained {report['train_s']:.0f} s, {report['epochs']} epochs")


if __name__ == "__main__":
    main()
