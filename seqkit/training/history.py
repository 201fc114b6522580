"""history.csv: one row per epoch, rewritten atomically."""

import csv
import io
import pathlib

from seqkit import run_dir as run_dir_lib


def read_history(path):
    """The rows of history.csv as dicts of strings ([] when absent)."""
    path = pathlib.Path(path)
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_history(path, rows):
    keys = []
    for row in rows:
        keys.extend(k for k in row if k not in keys)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=keys, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    run_dir_lib.write_text(path, buffer.getvalue())


def history_columns(rows):
    """{metric: [value per epoch]} of the numeric columns (epoch left out)."""
    columns = {}
    for row in rows:
        for key, value in row.items():
            if key == "epoch":
                continue
            try:
                columns.setdefault(key, []).append(float(value))
            except (TypeError, ValueError):
                pass
    return columns
