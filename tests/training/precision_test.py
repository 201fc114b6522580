"""`--precision mixed`: the policy per device, float32 heads for every task, and
the one-line refusal where the backend cannot compute in half precision."""

import keras
import numpy as np
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


def _mixed_model(name, tmp_path):
    """Task `name`'s contract recipe: (task, the model the Trainer builds under
    mixed_bfloat16, the inputs of one evaluation batch)."""
    recipe, _ = TASKS[name].contract_recipe(tmp_path)
    (tmp_path / "recipe.yaml").write_text(recipe)
    config = load_config([tmp_path / "recipe.yaml"])
    task = get_task(config)
    train, _ = task.read_training_data()
    assets = task.build_assets(train, task.validate_data(task.data_files()))
    trainer = Trainer(config.train, RunDir(tmp_path / "run"), precision="mixed_bfloat16")
    model = trainer.build(lambda: task.build_model(assets), task.compile_args(assets), 1)
    inputs, _ = next(iter(task.make_dataset(train, assets, training=False).dataset))
    return task, model, inputs


@pytest.mark.tf_only
@pytest.mark.parametrize("name", sorted(TASKS))
def test_every_task_head_stays_float32_under_mixed(name, tmp_path):
    _, model, inputs = _mixed_model(name, tmp_path)
    assert keras.config.dtype_policy().name == "float32"  # restored
    assert any(layer.compute_dtype == "bfloat16" for layer in model.layers)  # it is mixed
    # Called on a real batch: subclassed models (generate, forecast) have no
    # symbolic outputs for the Trainer's check to read.
    outputs = keras.tree.flatten(model(inputs, training=False))
    assert [keras.backend.standardize_dtype(t.dtype) for t in outputs] == ["float32"] * len(outputs)


def _seq2seq(architecture):
    from seqkit.models import Seq2SeqDecoding
    from seqkit.models import seq2seq_model

    model = seq2seq_model(11, 13, architecture=architecture, embedding_dim=8, units=8, num_layers=1,
                          num_heads=2, intermediate_dim=8, max_source_length=6, max_target_length=6)
    source, target = np.ones((2, 5), "int32"), np.full((2, 4), 2, "int32")
    decoding = Seq2SeqDecoding(model, max_target_length=4)
    step = decoding.next(target, decoding.encode(source), 1)[0]
    return model, {"encoder_inputs": source, "decoder_inputs": target}, step


def _captioner(decoder):
    from seqkit.models import CaptionGenerator
    from seqkit.models import build_captioner

    model = build_captioner((8, 8), 13, 6, decoder=decoder, encoder_filters=(4,), hidden_dim=8,
                            embedding_dim=4, attention_units=4, num_layers=1, num_heads=2, dropout=0.0)
    images = np.random.default_rng(0).random((2, 8, 8, 3)).astype("float32")
    generator = CaptionGenerator(model, 2, 3, 6)
    prompt, cache = generator.start(images)
    return model, {"image": images, "tokens": np.full((2, 4), 2, "int32")}, generator.next(prompt, cache, 1)[0]


def _language_model(kind):
    from seqkit.models import RecurrentLanguageModel
    from seqkit.models import TransformerLanguageModel

    if kind == "transformer":
        model = TransformerLanguageModel(13, max_length=8, num_layers=1, num_heads=2, model_dim=8)
    else:
        model = RecurrentLanguageModel(13, cell="lstm", units=8, embedding_dim=8)
    prompt = np.full((2, 6), 2, "int32")
    return model, prompt, model.next(prompt, model.get_initial_cache(2, 6), 1)[0]


def _forecaster(kind):
    from seqkit.models.forecasting import Forecaster

    model = Forecaster(kind, 8, 3, [100.0, 5.0], [10.0, 1.0], target_index=[0], known_index=[1],
                       quantiles=[0.1, 0.5, 0.9], units=8, num_heads=2, intermediate_dim=8, kernel_size=3)
    inputs = {"window": np.full((2, 8, 2), 100.0, "float32"), "future": np.full((2, 3, 1), 5.0, "float32")}
    return model, inputs, None


# Every architecture of each head, beyond the ones the contract recipes train.
_BUILDERS = {
    "seq2seq-rnn": lambda: _seq2seq("rnn"), "seq2seq-transformer": lambda: _seq2seq("transformer"),
    "caption-lstm": lambda: _captioner("lstm_attention"), "caption-transformer": lambda: _captioner("transformer"),
    "lm-lstm": lambda: _language_model("lstm"), "lm-transformer": lambda: _language_model("transformer"),
    **{f"forecast-{kind}": (lambda kind=kind: _forecaster(kind))
       for kind in ("lstm", "gru", "seq2seq", "transformer", "dlinear")},
}


@pytest.mark.tf_only
@pytest.mark.parametrize("name", sorted(_BUILDERS))
def test_every_head_architecture_outputs_float32_under_mixed(name):
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        model, inputs, step_logits = _BUILDERS[name]()
        outputs = model(inputs, training=False)
    finally:
        keras.config.set_dtype_policy(previous)
    assert any(layer.compute_dtype == "bfloat16" for layer in model.layers)
    assert keras.backend.standardize_dtype(outputs.dtype) == "float32"
    if step_logits is not None:  # the decoding path the serving modules take
        assert keras.backend.standardize_dtype(step_logits.dtype) == "float32"
    for tensor in getattr(model, "outputs", None) or []:  # functional: what the Trainer checks
        assert keras.backend.standardize_dtype(tensor.dtype) == "float32"


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
