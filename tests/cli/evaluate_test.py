"""`seqkit evaluate` through click's CliRunner."""

import json
import shutil

import pytest
from click.testing import CliRunner

from seqkit import runner
from seqkit.cli import main
from seqkit.config import load_config


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("evaluate")
    rows = ["text,label"] + [f"the film was {w},{l}" for w, l in
                             [("good", "pos"), ("bad", "neg"), ("fine", "meh")] * 8]
    (tmp_path / "train.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "test.csv").write_text("text,label\nthe film was good,pos\nthe film was bad,neg\n")
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "task: classify\ndata: {train: train.csv, test: test.csv, validation_split: 0.0}\n"
        "tokenizer: {max_length: 5}\nmodel: {encoder: gru, embedding_dim: 4, units: 4}\n"
        "train: {epochs: 1, batch_size: 8}\n"
    )
    runner.fit(load_config([recipe]), run_dir=tmp_path / "run", verbose=0)
    return tmp_path / "run"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.large
def test_evaluate_prints_table_and_writes_metrics(run_dir):
    result = invoke("evaluate", run_dir)
    assert result.exit_code == 0, result.output
    for word in ("precision", "recall", "macro avg", "meh", "neg", "pos", "accuracy:"):
        assert word in result.output
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["test"]["examples"] == 2
    assert metrics["test"]["labels"] == ["meh", "neg", "pos"]
    assert metrics["test"]["roc_auc"] is None  # three classes
    assert (run_dir / "plots" / "confusion_test.png").is_file()


@pytest.mark.large
def test_evaluate_other_file_under_its_split_name(run_dir, tmp_path):
    data = tmp_path / "extra.csv"
    data.write_text("text,label\nthe film was fine,meh\n")
    result = invoke("evaluate", run_dir, "--data", f"extra={data}")
    assert result.exit_code == 0, result.output
    assert json.loads((run_dir / "metrics.json").read_text())["extra"]["examples"] == 1


@pytest.mark.large
def test_unseen_label_names_file_line_and_column(run_dir, tmp_path):
    data = tmp_path / "odd.csv"
    data.write_text("text,label\nthe film was good,pos\nthe film was odd,weird\n")
    before = (run_dir / "metrics.json").read_text()
    result = invoke("evaluate", run_dir, "--data", f"test={data}")
    assert result.exit_code == 2
    assert "odd.csv" in result.output and "line 3" in result.output and "'label'" in result.output
    assert (run_dir / "metrics.json").read_text() == before


@pytest.mark.large
def test_corrupt_run_dir_exits_2(run_dir, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(run_dir, copy)
    (copy / "model.keras").write_bytes(b"\x00garbage")
    result = invoke("evaluate", copy)
    assert result.exit_code == 2
    assert "model.keras" in result.output and "corrupt" in result.output


def test_missing_run_dir_exits_2(tmp_path):
    result = invoke("evaluate", tmp_path / "none")
    assert result.exit_code == 2
    assert "does not exist" in result.output and "seqkit fit" in result.output
