"""Tests of seqkit.config: merge, overrides, validation and error messages."""

import dataclasses
import pathlib

import pytest

from seqkit.config import load_config
from seqkit.errors import ConfigError
from seqkit.tasks.classify import ENCODERS

BASE = """\
task: classify
name: base
data:
  train: data/train.csv
  text_column: text
model:
  encoder: {kind: lstm, units: 16}
train:
  epochs: 3
  learning_rate: 0.01
"""


@pytest.fixture
def base(tmp_path):
    path = tmp_path / "conf" / "base.yaml"
    path.parent.mkdir()
    path.write_text(BASE)
    return path


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_defaults_fill_unset_keys(base):
    config = load_config([base])
    assert config.task == "classify"
    assert config.name == "base"
    assert config.model.encoder.kind == "lstm"
    assert config.model.encoder.units == 16
    assert config.model.encoder.num_layers == 1  # the kind's default
    assert config.model.pooling == "last"  # the task's default
    assert config.tokenizer.kind == "word"
    assert config.train.epochs == 3
    assert config.train.optimizer == "adam"


def test_later_file_overrides_earlier_key_by_key(base, tmp_path):
    second = write(tmp_path, "second.yaml", "model:\n  encoder: {units: 32}\ntrain:\n  epochs: 7\n")
    config = load_config([base, second])
    assert config.model.encoder.units == 32
    assert config.model.encoder.kind == "lstm"  # kept from the first file
    assert config.train.epochs == 7
    assert config.train.learning_rate == 0.01


def test_set_overrides_parse_yaml_scalars(base):
    config = load_config(
        [base],
        ["model.encoder=transformer", "train.epochs=5", "model.encoder.norm_first=true",
         "train.clipnorm=null", "train.learning_rate=1e-4", "name=other"],
    )
    assert config.model.encoder.kind == "transformer"
    assert config.train.epochs == 5
    assert config.model.encoder.norm_first is True
    assert config.train.clipnorm is None
    assert config.train.learning_rate == pytest.approx(1e-4)
    assert config.name == "other"


def test_int_is_accepted_for_float_fields(base):
    config = load_config([base], ["train.learning_rate=1"])
    assert config.train.learning_rate == 1.0
    assert isinstance(config.train.learning_rate, float)


def test_yaml_paths_are_relative_to_the_yaml_file(base):
    config = load_config([base])
    assert pathlib.Path(config.data.train) == base.parent / "data" / "train.csv"


def test_data_override_is_relative_to_the_working_directory(base, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config([base], data_overrides={"train": "other.csv", "test": "t.csv"})
    assert pathlib.Path(config.data.train) == tmp_path / "other.csv"
    assert pathlib.Path(config.data.test) == tmp_path / "t.csv"


def test_set_data_path_is_relative_to_the_working_directory(base, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config([base], ["data.validation=v.csv"])
    assert pathlib.Path(config.data.validation) == tmp_path / "v.csv"


def test_resolved_config_round_trips_through_yaml(base, tmp_path):
    config = load_config([base], ["model.encoder=transformer", "model.num_heads=2", "data.probes=x"])
    saved = write(tmp_path, "resolved.yaml", config.to_yaml())
    assert load_config([saved]) == config


def test_name_defaults_to_first_file_stem(tmp_path):
    path = write(tmp_path, "my_recipe.yaml", "task: classify\n")
    assert load_config([path]).name == "my_recipe"


def test_unknown_key_lists_valid_keys(base):
    with pytest.raises(ConfigError) as info:
        load_config([base], ["model.unitz=3"])
    message = str(info.value)
    assert "model.unitz" in message
    assert "embedding_dim" in message and "encoder" in message and "pooling" in message
    with pytest.raises(ConfigError) as info:
        load_config([base], ["model.encoder.unitz=3"])
    message = str(info.value)
    assert "model.encoder.unitz" in message
    assert "units, num_layers, recurrent_dropout" in message


def test_unknown_top_level_key_lists_sections(base, tmp_path):
    extra = write(tmp_path, "extra.yaml", "modle:\n  units: 3\n")
    with pytest.raises(ConfigError, match=r"unknown key 'modle'.*data, tokenizer, model, train"):
        load_config([base, extra])


def test_unknown_encoder_lists_the_task_encoders(base):
    with pytest.raises(ConfigError) as info:
        load_config([base], ["model.encoder=cnn"])
    message = str(info.value)
    assert "unknown model.encoder.kind 'cnn'" in message
    for name in ENCODERS:
        assert name in message


def test_unknown_tokenizer_kind_lists_the_registry(base):
    with pytest.raises(ConfigError, match="word.*char.*byte.*wordpiece"):
        load_config([base], ["tokenizer.kind=bpe"])


def test_unknown_task_lists_tasks(tmp_path):
    path = write(tmp_path, "t.yaml", "task: summarize\n")
    with pytest.raises(ConfigError, match="unknown task 'summarize'. Valid tasks: classify, generate, translate"):
        load_config([path])


def test_missing_task_is_an_error(tmp_path):
    path = write(tmp_path, "t.yaml", "model:\n  units: 3\n")
    with pytest.raises(ConfigError, match="no 'task'"):
        load_config([path])


def test_missing_file_names_it(tmp_path):
    with pytest.raises(ConfigError, match="config file not found: .*nope.yaml"):
        load_config([tmp_path / "nope.yaml"])


def test_bad_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, "bad.yaml", "task: classify\nmodel:\n  units: [1, 2\n  encoder: lstm\n")
    with pytest.raises(ConfigError) as info:
        load_config([path])
    message = str(info.value)
    assert "bad.yaml" in message
    assert "line 4" in message
    assert "invalid YAML" in message


def test_non_mapping_yaml_is_an_error(tmp_path):
    path = write(tmp_path, "list.yaml", "- a\n- b\n")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config([path])


def test_wrong_type_names_key_and_value(base):
    with pytest.raises(ConfigError, match=r"train.epochs must be int. Received: epochs='many'"):
        load_config([base], ["train.epochs=many"])
    with pytest.raises(ConfigError, match=r"model.encoder.units must be int"):
        load_config([base], ["model.units=1.5"])


def test_out_of_range_values_are_errors(base):
    with pytest.raises(ConfigError, match=r"train.batch_size must be > 0. Received: batch_size=0"):
        load_config([base], ["train.batch_size=0"])
    with pytest.raises(ConfigError, match=r"model.dropout must be in \[0, 1\)"):
        load_config([base], ["model.dropout=1.5"])


def test_transformer_heads_must_divide_embedding(base):
    with pytest.raises(ConfigError, match="divisible by model.encoder.num_heads"):
        load_config([base], ["model.encoder=transformer", "model.embedding_dim=30", "model.num_heads=4"])


def test_bad_set_syntax(base):
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        load_config([base], ["model.units"])


def test_unknown_data_split(base):
    with pytest.raises(ConfigError, match="unknown data split 'dev'.*train, validation, test"):
        load_config([base], data_overrides={"dev": "x.csv"})


def test_config_is_frozen(base):
    config = load_config([base])
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.model.encoder.units = 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.train = None
    assert config.model.encoder.units != 3


def test_shipped_sentiment_pipeline_loads():
    root = pathlib.Path(__file__).resolve().parents[1]
    config = load_config([root / "pipelines" / "sentiment.yaml"])
    assert config.task == "classify"
    assert pathlib.Path(config.data.train).is_file()
    assert pathlib.Path(config.data.test).is_file()
    assert config.data.probes


def test_a_new_train_file_drops_the_recipes_other_data_files(tmp_path):
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        "task: classify\n"
        "data: {train: a.csv, validation: b.csv, test: c.csv}\n"
    )
    other = tmp_path / "other.csv"
    config = load_config([recipe], data_overrides={"train": str(other)})
    assert config.data.train == str(other.resolve())
    assert config.data.validation is None and config.data.test is None
    both = load_config([recipe], data_overrides={"train": str(other), "test": "t.csv"})
    assert both.data.test.endswith("t.csv") and both.data.validation is None
    # Overriding only the test file keeps the recipe's training data.
    only_test = load_config([recipe], data_overrides={"test": "t.csv"})
    assert only_test.data.train == str((tmp_path / "a.csv").resolve())
    assert only_test.data.validation == str((tmp_path / "b.csv").resolve())


def test_schedule_and_weight_average_fields_are_validated(base):
    config = load_config(
        [base], ["train.lr_schedule=cosine", "train.warmup_steps=50", "train.ema_momentum=0.99"]
    )
    assert (config.train.lr_schedule, config.train.warmup_steps, config.train.ema_momentum) == (
        "cosine", 50, 0.99,
    )
    defaults = load_config([base]).train
    assert (defaults.lr_schedule, defaults.warmup_steps, defaults.ema_momentum) == ("constant", 0, None)
    with pytest.raises(ConfigError, match=r"unknown train.lr_schedule 'linear'.*constant, cosine"):
        load_config([base], ["train.lr_schedule=linear"])
    with pytest.raises(ConfigError, match=r"train.warmup_steps must be >= 0. Received: warmup_steps=-1"):
        load_config([base], ["train.warmup_steps=-1"])
    for bad in ("1.0", "0", "-0.5"):
        with pytest.raises(ConfigError, match=r"train.ema_momentum must be in \(0, 1\)"):
            load_config([base], [f"train.ema_momentum={bad}"])


def test_validation_min_words_needs_a_held_out_split(base, tmp_path):
    config = load_config([base], ["data.validation_min_words=5"])
    assert config.data.validation_min_words == 5
    with pytest.raises(ConfigError, match=r"data.validation_min_words must be >= 0"):
        load_config([base], ["data.validation_min_words=-1"])
    with pytest.raises(ConfigError, match=r"validation_min_words works on the rows held out"):
        load_config([base], ["data.validation_min_words=5", "data.validation_split=0"])
    with pytest.raises(ConfigError, match=r"validation_min_words works on the rows held out"):
        load_config([base], ["data.validation_min_words=5"], {"validation": str(tmp_path / "v.csv")})


FLAT = """\
task: classify
model:
  embedding_dim: 16
  encoder: transformer
  num_layers: 2
  num_heads: 2
  intermediate_dim: 8
  units: 99
  pooling: mean
  dropout: 0.3
"""


def test_the_flat_model_spelling_of_older_recipes_is_translated(tmp_path):
    flat = load_config([write(tmp_path, "flat.yaml", FLAT)])
    nested = load_config([write(tmp_path, "flat.yaml", FLAT.replace(
        "  encoder: transformer\n  num_layers: 2\n  num_heads: 2\n  intermediate_dim: 8\n  units: 99\n",
        "  encoder: {kind: transformer, num_layers: 2, num_heads: 2, intermediate_dim: 8, dropout: 0.3}\n",
    ))])
    assert flat == nested
    encoder = flat.model.encoder
    # units belonged to the recurrent encoders and was ignored; the blocks took model.dropout.
    assert (encoder.kind, encoder.num_layers, encoder.num_heads, encoder.dropout) == ("transformer", 2, 2, 0.3)
    assert flat.to_dict()["model"]["encoder"]["intermediate_dim"] == 8


def test_a_flat_set_override_reaches_a_nested_encoder(base):
    assert load_config([base], ["model.units=7"]).model.encoder.units == 7


def test_monitor_must_be_a_metric_the_task_reports(base):
    assert load_config([base], ["train.monitor=val_accuracy"]).train.monitor == "val_accuracy"
    with pytest.raises(ConfigError, match=r"unknown train.monitor 'val_bogus'.*loss, accuracy, val_loss"):
        load_config([base], ["train.monitor=val_bogus"])


def test_importing_the_config_package_imports_no_task():
    import subprocess
    import sys

    code = "import sys, seqkit.config; print(sorted(m for m in sys.modules if m.startswith('seqkit.tasks')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "override, field",
    [("train.learning_rate=.inf", "train.learning_rate"), ("train.clipnorm=-.inf", "train.clipnorm"),
     ("train.weight_decay=.nan", "train.weight_decay"), ("train.ema_momentum=.nan", "train.ema_momentum"),
     ("train.learning_rate=1e400", "train.learning_rate")],
)
def test_non_finite_numbers_are_refused_in_every_field(base, override, field):
    with pytest.raises(ConfigError, match=rf"{field} must be a finite number"):
        load_config([base], [override])


def test_a_delimiter_is_one_character_and_text_and_label_columns_differ(base):
    for value in ("ab", "''", '"\\n"'):
        with pytest.raises(ConfigError, match="data.delimiter must be one character"):
            load_config([base], [f"data.delimiter={value}"])
    assert load_config([base], ["data.delimiter=';'"]).data.delimiter == ";"
    with pytest.raises(ConfigError, match="text_column and data.label_column must name two different"):
        load_config([base], ["data.text_column=label"])
