"""Bad settings and bad data through the command line: one line naming the field or line, the right exit code."""

import pathlib

import pytest
from click.testing import CliRunner

from seqkit.cli import main


def _invoke(*args, cwd=None):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert not (result.exception and not isinstance(result.exception, SystemExit)), (
        f"traceback instead of a message: {result.exception!r}\n{result.output}"
    )
    return result


def _error_line(result):
    # Keras' progress bar may leave its line open, so the error can follow it on the same line.
    errors = ["Error: " + line.split("Error: ", 1)[1] for line in result.output.splitlines() if "Error: " in line]
    assert len(errors) == 1, result.output
    return errors[0]


def _files(directory):
    return sorted(str(p.relative_to(directory)) for p in pathlib.Path(directory).rglob("*"))


@pytest.mark.parametrize("label", ["", "NaN"])
def test_a_missing_label_is_one_line_naming_the_line(tmp_path, cli, monkeypatch, label):
    recipe = cli.write_recipe(tmp_path)
    rows = (tmp_path / "train.csv").read_text().splitlines()
    rows[7] = rows[7].rsplit(",", 1)[0] + f",{label}"
    (tmp_path / "train.csv").write_text("\n".join(rows) + "\n")
    monkeypatch.chdir(tmp_path)
    result = _invoke("fit", recipe, "--run-dir", tmp_path / "run")
    assert result.exit_code == 2
    line = _error_line(result)
    assert "train.csv, line 8, column 'label': missing label" in line
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    "override, field",
    [
        pytest.param("train.learning_rate=.inf", "train.learning_rate"),
        pytest.param("train.learning_rate=.nan", "train.learning_rate"),
        pytest.param("train.clipnorm=.inf", "train.clipnorm"),
        pytest.param("train.weight_decay=.inf", "train.weight_decay"),
        pytest.param("model.dropout=.nan", "model.dropout"),
        pytest.param("data.delimiter=ab", "data.delimiter"),
        pytest.param("data.delimiter=''", "data.delimiter"),
        pytest.param("data.text_column=label", "data.text_column"),
        pytest.param("train.monitor=val_bogus", "train.monitor"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_field(tmp_path, cli, monkeypatch, override, field):
    recipe = cli.write_recipe(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = _invoke("fit", recipe, "--run-dir", tmp_path / "run", "--set", override)
    assert result.exit_code == 2, result.output
    assert field in _error_line(result)
    assert not (tmp_path / "run").exists()


def test_export_under_a_file_is_one_line_naming_the_path(trained, tmp_path):
    (tmp_path / "afile").write_text("not a directory")
    result = _invoke("export", trained[0], "--out", tmp_path / "afile" / "sub")
    assert result.exit_code == 2
    assert "afile" in _error_line(result)
    assert (tmp_path / "afile").read_text() == "not a directory"


def test_a_huge_cell_with_skip_is_a_rejected_row(trained, tmp_path):
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("sentence\nthe film was good\n" + "x" * 131_073 + "\nthe plot was dull\n")
    out = tmp_path / "scored.csv"
    result = _invoke("score", trained[1], reviews, "--out", out, "--on-error", "skip")
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 3
    rejects = (tmp_path / "scored.csv.rejects.csv").read_text().splitlines()
    assert rejects[0] == "line,reason,record" and rejects[1].startswith('3,"a field longer than 131,072 characters",')
    failed = _invoke("score", trained[1], reviews, "--out", tmp_path / "again.csv")
    assert failed.exit_code == 2 and "line 3" in _error_line(failed)
    assert not (tmp_path / "again.csv").exists()


def test_a_non_finite_loss_stops_training_with_one_line_and_saves_no_model(tmp_path, cli, monkeypatch):
    recipe = cli.write_recipe(tmp_path, epochs=3)
    monkeypatch.chdir(tmp_path)
    result = _invoke(
        "fit", recipe, "--run-dir", tmp_path / "run",
        "--set", "train.learning_rate=1e38", "--set", "train.clipnorm=null",
    )
    assert result.exit_code == 1, result.output
    line = _error_line(result)
    assert "training stopped: loss became" in line and "at epoch 1, step " in line
    run = tmp_path / "run"
    assert not (run / "model.keras").exists() and not (run / "metrics.json").exists()
    assert not (run / "checkpoints" / "best.weights.h5").exists()  # no epoch of NaN weights was kept


def test_resume_on_a_corrupt_checkpoint_changes_nothing(run_copy, trained, monkeypatch):
    monkeypatch.chdir(trained[2].parent)
    for path in (run_copy / "checkpoints" / "backup").rglob("*"):
        if path.is_file():
            path.write_bytes(b"corrupt")
    config_before = (run_copy / "config.yaml").read_bytes()
    files_before = _files(run_copy)
    result = _invoke("fit", "--resume", "--run-dir", run_copy, "--set", "train.epochs=3")
    assert result.exit_code == 2, result.output
    assert "checkpoint" in _error_line(result)
    assert (run_copy / "config.yaml").read_bytes() == config_before and _files(run_copy) == files_before


def test_resume_without_checkpoints_says_so(run_copy, trained, monkeypatch):
    import shutil

    monkeypatch.chdir(trained[2].parent)
    shutil.rmtree(run_copy / "checkpoints")
    result = _invoke("fit", "--resume", "--run-dir", run_copy, "--set", "train.epochs=2")
    assert result.exit_code == 2, result.output
    assert "no checkpoint" in _error_line(result)
