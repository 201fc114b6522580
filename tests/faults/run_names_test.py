"""Hostile run names and --overwrite: nothing outside a run directory seqkit made is ever deleted."""

import pathlib

import pytest


def _project(tmp_path, cli):
    """A working directory a user might have: a recipe, data, other runs, notes."""
    work = tmp_path / "project"
    recipe = cli.write_recipe(work)
    (work / "notes.txt").write_text("my notes")
    (work / "runs" / "other").mkdir(parents=True)
    (work / "runs" / "other" / "results.txt").write_text("another run's results")
    (tmp_path / "outside.txt").write_text("a file beside the project")
    return work, recipe


def test_a_dot_dot_run_name_with_overwrite_deletes_nothing(tmp_path, cli):
    # `runs/..` with --overwrite once emptied the whole working directory.
    work, recipe = _project(tmp_path, cli)
    before = cli.snapshot(tmp_path)
    result = cli.run(["fit", recipe.name, "--set", "name=..", "--overwrite"], cwd=work)
    cli.assert_one_line_error(result, 2, "Error: name must not be '.' or '..'", "name='..'")
    assert cli.snapshot(tmp_path) == before


@pytest.mark.parametrize("name", [".", "", ".hidden", "../runs", "a/b", "/tmp/x", " padded"])
def test_unsafe_names_from_a_yaml_file_are_refused(tmp_path, cli, name):
    from click.testing import CliRunner

    from seqkit.cli import main

    work, recipe = _project(tmp_path, cli)
    recipe.write_text(recipe.read_text().replace("name: tiny", f"name: {name!r}"))
    before = cli.snapshot(tmp_path)
    result = CliRunner().invoke(main, ["fit", str(recipe), "--overwrite"], catch_exceptions=False)
    assert result.exit_code == 2 and "Error: name " in result.output
    assert cli.snapshot(tmp_path) == before


@pytest.mark.parametrize("target", [".", "..", "runs/other", "runs", "NOTES"])
def test_overwrite_refuses_directories_seqkit_did_not_make(tmp_path, cli, monkeypatch, target):
    from click.testing import CliRunner

    from seqkit.cli import main

    work, recipe = _project(tmp_path, cli)
    if target == "NOTES":  # a directory of the user's that looks like a run
        target = "mine"
        (work / target).mkdir()
        (work / target / "config.yaml").write_text("task: classify\n")
        (work / target / "model.keras").write_text("precious")
    monkeypatch.chdir(work)
    before = cli.snapshot(tmp_path)
    result = CliRunner().invoke(
        main, ["fit", recipe.name, "--run-dir", target, "--overwrite"], catch_exceptions=False
    )
    assert result.exit_code == 2, result.output
    assert "Error: refusing to overwrite" in result.output
    assert cli.snapshot(tmp_path) == before


def test_overwrite_replaces_a_run_seqkit_made_but_not_a_file_dropped_in_it(run_copy, trained, cli, monkeypatch):
    from click.testing import CliRunner

    from seqkit.cli import main

    recipe = trained[2]
    monkeypatch.chdir(recipe.parent)
    notes = run_copy / "my_notes.txt"
    notes.write_text("mine")
    refused = CliRunner().invoke(main, ["fit", str(recipe), "--run-dir", str(run_copy), "--overwrite"])
    assert refused.exit_code == 2 and "'my_notes.txt', which seqkit does not write" in refused.output
    assert notes.read_text() == "mine" and (run_copy / "model.keras").is_file()
    notes.unlink()
    stale = run_copy / ".model.keras.tmp-999999999-ab.keras"  # left by a killed run
    stale.write_text("half")
    replaced = CliRunner().invoke(main, ["fit", str(recipe), "--run-dir", str(run_copy), "--overwrite"])
    assert replaced.exit_code == 0, replaced.output
    assert (run_copy / ".seqkit-run").is_file() and (run_copy / "model.keras").is_file()
    assert not stale.exists()
    assert pathlib.Path(recipe.parent / "train.csv").is_file()
