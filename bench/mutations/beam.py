"""Planted bugs in the Beam scoring runner (issue 15): `seqkit score --runner beam`."""

from mutate import Mutation

BEAM = "seqkit/scoring/beam.py"
TESTS = "tests/scoring/beam_test.py"
SAME_AS_LOCAL = f"{TESTS}::test_beam_matches_the_local_runner_row_by_row_with_rejects"
BAD_INPUT = f"{TESTS}::test_bad_input_is_one_line_exit_2_and_nothing_written"
BAD_ROW = f"{TESTS}::test_a_bad_row_with_on_error_fail_names_file_and_line_and_writes_nothing"
RERUN = f"{TESTS}::test_a_rerun_replaces_the_previous_outputs_of_the_prefix"
FORECAST = f"{TESTS}::test_beam_scores_a_forecast_history_series_by_series_as_the_local_runner"

MUTATIONS = [
    Mutation(
        "beam-rows-scored-out-of-order", BEAM,
        "            names, rows = core.score_batch(self.scorer, records, inputs, job.batch_size)",
        "            names, rows = core.score_batch(self.scorer, records[::-1], inputs, job.batch_size)",
        (SAME_AS_LOCAL,),
        "a batch's rows get each other's predictions",
    ),
    Mutation(
        "beam-model-loaded-per-batch", BEAM,
        "            names, rows = core.score_batch(self.scorer, records, inputs, job.batch_size)",
        "            names, rows = core.score_batch(dataclasses.replace(load_saved_model_scorer(job.model_dir),"
        " spec=job.spec), records, inputs, job.batch_size)",
        (SAME_AS_LOCAL,),
        "the SavedModel is loaded for every batch instead of once per worker",
    ),
    Mutation(
        "beam-fail-mode-skips-bad-rows", BEAM,
        '            elif self.job.on_error == "fail":',
        "            elif False:",
        (BAD_ROW,),
        "--on-error fail drops a bad row silently and succeeds",
    ),
    Mutation(
        "beam-temporaries-left-on-failure", BEAM,
        "        shutil.rmtree(temp, ignore_errors=True)",
        "        pass",
        (BAD_ROW,),
        "a failed pipeline leaves its temporary folder (and Beam's temp shards) beside the prefix",
    ),
    Mutation(
        "beam-rejects-without-file", BEAM,
        "                yield pvalue.TaggedOutput(_REJECTS, [path, *bad[:3]])",
        "                yield pvalue.TaggedOutput(_REJECTS, [*bad[:3]])",
        (SAME_AS_LOCAL,),
        "reject rows do not name the file their line number belongs to",
    ),
    Mutation(
        "beam-manifest-counts-the-header", BEAM,
        "        rows = sum(1 for _ in csv.reader(file)) - 1",
        "        rows = sum(1 for _ in csv.reader(file))",
        (SAME_AS_LOCAL,),
        "the manifest counts each shard's header as a row",
    ),
    Mutation(
        "beam-headers-not-compared", BEAM,
        "        if header != first:",
        "        if False:",
        (BAD_INPUT,),
        "files with other columns (or another order) are scored as if they had the first file's",
    ),
    Mutation(
        "beam-missing-output-folder-unchecked", BEAM,
        "    if not prefix.parent.is_dir():",
        "    if False:",
        (BAD_INPUT,),
        "an output prefix in a missing folder is a traceback instead of a one-line error",
    ),
    Mutation(
        "beam-worker-error-text-not-read", BEAM,
        "    match = _WORKER_ERROR.search(str(error))",
        "    match = None",
        (f"{TESTS}::test_a_worker_processes_error_comes_back_as_the_seqkit_error",),
        "a bad row found in a worker process ends in Beam's traceback, not the one-line DataError",
    ),
    Mutation(
        "beam-groups-not-refused", BEAM,
        "    if spec.group_by is not None and groups is None:",
        "    if False:",
        (f"{TESTS}::test_a_spec_that_scores_groups_of_rows_is_refused_naming_the_task",),
        "a per-group spec (forecast) without a group scorer is scored row by row instead of refused",
    ),
    Mutation(
        "beam-stale-shards-kept", BEAM,
        "        if name not in names and stale.is_file():",
        "        if False:",
        (RERUN,),
        "a rerun with fewer shards leaves the previous run's extra shards beside the new ones",
    ),
    Mutation(
        "beam-reads-its-own-outputs", BEAM,
        "and pattern.fullmatch(path.name):",
        "and False:",
        (RERUN,),
        "a glob over the output folder feeds the previous run's shards back in as input",
    ),
    Mutation(
        "beam-groups-keyed-by-file", BEAM,
        '                key = "" if key_index is None else record[key_index]',
        '                key = path if key_index is None else record[key_index] + path',
        (FORECAST,),
        "a series split over two input files is scored as two series (grouped by the wrong key)",
    ),
    Mutation(
        "beam-group-rows-out-of-order", BEAM,
        "        rows = sorted(rows, key=lambda row: row[:2])",
        "        rows = list(rows)[::-1]",
        (FORECAST,),
        "a group's rows are not put back in file order before its series is read",
    ),
    Mutation(
        "beam-skipped-groups-not-rejected", BEAM,
        '            yield pvalue.TaggedOutput(_REJECTS, [path, "", reason, series])',
        "            pass",
        (FORECAST,),
        "a series shorter than the window is dropped without a reject row",
    ),
]
