"""`--jit-compile` on TensorFlow trains the models that loop over time: the
recurrent language model (generate), the RNN encoder-decoder with attention
(translate) and the attention-LSTM captioner (caption), each from its contract
recipe, to the losses and weights of the steps without XLA; and the CLI's
`seqkit fit --jit-compile` runs one of them end to end.

Before seqkit's own scan (`seqkit.layers._scan`), Keras' `ops.scan` on
TensorFlow left these models' training step uncompilable and `--jit-compile`
was refused for them.
"""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from seqkit.cli import main
from seqkit.config import load_config
from seqkit.run_dir import RunDir
from seqkit.tasks.registry import TASKS
from seqkit.tasks.registry import get_task
from seqkit.training import Trainer

# XLA fuses and reorders the float32 arithmetic of a step. Over three steps
# from the same weights (measured on the three tasks through `train_on_batch`):
# losses within 9e-8 relative, weights within 9e-8; the tolerances leave 100x room.
LOSS_RTOL = 1e-5
WEIGHT_ATOL = 1e-5
RECURRENT_TASKS = ("caption", "generate", "translate")


def _recipe(name, tmp_path):
    text, _ = TASKS[name].contract_recipe(tmp_path)
    path = tmp_path / "recipe.yaml"
    path.write_text(text.replace("epochs: 1", "epochs: 2"))
    return path


@pytest.mark.large
@pytest.mark.tf_only
@pytest.mark.parametrize("name", RECURRENT_TASKS)
def test_a_recurrent_task_model_trains_under_jit_compile_like_without(name, tmp_path):
    # The task's model from its contract recipe, built and compiled by the
    # Trainer with and without XLA, takes three steps from the same weights
    # on the recipe's first training batch, through `fit` on a dataset: its
    # batch and time axes are open, as in `seqkit fit` (`train_on_batch`
    # traces with the batch's static shape, which hides what XLA refuses).
    config = load_config([_recipe(name, tmp_path)])
    task = get_task(config)
    train, _ = task.read_training_data()
    assets = task.build_assets(train, task.validate_data(task.data_files()))
    batches = task.make_dataset(train, assets, training=True)
    first = batches.dataset.take(1).cache().repeat()
    runs = {}
    for jit in (False, True):
        trainer = Trainer(config.train, RunDir(tmp_path / "run"), jit_compile=jit)
        model = trainer.build(lambda: task.build_model(assets), task.compile_args(assets), batches.steps)
        assert model.jit_compile is jit
        if runs:
            model.set_weights(start)
        else:
            start = model.get_weights()
        history = model.fit(first, epochs=3, steps_per_epoch=1, shuffle=False, verbose=0).history
        runs[jit] = history["loss"], model.get_weights()
    (plain, plain_weights), (compiled, compiled_weights) = runs[False], runs[True]
    assert compiled[2] < compiled[0], compiled  # it trained
    np.testing.assert_allclose(compiled, plain, rtol=LOSS_RTOL)
    for a, b in zip(compiled_weights, plain_weights):
        np.testing.assert_allclose(a, b, atol=WEIGHT_ATOL)


@pytest.mark.large
@pytest.mark.tf_only
def test_the_cli_trains_a_recurrent_language_model_with_jit_compile(tmp_path):
    recipe = _recipe("generate", tmp_path)
    result = CliRunner().invoke(main, ["fit", str(recipe), "--run-dir", str(tmp_path / "run"), "--jit-compile"])
    assert result.exit_code == 0, result.output
    assert "jit_compile on" in result.output
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["training"]["jit_compile"] is True
