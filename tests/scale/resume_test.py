"""`seqkit fit --resume` after a `kill -9` in the middle of an epoch."""

import json
import signal
import time

import h5py
import numpy as np
import pytest

from seqkit.training.history import read_history
from tests.scale.recipe import finish
from tests.scale.recipe import seqkit
from tests.scale.recipe import tiny_recipe

# The resumed run takes the same batches in the same order from the same
# weights and optimizer state; the only difference is float32 rounding of the
# weights reloaded from the h5 backup, which is exact.
TOLERANCE = 1e-5


def _weights(path):
    values = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: values.append(np.asarray(obj)) if isinstance(obj, h5py.Dataset) else None)
    return values


@pytest.mark.large
def test_resume_after_kill_9_mid_epoch_equals_an_uninterrupted_run(tmp_path):
    # 49 training rows, batch 4: 13 steps an epoch (39 in all), a backup every 5 steps.
    recipe = tiny_recipe(tmp_path, epochs=3, batch_size=4, extra=", backup_steps: 5")
    finish(seqkit("fit", recipe, "--run-dir", tmp_path / "whole"))
    crashed = tmp_path / "crashed"
    process = seqkit("fit", recipe, "--run-dir", crashed)
    metadata = crashed / "checkpoints" / "backup" / "training_metadata.json"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if metadata.is_file() and json.loads(metadata.read_text())["step"] == 15:  # epoch 1, step 2
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run ended before the kill"
    assert not (crashed / "model.keras").exists()
    step = json.loads(metadata.read_text())["step"]
    assert 15 <= step < 39 and step % 13, step  # killed in the middle of an epoch
    output = finish(seqkit("fit", "--resume", "--run-dir", crashed))
    assert "trained" in output
    whole, resumed = read_history(tmp_path / "whole" / "history.csv"), read_history(crashed / "history.csv")
    assert len(whole) == len(resumed) == 3
    assert abs(float(whole[-1]["val_loss"]) - float(resumed[-1]["val_loss"])) < TOLERANCE
    final = json.loads(metadata.read_text())
    assert final["step"] == 39
    ours = _weights(crashed / "checkpoints" / "backup" / final["weights"])
    theirs = _weights(tmp_path / "whole" / "checkpoints" / "backup" / "39.weights.h5")
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, atol=TOLERANCE)


def test_resume_refuses_a_changed_model_setting(tmp_path):
    from click.testing import CliRunner

    from seqkit.cli import main

    recipe = tiny_recipe(tmp_path)
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.yaml").write_text(recipe.read_text().replace("units: 4", "units: 5"))
    result = CliRunner().invoke(main, ["fit", str(recipe), "--resume", "--run-dir", str(run)])
    assert result.exit_code == 2, result.output
    assert "model.encoder.units" in result.output, result.output
