"""Writes seqkit's default forecasting data set: `series.csv` beside this file.

Three daily series (`store` a, b, c) of a made-up `sales` figure over 600 days
from 2022-01-01: a level and a linear trend per series, a weekly pattern
(weekends higher), a slow yearly wave, a response to the day's `temperature`
(a past-only covariate, itself a yearly wave plus noise) and Gaussian noise.
A model that reads the window can learn the weekly pattern and the level; the
noise keeps a floor under every error, so the metrics are not trivially 0.

The output is deterministic for a seed (NumPy's PCG64).

Usage:
    python3 data/forecast/generate.py [--days 600] [--seed 13]
"""

import argparse
import csv
import os
import pathlib
import tempfile

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
STORES = {"a": (100.0, 0.05, 12.0), "b": (60.0, -0.02, 6.0), "c": (150.0, 0.10, 20.0)}
WEEKLY = np.array([0.0, -0.2, -0.1, 0.0, 0.3, 1.0, 0.8])  # Monday .. Sunday


def generate(days, seed):
    rng = np.random.default_rng(seed)
    start = np.datetime64("2022-01-01")
    dates = start + np.arange(days)
    weekday = (dates.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-01 was a Thursday
    t = np.arange(days, dtype=np.float64)
    rows = []
    for store, (level, slope, amplitude) in STORES.items():
        temperature = 15 + 8 * np.sin(2 * np.pi * (t - 100) / 365.25) + rng.normal(0, 2, days)
        sales = (
            level + slope * t
            + amplitude * WEEKLY[weekday]
            + 0.1 * level * np.sin(2 * np.pi * t / 365.25)
            + 0.5 * (temperature - 15)
            + rng.normal(0, 0.15 * amplitude, days)
        )
        for d, s, temp in zip(dates, sales, temperature):
            rows.append((str(d), store, f"{s:.2f}", f"{temp:.1f}"))
    return rows


def write(path, rows):
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "store", "sales", "temperature"])
        writer.writerows(rows)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=600)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rows = generate(args.days, args.seed)
    write(HERE / "series.csv", rows)
    print(f"wrote {len(rows)} rows to {HERE / 'series.csv'}")


if __name__ == "__main__":
    main()
