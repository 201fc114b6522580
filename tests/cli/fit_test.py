"""`seqkit fit` through click's CliRunner: exit codes, files written, error messages."""


import numpy as np
import pytest
from click.testing import CliRunner

from seqkit.cli import main

WORDS = {"pos": ["good", "great", "fun"], "neg": ["bad", "dull", "slow"]}


def write_data(path, rows=40, seed=0, header="text,label"):
    rng = np.random.default_rng(seed)
    lines = [header]
    for _ in range(rows):
        label = rng.choice(["pos", "neg"])
        lines.append(f"the film was {rng.choice(WORDS[label])},{label}")
    path.write_text("\n".join(lines) + "\n")
    return path


def tiny_recipe(tmp_path):
    write_data(tmp_path / "train.csv")
    recipe = tmp_path / "tiny.yaml"
    recipe.write_text(
        "task: classify\nname: tiny\n"
        "data: {train: train.csv, validation_split: 0.25, probes: [the film was good]}\n"
        "tokenizer: {max_length: 6}\n"
        "model: {encoder: rnn, embedding_dim: 8, units: 4, dropout: 0.0}\n"
        "train: {epochs: 1, batch_size: 8}\n"
    )
    return recipe


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.large
def test_fit_trains_and_summarizes(tmp_path, monkeypatch):
    recipe = tiny_recipe(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = invoke("fit", recipe, "--set", "train.epochs=2")
    assert result.exit_code == 0, result.output
    run = tmp_path / "runs" / "tiny"  # default run dir: runs/<name>
    assert (run / "model.keras").is_file()
    assert (run / "metrics.json").is_file()
    assert "run directory: runs/tiny" in result.output
    assert "trained 2 epoch(s)" in result.output
    assert "validation: accuracy" in result.output
    assert "the film was good" in result.output  # the probe
    assert "epochs: 2" in (run / "config.yaml").read_text()

    again = invoke("fit", recipe)
    assert again.exit_code == 2
    assert "already exists" in again.output and "--overwrite" in again.output

    data = write_data(tmp_path / "more.csv", rows=30, seed=3)
    overwritten = invoke("fit", recipe, "--overwrite", "--data", f"train={data}")
    assert overwritten.exit_code == 0, overwritten.output
    assert str(data) in (run / "config.yaml").read_text()


def test_missing_config_file(tmp_path):
    result = invoke("fit", tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert "config file not found" in result.output and "nope.yaml" in result.output


def test_bad_yaml_names_the_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("task: classify\nmodel: {units: 3\n")
    result = invoke("fit", bad)
    assert result.exit_code == 2
    assert "bad.yaml, line" in result.output and "invalid YAML" in result.output


def test_unknown_encoder_lists_choices(tmp_path):
    result = invoke("fit", tiny_recipe(tmp_path), "--set", "model.encoder=cnn")
    assert result.exit_code == 2
    assert "unknown model.encoder.kind 'cnn'" in result.output
    assert "rnn, lstm, gru, bilstm, transformer" in result.output


def test_unknown_key_lists_valid_keys(tmp_path):
    result = invoke("fit", tiny_recipe(tmp_path), "--set", "train.epoch=3")
    assert result.exit_code == 2
    assert "unknown key train.epoch" in result.output and "epochs" in result.output


def test_csv_without_the_configured_column(tmp_path):
    recipe = tiny_recipe(tmp_path)
    write_data(tmp_path / "train.csv", header="review,label")
    result = invoke("fit", recipe, "--run-dir", tmp_path / "run")
    assert result.exit_code == 2
    assert "train.csv" in result.output and "'text'" in result.output
    assert not (tmp_path / "run").exists()  # nothing half-written


def test_missing_data_file(tmp_path):
    result = invoke("fit", tiny_recipe(tmp_path), "--data", "train=absent.csv", "--run-dir", tmp_path / "run")
    assert result.exit_code == 2
    assert "absent.csv" in result.output and "--data train=PATH" in result.output
    assert not (tmp_path / "run").exists()


def test_bad_data_option_syntax(tmp_path):
    result = invoke("fit", tiny_recipe(tmp_path), "--data", "train")
    assert result.exit_code == 2
    assert "SPLIT=PATH" in result.output


def test_resume_without_config_needs_run_dir():
    result = invoke("fit", "--resume")
    assert result.exit_code == 2
    assert "--resume --run-dir" in result.output


def test_help_has_examples():
    result = invoke("fit", "--help")
    assert result.exit_code == 0
    assert "seqkit fit pipelines/sentiment.yaml" in result.output


@pytest.mark.large
def test_refit_trains_the_run_on_every_row_for_the_picked_epochs(tmp_path, monkeypatch):
    import json

    recipe = tiny_recipe(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = invoke("fit", recipe, "--refit", "--set", "train.epochs=3", "--set", "train.monitor=val_accuracy")
    assert result.exit_code == 0, result.output
    picked = json.loads((tmp_path / "runs" / "tiny" / "metrics.json").read_text())["refit"]
    assert picked["selection_run"] == "runs/tiny-selection" and picked["of_epochs"] == 3
    assert f"selection run: runs/tiny-selection picked epoch {picked['best_epoch']} of 3" in result.output
    history = (tmp_path / "runs" / "tiny" / "history.csv").read_text().splitlines()
    assert len(history) == 1 + picked["best_epoch"]  # the refit trains the picked epochs
    assert "validation_split: 0.0" in (tmp_path / "runs" / "tiny" / "config.yaml").read_text()
    assert (tmp_path / "runs" / "tiny-selection" / "model.keras").is_file()
    refused = invoke("fit", recipe, "--refit", "--run-dir", "other", "--set", "data.validation_split=0")
    assert refused.exit_code == 2 and "train.refit needs rows held out" in refused.output
