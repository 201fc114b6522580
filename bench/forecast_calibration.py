"""Interval calibration methods compared on real series, the choice made on validation only.

Two steps, so that one training per model and seed serves every method:

    # 1. train (raw intervals, model.calibration=none) and save each model's quantile
    #    forecasts on the validation and test windows, with the windows themselves
    python3 bench/forecast_calibration.py train --data-dir /work/shared/data/timeseries \
        --recipes pm25 --seeds 42,1,2 --out /tmp/calib
    # 2. the coverage of each method: fitted on the first half of the validation windows,
    #    measured on the second half (the selection), then with --test fitted on all the
    #    validation windows and measured on the test windows (the report)
    python3 bench/forecast_calibration.py compare /tmp/calib
    python3 bench/forecast_calibration.py compare /tmp/calib --test
    # 3. per model and seed, the default calibration's coverage with a block-bootstrap
    #    standard error over the windows, and each model's mean over seeds
    python3 bench/forecast_calibration.py pairs /tmp/calib --test

The selection step never reads the test arrays: `compare` without `--test` loads only
the validation ones. The validation halves are split in time (the first windows, then the
later ones), so a method must carry over to a later stretch it has not seen, which is what
the test part asks of it. Configurations: each of `seqkit.tasks.forecast.calibration.METHODS`
fitted on the most recent 100%, 75%, 50% and 25% of the calibration windows
(`model.calibration_recent`), and, for comparison only (not in seqkit), two-sided CQR,
Mondrian CQR (an offset per bin of the window's volatility or level), `cqr` on the most
recent third, and weighted `cqr` (`cqr half-life h`: recency weights, Barber et al. 2023).
`compare` ends with the selection figure: each data set's mean |coverage - 0.80| over
models and seeds, averaged over the data sets (docs/forecasting.md: the rule, the choice).
"""

import argparse
import json
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from forecast_quality import DATA_DIR  # noqa: E402
from forecast_quality import RECIPES  # noqa: E402
from forecast_quality import training_clock  # noqa: E402

QUANTILE_KINDS = ("dlinear", "lstm", "gru", "seq2seq", "transformer")


def train(args):
    from seqkit import config as config_lib
    from seqkit import runner
    from seqkit.tasks.forecast import data as data_lib

    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.recipes.split(","):
        recipe, filename = RECIPES[name]
        for seed in [int(s) for s in args.seeds.split(",")]:
            for kind in args.kinds.split(","):
                target = args.out / f"{name}_{kind}_{seed}.npz"
                if target.exists():
                    continue
                config = config_lib.load_config(
                    [ROOT / recipe],
                    overrides=[f"model.kind={kind}", f"train.seed={seed}",
                               "model.calibration=none", "data.baselines=[last_value]",
                               *args.overrides],
                    data_overrides={"train": str(args.data_dir / filename)})
                clock = training_clock()
                result = runner.fit(config, run_dir=args.out / "runs" / f"{name}_{kind}",
                                    overwrite=True, verbose=0, callbacks=[clock])
                task, model = result.run.task, result.run.model
                table = task.table(config.data.train)
                saved = {}
                targets = len(config.data.target_columns)
                for part in ("validation", "test"):
                    arrays = data_lib.windows(config.data, table, part)
                    saved[f"{part}_outputs"] = model.predict(
                        data_lib.model_inputs(config.data, arrays), batch_size=512, verbose=0)
                    saved[f"{part}_actual"] = arrays["target"]
                    saved[f"{part}_history"] = arrays["window"][..., :targets]
                    saved[f"{part}_series"] = arrays["series"]
                np.savez_compressed(target, **saved)
                meta = {"recipe": name, "kind": kind, "seed": seed,
                        "quantiles": list(config.model.quantiles),
                        "seconds": clock.seconds, "epochs": result.epochs,
                        "test_mase": result.metrics["test"]["model"]["mase"],
                        "validation_mase": result.metrics["validation"]["model"]["mase"]}
                target.with_suffix(".json").write_text(json.dumps(meta))
                print(f"{name} {kind} seed {seed}: {clock.seconds:.0f} s, test MASE "
                      f"{meta['test_mase']:.3f}", flush=True)
    return 0


RECENT = (1.0, 0.75, 0.5, 0.25)
# Comparison only (not in seqkit): two-sided CQR with a separate offset per side, and
# Mondrian (group-conditional) CQR with one offset per step and bin of a window
# feature (bins: quantiles of the feature over the calibration windows).
EXTRA = ("cqr_two_sided", "mondrian_volatility_2", "mondrian_volatility_3", "mondrian_level_3")
# Weighted split conformal (Barber, Candes, Ramdas & Tibshirani, 2023): `cqr` on every
# calibration window, window i weighing 0.5 ** (age_i / half-life), the half-life a
# fraction of the calibration windows; and `cqr` on the most recent third.
HALF_LIVES = (0.125, 0.25, 0.5)
MORE_RECENT = (0.33,)


def weighted_conformal_quantile(scores, weights, nominal):
    """The smallest score s whose windows' weight share reaches `nominal`, along axis 0.

    The share counts the test point as one more window of weight 1 whose score is
    +inf: sum(w_i for s_i <= s) / (sum(w) + 1) >= nominal. When no score reaches
    it, the largest score (as the unweighted rank is capped at n). With equal
    weights of 1 this is the ceil((n + 1) * nominal)-th smallest score.
    """
    scores = np.asarray(scores, np.float64)
    weights = np.asarray(weights, np.float64)
    order = np.argsort(scores, axis=0, kind="stable")
    share = np.cumsum(weights[order], axis=0) / (weights.sum() + 1.0)
    reached = share >= nominal
    index = np.where(reached.any(axis=0), np.argmax(reached, axis=0), len(scores) - 1)
    return np.take_along_axis(np.take_along_axis(scores, order, axis=0), index[None], axis=0)[0]


def recency_weights(count, half_life):
    """[count] weights 0.5 ** (age / (half_life * count)), age 0 for the last window."""
    age = np.arange(count)[::-1]
    return 0.5 ** (age / (half_life * count))


class _Weighted:
    """`cqr` with recency-weighted scores, `apply`d like a Calibration."""

    def __init__(self, half_life, windows, quantiles):
        from seqkit.tasks.forecast.calibration import Calibration

        outputs, actual = windows["outputs"], windows["actual"]
        scores = np.maximum(outputs[..., 0] - actual, actual - outputs[..., -1])
        weights = recency_weights(len(actual), half_life)
        nominal = quantiles[-1] - quantiles[0]
        self.fitted = Calibration("cqr", weighted_conformal_quantile(scores, weights, nominal))

    def apply(self, outputs, history):
        return self.fitted.apply(outputs, history)


def _configurations():
    from seqkit.tasks.forecast import calibration

    return ([("none", 1.0)] + [(m, r) for m in calibration.METHODS for r in RECENT]
            + [(m, 1.0) for m in EXTRA] + [("cqr", r) for r in MORE_RECENT]
            + [(f"cqr half-life {h}", 1.0) for h in HALF_LIVES])


def _feature(name, history):
    if name == "volatility":
        return np.abs(np.diff(history, axis=1)).mean(axis=1)[:, 0]
    return history[:, -24:, 0].mean(axis=1)  # level: the mean of the last 24 steps


class _Extra:
    """A comparison-only method fitted on calibration windows, `apply`d like a Calibration."""

    def __init__(self, method, windows, quantiles):
        from seqkit.tasks.forecast.calibration import conformal_quantile

        nominal = quantiles[-1] - quantiles[0]
        outputs, actual = windows["outputs"], windows["actual"]
        self.method = method
        if method == "cqr_two_sided":
            side = 1 - (1 - nominal) / 2
            self.low = conformal_quantile(outputs[..., 0] - actual, side)
            self.high = conformal_quantile(actual - outputs[..., -1], side)
            return
        _, self.feature, bins = method.split("_")
        values = _feature(self.feature, windows["history"])
        self.edges = np.quantile(values, np.arange(1, int(bins)) / int(bins))
        groups = np.digitize(values, self.edges)
        scores = np.maximum(outputs[..., 0] - actual, actual - outputs[..., -1])
        self.offsets = np.stack([conformal_quantile(scores[groups == g], nominal)
                                 for g in range(int(bins))])

    def apply(self, outputs, history):
        from seqkit.tasks.forecast.calibration import place_outer

        if self.method == "cqr_two_sided":
            low, high = self.low, self.high
        else:
            low = high = self.offsets[np.digitize(_feature(self.feature, history), self.edges)]
        return place_outer(outputs, outputs[..., 0] - low, outputs[..., -1] + high)


def _fit(method, recent, windows, quantiles):
    from seqkit.tasks.forecast import calibration

    if method == "none":
        return None
    count = len(windows["actual"])
    rows = calibration.recent_rows(np.zeros(count), np.arange(count), recent)  # one series
    windows = {k: v[rows] for k, v in windows.items()}
    if method in EXTRA:
        return _Extra(method, windows, quantiles)
    if method.startswith("cqr half-life "):
        return _Weighted(float(method.split()[-1]), windows, quantiles)
    return calibration.fit_calibration(method, windows["actual"], windows["outputs"],
                                       windows["history"], quantiles)


def _inside(fitted, part):
    """([windows, horizon, targets] bool: actual inside the interval, interval widths)."""
    outputs = part["outputs"].astype(np.float32)
    fixed = outputs if fitted is None else np.asarray(
        fitted.apply(outputs, part["history"].astype(np.float32)))
    actual = part["actual"]
    return (actual >= fixed[..., 0]) & (actual <= fixed[..., -1]), fixed[..., -1] - fixed[..., 0]


def _score(fitted, part):
    inside, width = _inside(fitted, part)
    return float(inside.mean()), float(width.mean())


def _load(meta_path, test):
    """(meta, {"validation": ..., "test": ... (with `test`)}) of one saved run."""
    meta = json.loads(meta_path.read_text())
    parts = ("validation", "test") if test else ("validation",)
    with np.load(meta_path.with_suffix(".npz")) as arrays:
        data = {p: {k: arrays[f"{p}_{k}"] for k in ("outputs", "actual", "history")}
                for p in parts}
    return meta, data


def _halves(windows):
    """The first and second half of a part's windows, in time order."""
    half = len(windows["actual"]) // 2
    return ({k: v[:half] for k, v in windows.items()},
            {k: v[half:] for k, v in windows.items()})


def compare(args):
    configurations = _configurations()
    rows = []
    for meta_path in sorted(args.runs.glob("*.json")):
        meta, data = _load(meta_path, args.test)
        quantiles = meta["quantiles"]
        validation = data["validation"]
        first, second = _halves(validation)
        for method, recent in configurations:
            name = method if recent == 1.0 else f"{method} recent {recent}"
            cells = {"recipe": meta["recipe"], "kind": meta["kind"], "seed": meta["seed"],
                     "method": name, "test_mase": meta["test_mase"]}
            cells["val2"], cells["val2_width"] = _score(_fit(method, recent, first, quantiles),
                                                        second)
            if args.test:
                cells["test"], cells["test_width"] = _score(
                    _fit(method, recent, validation, quantiles), data["test"])
            rows.append(cells)
    _print(rows, args.test)
    return 0


def block_bootstrap(values, block=7, resamples=2000, seed=0):
    """Moving-block bootstrap of the mean of a series of per-window values.

    Resamples `ceil(n / block)` runs of `block` consecutive windows (start
    drawn uniformly among the n - block + 1), cut to n values: neighbouring
    windows' errors are correlated, so resampling single windows would
    understate the spread. Returns (standard error, 2.5th, 97.5th percentile).
    """
    values = np.asarray(values, np.float64)
    count = len(values)
    block = min(block, count)
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, count - block + 1, size=(resamples, -(-count // block)))
    index = (starts[..., None] + np.arange(block)).reshape(resamples, -1)[:, :count]
    means = values[index].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(means.std()), float(low), float(high)


def pairs(args):
    """Per model and seed: the default calibration's coverage on one part, with its
    block-bootstrap standard error over the windows; then each model's mean over seeds."""
    from seqkit.tasks.forecast.config import ForecastModelConfig

    default = ForecastModelConfig()
    method, recent = default.calibration, default.calibration_recent
    part = "test" if args.test else "validation second half"
    print(f"coverage of the 10-90% interval (nominal 0.80), calibration {method} recent {recent} "
          f"({'fitted on all of validation' if args.test else 'fitted on the first half'}), "
          f"on the {part}; SE and 95% interval: moving-block bootstrap (blocks of 7 windows)\n")
    print("| data | model | seed | MASE | raw | calibrated | SE | 95% interval | within 0.05 |")
    print("|---|---|---|---|---|---|---|---|---|")
    means = {}
    for meta_path in sorted(args.runs.glob("*.json")):
        meta, data = _load(meta_path, args.test)
        fit_on, scored = ((data["validation"], data["test"]) if args.test
                          else _halves(data["validation"]))
        inside, _ = _inside(_fit(method, recent, fit_on, meta["quantiles"]), scored)
        per_window = inside.reshape(len(inside), -1).mean(axis=1)
        raw, _ = _score(None, scored)
        error, low, high = block_bootstrap(per_window)
        coverage = float(per_window.mean())
        mase = meta["test_mase"] if args.test else meta["validation_mase"]
        print(f"| {meta['recipe']} | {meta['kind']} | {meta['seed']} | {mase:.3f} | {raw:.3f} | "
              f"{coverage:.3f} | {error:.3f} | {low:.3f}-{high:.3f} | "
              f"{'yes' if abs(coverage - 0.8) <= 0.05 else 'NO'} |")
        means.setdefault((meta["recipe"], meta["kind"]), []).append(coverage)
    print("\n| data | model | seeds | mean coverage | within 0.05 |\n|---|---|---|---|---|")
    for (recipe, kind), values in means.items():
        mean = float(np.mean(values))
        print(f"| {recipe} | {kind} | {len(values)} | {mean:.3f} | "
              f"{'yes' if abs(mean - 0.8) <= 0.05 else 'NO'} |")
    return 0


def _print(rows, test):
    """Per data set and method: per model (mean over seeds) and the gaps to nominal."""
    parts = ("val2",) + (("test",) if test else ())
    kinds = list(dict.fromkeys(r["kind"] for r in rows))
    seeds = sorted({r["seed"] for r in rows})
    print(f"coverage of the 10-90% interval (nominal 0.80), mean over seeds {seeds}; "
          "val2: fitted on the first half of validation, measured on the second; "
          "test: fitted on all of validation, measured on test; gap: |coverage - 0.80| "
          "over models and seeds; width: mean interval width")
    for part in parts:
        print(f"\n| data | method | {' | '.join(kinds)} | mean gap | max gap | within 0.05 | "
              "width |")
        print("|---" * (len(kinds) + 6) + "|")
        for recipe in dict.fromkeys(r["recipe"] for r in rows):
            for method in dict.fromkeys(r["method"] for r in rows):
                mine = [r for r in rows if r["recipe"] == recipe and r["method"] == method]
                cells = [f"{np.mean([r[part] for r in mine if r['kind'] == k]):.3f}"
                         for k in kinds]
                gaps = [abs(r[part] - 0.8) for r in mine]
                print(f"| {recipe} ({part}) | {method} | {' | '.join(cells)} | "
                      f"{np.mean(gaps):.3f} | {np.max(gaps):.3f} | "
                      f"{sum(g <= 0.05 for g in gaps)}/{len(gaps)} | "
                      f"{np.mean([r[part + '_width'] for r in mine]):.2f} |")
    # The selection rule: the mean gap of each data set, averaged over the data sets.
    recipes = list(dict.fromkeys(r["recipe"] for r in rows))
    print(f"\n| method | {' | '.join(f'{p} gap, mean over {len(recipes)} data sets' for p in parts)} |")
    print("|---" * (len(parts) + 1) + "|")
    for method in dict.fromkeys(r["method"] for r in rows):
        cells = [np.mean([np.mean([abs(r[part] - 0.8) for r in rows
                                   if r["recipe"] == recipe and r["method"] == method])
                          for recipe in recipes]) for part in parts]
        print(f"| {method} | {' | '.join(f'{c:.4f}' for c in cells)} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("train")
    one.add_argument("--recipes", default="pm25,temperatures")
    one.add_argument("--kinds", default=",".join(QUANTILE_KINDS))
    one.add_argument("--seeds", default="42")
    one.add_argument("--data-dir", type=pathlib.Path, default=DATA_DIR)
    one.add_argument("--set", dest="overrides", action="append", default=[])
    one.add_argument("--out", type=pathlib.Path, required=True)
    two = commands.add_parser("compare")
    two.add_argument("runs", type=pathlib.Path)
    two.add_argument("--test", action="store_true",
                     help="also fit on all validation windows and measure on test")
    three = commands.add_parser("pairs")
    three.add_argument("runs", type=pathlib.Path)
    three.add_argument("--test", action="store_true",
                       help="fit on all validation windows and measure on test (else: the "
                            "validation halves)")
    args = parser.parse_args()
    if args.command == "pairs":
        return pairs(args)
    if args.command == "train":
        if not args.data_dir.is_dir():
            print(f"no data: {args.data_dir} is absent (pass --data-dir)")
            return 0
        return train(args)
    return compare(args)


if __name__ == "__main__":
    sys.exit(main())
