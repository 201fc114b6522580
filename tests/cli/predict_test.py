"""`seqkit predict` through click's CliRunner."""

import shutil

import pytest
from click.testing import CliRunner

from seqkit import runner
from seqkit.cli import main
from seqkit.config import load_config


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("predict")
    rows = ["text,label"] + [f"the film was {w},{l}" for w, l in [("good", "pos"), ("bad", "neg")] * 10]
    (tmp_path / "train.csv").write_text("\n".join(rows) + "\n")
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "task: classify\ndata: {train: train.csv, validation_split: 0.0}\n"
        "tokenizer: {max_length: 5}\nmodel: {encoder: lstm, embedding_dim: 4, units: 4}\n"
        "train: {epochs: 1, batch_size: 8}\n"
    )
    return runner.fit(load_config([recipe]), run_dir=tmp_path / "run", verbose=0).run


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.large
def test_predict_prints_label_and_probabilities(trained):
    texts = ["the film was good", "the film was bad"]
    result = invoke("predict", trained.path, *texts)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    expected = trained.task.predict(trained, texts)
    for line, row in zip(lines, expected):
        label, p, probabilities, text = line.split("\t")
        assert label == row["label"]
        assert float(p) == pytest.approx(row["probabilities"][row["label"]], abs=1e-4)
        assert f"pos={row['probabilities']['pos']:.4f}" in probabilities
        assert text == row["text"]


@pytest.mark.large
def test_incomplete_run_dir_says_how_to_fix(trained, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(trained.path, copy)
    (copy / "model.keras").unlink()
    result = invoke("predict", copy, "x")
    assert result.exit_code == 2
    assert "model.keras is missing" in result.output and "--resume" in result.output


def test_predict_needs_text(tmp_path):
    result = invoke("predict", tmp_path)
    assert result.exit_code == 2
    assert "TEXT" in result.output
