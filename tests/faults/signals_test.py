"""SIGINT, SIGTERM and SIGKILL during fit, score and export: a prompt stop, nothing that looks complete.

The three signals of one command run side by side (three processes started
together), so the suite pays the start-up of TensorFlow once per command.
"""

import csv
import pathlib
import signal

import pytest

SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM, "SIGKILL": signal.SIGKILL}
EXIT_CODES = {"SIGINT": 130, "SIGTERM": 143, "SIGKILL": -signal.SIGKILL}


def _check_stopped(cli, result, name):
    assert result.returncode == EXIT_CODES[name], f"{name}: {result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr, result.stderr
    if name != "SIGKILL":
        # Keras' progress and TensorFlow's own lines may come before or after it.
        lines = [line for line in result.stderr.splitlines() if line.startswith("Interrupted by")]
        assert lines == [f"Interrupted by {name}: stopped; no output was completed under its final name"], (
            result.stderr[-2000:]
        )


def _start_all(cli, make_args, tmp_path, preexec_fn=None):
    processes = {}
    for name in SIGNALS:
        work = tmp_path / name
        work.mkdir()
        processes[name] = (work, cli.start(make_args(work), cwd=work, preexec_fn=preexec_fn))
    return processes


def _signal_when(cli, processes, ready):
    cli.signal_when(
        {name: process for name, (_, process) in processes.items()},
        {name: (lambda work=work: ready(work)) for name, (work, _) in processes.items()},
        SIGNALS,
    )


def test_fit_stops_on_signals_without_a_finished_looking_run(tmp_path, cli, trained):
    recipe = trained[2]

    def args(work):
        local = cli.write_recipe(work, epochs=1000)
        return ["fit", local.name, "--run-dir", "run"]

    processes = _start_all(cli, args, tmp_path)
    _signal_when(cli, processes, lambda work: (work / "run" / "history.csv").is_file())  # an epoch done
    for name, (work, process) in processes.items():
        result = cli.finish(process)
        _check_stopped(cli, result, name)
        run = work / "run"
        # Not finished: no model, no metrics; what is there is whole.
        assert not (run / "model.keras").exists() and not (run / "metrics.json").exists()
        with open(run / "history.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        assert rows and all(row["loss"] for row in rows)
        assert (run / "checkpoints" / "backup").is_dir()  # --resume continues from here
        if name != "SIGKILL":
            assert cli.temporaries(run) == []
    assert recipe.is_file()


def test_score_stops_on_signals_without_an_output_file(tmp_path, cli, trained, big_csv):
    export_dir = trained[1]

    def args(work):
        return ["score", export_dir, big_csv, "--out", "scored.csv", "--chunk-size", "2000"]

    processes = _start_all(cli, args, tmp_path)
    _signal_when(cli, processes, lambda work: cli.temporaries(work))  # writing its output
    for name, (work, process) in processes.items():
        result = cli.finish(process)
        _check_stopped(cli, result, name)
        assert not (work / "scored.csv").exists()
        if name != "SIGKILL":
            assert cli.temporaries(work) == []


def test_export_stops_on_signals_without_a_version(tmp_path, cli, trained):
    run_dir = trained[0]

    def args(work):
        return ["export", run_dir, "--out", "serving"]

    processes = _start_all(cli, args, tmp_path)
    _signal_when(cli, processes, lambda work: cli.temporaries(work))  # writing the version
    for name, (work, process) in processes.items():
        result = cli.finish(process)
        _check_stopped(cli, result, name)
        serving = work / "serving"
        assert not [p for p in serving.iterdir() if not p.name.startswith(".")]  # no version
        if name != "SIGKILL":
            assert cli.temporaries(work) == []
        else:
            assert cli.temporaries(work)  # the half-written version is still there...

    # ...until the next export into the same directory removes it.
    from seqkit import runner

    serving = tmp_path / "SIGKILL" / "serving"
    version = runner.export(run_dir, serving)
    assert version == serving / "1" and (version / "saved_model.pb").is_file()
    assert cli.temporaries(serving) == []


def test_score_after_sigkill_removes_the_stale_temporary(tmp_path, cli, trained):
    from click.testing import CliRunner

    from seqkit.cli import main

    dead = cli.dead_pid()
    stale = tmp_path / f".scored.csv.tmp-{dead}-0badc0de.csv"
    stale.write_text("sentence,predicted_label\nhalf,")
    source = tmp_path / "in.csv"
    source.write_text("sentence\nthe film was good\n")
    result = CliRunner().invoke(main, ["score", str(trained[1]), str(source), "--out", str(tmp_path / "scored.csv")])
    assert result.exit_code == 0, result.output
    assert not stale.exists() and pathlib.Path(tmp_path / "scored.csv").is_file()
