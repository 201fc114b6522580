"""`seqkit score --runner beam`: the Beam pipeline against the local runner, row by row.

Most tests run Beam's DirectRunner in process (`direct_running_mode=in_memory`);
one runs the default, two worker processes, since their start-up takes seconds.
"""

import datetime
import importlib.util
import json
import pathlib

import numpy as np
import pytest
from click.testing import CliRunner

from seqkit.cli import main
from seqkit.errors import ConfigError
from seqkit.errors import DataError

pytestmark = pytest.mark.tf_only
beam_scoring = pytest.importorskip("seqkit.scoring.beam", exc_type=ImportError)

TESTS = pathlib.Path(__file__).resolve().parents[1]
IN_PROCESS = {"direct_running_mode": "in_memory"}
TEXTS = ["Good fun", "awful boring", "NOT good", "not good", "The film was Good, not awful",
         'quoted, with "commas"\nand a newline', "fun fun fun", "boring", "was the film good", "awful"]


def _test_module(name):
    spec = importlib.util.spec_from_file_location(f"_seqkit_{name}", TESTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_SCORING_TEST = _test_module("scoring_test")
read_csv = _SCORING_TEST.read_csv


def write_csv(path, rows, header=("id", "review")):
    return _SCORING_TEST.write_csv(path, rows, header=header)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from seqkit import export

    out = tmp_path_factory.mktemp("serving")
    export.export_run(_test_module("export_test").make_classify_run(seed=2), out)
    return out


def read_shards(paths):
    """Header of the first shard and every shard's rows; each shard must carry the same header."""
    tables = [read_csv(p) for p in paths]
    assert all(t[0] == tables[0][0] for t in tables)
    return tables[0][0], [row for t in tables for row in t[1:]]


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


def test_beam_matches_the_local_runner_row_by_row_with_rejects(exported, tmp_path, monkeypatch):
    from seqkit.scoring import score_csv

    loads = []
    load = beam_scoring.load_saved_model_scorer
    monkeypatch.setattr(beam_scoring, "load_saved_model_scorer", lambda path: loads.append(path) or load(path))

    rows = [(i, TEXTS[i % len(TEXTS)] + f" {'good' if i % 3 else 'awful'}") for i in range(40)]
    rows[7] = (7, "")  # an empty input: a bad row in both runners, line 10 (rows 5 and 15 take two lines)
    first = write_csv(tmp_path / "part-0.csv", rows[:25])
    with open(first, "a", encoding="utf-8") as file:
        file.write("99,too,many,fields\n")  # line 29
    write_csv(tmp_path / "part-1.csv", rows[25:])
    (tmp_path / "out").mkdir()

    result = beam_scoring.score_files(exported, tmp_path / "part-*.csv", tmp_path / "out" / "scored",
                                      on_error="skip", batch_size=4, beam_options=IN_PROCESS)

    # Loaded twice: by the caller (for the header) and once by the one in-process worker, not per batch.
    assert len(loads) == 2
    header, got = read_shards(result.shards)
    expected = []
    local_rejects = []
    for name in ("part-0.csv", "part-1.csv"):
        local = score_csv(exported, tmp_path / name, tmp_path / f"local-{name}", on_error="skip", batch_size=3)
        table = read_csv(local.output_path)
        assert table[0] == header
        expected += table[1:]
        local_rejects += [[str(tmp_path / name)] + r for r in read_csv(local.reject_path)[1:]]
    assert header == ["id", "review", "predicted_label", "prob_negative", "prob_positive"]
    # Every row, every column, as the same strings (sorted by the id column).
    assert sorted(got, key=lambda r: int(r[0])) == sorted(expected, key=lambda r: int(r[0]))
    assert len(got) == 39 and result.rows == 39
    reject_header, rejects = read_shards(result.reject_shards)
    assert reject_header == ["file", "line", "reason", "record"]
    assert sorted(rejects) == sorted(local_rejects)
    assert sorted((r[0].rsplit("/", 1)[-1], r[1]) for r in rejects) == [("part-0.csv", "10"), ("part-0.csv", "29")]
    assert result.rejected == 2

    manifest = json.loads(result.manifest_path.read_text())
    assert manifest["rows"] == 39 and manifest["rejected"] == 2 and manifest["task"] == "classify"
    assert manifest["columns"] == header
    assert [s["file"] for s in manifest["shards"]] == [p.name for p in result.shards]
    assert [s["rows"] for s in manifest["shards"]] == [len(read_csv(p)) - 1 for p in result.shards]
    assert manifest["inputs"] == [str(tmp_path / "part-0.csv"), str(tmp_path / "part-1.csv")]
    # Nothing else in the folder: no temporary, no Beam temp directory.
    assert listing(tmp_path / "out") == sorted(
        [p.name for p in result.shards + result.reject_shards] + ["scored.manifest.json"])


def test_beam_in_worker_processes_via_the_cli_matches_local(exported, tmp_path):
    rows = [(i, TEXTS[i % len(TEXTS)]) for i in range(30)]
    for part in range(3):
        write_csv(tmp_path / f"in-{part}.csv", rows[part::3])
    write_csv(tmp_path / "all.csv", rows)
    (tmp_path / "out").mkdir()
    runner = CliRunner()
    local = runner.invoke(main, ["score", str(exported), str(tmp_path / "all.csv"), "--out", str(tmp_path / "l.csv")])
    assert local.exit_code == 0, local.output

    # The default options: DirectRunner, two worker processes.
    result = runner.invoke(main, ["score", "--runner", "beam", str(exported), str(tmp_path / "in-*.csv"),
                                  "--out", str(tmp_path / "out" / "scored"), "--batch-size", "4"])

    assert result.exit_code == 0, result.output
    assert "Scored 30 rows from 3 files in " in result.output
    manifest = json.loads((tmp_path / "out" / "scored.manifest.json").read_text())
    header, got = read_shards([tmp_path / "out" / s["file"] for s in manifest["shards"]])
    expected = read_csv(tmp_path / "l.csv")
    assert header == expected[0]
    assert sorted(got, key=lambda r: int(r[0])) == expected[1:]
    assert manifest["rows"] == 30 == sum(s["rows"] for s in manifest["shards"])


def invoke_beam(exported, input_glob, out, *extra):
    return CliRunner().invoke(main, ["score", "--runner", "beam", str(exported), str(input_glob), "--out", str(out),
                                     "--beam-option", "direct_running_mode=in_memory", *extra])


def test_a_bad_row_with_on_error_fail_names_file_and_line_and_writes_nothing(exported, tmp_path):
    write_csv(tmp_path / "a.csv", [(1, "good fun"), (2, "awful")])
    write_csv(tmp_path / "b.csv", [(3, "good"), (4, "   "), (5, "fun")])
    (tmp_path / "out").mkdir()

    result = invoke_beam(exported, tmp_path / "*.csv", tmp_path / "out" / "scored")

    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert lines == [f"Error: {tmp_path / 'b.csv'}, line 3, column 'review': the text field is empty or missing; "
                     "fix the row or rerun with --on-error skip"]
    assert listing(tmp_path / "out") == []


@pytest.mark.parametrize(
    "case, message",
    [
        ("no-match", "no input file matches this glob"),
        ("missing-folder", "the output folder"),
        ("run-directory", "is not an export"),
        ("other-header", "every input file needs the same columns in the same order"),
        ("unknown-option", "unknown Beam pipeline option 'no_such_option'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(exported, tmp_path, case, message):
    write_csv(tmp_path / "a.csv", [(1, "good fun")])
    (tmp_path / "out").mkdir()
    source, pattern, out, extra = exported, tmp_path / "a.csv", tmp_path / "out" / "scored", ()
    if case == "no-match":
        pattern = tmp_path / "nothing-*.csv"
    elif case == "missing-folder":
        out = tmp_path / "missing" / "scored"
    elif case == "run-directory":
        source = tmp_path / "out"
    elif case == "other-header":
        write_csv(tmp_path / "b.csv", [("good", 2)], header=("review", "id"))
        pattern = tmp_path / "*.csv"
    else:
        extra = ("--beam-option", "no_such_option=1")

    result = invoke_beam(source, pattern, out, *extra)

    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and message in result.output, result.output
    assert listing(tmp_path / "out") == []
    assert not (tmp_path / "missing").exists()


def test_a_spec_that_scores_groups_of_rows_is_refused_naming_the_task(exported, tmp_path, monkeypatch):
    from seqkit.serving import ServingInput
    from seqkit.serving import ServingOutput
    from seqkit.serving import ServingSpec
    from seqkit.scoring import Scorer

    spec = ServingSpec(inputs=(ServingInput("y", dtype="float32", column="y", read="number"),),
                       outputs=(ServingOutput("mean", kind="number", column="forecast"),),
                       group_by="series", window=3)
    monkeypatch.setattr(beam_scoring, "_load_export", lambda source: (Scorer(None, spec), "forecast"))
    write_csv(tmp_path / "a.csv", [("a", 1.0)], header=("series", "y"))
    with pytest.raises(ConfigError, match="task 'forecast' scores groups of rows .one per 'series'. and passed no"):
        beam_scoring.score_files(exported, tmp_path / "a.csv", tmp_path / "scored", beam_options=IN_PROCESS)
    assert listing(tmp_path) == ["a.csv"]


def _history(path, series, split=None):
    """A forecast history CSV: `series` {id: days}; with `split`, the rows up to it in `path`,
    the rest in a second file beside it (a series then spans both)."""
    lines = [f"{day},{store},{10 + k + (i % 7) * 0.5:.3f},{(i % 5) * 0.1:.3f}"
             for k, (store, days) in enumerate(series.items()) for i, day in
             enumerate((datetime.date(2024, 1, 1) + datetime.timedelta(days=d)).isoformat() for d in range(days))]
    header = "date,store,sales,temp\n"
    cut = len(lines) if split is None else split
    path.write_text(header + "\n".join(lines[:cut]) + "\n")
    if split is not None:
        path.with_name(path.name.replace("-0", "-1")).write_text(header + "\n".join(lines[cut:]) + "\n")
    return path


def test_beam_scores_a_forecast_history_series_by_series_as_the_local_runner(tmp_path):
    from seqkit import runner
    from seqkit.config import load_config
    from seqkit.tasks.forecast.task import ForecastTask

    recipe, _ = ForecastTask.contract_recipe(tmp_path)
    (tmp_path / "recipe.yaml").write_text(recipe)
    run = runner.fit(load_config([tmp_path / "recipe.yaml"]), tmp_path / "run", verbose=0)
    version = runner.export(run.run, tmp_path / "serving")
    # Series "b" spans both shards (its first 10 rows in part-0); "c" is shorter than the window (14).
    series = {"a": 30, "b": 25, "c": 5}
    _history(tmp_path / "part-0.csv", series, split=40)
    _history(tmp_path / "all.csv", series)
    (tmp_path / "out").mkdir()

    local = runner.score(version, tmp_path / "all.csv", tmp_path / "local.csv", on_error="skip")
    result = runner.score_beam(version, tmp_path / "part-*.csv", tmp_path / "out" / "scored", on_error="skip",
                               beam_options=IN_PROCESS)

    expected = read_csv(local.output_path)
    header, got = read_shards(result.shards)
    assert header == expected[0] == ["store", "date", "step", "sales", "sales_q10", "sales_q50", "sales_q90"]
    # Every row: the keys as the same strings, the numbers to float32 rounding (the model is called
    # with one series here and with every series locally, and a batch's size can move the last bit).
    got, want = sorted(got), sorted(expected[1:])
    assert [r[:3] for r in got] == [r[:3] for r in want]
    np.testing.assert_allclose(np.array([r[3:] for r in got], float), np.array([r[3:] for r in want], float),
                               rtol=1e-6, atol=2e-6)
    assert [r[:3] for r in expected[1:]] == [["a", "2024-01-31", "1"], ["a", "2024-02-01", "2"],
                                             ["a", "2024-02-02", "3"], ["b", "2024-01-26", "1"],
                                             ["b", "2024-01-27", "2"], ["b", "2024-01-28", "3"]]
    assert result.rows == local.rows == 6
    _, rejects = read_shards(result.reject_shards)
    assert [(r[0].rsplit("/", 1)[-1], r[2], r[3]) for r in rejects] == [
        ("part-1.csv", "series 'c' has 5 steps, shorter than the window (14)", "c")]
    assert list(local.notes) == ["skipped series 'c': series 'c' has 5 steps, shorter than the window (14)"]
    with pytest.raises(DataError, match="part-1.csv: series 'c' has 5 steps, shorter than the window"):
        runner.score_beam(version, tmp_path / "part-*.csv", tmp_path / "out" / "failed", beam_options=IN_PROCESS)
    assert not list((tmp_path / "out").glob("failed*"))


def test_a_worker_processes_error_comes_back_as_the_seqkit_error():
    # What the DirectRunner raises when a DoFn in a worker process raised a DataError.
    text = ("Traceback (most recent call last):\n  File \"x.py\", line 3, in process\n"
            "seqkit.errors.DataError: /d/b.csv, line 3, column 'review': the text field is empty or missing; fix it"
            "\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback ...\n"
            "RuntimeError: seqkit.errors.DataError: /d/b.csv, line 3 ... [while running 'ReadRows']\n")
    error = beam_scoring._seqkit_error(RuntimeError(text))
    assert type(error) is DataError
    assert str(error) == "/d/b.csv, line 3, column 'review': the text field is empty or missing; fix it"
    in_process = beam_scoring._seqkit_error(DataError("/d/b.csv, line 3: bad [while running 'ReadRows']"))
    assert type(in_process) is DataError and str(in_process) == "/d/b.csv, line 3: bad"
    assert beam_scoring._seqkit_error(RuntimeError("MemoryError: out of memory")) is None


def test_a_rerun_replaces_the_previous_outputs_of_the_prefix(exported, tmp_path):
    write_csv(tmp_path / "a.csv", [(i, TEXTS[i]) for i in range(5)])
    prefix = tmp_path / "scored"
    stale = tmp_path / "scored-00003-of-00004.csv"
    stale.write_text("x\n")
    (tmp_path / "scored.manifest.json").write_text(json.dumps(
        {"shards": [{"file": stale.name, "rows": 1}], "rejects": []}))

    result = beam_scoring.score_files(exported, tmp_path / "a.csv", prefix, beam_options=IN_PROCESS)

    assert not stale.exists()
    assert listing(tmp_path) == sorted(["a.csv", "scored.manifest.json"] + [p.name for p in result.shards])
    assert json.loads(result.manifest_path.read_text())["rows"] == 5
    # The outputs are not inputs of the next run with a glob over the folder.
    with pytest.raises(DataError, match="matches an output of this --out prefix"):
        beam_scoring.score_files(exported, tmp_path / "*.csv", prefix, beam_options=IN_PROCESS)


def test_beam_options_pass_through_over_the_defaults():
    options = beam_scoring.pipeline_options(
        {"runner": "FlinkRunner", "flink_master": "flink:8081", "save_main_session": "true"}).get_all_options()
    assert (options["runner"], options["flink_master"], options["save_main_session"]) == (
        "FlinkRunner", "flink:8081", True)
    assert (options["direct_num_workers"], options["direct_running_mode"]) == (2, "multi_processing")
    assert beam_scoring.pipeline_options(IN_PROCESS).get_all_options()["direct_num_workers"] == 1
    with pytest.raises(ConfigError, match="'save_main_session' is true or false"):
        beam_scoring.pipeline_options({"save_main_session": "yes"})
    with pytest.raises(ConfigError, match="Beam does not accept direct_num_workers=.two."):
        beam_scoring.pipeline_options({"direct_num_workers": "two"})
