"""The scoring core: CSV records -> serving inputs -> output columns, from a `ServingSpec`.

Nothing here writes files; the local runner (`seqkit.scoring.local`) streams
a CSV through it, and the Beam runner (`seqkit.scoring.beam`) calls the same
functions on the batches its workers hold: `score_batch` is the one per-batch
step of both, `bad_row_error` the one `--on-error fail` message and
`output_header` the one output header.
"""

import dataclasses
import math
import pathlib
from typing import Any

import numpy as np

from seqkit.errors import DataError

# Text values that mean "no value", as pandas reads them by default.
MISSING_MARKERS = frozenset(["", "nan", "NaN", "NAN", "NA", "N/A", "n/a", "<NA>", "null", "NULL", "None"])
PLACEHOLDERS = {"text": "placeholder", "number": "0", "file": None}


@dataclasses.dataclass
class Scorer:
    """One model's serving function and its spec.

    Attributes:
        serve: callable taking the spec's inputs as keyword tensors and
            returning a dict of output tensors.
        spec: the `seqkit.serving.ServingSpec`.
        source: `pathlib.Path` or None, where the model came from.
        owner: kept alive with the scorer (a `tf.function` method holds its
            module only weakly).
    """

    serve: Any
    spec: Any
    source: Any = None
    owner: Any = None

    def predict(self, inputs, batch_size):
        """Runs `serve` over `inputs` ({name: list}) in batches; returns NumPy outputs."""
        import tensorflow as tf

        count = len(next(iter(inputs.values())))
        pieces = []
        for start in range(0, count, batch_size):
            batch = {
                spec.name: tf.constant(inputs[spec.name][start:start + batch_size], dtype=tf.as_dtype(spec.dtype))
                for spec in self.spec.inputs
            }
            outputs = self.serve(**batch)
            pieces.append({key: value.numpy() for key, value in outputs.items()})
        if not pieces:
            return {}
        return {key: np.concatenate([p[key] for p in pieces]) for key in pieces[0]}


def map_columns(spec, text_column=None, columns=None):
    """`spec` reading its inputs from other CSV columns (`--text-column`, `--column INPUT=COLUMN`)."""
    mapping = dict(columns or {})
    if text_column is not None:
        if len(spec.inputs) != 1:
            names = ", ".join(i.name for i in spec.inputs)
            raise DataError(f"--text-column needs a model with one input; this one takes {names}. "
                            "Use --column INPUT=COLUMN")
        mapping[spec.inputs[0].name] = text_column
    try:
        return spec.with_columns(mapping)
    except ValueError as error:
        raise DataError(str(error)) from None


def column_indexes(spec, header, path):
    """{input name: index of its CSV column}; DataError names a missing column."""
    indexes = {}
    for item in spec.inputs:
        for column in item.columns or (item.column,):
            if column not in header:
                raise DataError(
                    f"no column '{column}'; the header has {header}. Rename the column or name it "
                    "with --text-column / --column INPUT=COLUMN",
                    path=path, line=1, column=column,
                )
        # An input reading several columns keeps the list of their indexes.
        indexes[item.name] = ([header.index(c) for c in item.columns] if item.columns
                              else header.index(item.column))
    if spec.group_by is not None and spec.group_by not in header:
        raise DataError(f"no group column '{spec.group_by}'; the header has {header}", path=path, line=1,
                        column=spec.group_by)
    return indexes


def record_checker(spec, indexes, base_dir):
    """A function record -> None, or (reason, column) for a bad record."""

    def check(record):
        for item in spec.inputs:
            if item.columns:
                for column, index in zip(item.columns, indexes[item.name]):
                    value = record[index].strip()
                    if value in MISSING_MARKERS:
                        return f"the {item.read} field is empty or missing", column
                    if item.read == "number" and not _is_number(value):
                        return f"not a number: {value[:40]!r}", column
                continue
            value = record[indexes[item.name]].strip()
            if value in MISSING_MARKERS:
                return f"the {item.read} field is empty or missing", item.column
            if item.read == "number" and not _is_number(value):
                return f"not a number: {value[:40]!r}", item.column
            if item.read == "file" and not (pathlib.Path(base_dir) / value).is_file():
                return f"no such file: {value[:80]!r}", item.column
            if item.read == "file" and item.content == "image":
                from seqkit.data.images import check_image_file

                reason = check_image_file(str(pathlib.Path(base_dir) / value))
                if reason is not None:
                    return f"{reason}: {value[:80]!r}", item.column
        return None

    return check


def bad_row_error(path, bad):
    """The `DataError` that stops scoring (`on_error="fail"`) at a bad row.

    Args:
        path: the CSV file.
        bad: `(line, reason, raw, column)` from `seqkit.scoring.records.CsvRecords`.
    """
    line, reason, _, column = bad
    return DataError(f"{reason}; fix the row or rerun with --on-error skip", path=path, line=line, column=column)


def _is_number(text):
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _read(item, value, base_dir):
    if item.read == "number":
        return float(value)
    if item.read == "file":
        return (pathlib.Path(base_dir) / value.strip()).read_bytes() if value is not None else b""
    return value


def _field(item, record, index, base_dir):
    """One record's value of an input: a list (one per column) for an input with `columns`."""
    if item.columns:
        return [_read(item, record[i], base_dir) for i in index]
    return _read(item, record[index], base_dir)


def row_inputs(spec, records, indexes, base_dir):
    """{input name: list of values}, one per record (per-row scoring)."""
    return {
        item.name: [_field(item, r, indexes[item.name], base_dir) for r in records] for item in spec.inputs
    }


def group_inputs(spec, groups, indexes, base_dir):
    """{input name: list of [window] lists}, one per group (the group's last `window` records)."""
    return {
        item.name: [
            [_field(item, r, indexes[item.name], base_dir) for r in records[-spec.window:]]
            for _, records in groups
        ]
        for item in spec.inputs
    }


def placeholder_inputs(spec):
    """One example of placeholder inputs: scored when no row is, for the output's header."""
    one = {}
    for item in spec.inputs:
        value = _read(item, PLACEHOLDERS[item.read], ".")
        one[item.name] = [value] * len(item.columns) if item.columns else value
    if spec.group_by is None:
        return {name: [value] for name, value in one.items()}
    return {name: [[value] * spec.window] for name, value in one.items()}


def output_columns(spec, outputs):
    """{CSV column: NumPy array [N]} from the serving outputs, per the spec's output kinds."""
    columns = {}
    for item in spec.outputs:
        values = np.asarray(outputs[item.name])
        if item.kind in ("names", "array"):
            continue
        if item.kind == "text":
            columns[item.column] = np.array([_text(v) for v in values], dtype=object)
        elif item.kind == "number":
            columns[item.column] = values.reshape(len(values))
        elif item.kind == "tokens":
            columns[item.column] = np.array(
                [" ".join(t for t in (_text(v) for v in row) if t) for row in values], dtype=object
            )
        elif item.kind == "numbers":
            for index in range(values.shape[1]):
                columns[item.column.format(index=index)] = values[:, index]
        else:  # scores
            names = [_text(n) for n in np.asarray(outputs[item.names])[0]]
            for index, name in enumerate(names):
                columns[item.column.format(name=name)] = values[:, index]
    return columns


def score_batch(scorer, kept, inputs, batch_size):
    """Scores one batch of examples into output rows: the per-batch step of every runner.

    Args:
        scorer: `Scorer`.
        kept: one list of fields per example, written before its outputs
            (per-row scoring: the record; per-group: `[key]`).
        inputs: {input name: list}, from `row_inputs` or `group_inputs`.
        batch_size: examples per call of the serving function.

    Returns:
        `(names, rows)`: the output column names, and per example `kept[i]`
        followed by its outputs formatted by `format_column`.
    """
    predictions = output_columns(scorer.spec, scorer.predict(inputs, batch_size))
    formatted = [format_column(values) for values in predictions.values()]
    return list(predictions), [list(k) + list(extra) for k, extra in zip(kept, zip(*formatted))]


def output_header(spec, header, names, path):
    """The output's columns: the input's (per group: the group column), then `names`.

    Raises:
        DataError: the input already has one of the output columns.
    """
    kept = [spec.group_by] if spec.group_by is not None else list(header)
    clash = [name for name in names if name in kept]
    if clash:
        raise DataError(f"the input already has the prediction columns {clash}; drop or rename them",
                        path=path, line=1)
    return kept + list(names)


def format_column(values):
    """A column's values as CSV strings (floats with 6 decimals)."""
    values = np.asarray(values)
    if values.dtype.kind == "f":
        return np.char.mod("%.6f", values).tolist()
    return [_text(v) for v in values.tolist()]


def split_groups(records, key_index):
    """Consecutive records with the same key -> [(key, [records])], in order."""
    groups = []
    for record in records:
        key = record[key_index]
        if groups and groups[-1][0] == key:
            groups[-1][1].append(record)
        else:
            groups.append((key, [record]))
    return groups


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
