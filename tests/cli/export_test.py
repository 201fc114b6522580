"""CliRunner tests of `seqkit export` (a classify run built in memory replaces `load_run`)."""

import importlib.util
import json
import pathlib

import pytest
from click.testing import CliRunner

from seqkit.cli import main

pytestmark = pytest.mark.tf_only

TESTS = pathlib.Path(__file__).resolve().parents[1]


def _helpers():
    spec = importlib.util.spec_from_file_location("_seqkit_export_test", TESTS / "export_test.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fake_run_dir(tmp_path, monkeypatch):
    from seqkit import runner

    run_dir = tmp_path / "runs" / "sentiment"
    run_dir.mkdir(parents=True)
    helpers = _helpers()
    run = helpers.make_classify_run(seed=2)
    loaded = []

    def load_run(path):
        loaded.append(pathlib.Path(path))
        return run

    monkeypatch.setattr(runner, "load_run", load_run)
    return run_dir, loaded, run, helpers


def test_export_writes_next_version_and_prints_signature(fake_run_dir, tmp_path):
    run_dir, loaded, run, helpers = fake_run_dir
    out = tmp_path / "serving" / "sentiment"

    first = CliRunner().invoke(main, ["export", str(run_dir), "--out", str(out)])
    second = CliRunner().invoke(main, ["export", str(run_dir), "--out", str(out)])

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert loaded == [run_dir, run_dir]
    assert sorted(p.name for p in out.iterdir()) == ["1", "2"]
    assert f"-> {out / '1'}\n" in first.output
    assert f"-> {out / '2'}\n" in second.output
    assert "signature 'serving_default':" in first.output
    assert "inputs:  text string [None]" in first.output
    assert "label string [None]" in first.output
    assert "probabilities float32 [None, 2]" in first.output
    assert "all in stock TensorFlow" in first.output
    meta = json.loads((out / "1" / "assets.extra" / "seqkit.json").read_text())
    assert meta["labels"] == ["negative", "positive"]
    # The export is seqkit's classify serving module: mixed-case text as the run reads it.
    import numpy as np
    import tensorflow as tf

    texts = ["The film was Good", "NOT good", "not good"]
    serve = tf.saved_model.load(str(out / "2")).signatures["serving_default"]
    got = serve(text=tf.constant(texts))["probabilities"].numpy()
    np.testing.assert_allclose(got, helpers.reference_probabilities(run, texts), rtol=0, atol=1e-5)


def test_export_missing_run_dir_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["export", str(tmp_path / "nope"), "--out", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "does not exist" in result.output
    assert not (tmp_path / "s").exists()


def test_export_requires_out(tmp_path):
    result = CliRunner().invoke(main, ["export", str(tmp_path)])
    assert result.exit_code == 2
    assert "Missing option '--out'" in result.output


def test_export_of_a_directory_that_is_not_a_run(tmp_path):
    # The real load_run: a directory without config.yaml is a RunDirError (exit 2).
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["export", str(tmp_path / "empty"), "--out", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "config.yaml is missing" in result.output
    assert result.output.count("\n") == 1
    assert not (tmp_path / "s").exists()
