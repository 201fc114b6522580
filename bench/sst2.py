"""SST-2 quality: seqkit's BiLSTM and Transformer recipes against TF-IDF + logistic regression.

Trains each recipe in `pipelines/sst2_*.yaml` with `seqkit.runner.fit` on the GLUE
SST-2 training file and reports accuracy on the GLUE dev file, next to a
scikit-learn baseline (word 1-2 gram TF-IDF + logistic regression) measured in
the same run on the same split. Dev never chooses anything: the recipes hold out
5% of the training file (`data.validation_split`, fixed `split_seed`) to pick
their best epoch, and score dev as their test split (the `test` metrics of
`runner.fit`, the same as `seqkit evaluate`); the baseline's C is picked on a
held-out tenth of the training file. Like the baseline, which refits on every
training row with the C it picked, each recipe is then trained again on every
training row for the epochs it picked (`--no-refit` scores the selection run
instead), so the held-out rows cost the final model no training data.

    python bench/sst2.py                      # full run: baseline + both recipes
    python bench/sst2.py --quick              # 5,000 training rows, 1 epoch: a smoke run
    python bench/sst2.py --only bilstm --set train.epochs=2
    python bench/sst2.py --keep-runs /tmp/sst2_runs
    python bench/sst2.py --only transformer --seeds 42,1,2   # mean and spread over 3 seeds
    python bench/sst2.py --raw                # also score dev turned back into raw text

`--raw` scores every model a second time on the dev sentences turned back
into raw text (`to_raw`: "is n't" -> "isn't", "it 's" -> "it's", "film ." ->
"film."), the text users send, and reports the drop from PTB to raw.

The data live in ../shared/data/sentiment beside the checkout; without them the
bench prints why and exits 0.
"""

import argparse
import csv
import os
import pathlib
import re
import shutil
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA_DIR = ROOT.parent / "shared" / "data" / "sentiment"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as `python bench/sst2.py` from a checkout
TRAIN_FILE = "sst2_train.tsv"
DEV_FILE = "sst2_dev.tsv"
RECIPES = {
    "bilstm": ROOT / "pipelines" / "sst2_bilstm.yaml",
    "transformer": ROOT / "pipelines" / "sst2_transformer.yaml",
}
TARGET = 0.83
DEFAULT_CS = (0.25, 1.0, 4.0, 16.0, 32.0, 64.0)
# PTB splits a negation or clitic off its word and puts a space before
# punctuation; raw text does neither.
_CLITIC = re.compile(r" (n't|'s|'re|'ve|'ll|'d|'m)(?=\s|$)")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([.,!?;:]+)(?=\s|$)")


def to_raw(text):
    """A PTB-tokenised SST-2 sentence as a user would type it.

    >>> to_raw("it 's a film that is n't bad , and funny .")
    "it's a film that isn't bad, and funny."
    """
    text = _CLITIC.sub(r"\1", text)
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)


def read_tsv(path):
    """Reads a GLUE SST-2 file (`sentence<TAB>label`, no quoting) -> (texts, int labels)."""
    texts, labels = [], []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or [h.strip() for h in header[:2]] != ["sentence", "label"]:
            raise ValueError(f"{path}: expected the header 'sentence<TAB>label'. Received: {header!r}")
        for line, row in enumerate(reader, start=2):
            if len(row) != 2:
                raise ValueError(f"{path}, line {line}: expected 2 tab-separated fields. Received: {row!r}")
            texts.append(row[0].strip())
            labels.append(int(row[1]))
    return texts, labels


def tfidf_baseline(train_texts, train_labels, eval_texts, eval_labels, cs=DEFAULT_CS,
                   held_out=0.1, seed=0, raw_texts=None):
    """TF-IDF (word 1-2 grams, sublinear tf) + logistic regression.

    C is chosen by accuracy on a stratified `held_out` fraction of the training
    data; the model is then refit on all training data with that C and scored on
    the evaluation data.

    Returns:
        dict with "C", "held_out_accuracy" (of the chosen C), "accuracy" (on
        the evaluation data), "seconds" (wall time of selection + refit),
        "held_out_by_c" ({C: held-out accuracy}) and "raw_accuracy" (on
        `raw_texts` with the evaluation labels, or None).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    if not cs:
        raise ValueError(f"cs must name at least one C. Received: cs={cs!r}")

    def make():
        return TfidfVectorizer(ngram_range=(1, 2), token_pattern=r"\S+", sublinear_tf=True)

    start = time.monotonic()
    fit_texts, check_texts, fit_labels, check_labels = train_test_split(
        train_texts, train_labels, test_size=held_out, random_state=seed, stratify=train_labels
    )
    vectorizer = make()
    x_fit = vectorizer.fit_transform(fit_texts)
    x_check = vectorizer.transform(check_texts)
    by_c = {}
    for c in cs:
        model = LogisticRegression(C=c, max_iter=3000).fit(x_fit, fit_labels)
        by_c[c] = float(model.score(x_check, check_labels))
    best_c = max(cs, key=lambda c: (by_c[c], -c))  # ties go to the smaller C
    vectorizer = make()
    x_train = vectorizer.fit_transform(train_texts)
    model = LogisticRegression(C=best_c, max_iter=3000).fit(x_train, train_labels)
    accuracy = float(model.score(vectorizer.transform(eval_texts), eval_labels))
    return {
        "C": best_c,
        "held_out_accuracy": by_c[best_c],
        "accuracy": accuracy,
        "seconds": time.monotonic() - start,
        "held_out_by_c": by_c,
        "raw_accuracy": None if raw_texts is None else float(
            model.score(vectorizer.transform(raw_texts), eval_labels)
        ),
    }


def _raw_accuracy(result, raw_path):
    if raw_path is None:
        return None
    from seqkit import runner

    return float(runner.evaluate(result.run, data=str(raw_path), split="dev_raw")["accuracy"])


def fit_recipe(recipe_path, train_path, dev_path, run_dir, overrides=(), verbose=2, refit=True,
               raw_path=None):
    """Trains one pipeline YAML with `seqkit.runner.fit`; returns its figures.

    The recipe's own held-out part of `train_path` selects the best epoch;
    `dev_path` is passed as the test split and only scored. With `refit`
    (the default) the recipe runs with `train.refit: true`: seqkit trains
    the same recipe again from scratch on every training row for the
    selected number of epochs (the selection run is kept as
    `<run_dir>-selection`), and that model is the one scored on dev, as the
    baseline refits on all rows with its selected C. The selection run's dev
    accuracy is "select_accuracy". With `raw_path` (dev as raw text,
    `to_raw`), the scored model's accuracy on it is "raw_accuracy".
    """
    from seqkit import runner
    from seqkit.config import load_config

    data = {"train": str(train_path), "test": str(dev_path)}
    config = load_config([str(recipe_path)], [*overrides, f"train.refit={'true' if refit else 'false'}"], data)
    if config.data.validation is not None and pathlib.Path(config.data.validation).resolve() == \
            pathlib.Path(dev_path).resolve():
        raise ValueError(f"{recipe_path}: data.validation is the dev file; dev would pick the "
                         "checkpoint. Use data.validation: null and data.validation_split instead")
    start = time.monotonic()
    result = runner.fit(config, run_dir=run_dir, overwrite=True, verbose=verbose)
    figures = {
        "accuracy": float(result.metrics["test"]["accuracy"]),
        "seconds": time.monotonic() - start,
        "params": int(result.run.model.count_params()),
        "refit": result.refit is not None,
        "raw_accuracy": _raw_accuracy(result, raw_path),
    }
    if result.refit is None:
        held_out = list(result.history.get("val_accuracy") or [])
        figures.update({
            "held_out_accuracy": float(result.metrics["validation"]["accuracy"]),
            "best_epoch": held_out.index(max(held_out)) + 1 if held_out else result.epochs,
            "epochs": result.epochs,
        })
        return figures
    trained = list(result.history.get("accuracy") or [0.0])
    figures.update({
        "held_out_accuracy": float(result.refit["validation"]["accuracy"]),
        "best_epoch": result.refit["best_epoch"],
        "epochs": result.refit["of_epochs"],
        "select_accuracy": float(result.refit["test"]["accuracy"]),
        # The refit monitors training accuracy (there is no held-out part);
        # it rises every epoch, so this is the last one.
        "refit_epoch": trained.index(max(trained)) + 1,
    })
    return figures


def format_table(baseline, results, target=TARGET):
    """The comparison table as text: one row per model, baseline (if any) first.

    "held-out acc" is accuracy on the part of the training file that made the
    choice (the baseline's C, the recipe's best epoch); "dev acc" is the
    untouched GLUE dev file, of the refit model when "+refit" follows the
    best epoch (trained again on every training row for that many epochs). A seqkit model meets the target when its dev
    accuracy is >= `target` and above the baseline's. With several seeds
    (`over_seeds`) both accuracies are means over them, dev with its standard
    deviation, the epochs those of the first seed, and the target applies to
    the mean.
    """
    header = ("model", "dev acc", "held-out train acc", "best epoch", "train wall s",
              "vs baseline", f">= {target} and > baseline")
    raw = any(r.get("raw_accuracy") is not None for r in [baseline or {}, *results.values()])
    if raw:
        header += ("raw dev acc", "PTB -> raw", "raw vs baseline")
    rows = []
    base = None
    base_raw = (baseline or {}).get("raw_accuracy")

    def raw_columns(r):
        if not raw:
            return ()
        if r.get("raw_accuracy") is None:
            return ("n/a", "n/a", "n/a")
        return (f"{r['raw_accuracy']:.4f}", f"{r['raw_accuracy'] - r['accuracy']:+.4f}",
                f"{r['raw_accuracy'] - base_raw:+.4f}" if base_raw is not None else "n/a")

    if baseline is not None:
        base = baseline["accuracy"]
        rows.append((f"tfidf+logreg (C={baseline['C']:g})", f"{base:.4f}",
                     f"{baseline['held_out_accuracy']:.4f}", "-",
                     f"{baseline['seconds']:.1f}", "+0.0000", "-", *raw_columns(baseline)))
    for name, r in results.items():
        seeds = r.get("seeds") or []
        dev = f"{r['accuracy']:.4f}"
        if len(seeds) > 1:
            dev += f" ± {r['accuracy_sd']:.4f} ({len(seeds)} seeds)"
        rows.append((
            f"seqkit {name} ({r['params']:,} params)",
            dev,
            f"{r['held_out_accuracy']:.4f}",
            f"{r['best_epoch']}/{r['epochs']}" + (" +refit" if r.get("refit") else ""),
            f"{r['seconds']:.1f}",
            f"{r['accuracy'] - base:+.4f}" if base is not None else "n/a",
            "yes" if r["accuracy"] >= target and (base is None or r["accuracy"] > base) else "no",
            *raw_columns(r),
        ))
    widths = [max(len(str(row[i])) for row in [header] + rows) for i in range(len(header))]
    line = lambda row: "| " + " | ".join(str(v).ljust(w) for v, w in zip(row, widths)) + " |"
    out = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out.extend(line(row) for row in rows)
    return "\n".join(out)


def over_seeds(per_seed):
    """One recipe's figures from several seeds -> one row: dev and held-out means, their spread.

    Args:
        per_seed: dict seed -> figures from `fit_recipe`.

    Returns:
        The first seed's figures with "accuracy" and "held_out_accuracy"
        replaced by their means over the seeds, "accuracy_sd" (sample
        standard deviation of dev accuracy; 0 for one seed), "seeds" (the
        seeds, in order) and "per_seed" (seed -> (dev acc, held-out acc)).
        "seconds" is the total.
    """
    if not per_seed:
        raise ValueError("over_seeds needs the figures of at least one seed")
    seeds = list(per_seed)
    dev = [per_seed[seed]["accuracy"] for seed in seeds]
    held_out = [per_seed[seed]["held_out_accuracy"] for seed in seeds]
    mean = sum(dev) / len(dev)
    sd = (sum((a - mean) ** 2 for a in dev) / (len(dev) - 1)) ** 0.5 if len(dev) > 1 else 0.0
    return {
        **per_seed[seeds[0]],
        "accuracy": mean,
        "accuracy_sd": sd,
        "held_out_accuracy": sum(held_out) / len(held_out),
        "seconds": sum(per_seed[seed]["seconds"] for seed in seeds),
        "seeds": seeds,
        "per_seed": {seed: (per_seed[seed]["accuracy"], per_seed[seed]["held_out_accuracy"]) for seed in seeds},
    }


def _write_subsample(texts, labels, path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write("sentence\tlabel\n")
        for text, label in zip(texts, labels):
            f.write(f"{text}\t{label}\n")


def _seed_list(text):
    try:
        seeds = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, e.g. 42,1,2. Received: {text!r}")
    if len(set(seeds)) != len(seeds):
        raise argparse.ArgumentTypeError(f"each seed once. Received: {text!r}")
    return seeds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="5,000 training rows and 1 epoch: checks the bench runs, not quality.")
    parser.add_argument("--only", choices=["baseline", *RECIPES], action="append",
                        help="Run only these (repeatable); without 'baseline' the table has no deltas.")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE", help="Config override passed to every recipe.")
    parser.add_argument("--keep-runs", metavar="DIR", default=None,
                        help="Write the run directories here and keep them (default: a temp dir).")
    parser.add_argument("--no-refit", dest="refit", action="store_false",
                        help="Score the selection run's model on dev instead of training again on "
                             "every training row for the selected number of epochs.")
    parser.add_argument("--seeds", type=_seed_list, default=None, metavar="S1,S2,...",
                        help="Train each recipe once per seed (train.seed; the held-out split keeps "
                             "its split_seed) and report mean dev accuracy with its standard "
                             "deviation. Default: the recipe's own seed, once.")
    parser.add_argument("--raw", action="store_true",
                        help="Also score every model on dev turned back into raw text (to_raw).")
    parser.add_argument("--data-dir", type=pathlib.Path, default=DATA_DIR,
                        help=f"Where {TRAIN_FILE} and {DEV_FILE} are. Default: {DATA_DIR}.")
    parser.add_argument("--verbose", type=int, default=2, help="model.fit verbosity (0, 1, 2).")
    args = parser.parse_args(argv)

    train_path, dev_path = args.data_dir / TRAIN_FILE, args.data_dir / DEV_FILE
    if not (train_path.is_file() and dev_path.is_file()):
        print(f"sst2 bench skipped: {train_path} and {dev_path} are not present "
              "(../shared/data beside the checkout holds them).")
        return 0
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("sst2 bench skipped: scikit-learn is not installed (pip install scikit-learn).")
        return 0

    wall = time.monotonic()
    train_texts, train_labels = read_tsv(train_path)
    dev_texts, dev_labels = read_tsv(dev_path)
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="seqkit_sst2_"))
    runs_root = pathlib.Path(args.keep_runs) if args.keep_runs else scratch
    overrides = list(args.overrides)
    try:
        if args.quick:
            train_texts, train_labels = train_texts[:5000], train_labels[:5000]
            train_path = scratch / "sst2_train_5000.tsv"
            _write_subsample(train_texts, train_labels, train_path)
            overrides = ["train.epochs=1", *overrides]
        raw_texts = raw_path = None
        if args.raw:
            raw_texts = [to_raw(text) for text in dev_texts]
            raw_path = scratch / "sst2_dev_raw.tsv"
            _write_subsample(raw_texts, dev_labels, raw_path)
        print(f"SST-2: {len(train_texts):,} training rows, {len(dev_texts):,} dev rows"
              f"{' (quick)' if args.quick else ''}", flush=True)
        baseline = None
        if not args.only or "baseline" in args.only:
            baseline = tfidf_baseline(train_texts, train_labels, dev_texts, dev_labels, raw_texts=raw_texts)
            print("baseline held-out accuracy by C: "
                  + ", ".join(f"{c:g}: {a:.4f}" for c, a in baseline["held_out_by_c"].items())
                  + f" -> C={baseline['C']:g}, dev {baseline['accuracy']:.4f}", flush=True)
        results = {}
        for name, recipe in RECIPES.items():
            if args.only and name not in args.only:
                continue
            per_seed = {}
            for seed in args.seeds or [None]:
                seed_overrides = overrides if seed is None else [*overrides, f"train.seed={seed}"]
                run_dir = runs_root / (f"sst2_{name}" if seed is None else f"sst2_{name}_seed{seed}")
                print(f"training {name}: {recipe.relative_to(ROOT)} {' '.join(seed_overrides)}", flush=True)
                per_seed[seed] = r = fit_recipe(recipe, train_path, dev_path, run_dir, seed_overrides,
                                                verbose=args.verbose, refit=args.refit, raw_path=raw_path)
                refit = (f", refit on all rows for {r['best_epoch']} epochs (kept epoch {r['refit_epoch']}); "
                         f"the selection run's own dev {r['select_accuracy']:.4f}") if r["refit"] else ""
                print(f"{name}: held-out train {r['held_out_accuracy']:.4f} "
                      f"(best epoch {r['best_epoch']}/{r['epochs']}){refit}, "
                      f"dev {r['accuracy']:.4f}"
                      + (f", raw dev {r['raw_accuracy']:.4f}" if r["raw_accuracy"] is not None else "")
                      + f" in {r['seconds']:.1f}s", flush=True)
            results[name] = over_seeds(per_seed) if args.seeds else per_seed[None]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print()
    print(format_table(baseline, results))
    print(f"\ntotal wall time {time.monotonic() - wall:.1f}s on {os.cpu_count()} CPU core(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
