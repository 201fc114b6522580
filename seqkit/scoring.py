"""Batch scoring of CSV files with a trained run or an exported SavedModel.

`score_csv` streams the input: it reads a chunk of rows with the `csv` module,
runs the serving function over fixed-size batches of that chunk and appends
the chunk, with every input column and the prediction columns, to a temporary
output file. The model scores one chunk in a worker thread while the main
thread writes the previous chunk and parses the next, so at most two chunks
are held: memory depends on the chunk size, never on the file size. The
output (and the reject file) replace their destinations only when every row
has been read, so a failed run leaves nothing that looks complete.

Bad rows are a wrong number of fields, bytes that are not UTF-8 and a text
field that is missing, empty or a missing-value marker (`NaN`, `NA`, `null`,
...). With `on_error="fail"` the first one raises a `DataError` naming file,
line and column; with `on_error="skip"` each is written, with its line number
and the reason, to the reject file and scoring goes on.
"""

import concurrent.futures
import csv
import dataclasses
import os
import pathlib
import time
import uuid

import numpy as np

from seqkit.errors import DataError
from seqkit.errors import RunDirError
from seqkit.errors import SeqkitError

ON_ERROR_CHOICES = ("fail", "skip")
DEFAULT_CHUNK_SIZE = 10_000
DEFAULT_BATCH_SIZE = 512
# Text values that mean "no value", as pandas reads them by default.
MISSING_MARKERS = frozenset(
    ["", "nan", "NaN", "NAN", "NA", "N/A", "n/a", "<NA>", "null", "NULL", "None"]
)
REJECT_COLUMNS = ("line", "reason", "record")


@dataclasses.dataclass(frozen=True)
class ScoreResult:
    """What `score_csv` did.

    Attributes:
        output_path: `pathlib.Path` of the scored CSV.
        rows: rows scored and written.
        rejected: bad rows skipped (always 0 with `on_error="fail"`).
        reject_path: `pathlib.Path` of the reject file, or None in fail mode.
        seconds: wall-clock time spent reading, scoring and writing rows
            (after the model was loaded).
        load_seconds: wall-clock time spent loading the model.
        source: the version directory or run directory that scored.
        columns: the output's columns, in order.
    """

    output_path: pathlib.Path
    rows: int
    rejected: int
    reject_path: pathlib.Path | None
    seconds: float
    load_seconds: float
    source: pathlib.Path | None
    columns: tuple

    @property
    def rows_per_second(self):
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


@dataclasses.dataclass(frozen=True)
class ScoreProgress:
    """Passed to the `progress` callback after each chunk.

    Attributes:
        rows: rows scored so far.
        rejected: rows rejected so far.
        bytes_read: input bytes consumed so far.
        total_bytes: the input's size in bytes.
    """

    rows: int
    rejected: int
    bytes_read: int
    total_bytes: int


class Scorer:
    """Raw strings in, prediction columns out, for one trained model.

    Args:
        serve: callable taking a rank-1 `tf.string` tensor and returning the
            dict `label` / `probabilities` / `class_names` of tensors.
        text_column: str. The CSV column fed to `serve`.
        format_predictions: callable or None. Turns the dict of NumPy outputs
            into output columns; defaults to `default_format_predictions`.
        source: `pathlib.Path` or None. Where the model came from.
        owner: object or None. Kept alive with the scorer: a `tf.function`
            method holds its module only weakly.
    """

    def __init__(self, serve, text_column, format_predictions=None, source=None, owner=None):
        self.serve = serve
        self.owner = owner
        self.text_column = text_column
        self.format_predictions = (
            format_predictions
            if format_predictions is not None
            else default_format_predictions
        )
        self.source = source

    def predict(self, texts, batch_size=DEFAULT_BATCH_SIZE):
        """Runs the model over `texts` in batches; returns the output columns."""
        import tensorflow as tf

        texts = list(texts)
        pieces = []
        for start in range(0, len(texts), batch_size):
            batch = tf.constant(texts[start : start + batch_size], dtype=tf.string)
            outputs = self.serve(batch)
            pieces.append({key: value.numpy() for key, value in outputs.items()})
        if not pieces:
            return {}
        outputs = {key: np.concatenate([p[key] for p in pieces]) for key in pieces[0]}
        return self.format_predictions(outputs)


def default_format_predictions(outputs):
    """`predicted_label` and one `prob_<class>` column per class, as strings.

    Args:
        outputs: dict of NumPy arrays `label` [N] (bytes), `probabilities`
            [N, C] and `class_names` [N, C] (bytes).
    """
    labels = [_text(value) for value in outputs["label"]]
    names = [_text(value) for value in outputs["class_names"][0]]
    columns = {"predicted_label": np.asarray(labels, dtype=object)}
    probabilities = outputs["probabilities"]
    for index, name in enumerate(names):
        columns[f"prob_{name}"] = probabilities[:, index]
    return columns


def load_scorer(source):
    """Builds a `Scorer` from a run directory or an exported SavedModel.

    Args:
        source: path of a run directory, a SavedModel version directory, a
            directory of versions (its latest version is used), or an already
            loaded `seqkit.runner.Run`.

    Raises:
        RunDirError: `source` is neither a run directory nor an export.
    """
    from seqkit import export

    if not isinstance(source, (str, os.PathLike)):
        return _scorer_from_run(source)
    path = pathlib.Path(source)
    if not path.exists():
        raise RunDirError(
            f"{path} does not exist; pass a run directory (seqkit fit) or an "
            "export directory (seqkit export)"
        )
    if export.is_saved_model(path):
        return _scorer_from_saved_model(export.resolve_saved_model(path))
    from seqkit import runner

    return _scorer_from_run(runner.load_run(path))


def _scorer_from_run(run):
    task = run.task
    module = task.serving_module(run)
    columns = list(task.input_columns(run.config))
    path = getattr(run, "path", None)
    return Scorer(
        serve=module.serve,
        text_column=_single_column(columns, path),
        format_predictions=getattr(task, "format_predictions", None),
        source=None if path is None else pathlib.Path(path),
        owner=module,
    )


def _scorer_from_saved_model(version_dir):
    import tensorflow as tf

    from seqkit import export

    metadata = export.read_metadata(version_dir)
    if metadata.get("custom_ops", {}).get("tensorflow_text"):
        import tensorflow_text  # noqa: F401  (registers the graph's ops)
    try:
        loaded = tf.saved_model.load(str(version_dir))
    except Exception as error:  # TensorFlow raises many kinds here.
        raise RunDirError(f"cannot load the SavedModel in {version_dir}: {error}") from error
    signature = loaded.signatures.get(export.SIGNATURE_KEY)
    if signature is None:
        raise RunDirError(
            f"{version_dir} has no '{export.SIGNATURE_KEY}' signature; "
            "export the run again with `seqkit export`"
        )
    input_name = _signature_input_name(signature)

    def serve(text):
        return signature(**{input_name: text})

    columns = metadata.get("input_columns") or ["text"]
    return Scorer(
        serve=serve,
        text_column=_single_column(columns, version_dir),
        format_predictions=_task_formatter(metadata.get("task")),
        source=pathlib.Path(version_dir),
        owner=loaded,
    )


def _signature_input_name(signature):
    names = list(signature.structured_input_signature[1])
    if len(names) != 1:
        raise RunDirError(
            f"the serving signature takes {len(names)} inputs ({names}); "
            "seqkit score feeds exactly one text input"
        )
    return names[0]


def _task_formatter(task_name):
    if not task_name:
        return None
    try:
        from seqkit.tasks.registry import get_task
    except ImportError:
        return None
    try:
        task = get_task(task_name)
    except (SeqkitError, KeyError, ValueError):
        return None
    if isinstance(task, type):
        task = task()
    return getattr(task, "format_predictions", None)


def _single_column(columns, where):
    if len(columns) != 1:
        raise RunDirError(
            f"{where} reads the input columns {columns}; seqkit score handles "
            "tasks with exactly one text column"
        )
    return columns[0]


def score_csv(
    source,
    input_path,
    output_path,
    *,
    on_error="fail",
    reject_path=None,
    chunk_size=DEFAULT_CHUNK_SIZE,
    batch_size=DEFAULT_BATCH_SIZE,
    progress=None,
    text_column=None,
):
    """Scores every row of a CSV file and writes it with prediction columns.

    Args:
        source: a run directory, an exported SavedModel (a version directory or
            the directory of versions, whose latest version is used), a loaded
            `Run`, or a `Scorer`.
        input_path: str or path-like. CSV with a header row holding the task's
            text column; `.tsv` files are read tab-separated.
        output_path: str or path-like. The scored CSV: every input column, then
            the prediction columns. Written atomically.
        on_error: `"fail"` or `"skip"`. Defaults to `"fail"`.
        reject_path: str, path-like or None. Where skipped rows go. Defaults
            to `<output_path>.rejects.csv`. Only used with `on_error="skip"`.
        chunk_size: int. Rows read and written at a time. Defaults to `10000`.
        batch_size: int. Rows per model call. Defaults to `512`.
        progress: callable or None. Called with a `ScoreProgress` after each
            chunk.
        text_column: str or None. The input column holding the text, when it
            is not named as in training. Defaults to the model's own column.

    Returns:
        `ScoreResult`.

    Raises:
        DataError: unreadable input, missing text column, or (fail mode) a
            bad row, naming the file, line and column.
        RunDirError: `source` is not a run directory or an export.
    """
    if on_error not in ON_ERROR_CHOICES:
        raise ValueError(f"on_error must be one of {ON_ERROR_CHOICES}. Received: on_error={on_error!r}")
    for name, value in (("chunk_size", chunk_size), ("batch_size", batch_size)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer. Received: {name}={value!r}")
    input_path = pathlib.Path(input_path)
    output_path = pathlib.Path(output_path)
    if not input_path.is_file():
        raise DataError("input file not found", path=input_path)
    if output_path.resolve() == input_path.resolve():
        raise DataError("the output would overwrite the input; pick another --out", path=output_path)
    if on_error == "skip":
        reject_path = (
            pathlib.Path(reject_path)
            if reject_path is not None
            else output_path.with_name(output_path.name + ".rejects.csv")
        )
    else:
        reject_path = None

    loading = time.perf_counter()
    scorer = source if isinstance(source, Scorer) else load_scorer(source)
    started = time.perf_counter()
    reader = _CsvRecords(input_path)
    header = reader.header()
    text_column = text_column if text_column is not None else scorer.text_column
    if text_column not in header:
        raise DataError(
            f"no column '{text_column}'; the header has {header}. Rename the "
            "column or name it with --text-column",
            path=input_path,
            line=1,
            column=text_column,
        )
    text_index = header.index(text_column)

    output_path.parent.mkdir(parents=True, exist_ok=True)
    temp_output = _temp_name(output_path)
    temp_reject = None if reject_path is None else _temp_name(reject_path)
    rows = rejected = 0
    columns = None
    try:
        with open(temp_output, "w", newline="", encoding="utf-8") as out_file:
            writer = csv.writer(out_file)
            reject_writer = None
            if temp_reject is not None:
                temp_reject.parent.mkdir(parents=True, exist_ok=True)
                reject_file = open(temp_reject, "w", newline="", encoding="utf-8")
                reject_writer = csv.writer(reject_file)
                reject_writer.writerow(REJECT_COLUMNS)
            # The model scores chunk N in a worker thread (TensorFlow releases
            # the GIL) while this thread writes chunk N-1 and parses chunk N+1;
            # at most two chunks are in flight, so memory stays bounded.
            executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
            pending = None
            last_report = [None]

            def report(bytes_read):
                state = ScoreProgress(rows, rejected, bytes_read, reader.total_bytes)
                if progress is not None and state != last_report[0]:
                    last_report[0] = state
                    progress(state)

            def finish(pending):
                nonlocal columns, rows
                chunk, future, bytes_read = pending
                predictions = future.result()
                if columns is None:
                    columns = _output_columns(header, predictions, input_path)
                    writer.writerow(columns)
                _write_rows(writer, chunk, predictions)
                rows += len(chunk)
                report(bytes_read)

            try:
                for chunk, bad in reader.chunks(chunk_size, header, text_index):
                    if bad:
                        if reject_writer is None:
                            line, reason, _, column = bad[0]
                            raise DataError(
                                f"{reason}; fix the row or rerun with --on-error skip",
                                path=input_path,
                                line=line,
                                column=column,
                            )
                        reject_writer.writerows(b[:3] for b in bad)
                        rejected += len(bad)
                    if not chunk:
                        continue
                    texts = [record[text_index] for record in chunk]
                    future = executor.submit(scorer.predict, texts, batch_size)
                    if pending is not None:
                        finish(pending)
                    pending = (chunk, future, reader.bytes_read)
                if pending is not None:
                    finish(pending)
                    pending = None
                # Rows rejected after the last chunk, and the bytes they took.
                report(reader.bytes_read)
            finally:
                executor.shutdown(wait=True, cancel_futures=True)
                if reject_writer is not None:
                    reject_file.close()
            if columns is None:
                # No scorable row at all: still write a well-formed header.
                names = scorer.predict(["placeholder"], batch_size=1)
                columns = _output_columns(header, names, input_path)
                writer.writerow(columns)
        os.replace(temp_output, output_path)
        if temp_reject is not None:
            os.replace(temp_reject, reject_path)
    finally:
        for temp in (temp_output, temp_reject):
            if temp is not None and temp.exists():
                temp.unlink()
    return ScoreResult(
        output_path=output_path,
        rows=rows,
        rejected=rejected,
        reject_path=reject_path,
        seconds=time.perf_counter() - started,
        load_seconds=started - loading,
        source=scorer.source,
        columns=tuple(columns),
    )


def _temp_name(path):
    return path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")


def _output_columns(header, predictions, input_path):
    clash = [name for name in predictions if name in header]
    if clash:
        raise DataError(
            f"the input already has the prediction columns {clash}; drop or rename them",
            path=input_path,
            line=1,
        )
    return list(header) + list(predictions)


def _write_rows(writer, chunk, predictions):
    formatted = []
    for values in predictions.values():
        values = np.asarray(values)
        if values.dtype.kind == "f":
            formatted.append(np.char.mod("%.6f", values).tolist())
        else:
            formatted.append([_text(v) for v in values.tolist()])
    writer.writerows(record + list(extra) for record, extra in zip(chunk, zip(*formatted)))


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class _CsvRecords:
    """Reads a CSV file record by record, tracking lines, bytes and bad rows.

    The file is read as bytes and decoded line by line, so a line that is not
    UTF-8 is reported with its number instead of failing the whole chunk.
    Records may span several lines (quoted newlines); a record is reported at
    the line it starts on.
    """

    def __init__(self, path):
        self.path = pathlib.Path(path)
        self.total_bytes = self.path.stat().st_size
        self.bytes_read = 0
        self._line = 0
        self._bad_lines = set()
        self._pending = []
        self._records_iter = None

    def _lines(self):
        with open(self.path, "rb") as raw:
            for data in raw:
                self._line += 1
                self.bytes_read += len(data)
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    self._bad_lines.add(self._line)
                    text = data.decode("utf-8", "replace")
                if self._line == 1 and text.startswith("\ufeff"):
                    text = text[1:]
                self._pending.append(text)
                yield text

    def _records(self):
        delimiter = "\t" if self.path.suffix.lower() == ".tsv" else ","
        reader = csv.reader(self._lines(), delimiter=delimiter, strict=True)
        first_line = 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise DataError(f"malformed CSV ({error})", path=self.path, line=first_line) from error
            raw = "".join(self._pending).rstrip("\r\n")
            self._pending.clear()
            span = range(first_line, self._line + 1)
            bad_utf8 = any(line in self._bad_lines for line in span)
            if bad_utf8:
                self._bad_lines.difference_update(span)
            yield first_line, record, raw, bad_utf8
            first_line = self._line + 1

    def header(self):
        self._records_iter = self._records()
        for line, record, _, bad_utf8 in self._records_iter:
            if bad_utf8:
                raise DataError("the header is not valid UTF-8", path=self.path, line=line)
            if not record:
                continue
            names = [name.strip() for name in record]
            if len(set(names)) != len(names):
                raise DataError(f"duplicate column names in the header {names}", path=self.path, line=line)
            return names
        raise DataError("the file is empty; expected a header row", path=self.path)

    def chunks(self, chunk_size, header, text_index):
        """Yields `(good_records, bad)` lists; `bad` holds (line, reason, raw, column)."""
        width = len(header)
        good, bad = [], []
        for line, record, raw, bad_utf8 in self._records_iter:
            if not record:
                continue  # a blank line is no row
            if bad_utf8:
                bad.append((line, "invalid UTF-8 bytes", raw, None))
            elif len(record) != width:
                bad.append((line, f"expected {width} fields, found {len(record)}", raw, None))
            elif record[text_index].strip() in MISSING_MARKERS:
                bad.append((line, "the text field is empty or missing", raw, header[text_index]))
            else:
                good.append(record)
            if len(good) >= chunk_size or (bad and len(good) + len(bad) >= chunk_size):
                yield good, bad
                good, bad = [], []
        if good or bad:
            yield good, bad
