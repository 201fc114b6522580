"""`--jit-compile` on TensorFlow: a model whose loop over time XLA cannot train is
refused in one line before training, and one it can train is built."""

import keras
import pytest

import seqkit.layers as sl
from seqkit.config import load_config
from seqkit.errors import ConfigError
from seqkit.models.recurrent_decoder import RecurrentDecoder
from seqkit.run_dir import RunDir
from seqkit.tasks.registry import TASKS
from seqkit.training import Trainer


def _trainer(tmp_path, jit_compile):
    recipe, _ = TASKS["classify"].contract_recipe(tmp_path)
    path = tmp_path / "recipe.yaml"
    path.write_text(recipe)
    return Trainer(load_config([path]).train, RunDir(tmp_path / "run"), jit_compile=jit_compile)


def _build(return_sequences):
    def build():
        inputs = keras.Input((5, 3))
        x = sl.LSTM(4, return_sequences=return_sequences, name="encoder")(inputs)
        if return_sequences:
            x = keras.layers.GlobalAveragePooling1D()(x)
        return keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(x), name="m")

    return build


@pytest.mark.tf_only
def test_a_sequence_returning_loop_is_refused_under_jit_compile(tmp_path):
    with pytest.raises(ConfigError, match="--jit-compile: model m loops over time in encoder"):
        _trainer(tmp_path, True).build(_build(True), {"loss": "sparse_categorical_crossentropy"}, 1)


@pytest.mark.tf_only
@pytest.mark.parametrize("return_sequences,jit_compile", [(False, True), (True, False), (True, None)])
def test_what_xla_can_train_or_no_jit_is_built(tmp_path, return_sequences, jit_compile):
    model = _trainer(tmp_path, jit_compile).build(
        _build(return_sequences), {"loss": "sparse_categorical_crossentropy"}, 1
    )
    assert model.name == "m"


@pytest.mark.tf_only
def test_layers_say_whether_they_compile_for_training():
    assert sl.LSTM(4).compiles_for_training
    assert sl.LSTM(4, unroll=True, return_sequences=True).compiles_for_training
    assert not sl.LSTM(4, return_sequences=True).compiles_for_training
    assert not RecurrentDecoder.compiles_for_training.fget(object())


@pytest.mark.tf_only
def test_the_cli_refuses_jit_compile_for_a_recurrent_language_model_and_writes_nothing(tmp_path):
    from click.testing import CliRunner

    from seqkit.cli import main

    recipe, _ = TASKS["generate"].contract_recipe(tmp_path)
    path = tmp_path / "recipe.yaml"
    path.write_text(recipe)
    result = CliRunner().invoke(main, ["fit", str(path), "--run-dir", str(tmp_path / "run"), "--jit-compile"])
    assert result.exit_code == 2, result.output
    assert "--jit-compile: model language_model loops over time" in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert not (tmp_path / "run").exists()
