"""The local scoring runner: stream a CSV file through the scoring core on this machine.

`score_csv` reads a chunk of rows, runs the serving function over
fixed-size batches of it in a worker thread (TensorFlow releases the GIL)
while this thread writes the previous chunk and parses the next, so at most
two chunks are held: memory depends on the chunk size, never on the file
size. The output (and the reject file) replace their destinations only when
every row has been read, so a failed run leaves nothing that looks complete.

Bad rows are a wrong number of fields, bytes that are not UTF-8, an input
field that is missing, empty or a missing-value marker (`NaN`, `NA`, `null`,
...), a number that does not parse, a file that does not exist, and (per-group
scoring) a group shorter than the spec's window. With `on_error="fail"` the
first one raises a `DataError` naming file, line and column; with
`on_error="skip"` each is written, with its line number and the reason, to
the reject file and scoring goes on.
"""

import concurrent.futures
import contextlib
import csv
import dataclasses
import pathlib
import errno
import time

from seqkit import export
from seqkit import run_dir
from seqkit.errors import DataError
from seqkit.errors import RunDirError
from seqkit.errors import SeqkitError
from seqkit.scoring import core
from seqkit.scoring.records import CsvRecords
from seqkit.serving import ServingSpec

ON_ERROR_CHOICES = ("fail", "skip")
DEFAULT_CHUNK_SIZE = 10_000
DEFAULT_BATCH_SIZE = 512
REJECT_COLUMNS = ("line", "reason", "record")


@dataclasses.dataclass(frozen=True)
class ScoreResult:
    """What `score_csv` did.

    Attributes:
        output_path: `pathlib.Path` of the scored CSV.
        rows: rows scored and written (groups, with per-group scoring).
        rejected: bad rows skipped (always 0 with `on_error="fail"`).
        reject_path: `pathlib.Path` of the reject file, or None in fail mode.
        seconds: wall-clock time spent reading, scoring and writing rows.
        load_seconds: wall-clock time spent loading the model.
        source: the version directory or run directory that scored.
        columns: the output's columns, in order.
        notes: lines for the user about what was left out (e.g. a task's
            skipped series), or ().
    """

    output_path: pathlib.Path
    rows: int
    rejected: int
    reject_path: pathlib.Path | None
    seconds: float
    load_seconds: float
    source: pathlib.Path | None
    columns: tuple
    notes: tuple = ()

    @property
    def rows_per_second(self):
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


@dataclasses.dataclass(frozen=True)
class ScoreProgress:
    """Passed to the `progress` callback after each chunk (rows, rejected, bytes)."""

    rows: int
    rejected: int
    bytes_read: int
    total_bytes: int


def load_saved_model_scorer(path):
    """A `core.Scorer` for an exported SavedModel (a version directory or the latest
    version under a directory of versions), from its seqkit.json alone."""
    import tensorflow as tf

    version_dir = export.resolve_saved_model(path)
    metadata = export.read_metadata(version_dir)
    if "serving" not in metadata:
        raise RunDirError(
            f"{version_dir} was exported by an older seqkit (no serving spec in its seqkit.json); "
            "export the run again with `seqkit export RUN_DIR --out DIR`"
        )
    if metadata.get("custom_ops", {}).get("tensorflow_text"):
        import tensorflow_text  # noqa: F401  (registers the graph's ops)
    try:
        loaded = tf.saved_model.load(str(version_dir))
    except Exception as error:  # TensorFlow raises many kinds here.
        raise RunDirError(f"cannot load the SavedModel in {version_dir}: {error}") from error
    signature = loaded.signatures.get(export.SIGNATURE_KEY)
    if signature is None:
        raise RunDirError(
            f"{version_dir} has no '{export.SIGNATURE_KEY}' signature; export the run again with `seqkit export`"
        )
    spec = ServingSpec.from_dict(metadata["serving"])
    return core.Scorer(serve=signature, spec=spec, source=pathlib.Path(version_dir), owner=loaded)


def _resolve_scorer(source):
    if isinstance(source, core.Scorer):
        return source
    path = pathlib.Path(source)
    if not path.exists():
        raise RunDirError(
            f"{path} does not exist; pass a run directory (seqkit fit) or an export directory (seqkit export)"
        )
    if not export.is_saved_model(path):
        raise RunDirError(f"{path} is not an export; score a run directory with seqkit.runner.score")
    return load_saved_model_scorer(path)


def _check_arguments(on_error, chunk_size, batch_size, input_path, output_path):
    if on_error not in ON_ERROR_CHOICES:
        raise ValueError(f"on_error must be one of {ON_ERROR_CHOICES}. Received: on_error={on_error!r}")
    for name, value in (("chunk_size", chunk_size), ("batch_size", batch_size)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer. Received: {name}={value!r}")
    if not input_path.is_file():
        raise DataError("input file not found", path=input_path)
    if output_path.resolve() == input_path.resolve():
        raise DataError("the output would overwrite the input; pick another --out", path=output_path)


def score_csv(source, input_path, output_path, *, on_error="fail", reject_path=None,
              chunk_size=DEFAULT_CHUNK_SIZE, batch_size=DEFAULT_BATCH_SIZE, progress=None,
              text_column=None, columns=None):
    """Scores every row (or group of rows) of a CSV file and writes it with output columns.

    Args:
        source: a `core.Scorer` (`seqkit.runner.scorer` makes one for a run
            directory) or an exported SavedModel (a version directory or the
            directory of versions, whose latest version is used).
        input_path: CSV with a header row holding the spec's input columns;
            `.tsv` files are read tab-separated.
        output_path: the scored CSV: every input column then the output
            columns (per-group: the group column then the output columns).
            Written atomically.
        on_error: `"fail"` or `"skip"`. Defaults to `"fail"`.
        reject_path: where skipped rows go. Defaults to `<output_path>.rejects.csv`.
        chunk_size: rows read and written at a time. Defaults to `10000`.
        batch_size: examples per model call. Defaults to `512`.
        progress: callable or None, called with a `ScoreProgress` after each chunk.
        text_column: the CSV column of the model's single input, when it is
            not named as in training.
        columns: dict or None, {input name: CSV column} for any input.

    Returns:
        `ScoreResult`.

    Raises:
        DataError: unreadable input, a missing column, or (fail mode) a bad
            row, naming the file, line and column.
        RunDirError: `source` is not an export (or a Scorer).
    """
    input_path, output_path = pathlib.Path(input_path), pathlib.Path(output_path)
    _check_arguments(on_error, chunk_size, batch_size, input_path, output_path)
    if on_error == "skip":
        reject_path = (pathlib.Path(reject_path) if reject_path is not None
                       else output_path.with_name(output_path.name + ".rejects.csv"))
    else:
        reject_path = None
    loading = time.perf_counter()
    scorer = _resolve_scorer(source)
    scorer = dataclasses.replace(scorer, spec=core.map_columns(scorer.spec, text_column, columns))
    started = time.perf_counter()
    job = _Job(scorer, input_path, chunk_size, batch_size, progress)
    with _atomic_outputs(output_path, reject_path) as (out_file, reject_file):
        job.run(out_file, reject_file)
    return ScoreResult(
        output_path=output_path, rows=job.rows, rejected=job.rejected, reject_path=reject_path,
        seconds=time.perf_counter() - started, load_seconds=started - loading,
        source=scorer.source, columns=tuple(job.columns),
    )


_FULL = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


@contextlib.contextmanager
def _atomic_outputs(output_path, reject_path):
    """Open temporary output (and reject) files; rename them into place on success only.

    The temporaries are named `.NAME.tmp-PID-RANDOM` (`seqkit.run_dir`); those
    of the same output left by a killed run are removed first. A full disk (or
    file size limit) while writing is a `SeqkitError` naming the output.
    """
    try:
        output_path.parent.mkdir(parents=True, exist_ok=True)
    except (NotADirectoryError, FileExistsError):
        raise DataError("cannot create the output's directory: a part of that path is a file",
                        path=output_path) from None
    for path in (output_path, reject_path):
        if path is not None:
            run_dir.remove_stale_temporaries(path.parent, path.name)
    temps = [run_dir.temporary_name(output_path),
             None if reject_path is None else run_dir.temporary_name(reject_path)]
    try:
        with contextlib.ExitStack() as stack:
            out_file = stack.enter_context(open(temps[0], "w", newline="", encoding="utf-8"))
            reject_file = None
            if temps[1] is not None:
                temps[1].parent.mkdir(parents=True, exist_ok=True)
                reject_file = stack.enter_context(open(temps[1], "w", newline="", encoding="utf-8"))
            yield out_file, reject_file
        run_dir.publish(temps[0], output_path)
        if temps[1] is not None:
            run_dir.publish(temps[1], reject_path)
    except OSError as error:
        if error.errno not in _FULL:
            raise
        raise SeqkitError(f"cannot write {output_path}: {error.strerror}; nothing was written") from error
    finally:
        for temp in temps:
            if temp is not None and temp.exists():
                temp.unlink()


class _Job:
    """One scoring pass over a CSV file (state shared by the chunk loop's helpers)."""

    def __init__(self, scorer, input_path, chunk_size, batch_size, progress):
        self.scorer, self.spec = scorer, scorer.spec
        self.input_path, self.chunk_size, self.batch_size = input_path, chunk_size, batch_size
        self.progress, self.last_report = progress, None
        self.reader = CsvRecords(input_path)
        self.header = self.reader.header()
        self.indexes = core.column_indexes(self.spec, self.header, input_path)
        self.base_dir = input_path.resolve().parent
        self.rows = self.rejected = 0
        self.columns = None
        self.carry = []  # per-group: the last group of a chunk, completed by the next

    def run(self, out_file, reject_file):
        writer = csv.writer(out_file)
        rejects = None if reject_file is None else csv.writer(reject_file)
        if rejects is not None:
            rejects.writerow(REJECT_COLUMNS)
        check = core.record_checker(self.spec, self.indexes, self.base_dir)
        executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        pending = None
        try:
            for chunk, bad in self.reader.chunks(self.chunk_size, self.header, check):
                self._reject(bad, rejects)
                examples = self._examples(chunk, rejects, final=False)
                if not examples[0]:
                    continue
                future = executor.submit(self._score, *examples)
                if pending is not None:
                    self._finish(writer, pending)
                pending = (future, self.reader.bytes_read)
            last = self._examples([], rejects, final=True)
            if last[0]:
                if pending is not None:
                    self._finish(writer, pending)
                pending = (executor.submit(self._score, *last), self.reader.bytes_read)
            if pending is not None:
                self._finish(writer, pending)
            self._report(self.reader.bytes_read)  # rows rejected after the last chunk
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        if self.columns is None:
            # No scorable row at all: still write a well-formed header.
            self._write_header(writer, self._score([], core.placeholder_inputs(self.spec))[0])

    def _score(self, kept, inputs):
        return core.score_batch(self.scorer, kept, inputs, self.batch_size)

    def _reject(self, bad, rejects):
        if not bad:
            return
        if rejects is None:
            raise core.bad_row_error(self.input_path, bad[0])
        rejects.writerows(b[:3] for b in bad)
        self.rejected += len(bad)

    def _examples(self, chunk, rejects, final):
        """(rows to write, inputs): per row, the chunk itself; per group, its complete groups."""
        if self.spec.group_by is None:
            return chunk, core.row_inputs(self.spec, chunk, self.indexes, self.base_dir)
        groups = core.split_groups(self.carry + chunk, self.header.index(self.spec.group_by))
        self.carry = [] if final or not groups else groups.pop()[1]
        short = [g for g in groups if len(g[1]) < self.spec.window]
        if short:
            self._reject([(0, f"group {key!r} has {len(records)} rows; the model reads {self.spec.window}",
                           ",".join(records[0]), self.spec.group_by) for key, records in short], rejects)
        groups = [g for g in groups if len(g[1]) >= self.spec.window]
        keys = [[key] for key, _ in groups]
        return keys, core.group_inputs(self.spec, groups, self.indexes, self.base_dir)

    def _write_header(self, writer, names):
        self.columns = core.output_header(self.spec, self.header, names, self.input_path)
        writer.writerow(self.columns)

    def _finish(self, writer, pending):
        future, bytes_read = pending
        names, rows = future.result()
        if self.columns is None:
            self._write_header(writer, names)
        writer.writerows(rows)
        self.rows += len(rows)
        self._report(bytes_read)

    def _report(self, bytes_read):
        state = ScoreProgress(self.rows, self.rejected, bytes_read, self.reader.total_bytes)
        if self.progress is not None and state != self.last_report:
            self.last_report = state
            self.progress(state)
