"""seqkit.runner: fit into a run directory, resume, load_run errors, evaluate."""

import json

import keras
import numpy as np
import pytest

from seqkit import runner
from seqkit.config import load_config
from seqkit.errors import ConfigError
from seqkit.errors import DataError
from seqkit.errors import RunDirError
from seqkit.run_dir import atomic_write

WORDS = {"pos": ["good", "great", "fun"], "neg": ["bad", "dull", "slow"]}


def write_data(path, rows=40, seed=0):
    rng = np.random.default_rng(seed)
    lines = ["text,label"]
    for _ in range(rows):
        label = rng.choice(["pos", "neg"])
        lines.append(f"the film was {rng.choice(WORDS[label])},{label}")
    path.write_text("\n".join(lines) + "\n")
    return path


def tiny_recipe(tmp_path, epochs=1):
    write_data(tmp_path / "train.csv")
    write_data(tmp_path / "test.csv", rows=12, seed=1)
    recipe = tmp_path / "tiny.yaml"
    recipe.write_text(
        "task: classify\nname: tiny\n"
        "data: {train: train.csv, test: test.csv, validation_split: 0.25, probes: [the film was good]}\n"
        "tokenizer: {max_length: 6}\n"
        "model: {encoder: rnn, embedding_dim: 8, units: 4, dropout: 0.0}\n"
        f"train: {{epochs: {epochs}, batch_size: 8, learning_rate: 0.05, early_stopping_patience: null}}\n"
    )
    return recipe


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("runner")
    config = load_config([tiny_recipe(tmp_path, epochs=2)])
    result = runner.fit(config, run_dir=tmp_path / "run", verbose=0)
    return result


@pytest.mark.large
def test_fit_writes_the_run_directory(trained):
    run = trained.run.path
    for name in ["config.yaml", ".seqkit-run", "assets/labels.json", "assets/vocab.txt", "assets/tokenizer.json",
                 "checkpoints/best.weights.h5", "model.keras", "history.csv", "metrics.json",
                 "plots/training_curves.png", "plots/confusion_validation.png", "plots/confusion_test.png"]:
        assert (run / name).is_file(), name
    assert json.loads((run / "assets/labels.json").read_text()) == ["neg", "pos"]
    history = (run / "history.csv").read_text().splitlines()
    assert history[0].startswith("epoch,") and len(history) == 3
    metrics = json.loads((run / "metrics.json").read_text())
    assert set(metrics) == {"training", "validation", "test"}
    assert metrics["training"]["strategy"] == "default" and metrics["training"]["replicas"] == 1
    assert metrics["test"]["examples"] == 12
    assert trained.epochs == 2 and trained.initial_epoch == 0
    assert trained.probes[0]["text"] == "the film was good"
    assert not list(run.rglob(".*.tmp*")), "temporary files left behind"


@pytest.mark.large
def test_load_run_gives_the_same_predictions(trained):
    loaded = runner.load_run(trained.run.path)
    assert loaded.assets.labels == ["neg", "pos"]
    assert loaded.config == trained.run.config
    ids = np.array([[5, 6, 7, 0, 0, 0]], dtype="int32")
    np.testing.assert_allclose(loaded.model(ids), trained.run.model(ids), atol=1e-6)
    a = runner.predict(trained.run.path, ["the film was dull"])
    b = trained.run.task.predict(trained.run, ["the film was dull"])
    assert a[0]["probabilities"] == pytest.approx(b[0]["probabilities"], abs=1e-6)


@pytest.mark.large
def test_evaluate_records_metrics_and_plot(trained, tmp_path):
    data = write_data(tmp_path / "other.csv", rows=10, seed=5)
    report = runner.evaluate(trained.run.path, data=data, split="other")
    assert report["examples"] == 10
    # The same rows through the model by hand: accuracy and loss agree.
    rows = [line.rsplit(",", 1) for line in data.read_text().splitlines()[1:]]
    run = trained.run
    ids = run.assets.tokenizer.tokenize(np.array([text for text, _ in rows]))[:, :6].to_tensor()
    probabilities = run.model.predict(ids, verbose=0)
    truth = np.array([run.assets.labels.index(label) for _, label in rows])
    assert report["accuracy"] == pytest.approx(np.mean(probabilities.argmax(axis=1) == truth), abs=1e-9)
    assert report["loss"] == pytest.approx(-np.mean(np.log(probabilities[np.arange(10), truth])), abs=1e-5)
    metrics = json.loads((trained.run.path / "metrics.json").read_text())
    assert metrics["other"]["accuracy"] == report["accuracy"]
    assert "test" in metrics  # earlier entries kept
    assert (trained.run.path / "plots/confusion_other.png").is_file()


def test_existing_run_dir_is_refused_untouched(tmp_path):
    config = load_config([tiny_recipe(tmp_path)])
    run = tmp_path / "run"
    run.mkdir()
    (run / "keep.txt").write_text("x")
    with pytest.raises(ConfigError, match="already exists.*--overwrite.*--resume"):
        runner.fit(config, run_dir=run, verbose=0)
    assert [p.name for p in run.iterdir()] == ["keep.txt"]


def test_bad_data_creates_no_run_dir(tmp_path):
    config = load_config([tiny_recipe(tmp_path)], ["data.label_column=sentiment"])
    with pytest.raises(DataError, match="sentiment"):
        runner.fit(config, run_dir=tmp_path / "run", verbose=0)
    assert not (tmp_path / "run").exists()


class Interrupt(Exception):
    pass


class InterruptAfter(keras.callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            raise Interrupt()


class FirstEpoch(keras.callbacks.Callback):
    first = None

    def on_epoch_begin(self, epoch, logs=None):
        if FirstEpoch.first is None:
            FirstEpoch.first = epoch


@pytest.mark.large
def test_resume_continues_the_epoch_count(tmp_path):
    config = load_config([tiny_recipe(tmp_path, epochs=3)])
    run = tmp_path / "run"
    with pytest.raises(Interrupt):
        runner.fit(config, run_dir=run, callbacks=[InterruptAfter(0)], verbose=0)
    assert not (run / "model.keras").exists()
    with pytest.raises(RunDirError, match="--resume"):
        runner.load_run(run)
    with pytest.raises(ConfigError, match="already exists"):
        runner.fit(config, run_dir=run, verbose=0)

    result = runner.fit(config, run_dir=run, resume=True, callbacks=[FirstEpoch()], verbose=0)
    assert FirstEpoch.first == 1  # epoch 0 is not trained again
    assert result.initial_epoch == 1 and result.epochs == 3
    epochs = [line.split(",")[0] for line in (run / "history.csv").read_text().splitlines()[1:]]
    assert epochs == ["0", "1", "2"]
    assert (run / "model.keras").is_file()


class LearningRateSeen(keras.callbacks.Callback):
    seen = None

    def on_train_batch_begin(self, batch, logs=None):
        LearningRateSeen.seen = float(self.model.optimizer.learning_rate)


@pytest.mark.large
def test_resume_trains_with_a_changed_learning_rate(tmp_path):
    recipe = tiny_recipe(tmp_path, epochs=2)
    run = tmp_path / "run"
    with pytest.raises(Interrupt):
        runner.fit(load_config([recipe]), run_dir=run, callbacks=[InterruptAfter(0)], verbose=0)
    config = load_config([recipe], overrides=["train.learning_rate=0.004"])
    runner.fit(config, run_dir=run, resume=True, callbacks=[LearningRateSeen()], verbose=0)
    assert LearningRateSeen.seen == pytest.approx(0.004)  # not the backup's 0.05
    assert "learning_rate: 0.004" in (run / "config.yaml").read_text()


def test_load_run_errors_name_the_missing_piece(tmp_path):
    with pytest.raises(RunDirError, match="does not exist"):
        runner.load_run(tmp_path / "nothing")
    run = tmp_path / "run"
    run.mkdir()
    with pytest.raises(RunDirError, match="config.yaml is missing"):
        runner.load_run(run)
    (run / "config.yaml").write_text("task: classify\nmodel: {units: [\n")
    with pytest.raises(RunDirError, match="config.yaml is corrupt"):
        runner.load_run(run)


@pytest.mark.large
def test_corrupt_model_file_is_a_run_dir_error(trained, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(trained.run.path, copy)
    (copy / "model.keras").write_bytes(b"not a zip file")
    with pytest.raises(RunDirError, match="model.keras.*corrupt"):
        runner.load_run(copy)
    (copy / "assets" / "labels.json").write_text('["neg", "pos"')  # truncated
    with pytest.raises(RunDirError, match="labels.json: cannot read the labels"):
        runner.load_run(copy)
    (copy / "assets" / "labels.json").unlink()
    with pytest.raises(RunDirError, match="labels.json is missing"):
        runner.load_run(copy)


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.json"
    with pytest.raises(RuntimeError):
        with atomic_write(target) as f:
            f.write("half")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
    with atomic_write(target) as f:
        f.write("whole")
    assert target.read_text() == "whole"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


@pytest.mark.large
def test_resume_refuses_a_different_model(trained):
    config = load_config([trained.run.path / "config.yaml"], ["model.units=7"])
    with pytest.raises(ConfigError, match="model.encoder.units differ"):
        runner.fit(config, run_dir=trained.run.path, resume=True, verbose=0)


class WeightsAtEpochEnd(keras.callbacks.Callback):
    """Raw weights after an epoch's last batch, and the weights the epoch-end callbacks see."""

    def __init__(self):
        super().__init__()
        self.raw, self.at_end = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.last_batch = [w.numpy().copy() for w in self.model.trainable_weights]

    def on_epoch_end(self, epoch, logs=None):
        self.raw.append(self.last_batch)
        self.at_end.append([w.numpy().copy() for w in self.model.trainable_weights])


@pytest.mark.large
def test_weight_average_is_validated_checkpointed_and_saved(tmp_path):
    config = load_config(
        [tiny_recipe(tmp_path, epochs=3)],
        ["train.ema_momentum=0.8", "train.monitor=val_loss", "train.lr_schedule=cosine",
         "train.warmup_steps=2"],
    )
    seen = WeightsAtEpochEnd()
    result = runner.fit(config, run_dir=tmp_path / "run", callbacks=[seen], verbose=0)
    model = result.run.model
    assert model.optimizer.use_ema and model.optimizer.ema_momentum == pytest.approx(0.8)
    # Cosine decay over epochs * steps: the rate is back at 0 after the last step.
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0, abs=1e-6)
    # At each epoch end the model holds the average, not the raw weights.
    for raw, at_end in zip(seen.raw, seen.at_end):
        assert max(np.abs(r - a).max() for r, a in zip(raw, at_end)) > 1e-4
    # The saved model is the average of the best epoch by val_loss, and the
    # val_loss that chose it was measured on those same weights.
    best = int(np.argmin(result.history["val_loss"]))
    for weight, expected in zip(model.trainable_weights, seen.at_end[best]):
        np.testing.assert_allclose(weight.numpy(), expected, atol=1e-6)
    assert result.metrics["validation"]["loss"] == pytest.approx(result.history["val_loss"][best], abs=1e-4)


@pytest.mark.large
def test_a_run_directory_written_with_the_flat_model_spelling_loads(trained, tmp_path):
    # Runs made before the nested model section (seqkit < app-layer-v1) hold a
    # flat `model:` in config.yaml; they load into the same config and predict the same.
    import shutil

    import yaml

    old = tmp_path / "old_run"
    shutil.copytree(trained.run.path, old)
    saved = yaml.safe_load((old / "config.yaml").read_text())
    encoder = saved["model"].pop("encoder")
    saved["model"].update({
        "encoder": encoder["kind"], "units": encoder["units"], "num_layers": encoder["num_layers"],
        "recurrent_dropout": encoder["recurrent_dropout"], "num_heads": 4, "intermediate_dim": 128,
        "positional": "learned", "norm_first": False, "attention_window": None,
    })
    (old / "config.yaml").write_text(yaml.safe_dump(saved, sort_keys=False))
    loaded = runner.load_run(old)
    assert loaded.config.model == trained.run.config.model
    a = runner.predict(loaded, ["the film was dull", "the film was good"])
    b = trained.run.task.predict(trained.run, ["the film was dull", "the film was good"])
    assert [r["probabilities"] for r in a] == pytest.approx([r["probabilities"] for r in b], abs=1e-6)
