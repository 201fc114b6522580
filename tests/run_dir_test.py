"""Run directories: safe run names, what --overwrite may delete, atomic writes and stale temporaries."""

import os
import subprocess
import sys

import pytest

from seqkit import run_dir as run_dir_lib
from seqkit.errors import ConfigError
from seqkit.errors import RunDirError
from seqkit.run_dir import RunDir


@pytest.mark.parametrize(
    "name",
    ["", ".", "..", ".hidden", "a/b", "../x", "/abs", "a\\b", "a\x00b", "tab\there", " padded", "x\n"],
)
def test_unsafe_run_names_are_config_errors_naming_the_field(name):
    with pytest.raises(ConfigError, match=r"^name .*Received: name="):
        run_dir_lib.validate_run_name(name)


@pytest.mark.parametrize("name", ["sentiment", "sst2_bilstm", "run-1.v2", "été", "a..b"])
def test_plain_run_names_pass(name):
    assert run_dir_lib.validate_run_name(name) == name


def test_non_string_name_is_rejected():
    with pytest.raises(ConfigError, match="non-empty string"):
        run_dir_lib.validate_run_name(3)


def _sentinel(path, text="keep me"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_make_writes_the_marker_and_overwrite_removes_a_seqkit_run(tmp_path):
    run = RunDir(tmp_path / "runs" / "a").make()
    assert run.marker.is_file()
    _sentinel(run.config, "task: classify\n")
    _sentinel(run.assets / "labels.json", "[]")
    _sentinel(run.path / ".model.keras.tmp-1-ab.keras", "half")
    run.remove_for_overwrite()
    assert not run.path.exists()
    assert (tmp_path / "runs").is_dir()


def test_make_does_not_claim_a_directory_that_already_holds_files(tmp_path):
    _sentinel(tmp_path / "mine" / "notes.txt")
    RunDir(tmp_path / "mine").make()
    assert not (tmp_path / "mine" / run_dir_lib.MARKER).exists()


def test_overwrite_refuses_a_directory_without_the_marker(tmp_path):
    notes = _sentinel(tmp_path / "data" / "notes.txt")
    config = _sentinel(tmp_path / "data" / "config.yaml")
    with pytest.raises(RunDirError, match=r"seqkit did not make it \(no \.seqkit-run marker\)"):
        RunDir(tmp_path / "data").remove_for_overwrite()
    assert notes.read_text() == "keep me" and config.is_file()


def test_overwrite_refuses_a_run_holding_a_file_seqkit_did_not_write(tmp_path):
    run = RunDir(tmp_path / "run").make()
    own = _sentinel(run.path / "my_notes.txt")
    with pytest.raises(RunDirError, match="'my_notes.txt', which seqkit does not write"):
        run.remove_for_overwrite()
    assert own.read_text() == "keep me" and run.marker.is_file()


def test_overwrite_refuses_a_layout_name_of_the_wrong_kind(tmp_path):
    run = RunDir(tmp_path / "run").make()
    (run.path / "model.keras").mkdir()  # a directory where seqkit writes a file
    _sentinel(run.path / "model.keras" / "precious.txt")
    with pytest.raises(RunDirError, match="model.keras"):
        run.remove_for_overwrite()
    assert (run.path / "model.keras" / "precious.txt").is_file()


def test_overwrite_never_removes_the_working_directory_or_a_parent(tmp_path, monkeypatch):
    work = tmp_path / "project" / "work"
    RunDir(work).make()  # even with a marker in it
    monkeypatch.chdir(work)
    for target in (".", "..", str(work), str(tmp_path / "project")):
        _sentinel(tmp_path / "project" / run_dir_lib.MARKER, "")
        with pytest.raises(RunDirError, match="working directory"):
            RunDir(target).remove_for_overwrite()
    assert work.is_dir() and (work / run_dir_lib.MARKER).is_file()


def test_overwrite_refuses_a_symlink_and_keeps_its_target(tmp_path):
    target = RunDir(tmp_path / "real").make()
    link = tmp_path / "link"
    link.symlink_to(target.path)
    with pytest.raises(RunDirError, match="link or a file"):
        RunDir(link).remove_for_overwrite()
    assert target.marker.is_file() and link.is_symlink()


def test_overwrite_of_a_missing_or_empty_directory_is_fine(tmp_path):
    RunDir(tmp_path / "absent").remove_for_overwrite()
    (tmp_path / "empty").mkdir()
    RunDir(tmp_path / "empty").remove_for_overwrite()
    assert (tmp_path / "empty").is_dir()
    assert RunDir(tmp_path / "empty").make().marker.is_file()


def test_temporary_name_holds_the_pid_and_keeps_the_suffix(tmp_path):
    name = run_dir_lib.temporary_name(tmp_path / "model.keras").name
    assert name.startswith(f".model.keras.tmp-{os.getpid()}-") and name.endswith(".keras")


def _dead_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporaries_of_dead_processes_are_removed_live_ones_kept(tmp_path):
    dead = _dead_pid()
    stale_file = _sentinel(tmp_path / f".model.keras.tmp-{dead}-00ab.keras", "half")
    stale_dir = tmp_path / f".export.tmp-{dead}-cd01"
    (stale_dir / "variables").mkdir(parents=True)
    mine = _sentinel(tmp_path / f".model.keras.tmp-{os.getpid()}-beef.keras", "mine")
    other_name = _sentinel(tmp_path / f".history.csv.tmp-{dead}-0a.csv", "half")
    user = _sentinel(tmp_path / "model.keras.tmp-notes", "user file")
    removed = run_dir_lib.remove_stale_temporaries(tmp_path, "model.keras")
    assert removed == [stale_file]
    assert mine.is_file() and other_name.is_file() and user.is_file() and stale_dir.is_dir()
    assert set(run_dir_lib.remove_stale_temporaries(tmp_path)) == {stale_dir, other_name}
    assert mine.is_file() and user.is_file()


def test_atomic_write_cleans_its_own_stale_temporaries(tmp_path):
    stale = _sentinel(tmp_path / f".out.txt.tmp-{_dead_pid()}-0f0f.txt", "half")
    with run_dir_lib.atomic_write(tmp_path / "out.txt") as f:
        f.write("done")
    assert (tmp_path / "out.txt").read_text() == "done"
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_atomic_write_leaves_the_old_file_on_error(tmp_path):
    target = _sentinel(tmp_path / "out.txt", "old")
    with pytest.raises(RuntimeError):
        with run_dir_lib.atomic_write(target) as f:
            f.write("new")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_nothing_is_published_after_a_stop_request(tmp_path, monkeypatch):
    monkeypatch.setattr(run_dir_lib, "_stop_requests", [])
    target = _sentinel(tmp_path / "out.txt", "old")
    run_dir_lib.request_stop(15)
    assert run_dir_lib.stop_requested() == [15]
    with pytest.raises(KeyboardInterrupt):
        with run_dir_lib.atomic_write(target) as f:
            f.write("new")  # finished, but the user asked to stop
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
