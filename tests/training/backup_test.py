"""The --resume backup: the newest readable training state, checked before anything changes."""

import json

import keras
import numpy as np
import pytest

from seqkit.errors import RunDirError
from seqkit.errors import TrainingError
from seqkit.training.backup import find_backup
from seqkit.training.backup import restore_backup
from seqkit.training.callbacks import StopOnNonFiniteLoss


def _model(units=3):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(units)])
    model.compile(optimizer="adam", loss="mse")
    return model


def _state(directory, suffix="", epoch=2, units=3):
    directory.mkdir(parents=True, exist_ok=True)
    _model(units).save_weights(str(directory / f"latest.weights.h5{suffix}.weights.h5"))
    (directory / f"latest.weights.h5{suffix}.weights.h5").rename(directory / f"latest.weights.h5{suffix}")
    (directory / f"training_metadata.json{suffix}").write_text(json.dumps({"epoch": epoch}))


def test_no_checkpoint_is_refused_with_a_message(tmp_path):
    with pytest.raises(RunDirError, match="no checkpoint in .*start again from epoch 1"):
        find_backup(tmp_path / "backup")


def test_the_latest_state_is_preferred(tmp_path):
    _state(tmp_path, epoch=3)
    _state(tmp_path, ".bkp", epoch=2)
    backup = find_backup(tmp_path)
    assert (backup.epoch, backup.previous) == (3, False)


@pytest.mark.parametrize("corrupt", ["weights", "metadata"])
def test_a_corrupt_latest_state_falls_back_to_the_previous(tmp_path, corrupt):
    _state(tmp_path, epoch=3)
    _state(tmp_path, ".bkp", epoch=2)
    if corrupt == "weights":
        data = (tmp_path / "latest.weights.h5").read_bytes()
        (tmp_path / "latest.weights.h5").write_bytes(data[: len(data) // 2])
    else:
        (tmp_path / "training_metadata.json").write_text('{"epo')
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    backup = find_backup(tmp_path)
    assert (backup.epoch, backup.previous) == (2, True)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # finding changes nothing
    restore_backup(_model(), backup)
    assert (tmp_path / "latest.weights.h5").read_bytes() == before["latest.weights.h5.bkp"]
    assert json.loads((tmp_path / "training_metadata.json").read_text()) == {"epoch": 2}


def test_every_state_corrupt_is_one_error(tmp_path):
    _state(tmp_path)
    _state(tmp_path, ".bkp")
    for name in ("latest.weights.h5", "latest.weights.h5.bkp"):
        (tmp_path / name).write_bytes(b"corrupt")
    with pytest.raises(RunDirError, match="every checkpoint in .* is corrupt"):
        find_backup(tmp_path)


def test_a_state_that_does_not_fit_the_model_is_refused(tmp_path):
    _state(tmp_path, units=5)
    with pytest.raises(RunDirError, match="does not fit the model"):
        restore_backup(_model(units=3), find_backup(tmp_path))


def test_a_non_finite_loss_stops_training_naming_epoch_and_step():
    model = _model()
    x = np.ones((8, 2), "float32")
    y = np.full((8, 3), np.nan, "float32")  # the loss is NaN from the first step
    with pytest.raises(TrainingError, match=r"loss became nan at epoch 1, step 1"):
        model.fit(x, y, batch_size=4, epochs=2, verbose=0, callbacks=[StopOnNonFiniteLoss()])
