"""fit -> evaluate -> export -> load in a fresh process -> score, through the CLI.

Trains one epoch on the default data in data/sentiment, so it carries
`@pytest.mark.large`.
"""

import csv
import importlib.util
import json
import pathlib

import numpy as np
import pytest
from click.testing import CliRunner

from seqkit.cli import main

pytestmark = [pytest.mark.large, pytest.mark.tf_only]

ROOT = pathlib.Path(__file__).resolve().parents[1]
PIPELINE = ROOT / "pipelines" / "sentiment.yaml"
TEST_DATA = ROOT / "data" / "sentiment" / "test.csv"
SCORED_ROWS = 300


def _fresh_process():
    spec = importlib.util.spec_from_file_location("_seqkit_export_test", ROOT / "tests" / "export_test.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.run_in_fresh_process


def invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, f"seqkit {' '.join(map(str, args))}:\n{result.output}"
    return result


def test_fit_evaluate_export_fresh_process_score(tmp_path):
    import tensorflow as tf

    from seqkit import export
    from seqkit import runner

    run_dir = tmp_path / "runs" / "sentiment"
    serving = tmp_path / "serving" / "sentiment"

    # fit: one short epoch on the default data.
    invoke(
        "fit", PIPELINE, "--run-dir", run_dir,
        "--set", "train.epochs=1", "--set", "model.units=16", "--set", "model.embedding_dim=16",
    )
    for name in ("config.yaml", "model.keras", "history.csv", "metrics.json"):
        assert (run_dir / name).is_file(), name

    # evaluate on the default test file.
    invoke("evaluate", run_dir, "--data", f"test={TEST_DATA}")
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert 0.0 <= metrics["test"]["accuracy"] <= 1.0

    # export twice: versions 1 and 2.
    first = invoke("export", run_dir, "--out", serving)
    invoke("export", run_dir, "--out", serving)
    assert f"-> {serving / '1'}" in first.output
    assert export.list_versions(serving) == [1, 2]
    meta = export.read_metadata(serving / "2")
    assert meta["task"] == "classify"
    assert [i["column"] for i in meta["serving"]["inputs"]] == ["sentence"]

    # The in-memory model on the same token ids.
    with open(TEST_DATA, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        examples = [row for _, row in zip(range(SCORED_ROWS), reader)]
    texts = [row["sentence"] for row in examples]
    run = runner.load_run(run_dir)
    max_length = run.config.tokenizer.max_length
    ids = run.assets.tokenizer.tokenize(tf.constant(texts))[:, :max_length]
    expected = np.asarray(run.model(ids.to_tensor(default_value=0), training=False))

    # A fresh interpreter importing only tensorflow (+ tensorflow_text if needed).
    served = _fresh_process()(serving / "2", texts[:50])
    got = np.asarray(served["probabilities"], dtype=np.float32)
    np.testing.assert_allclose(got, expected[:50], rtol=0, atol=1e-5)
    assert served["class_names"][0] == run.assets.labels

    # score a CSV from the export and from the run directory.
    scored_input = tmp_path / "reviews.csv"
    with open(scored_input, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["review_id", "sentence", "label"])
        writer.writerows((i, row["sentence"], row["label"]) for i, row in enumerate(examples))
    invoke("score", serving, scored_input, "--out", tmp_path / "scored.csv", "--batch-size", "64")
    invoke("score", run_dir, scored_input, "--out", tmp_path / "scored_run.csv", "--chunk-size", "128")

    with open(tmp_path / "scored.csv", newline="", encoding="utf-8") as file:
        scored = list(csv.reader(file))
    with open(tmp_path / "scored_run.csv", newline="", encoding="utf-8") as file:
        scored_run = list(csv.reader(file))
    assert scored[0] == ["review_id", "sentence", "label", "predicted_label"] + [
        f"prob_{name}" for name in run.assets.labels
    ]
    assert len(scored) == SCORED_ROWS + 1
    assert [r[:3] for r in scored[1:]] == [[str(i), row["sentence"], row["label"]] for i, row in enumerate(examples)]
    predicted = [r[3] for r in scored[1:]]
    assert predicted == [run.assets.labels[i] for i in expected.argmax(axis=-1)]
    assert predicted == [r[3] for r in scored_run[1:]]
    probabilities = np.asarray([[float(v) for v in r[4:]] for r in scored[1:]])
    np.testing.assert_allclose(probabilities, expected, atol=2e-6)

    # seqkit predict agrees with the scored file.
    predictions = runner.predict(run_dir, texts[:20])
    assert [p["label"] for p in predictions] == predicted[:20]
