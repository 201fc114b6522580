"""The generate task's config: decoder kinds, decoding checks, data sources."""

import pytest

from seqkit.config import load_config
from seqkit.errors import ConfigError

RECIPE = "pipelines/next_word.yaml"


def test_a_decoder_kind_given_as_a_string_takes_that_kinds_defaults():
    config = load_config([RECIPE], overrides=["model.decoder=transformer", "model.decoder.num_heads=2"])
    assert config.model.decoder.kind == "transformer" and config.model.decoder.num_heads == 2
    assert config.model.decoder.model_dim == 128


@pytest.mark.parametrize(
    "override,named",
    [
        ("decoding.strategy=nucleus", "nucleus"),
        ("decoding.top_p=1.5", "p=1.5"),
        ("decoding.top_k=0", "k=0"),
        ("decoding.temperature=0", "temperature=0"),
        ("decoding.max_length=0", "max_length=0"),
        ("decoding.evaluate_strategies=[greedy, best]", "best"),
        ("data.sequence_length=0", "sequence_length"),
    ],
)
def test_bad_decoding_and_data_values_are_config_errors_naming_them(override, named):
    overrides = [override]
    if override.startswith("decoding.top_p"):
        overrides.append("decoding.strategy=top_p")
    if override.startswith("decoding.top_k"):
        overrides.append("decoding.strategy=top_k")
    with pytest.raises(ConfigError, match=named):
        load_config([RECIPE], overrides=overrides)


def test_a_transformer_cannot_generate_past_its_positions():
    with pytest.raises(ConfigError, match="decoding.max_length must be at most"):
        load_config([RECIPE], overrides=["model.decoder=transformer", "model.decoder.max_length=32", "decoding.max_length=100"])


def test_the_data_comes_from_exactly_one_of_a_file_and_a_corpus():
    with pytest.raises(ConfigError, match="exactly one of data.train"):
        load_config([RECIPE], overrides=["data.corpus=music21:oneills1850"])
    with pytest.raises(ConfigError, match="data.corpus must be one of"):
        load_config([RECIPE], overrides=["data.train=null", "data.corpus=music21:bach"])
