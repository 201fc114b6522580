"""The Beam scoring runner: the scoring core as an Apache Beam pipeline.

`score_files` scores every CSV file a glob matches with an exported
SavedModel and writes sharded CSV outputs plus a JSON manifest:

    Inputs -> (reshuffled) -> ReadRows: one file per worker at a time, its own
    header, rows classified by `seqkit.scoring.records.CsvRecords` (bad rows
    raise `core.bad_row_error` or go to the rejects) -> BatchElements ->
    ScoreBatches: `core.score_batch` with the SavedModel loaded once per worker
    process (`apache_beam.utils.shared.Shared`) -> WriteToText shards ->
    row counts -> manifest.

The columns, their formatting, the bad-row rules and messages are those of
the local runner (`seqkit.scoring.local`), because both call the same core
functions. Every output goes to a temporary folder beside the prefix and is
renamed into place only after the pipeline succeeds (the manifest last), so a
failed run leaves nothing half-written.

Runner: the DirectRunner with 2 worker processes by default
(`direct_num_workers=2`, `direct_running_mode=multi_processing`); any Beam
pipeline option passes through (`runner=FlinkRunner`, `flink_master=...`).
The input files, the SavedModel and the output folder must be reachable at
the same paths from every worker (a shared file system).

A task that writes its own rows from groups of rows (forecasting: one
row per series and future step) passes `groups` (`ForecastTask.history_groups`):
then ReadRows keys every good record by its group column (one key when there
is none) -> GroupByKey -> ScoreGroups puts each group's records back in file
order and scores the whole group with `groups.score`, the function the local
runner uses per series; a group it skips (`--on-error skip`, e.g. a series
shorter than the window) goes to the rejects as `file, "", reason, key`.
"""

import contextlib
import csv
import dataclasses
import glob
import io
import itertools
import json
import logging
import pathlib
import re
import shutil
import time

from seqkit import export
from seqkit import errors
from seqkit import run_dir
from seqkit.errors import ConfigError
from seqkit.errors import DataError
from seqkit.errors import RunDirError
from seqkit.scoring import core
from seqkit.scoring.local import REJECT_COLUMNS
from seqkit.scoring.local import load_saved_model_scorer
from seqkit.scoring.records import CsvRecords

DEFAULT_OPTIONS = {"runner": "DirectRunner", "direct_num_workers": 2, "direct_running_mode": "multi_processing",
                   "default_sdk_harness_log_level": "WARNING"}
BEAM_REJECT_COLUMNS = ("file",) + REJECT_COLUMNS
MANIFEST_SUFFIX = ".manifest.json"
REJECTS_SUFFIX = ".rejects"
SHARD_SUFFIX = ".csv"
_REJECTS = "rejects"


def _import_beam():
    """apache_beam, imported without its start-up warnings (apitools, bigquery)."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        import apache_beam
    except ImportError:
        raise ConfigError("the beam runner needs Apache Beam: pip install 'seqkit[beam]'") from None
    finally:
        root.setLevel(level)
    return apache_beam


beam = _import_beam()


@dataclasses.dataclass(frozen=True)
class BeamScoreResult:
    """What `score_files` wrote.

    Attributes:
        manifest_path: `pathlib.Path` of the manifest (JSON).
        shards: tuple of `pathlib.Path`, the scored CSV shards.
        reject_shards: tuple of `pathlib.Path`, the reject shards (skip mode).
        rows: rows scored and written.
        rejected: bad rows written to the rejects (0 in fail mode).
        inputs: tuple of `pathlib.Path`, the files the glob matched.
        seconds: wall-clock time of the pipeline (start-up included).
        load_seconds: time spent loading the model in this process (header).
        options: dict, the Beam pipeline options the run used.
    """

    manifest_path: pathlib.Path
    shards: tuple
    reject_shards: tuple
    rows: int
    rejected: int
    inputs: tuple
    seconds: float
    load_seconds: float
    options: dict

    @property
    def rows_per_second(self):
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


def score_files(source, input_glob, output_prefix, *, on_error="fail", batch_size=512, text_column=None,
                columns=None, beam_options=None, groups=None):
    """Scores every row of the CSV files `input_glob` matches, as a Beam pipeline.

    Args:
        source: an exported SavedModel (a version directory or the directory
            of versions, whose latest version is used).
        input_glob: a file name or glob (`data/part-*.csv`); each file has a
            header row holding the spec's input columns, the same in every file.
        output_prefix: where the outputs go: `PREFIX-SSSSS-of-NNNNN.csv`
            shards (the input columns then the output columns, each with
            the header), `PREFIX.rejects-SSSSS-of-NNNNN.csv` in skip mode
            (file, line, reason, record) and `PREFIX.manifest.json`. Its
            folder must exist.
        on_error: `"fail"` or `"skip"`, as in `seqkit.scoring.score_csv`.
        batch_size: rows per model call (`beam.BatchElements`). Defaults to `512`.
        text_column: the CSV column of the model's single input.
        columns: dict or None, {input name: CSV column}.
        beam_options: dict or None, Beam pipeline options {name: value}
            over `DEFAULT_OPTIONS`.
        groups: None, or for a task that scores groups of rows, its scorer
            (`group_by`: the group column or None, `columns`: the output
            columns, `score(serve, path, header, records, on_error)` ->
            (rows, [(key, reason)])).

    Returns:
        `BeamScoreResult`.

    Raises:
        DataError: no file matches, a missing column or a different header,
            a missing output folder, or (fail mode) a bad row, naming the
            file and line.
        ConfigError: an unknown or invalid Beam option; a spec that scores
            groups of rows without `groups`.
        RunDirError: `source` is not an export.
    """
    if on_error not in ("fail", "skip"):
        raise ValueError(f"on_error must be 'fail' or 'skip'. Received: on_error={on_error!r}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer. Received: batch_size={batch_size!r}")
    prefix = _check_prefix(output_prefix)
    inputs = match_inputs(input_glob, prefix)
    options = pipeline_options(beam_options)
    loading = time.perf_counter()
    scorer, task = _load_export(source)
    if groups is not None and (text_column is not None or columns):
        raise ConfigError(f"--text-column and --column do not apply to task '{task}': it reads the columns "
                          "its recipe names")
    spec = core.map_columns(scorer.spec, text_column, columns)
    if spec.group_by is not None and groups is None:
        raise ConfigError(f"task '{task}' scores groups of rows (one per '{spec.group_by}') and passed no "
                          "group scorer; use the local runner (seqkit score without --runner beam)")
    header, indexes = _common_header(spec, inputs)
    if groups is None:
        names = _output_names(dataclasses.replace(scorer, spec=spec), header, indexes, inputs)
        out_columns = core.output_header(spec, header, names, inputs[0])
    else:
        out_columns = list(groups.columns)
    load_seconds = time.perf_counter() - loading

    job = _Job(scorer.source, spec, header, indexes, out_columns, on_error, batch_size, task, inputs, groups)
    started = time.perf_counter()
    run_dir.remove_stale_temporaries(prefix.parent, prefix.name)
    temp = run_dir.temporary_name(prefix)
    temp.mkdir()
    try:
        manifest = job.run(options, temp / prefix.name)
        published = _publish(temp, prefix, manifest)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return BeamScoreResult(
        manifest_path=published, shards=tuple(prefix.parent / s["file"] for s in manifest["shards"]),
        reject_shards=tuple(prefix.parent / s["file"] for s in manifest["rejects"]),
        rows=manifest["rows"], rejected=manifest["rejected"], inputs=tuple(inputs),
        seconds=time.perf_counter() - started, load_seconds=load_seconds, options=options.get_all_options(
            drop_default=True),
    )


def _check_prefix(output_prefix):
    prefix = pathlib.Path(output_prefix)
    if not prefix.name or prefix.name in (".", "..") or str(output_prefix).endswith(("/", "\\")):
        raise DataError("--out is a prefix for the output files (e.g. scored/part), not a folder",
                        path=output_prefix)
    if not prefix.parent.is_dir():
        raise DataError(f"the output folder {prefix.parent} does not exist; create it first", path=output_prefix)
    return prefix


def match_inputs(input_glob, prefix=None):
    """The files `input_glob` matches, sorted; DataError when none (or one is an output of `prefix`)."""
    paths = sorted(pathlib.Path(p) for p in glob.glob(str(input_glob), recursive=True))
    paths = [p for p in paths if p.is_file()]
    if not paths:
        raise DataError("no input file matches this glob", path=input_glob)
    if prefix is not None:
        pattern = re.compile(re.escape(prefix.name) + r"(\.rejects)?-\d{5}-of-\d{5}\.csv|"
                             + re.escape(prefix.name + MANIFEST_SUFFIX))
        for path in paths:
            if path.resolve().parent == prefix.resolve().parent and pattern.fullmatch(path.name):
                raise DataError("the input glob matches an output of this --out prefix; pick another --out",
                                path=path)
    return paths


def pipeline_options(values=None):
    """Beam `PipelineOptions` from `DEFAULT_OPTIONS` updated with `values` ({name: value}).

    A boolean option takes `true` / `false`. An unknown name or a value Beam
    does not accept is a `ConfigError` naming it.
    """
    from apache_beam.options.pipeline_options import PipelineOptions

    values = dict(values or {})
    chosen = dict(DEFAULT_OPTIONS)
    if values.get("direct_running_mode") == "in_memory":
        chosen["direct_num_workers"] = 1  # one in-process worker; 2 would only warn
    chosen.update(values)
    known = PipelineOptions([]).get_all_options()
    flags = []
    for name, value in chosen.items():
        if name not in known:
            raise ConfigError(f"unknown Beam pipeline option '{name}' (--beam-option {name}=...); "
                              "see `python -m apache_beam.examples.wordcount --help` for the options")
        flags += _option_flags(PipelineOptions, name, str(value).strip())
    return PipelineOptions(flags)


def _option_flags(options_class, name, value):
    """The command-line flags for one Beam option: `--name=value`, or for a flag
    (an option that takes no value) `--name` when `value` is true and nothing when false."""
    for flags in ([f"--{name}={value}"], [f"--{name}"]):
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                options_class(flags).get_all_options()
        except SystemExit:
            continue
        if len(flags[0]) > len(name) + 2:  # took the value
            return flags
        if value.lower() not in ("true", "false"):
            raise ConfigError(f"Beam option '{name}' is true or false. Received: {value!r}")
        return flags if value.lower() == "true" else []
    raise ConfigError(f"Beam does not accept {name}={value!r}")


def _load_export(source):
    path = pathlib.Path(source)
    if not path.exists():
        raise RunDirError(f"{path} does not exist; pass an export directory (seqkit export)")
    if not export.is_saved_model(path):
        raise RunDirError(f"{path} is not an export; the beam runner loads an exported SavedModel on every "
                          "worker: run `seqkit export RUN_DIR --out DIR` and score DIR")
    scorer = load_saved_model_scorer(path)
    task = export.read_metadata(scorer.source).get("task", "?")
    return scorer, task


def _common_header(spec, inputs):
    """The header every input file shares, and the input column indexes in it."""
    first = CsvRecords(inputs[0]).header()
    indexes = core.column_indexes(spec, first, inputs[0])
    for path in inputs[1:]:
        header = CsvRecords(path).header()
        if header != first:
            raise DataError(f"the header {header} differs from {inputs[0]}'s {first}; every input file needs "
                            "the same columns in the same order", path=path, line=1)
    return first, indexes


def _output_names(scorer, header, indexes, inputs):
    """The output column names, from scoring the first good row (placeholders when there is none:
    a placeholder is no valid image for a model that reads image files)."""
    for path in inputs:
        reader = CsvRecords(path)
        base_dir = pathlib.Path(path).resolve().parent
        check = core.record_checker(scorer.spec, indexes, base_dir)
        for record, bad in reader.rows(reader.header(), check):
            if bad is None:
                example = core.row_inputs(scorer.spec, [record], indexes, base_dir)
                return core.score_batch(scorer, [record], example, 1)[0]
    return core.score_batch(scorer, [], core.placeholder_inputs(scorer.spec), 1)[0]


def csv_text(rows):
    """Rows as CSV text, as the local runner writes them (csv.writer, `\\r\\n` line ends)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


class _Job:
    """The pipeline of one `score_files` call (everything its steps need, picklable)."""

    def __init__(self, model_dir, spec, header, indexes, columns, on_error, batch_size, task, inputs, groups=None):
        self.model_dir = str(pathlib.Path(model_dir).resolve())
        self.groups = groups
        self.spec, self.header, self.indexes = spec, header, indexes
        self.columns, self.on_error, self.batch_size = columns, on_error, batch_size
        self.task, self.inputs = task, [str(pathlib.Path(p).resolve()) for p in inputs]

    def run(self, options, temp_prefix):
        """Runs the pipeline writing under `temp_prefix`; returns the manifest it wrote."""
        from apache_beam.utils import shared

        manifest_path = temp_prefix.with_name(temp_prefix.name + MANIFEST_SUFFIX)
        write = dict(file_name_suffix=SHARD_SUFFIX, append_trailing_newlines=False)
        try:
            with beam.Pipeline(options=options) as pipeline:
                read = (
                    pipeline
                    | "Inputs" >> beam.Create(self.inputs)
                    | "SpreadFiles" >> beam.Reshuffle()
                    | "ReadRows" >> beam.ParDo(_ReadRows(self)).with_outputs(_REJECTS, main="rows")
                )
                if self.groups is None:
                    scored = (
                        read.rows
                        | "Batch" >> beam.BatchElements(min_batch_size=self.batch_size,
                                                        max_batch_size=self.batch_size)
                        | "ScoreBatches" >> beam.ParDo(_ScoreBatches(self, shared.Shared()))
                    )
                    rejects = read[_REJECTS]
                else:
                    grouped = (
                        read.rows
                        | "GroupRows" >> beam.GroupByKey()
                        | "ScoreGroups" >> beam.ParDo(_ScoreGroups(self, shared.Shared())).with_outputs(
                            _REJECTS, main="rows")
                    )
                    scored = grouped.rows
                    rejects = (read[_REJECTS], grouped[_REJECTS]) | "AllRejects" >> beam.Flatten()
                shards = (
                    scored
                    | "WriteShards" >> beam.io.WriteToText(str(temp_prefix), header=csv_text([self.columns]),
                                                           **write)
                    | "CountRows" >> beam.Map(_count_rows, kind="shards")
                )
                counts = [shards]
                if self.on_error == "skip":
                    counts.append(
                        rejects
                        | "FormatRejects" >> beam.Map(lambda row: csv_text([row]))
                        | "WriteRejects" >> beam.io.WriteToText(str(temp_prefix) + REJECTS_SUFFIX,
                                                                header=csv_text([BEAM_REJECT_COLUMNS]), **write)
                        | "CountRejects" >> beam.Map(_count_rows, kind="rejects")
                    )
                _ = (
                    counts
                    | "AllCounts" >> beam.Flatten()
                    | "Collect" >> beam.combiners.ToList()
                    | "WriteManifest" >> beam.Map(self.write_manifest, path=str(manifest_path),
                                                  runner=options.get_all_options()["runner"])
                )
        except Exception as error:  # a worker's error comes back as Beam wraps it
            raise _seqkit_error(error) or error
        return json.loads(manifest_path.read_text(encoding="utf-8"))

    def write_manifest(self, counts, path, runner):
        manifest = {
            "model": self.model_dir, "task": self.task, "runner": runner, "inputs": self.inputs,
            "columns": self.columns, "on_error": self.on_error,
            "rows": sum(c["rows"] for c in counts if c["kind"] == "shards"),
            "rejected": sum(c["rows"] for c in counts if c["kind"] == "rejects"),
        }
        for kind in ("shards", "rejects"):
            manifest[kind] = sorted(({"file": c["file"], "rows": c["rows"]} for c in counts if c["kind"] == kind),
                                    key=lambda c: c["file"])
        pathlib.Path(path).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _count_rows(path, kind):
    with open(path, newline="", encoding="utf-8") as file:
        rows = sum(1 for _ in csv.reader(file)) - 1
    return {"kind": kind, "file": pathlib.Path(path).name, "rows": rows}


class _ReadRows(beam.DoFn):
    """One CSV file -> its good records `(path, record)`; bad rows fail or go to the rejects.

    With a group scorer: `(key, (file number, row number, path, record))`, keyed
    by the group column, and every record of the right width is good (the
    group scorer checks the values, as the local runner's does).
    """

    def __init__(self, job):
        super().__init__()
        self.job = job

    def process(self, path):
        from apache_beam import pvalue

        reader = CsvRecords(path)
        header = reader.header()
        if header != self.job.header:
            raise DataError(f"the header {header} differs from the first input's {self.job.header}",
                            path=path, line=1)
        groups = self.job.groups
        if groups is None:
            check = core.record_checker(self.job.spec, self.job.indexes, pathlib.Path(path).resolve().parent)
        else:
            check = lambda record: None  # noqa: E731
            key_index = None if groups.group_by is None else header.index(groups.group_by)
            number = self.job.inputs.index(path)
        for position, (record, bad) in enumerate(reader.rows(header, check)):
            if bad is None and groups is not None:
                key = "" if key_index is None else record[key_index]
                yield key, (number, position, path, record)
            elif bad is None:
                yield path, record
            elif self.job.on_error == "fail":
                raise core.bad_row_error(path, bad)
            else:
                yield pvalue.TaggedOutput(_REJECTS, [path, *bad[:3]])


class _ScoreBatches(beam.DoFn):
    """A batch of `(path, record)` -> the scored rows as CSV text, through `core.score_batch`.

    The SavedModel is loaded once per worker process: `setup` acquires it
    through a `Shared` handle, which every thread of the process shares.
    """

    def __init__(self, job, handle):
        super().__init__()
        self.job, self.handle = job, handle
        self.scorer = None

    def setup(self):
        job = self.job

        def load():
            return dataclasses.replace(load_saved_model_scorer(job.model_dir), spec=job.spec)

        self.scorer = self.handle.acquire(load, tag=job.model_dir)

    def process(self, batch):
        job = self.job
        for path, elements in itertools.groupby(batch, key=lambda element: element[0]):
            records = [record for _, record in elements]
            base_dir = pathlib.Path(path).resolve().parent
            inputs = core.row_inputs(job.spec, records, job.indexes, base_dir)
            names, rows = core.score_batch(self.scorer, records, inputs, job.batch_size)
            if list(job.header) + names != job.columns:
                raise errors.SeqkitError(f"the model's output columns changed from {job.columns} to "
                                         f"{list(job.header) + names} while scoring {path}")
            yield csv_text(rows)


class _ScoreGroups(_ScoreBatches):
    """One group `(key, rows)` -> its output rows as CSV text, through `groups.score`.

    The rows come back in file order (file, then row number) before scoring, so
    a series split over two input files reads as one.
    """

    def process(self, element):
        from apache_beam import pvalue

        job = self.job
        key, rows = element
        rows = sorted(rows, key=lambda row: row[:2])
        path = rows[0][2]
        scored, skipped = job.groups.score(self.scorer.serve, path, job.header, [row[3] for row in rows],
                                           job.on_error)
        if scored:
            yield csv_text(scored)
        for series, reason in skipped:
            yield pvalue.TaggedOutput(_REJECTS, [path, "", reason, series])


_BEAM_SUFFIX = re.compile(r"\s*\[while running '[^']*'\]")
_WORKER_ERROR = re.compile(r"seqkit\.errors\.(\w+): ([^\n]*)")


def _seqkit_error(error):
    """The seqkit error a worker raised, from what Beam made of it, or None.

    In process Beam re-raises the same class with the step's name appended;
    from a worker process it raises a RuntimeError holding the traceback text.
    """
    if isinstance(error, errors.SeqkitError):
        return type(error)(_BEAM_SUFFIX.sub("", str(error)))
    match = _WORKER_ERROR.search(str(error))
    if match is None:
        return None
    kind = getattr(errors, match.group(1), errors.SeqkitError)
    if not (isinstance(kind, type) and issubclass(kind, errors.SeqkitError)):
        kind = errors.SeqkitError
    return kind(_BEAM_SUFFIX.sub("", match.group(2)))


def _publish(temp, prefix, manifest):
    """Moves the shards, then the manifest, from `temp` into place beside `prefix`.

    A previous manifest of the same prefix is removed first and the files it
    lists that this run does not write, so the old set stops looking complete
    before any file of the new one arrives.
    """
    final = prefix.with_name(prefix.name + MANIFEST_SUFFIX)
    names = [s["file"] for s in manifest["shards"] + manifest["rejects"]]
    previous = []
    if final.is_file():
        try:
            old = json.loads(final.read_text(encoding="utf-8"))
            previous = [s["file"] for s in old.get("shards", []) + old.get("rejects", [])]
        except (ValueError, OSError, TypeError, KeyError, AttributeError):
            previous = []
        final.unlink()
    for name in previous:
        stale = prefix.parent / pathlib.Path(name).name
        if name not in names and stale.is_file():
            stale.unlink()
    for name in names:
        run_dir.publish(temp / name, prefix.parent / name)
    run_dir.publish(temp / final.name, final)
    return final
