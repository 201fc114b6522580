"""The caption task through the CLI on a few rendered scenes: fit, caption, evaluate, bad input."""

import importlib.util
import pathlib

import pytest
from click.testing import CliRunner

from seqkit.cli import main

pytestmark = pytest.mark.tf_only
ROOT = pathlib.Path(__file__).resolve().parents[2]
RECIPE = ROOT / "pipelines" / "caption.yaml"


def _generator():
    spec = importlib.util.spec_from_file_location("caption_scenes", ROOT / "data" / "captions" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenes")
    _generator().write_dataset(folder, {"train": 24, "validation": 4, "test": 4, "heldout": 4}, seed=1)
    return folder


LSTM = ("model.decoder=lstm_attention", "model.decoder.embedding_dim=8",
        "model.decoder.attention_units=8")


def _fit_args(scenes, run_dir, *extra, decoder=LSTM):
    return [
        "fit", str(RECIPE), "--run-dir", str(run_dir),
        "--data", f"train={scenes / 'train.csv'}", "--data", f"validation={scenes / 'validation.csv'}",
        "--data", f"test={scenes / 'test.csv'}",
        "--set", "train.epochs=1", "--set", "train.batch_size=8", "--set", "model.image_size=32",
        "--set", "model.hidden_dim=16", "--set", "model.encoder.filters=[4,8]",
        *[arg for setting in decoder for arg in ("--set", setting)],
        "--set", "decode.beam_width=3",
        *extra,
    ]


@pytest.fixture(scope="module")
def run_dir(scenes, tmp_path_factory):
    run = tmp_path_factory.mktemp("runs") / "caption"
    outcome = CliRunner().invoke(main, _fit_args(scenes, run))
    assert outcome.exit_code == 0, outcome.output
    assert "test: BLEU-4" in outcome.output
    return run


def test_caption_with_beam_and_attention_plot(run_dir, scenes, tmp_path):
    image = scenes / "images" / "test_00000.png"
    plot = tmp_path / "attention.png"
    outcome = CliRunner().invoke(
        main, ["caption", str(run_dir), str(image), "--beam-width", "3", "--attention", str(plot)]
    )
    assert outcome.exit_code == 0, outcome.output
    caption, path = outcome.output.splitlines()[0].split("\t")
    assert path == str(image)  # an untrained model may well say nothing yet
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_transformer_caption_with_attention_plot(scenes, tmp_path):
    run = tmp_path / "transformer"
    # The recipe's decoder (the Transformer), one block.
    fitted = CliRunner().invoke(main, _fit_args(scenes, run, decoder=("model.decoder.num_layers=1",)))
    assert fitted.exit_code == 0, fitted.output
    image = scenes / "images" / "heldout_00000.png"
    plot = tmp_path / "attention.png"
    outcome = CliRunner().invoke(main, ["caption", str(run), str(image), "--attention", str(plot)])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.splitlines()[-1] == f"attention: {plot}"
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evaluate_reports_bleu_on_held_out_compositions(run_dir, scenes):
    outcome = CliRunner().invoke(main, ["evaluate", str(run_dir), "--data", f"heldout={scenes / 'heldout.csv'}"])
    assert outcome.exit_code == 0, outcome.output
    for name in ("BLEU-1", "BLEU-4", "exact match"):
        assert name in outcome.output
    import json

    report = json.loads((run_dir / "metrics.json").read_text())["heldout"]
    assert report["images"] == 4 and 0.0 <= report["bleu_4"] <= 1.0
    assert len(report["examples"][0]["references"]) == 3


@pytest.mark.parametrize(
    "make_bad, message",
    [
        (lambda d: (d / "images" / "train_00003.png").unlink(), "image file not found"),
        (lambda d: (d / "images" / "train_00003.png").write_text("not an image"), "not a PNG"),
        (lambda d: (d / "images" / "train_00003.png").write_bytes(
            (d / "images" / "train_00002.png").read_bytes()[:60]), "corrupt image"),
        (lambda d: (d / "train.csv").write_text(
            (d / "train.csv").read_text().replace("\n", "\nimages/train_00001.png,\n", 1)), "empty caption"),
    ],
)
def test_bad_training_data_exits_2_naming_the_row(scenes, tmp_path, make_bad, message):
    import shutil

    copy = tmp_path / "scenes"
    shutil.copytree(scenes, copy)
    make_bad(copy)
    run = tmp_path / "run"
    outcome = CliRunner().invoke(main, _fit_args(copy, run))
    assert outcome.exit_code == 2, outcome.output
    assert message in outcome.output and "train.csv, line" in outcome.output
    assert "Traceback" not in outcome.output
    assert not run.exists()


def test_caption_of_a_bad_file_exits_2(run_dir, tmp_path):
    text = tmp_path / "notes.png"
    text.write_text("hello")
    for path in (text, tmp_path / "missing.png"):
        outcome = CliRunner().invoke(main, ["caption", str(run_dir), str(path)])
        assert outcome.exit_code == 2 and str(path) in outcome.output, outcome.output


def test_missing_default_data_names_the_generator(tmp_path):
    folder = tmp_path / "captions"
    folder.mkdir()
    outcome = CliRunner().invoke(
        main, ["fit", str(RECIPE), "--data", f"train={folder / 'train.csv'}", "--run-dir", str(tmp_path / "r")]
    )
    assert outcome.exit_code == 2 and "data/captions/generate.py" in outcome.output, outcome.output


def test_score_reports_unreadable_images_by_row(run_dir, scenes, tmp_path):
    import csv
    import shutil

    (tmp_path / "images").mkdir()
    for name in ("test_00000.png", "test_00001.png"):
        shutil.copy(scenes / "images" / name, tmp_path / "images" / name)
    (tmp_path / "images" / "notes.png").write_text("plain text")
    (tmp_path / "images" / "cut.png").write_bytes((scenes / "images" / "test_00001.png").read_bytes()[:70])
    rows = ["images/test_00000.png", "images/notes.png", "images/missing.png", "images/cut.png", "images/test_00001.png"]
    source = tmp_path / "photos.csv"
    source.write_text("image\n" + "\n".join(rows) + "\n")
    out = tmp_path / "captions.csv"
    outcome = CliRunner().invoke(main, ["score", str(run_dir), str(source), "--out", str(out)])
    assert outcome.exit_code == 2 and "line 3" in outcome.output and "not a PNG" in outcome.output, outcome.output
    assert not out.exists()
    outcome = CliRunner().invoke(main, ["score", str(run_dir), str(source), "--out", str(out), "--on-error", "skip"])
    assert outcome.exit_code == 0, outcome.output
    with open(out, newline="") as f:
        written = list(csv.DictReader(f))
    assert [r["image"] for r in written] == ["images/test_00000.png", "images/test_00001.png"]
    assert all("predicted_caption" in r for r in written)
    rejects = (tmp_path / "captions.csv.rejects.csv").read_text()
    for name, reason in (("notes.png", "not a PNG"), ("missing.png", "no such file"), ("cut.png", "corrupt")):
        assert name in rejects and reason in rejects


FRESH = """
import json, sys
import tensorflow as tf
serve = tf.saved_model.load(sys.argv[1]).signatures["serving_default"]
blobs = [open(p, "rb").read() for p in sys.argv[2:]]
out = serve(image=tf.constant(blobs))
print(json.dumps([c.decode() for c in out["caption"].numpy()]))
"""


def test_export_on_image_bytes_equals_in_memory_beam_search_in_a_fresh_process(run_dir, scenes, tmp_path):
    import json
    import os
    import subprocess
    import sys

    from seqkit import runner

    run = runner.load_run(run_dir)
    assert run.config.decode.beam_width == 3
    paths = [str(scenes / "images" / f"{split}_0000{i}.png") for split in ("test", "heldout") for i in range(3)]
    in_memory = run.task.caption_paths(run, paths)  # the training pipeline's images, beam 3
    version = runner.export(run, tmp_path / "serving")
    done = subprocess.run(
        [sys.executable, "-c", FRESH, str(version), *paths], capture_output=True, text=True, timeout=300,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"), cwd=str(tmp_path),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == in_memory


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_loss_is_label_smoothed_cross_entropy_over_the_words(smoothing):
    import numpy as np

    from seqkit.config import load_config
    from seqkit.tasks import get_task

    config = load_config([str(RECIPE)], overrides=[f"train.label_smoothing={smoothing}"])
    loss = get_task(config).compile_args(None)["loss"]
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 4, 6)).astype("float32")
    targets = np.array([[5, 3, 0, 0], [4, 2, 5, 3]])
    log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    wanted = (1 - smoothing) * np.eye(6)[targets] + smoothing / 6
    per_word = -(wanted * log_p).sum(-1)
    expected = per_word[targets != 0].mean()  # padding neither counts nor weighs
    np.testing.assert_allclose(float(loss(targets, logits)), expected, rtol=1e-5)
