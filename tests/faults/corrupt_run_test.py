"""Truncated and corrupted run-directory and export files, hostile asset paths: one line, exit 2."""

import json
import shutil

import pytest
from click.testing import CliRunner

from seqkit.cli import main


def _invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert not (result.exception and not isinstance(result.exception, SystemExit)), (
        f"traceback instead of a message: {result.exception!r}\n{result.output}"
    )
    return result


def _truncate(path, keep=0.5):
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


CORRUPTIONS = {
    "labels.json truncated": (lambda run: _truncate(run / "assets" / "labels.json"), "labels.json"),
    "labels.json holds one label": (
        lambda run: (run / "assets" / "labels.json").write_text('["neg"]'), "labels.json"
    ),
    "tokenizer.json truncated": (lambda run: _truncate(run / "assets" / "tokenizer.json"), "tokenizer.json"),
    "vocab.txt emptied": (lambda run: (run / "assets" / "vocab.txt").write_text(""), "vocab.txt"),
    "vocabulary_file outside": (
        lambda run: (run / "assets" / "tokenizer.json").write_text(
            json.dumps({"kind": "word", "vocabulary_file": "../../../../outside.txt"})
        ),
        "'vocabulary_file' must",
    ),
    "config.yaml truncated": (lambda run: (run / "config.yaml").write_text("task: classify\ndata: {train: ["), "config.yaml"),
    "model.keras truncated": (lambda run: _truncate(run / "model.keras"), "model.keras"),
}


@pytest.mark.parametrize("what", list(CORRUPTIONS))
def test_a_corrupt_run_directory_is_one_line_exit_2(run_copy, tmp_path, what):
    corrupt, fragment = CORRUPTIONS[what]
    (tmp_path / "outside.txt").write_text("[PAD]\n[UNK]\n[START]\n[END]\n[MASK]\nsecret-word\n")
    corrupt(run_copy)
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("sentence\nthe film was good\n")
    for args in (
        ["predict", run_copy, "the film was good"],
        ["score", run_copy, reviews, "--out", tmp_path / "scored.csv"],
        ["export", run_copy, "--out", tmp_path / "serving"],
    ):
        result = _invoke(*args)
        assert result.exit_code == 2, f"{args[0]}: {result.output}"
        errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
        assert len(errors) == 1 and fragment in errors[0], f"{args[0]}: {result.output}"
        assert "secret-word" not in result.output
    assert not (tmp_path / "scored.csv").exists()
    assert not (tmp_path / "serving").exists() or not any((tmp_path / "serving").iterdir())


EXPORT_CORRUPTIONS = {
    "seqkit.json truncated": lambda v: _truncate(v / "assets.extra" / "seqkit.json"),
    "saved_model.pb truncated": lambda v: _truncate(v / "saved_model.pb"),
    "variables removed": lambda v: shutil.rmtree(v / "variables"),
}


@pytest.mark.parametrize("what", list(EXPORT_CORRUPTIONS))
def test_a_corrupt_export_is_one_line_exit_2(trained, tmp_path, what):
    serving = shutil.copytree(trained[1], tmp_path / "serving")
    EXPORT_CORRUPTIONS[what](serving / "1")
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("sentence\nthe film was good\n")
    result = _invoke("score", serving, reviews, "--out", tmp_path / "scored.csv")
    assert result.exit_code == 2, result.output
    assert "Error: " in result.output and not (tmp_path / "scored.csv").exists()
