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

`--beam-widths 1 3` scores every split under each decoding width (the first is the one
under `splits`, the others under `splits_beam<width>`; captions of width w > 1 go to
`<split>_beam<w>_captions.json`); `--train CSV` trains on another
training file (a bigger one: `generate.py --train 6000 --validation 0 --test 0 --heldout 0
--heldout-validation 0 --seed 8 --out DIR`, so the four scored splits stay those of
`--data-dir`); `--score-only` scores the run already in `<out>/<name>` without training.
`--figure-scenes` trains nothing and scores nothing: from the captions a run wrote with
beam 3, it prints the README's attention-figure scenes, the first exact caption of eight or
more words with a relation in the test and in the held-out split (draw each with
`seqkit caption <out>/<name> IMAGE --beam-width 3 --attention PNG`).

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
RELATIONS = ("left of", "right of", "above", "below")


def figure_scene(captions):
    """(path, caption) of the first exact caption of 8+ words with a relation, or None.

    `captions`: a `<split>_beam<w>_captions.json` dict (paths, hypotheses, references).
    """
    for path, hypothesis, references in zip(captions["paths"], captions["hypotheses"],
                                            captions["references"]):
        if (hypothesis in references and len(hypothesis.split()) >= 8
                and any(relation in hypothesis for relation in RELATIONS)):
            return path, hypothesis
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True, help="the run's name under --out")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--data-dir", default=str(ROOT / "data" / "captions"))
    parser.add_argument("--train", help="training CSV (default: <data-dir>/train.csv)")
    parser.add_argument("--beam-widths", type=int, nargs="+", default=None,
                        help="decode each split with each width (default: the recipe's)")
    parser.add_argument("--score-only", action="store_true", help="score <out>/<name>, do not train")
    parser.add_argument("--out", default="runs/caption_quality")
    parser.add_argument("--figure-scenes", action="store_true",
                        help="print the attention-figure scenes of <out>/<name> (beam 3 captions)")
    args = parser.parse_args()
    if args.figure_scenes:
        for split in ("test", "heldout"):
            path = pathlib.Path(args.out) / args.name / f"{split}_beam3_captions.json"
            print(split, figure_scene(json.loads(path.read_text(encoding="utf-8"))))
        return

    from seqkit import runner
    from seqkit.config import load_config
    from seqkit.data.image_captions import load_image_captions
    from seqkit.run import load_run
    from seqkit.run_dir import atomic_write
    from seqkit.tasks.caption import data as data_lib
    from seqkit.tasks.caption.evaluation import caption_metrics

    data_dir = pathlib.Path(args.data_dir)
    splits = {"train": pathlib.Path(args.train) if args.train else data_dir / "train.csv",
              "validation": data_dir / "validation.csv", "test": data_dir / "test.csv"}
    run_dir = pathlib.Path(args.out) / args.name
    report = {"name": args.name, "overrides": args.overrides, "train": str(splits["train"])}
    if args.score_only:
        run = load_run(run_dir)
        report["score_only"] = True
    else:
        # The recipe's probe images are relative to the training CSV: none with another one.
        probes = ["data.probes=[]"] if args.train else []
        config = load_config([str(ROOT / "pipelines" / "caption.yaml")], overrides=probes + args.overrides,
                             data_overrides={k: str(v) for k, v in splits.items()})
        started = time.time()
        result = runner.fit(config, run_dir=run_dir, overwrite=True)
        run = result.run
        report.update(train_s=round(time.time() - started, 1), epochs=result.epochs)
    widths = args.beam_widths or [run.config.decode.beam_width]
    for n, width in enumerate(widths):
        key = "splits" if n == 0 else f"splits_beam{width}"
        suffix = "" if width == 1 else f"_beam{width}"
        report[key] = {}
        for split in SPLITS:
            table = load_image_captions(str(data_dir / f"{split}.csv"), "image", "caption")
            paths, references = data_lib.group_references(table)
            hypotheses = run.task.caption_paths(run, paths, beam_width=width)
            report[key][split] = caption_metrics(hypotheses, references)
            with atomic_write(run_dir / f"{split}{suffix}_captions.json") as f:
                json.dump({"paths": paths, "hypotheses": hypotheses, "references": references}, f)
        print(f"beam width {width}")
        for split, metrics in report[key].items():
            print(f"  {split:20s} BLEU-4 {metrics['bleu_4']:.3f}  exact {metrics['exact_match']:.3f}")
    report["beam_widths"] = widths
    with open(pathlib.Path(args.out) / "results.jsonl", "a") as f:
        f.write(json.dumps(report) + "\n")
    if "train_s" in report:
        print(f"trained {report['train_s']:.0f} s, {report['epochs']} epochs")


if __name__ == "__main__":
    main()
