"""`--precision mixed`: the policy per device, float32 heads for every task, and
the one-line refusal where the backend cannot compute in half precision."""

import keras
import pytest

from seqkit.config import load_config
from seqkit.config.sections import TrainConfig
from seqkit.errors import ConfigError
from seqkit.run_dir import RunDir
from seqkit.tasks import get_task
from seqkit.tasks.registry import TASKS
from seqkit.training import Trainer
from seqkit.training.precision import PRECISIONS
from seqkit.training.precision import dtype_policy


def test_config_choices_are_the_precisions():
    assert TrainConfig.CHOICES["precision"]() == PRECISIONS


@pytest.mark.tf_only
def test_mixed_is_bfloat16_on_a_cpu():
    assert dtype_policy("float32") == "float32"
    assert dtype_policy("mixed") == "mixed_bfloat16"


# Found by this test after the task branches merged; not fixed yet (issue 15 stays open).
_HALF_PRECISION_HEAD = pytest.mark.xfail(
    strict=True, reason="the decoder's output layer computes in bfloat16 under --precision mixed"
)
_SUBCLASSED = pytest.mark.skip(reason="a subclassed model has no symbolic outputs to inspect before it runs")
_KNOWN = {"caption": _HALF_PRECISION_HEAD, "translate": _HALF_PRECISION_HEAD,
          "generate": _SUBCLASSED, "forecast": _SUBCLASSED}


@pytest.mark.tf_only
@pytest.mark.parametrize("name", [pytest.param(n, marks=_KNOWN.get(n, ())) for n in sorted(TASKS)])
def test_every_task_head_stays_float32_under_mixed(name, tmp_path):
    recipe, _ = TASKS[name].contract_recipe(tmp_path)
    (tmp_path / "recipe.yaml").write_text(recipe)
    config = load_config([tmp_path / "recipe.yaml"])
    task = get_task(config)
    train, _ = task.read_training_data()
    assets = task.build_assets(train, task.validate_data(task.data_files()))
    trainer = Trainer(config.train, RunDir(tmp_path / "run"), precision="mixed_bfloat16")
    model = trainer.build(lambda: task.build_model(assets), task.compile_args(assets), 1)
    assert any(layer.compute_dtype == "bfloat16" for layer in model.layers)  # it is mixed
    assert all(keras.backend.standardize_dtype(t.dtype) == "float32" for t in model.outputs)
    assert keras.config.dtype_policy().name == "float32"  # restored


@pytest.mark.tf_only
def test_a_half_precision_output_is_refused(tmp_path):
    def build():
        inputs = keras.Input((3,))
        return keras.Model(inputs, keras.layers.Dense(2, activation="softmax", name="head")(inputs))

    config = load_config([_recipe(tmp_path)])
    trainer = Trainer(config.train, RunDir(tmp_path / "run"), precision="mixed_bfloat16")
    with pytest.raises(ConfigError, match="dtype='float32'"):
        trainer.build(build, {"loss": "categorical_crossentropy"}, 1)


def _recipe(tmp_path):
    recipe, _ = TASKS["classify"].contract_recipe(tmp_path)
    (tmp_path / "recipe.yaml").write_text(recipe)
    return tmp_path / "recipe.yaml"


def test_mixed_where_the_backend_cannot_is_one_line_exit_2(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from seqkit.cli import main

    def no_half(*args, **kwargs):
        raise TypeError("bfloat16 matmul is not supported on this device")

    monkeypatch.setattr(keras.ops, "matmul", no_half)
    result = CliRunner().invoke(main, ["fit", str(_recipe(tmp_path)), "--precision", "mixed",
                                       "--run-dir", str(tmp_path / "run")])
    assert result.exit_code == 2, result.output
    assert "--precision mixed needs bfloat16 matmuls" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "run").exists()
