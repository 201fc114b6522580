"""The classify task's config sections: data, model (nested encoder), train."""

import dataclasses
from typing import ClassVar

from seqkit import config as config_lib
from seqkit.errors import ConfigError
from seqkit.models import RECURRENT_KINDS
from seqkit.models.text_embedding import POSITIONAL
from seqkit.tasks.text.data_config import TextDataConfig


@dataclasses.dataclass(frozen=True)
class ClassifyDataConfig(TextDataConfig):
    """`TextDataConfig` plus the label's column (`label_column`, default "label")."""

    label_column: str = "label"

    def __post_init__(self):
        super().__post_init__()
        if self.label_column == self.text_column:
            raise ConfigError(
                "data.text_column and data.label_column must name two different columns. "
                f"Received: text_column={self.text_column!r}, label_column={self.label_column!r}"
            )


@dataclasses.dataclass(frozen=True)
class RecurrentEncoderConfig:
    """`model.encoder` of kind rnn, lstm, gru or bilstm (`seqkit.models.recurrent_encoder`).

    Fields:
        kind: "rnn", "lstm", "gru" or "bilstm".
        units: recurrent units (per direction for bilstm).
        num_layers: stacked recurrent layers.
        recurrent_dropout: variational dropout of h_{t-1} inside the cells,
            one mask per sequence.
    """

    kind: str = "bilstm"
    units: int = 64
    num_layers: int = 1
    recurrent_dropout: float = 0.0

    SECTION: ClassVar[str] = "model.encoder"
    CHOICES: ClassVar[dict] = {"kind": lambda: RECURRENT_KINDS}

    def __post_init__(self):
        config_lib.positive(self, "units", "num_layers")
        config_lib.fraction(self, "recurrent_dropout")


@dataclasses.dataclass(frozen=True)
class TransformerEncoderConfig:
    """`model.encoder` of kind transformer (`seqkit.models.transformer_encoder`).

    Fields:
        num_layers / num_heads / intermediate_dim / dropout / norm_first:
            the blocks' settings (`seqkit.layers.TransformerEncoderBlock`).
        positional: "learned" (a trained vector per index), "sinusoidal"
            (fixed) or "conv" (relative: a depthwise convolution over
            `position_kernel_size` neighbouring tokens).
        position_kernel_size: odd int, the tokens the "conv" encoding sees.
        attention_window: int or None: each token attends only to tokens at
            most this many steps away; None (the default) attends to all.
    """

    kind: str = "transformer"
    num_layers: int = 1
    num_heads: int = 4
    intermediate_dim: int = 128
    dropout: float = 0.1
    positional: str = "learned"
    position_kernel_size: int = 3
    norm_first: bool = False
    attention_window: int | None = None

    SECTION: ClassVar[str] = "model.encoder"
    CHOICES: ClassVar[dict] = {"kind": lambda: ("transformer",), "positional": lambda: POSITIONAL}

    def __post_init__(self):
        config_lib.positive(self, "num_layers", "num_heads", "intermediate_dim")
        config_lib.fraction(self, "dropout")
        if self.position_kernel_size < 1 or self.position_kernel_size % 2 == 0:
            raise ConfigError(
                "model.encoder.position_kernel_size must be an odd int >= 1. Received: "
                f"position_kernel_size={self.position_kernel_size!r}"
            )
        if self.attention_window is not None:
            config_lib.non_negative(self, "attention_window")


ENCODERS = {kind: RecurrentEncoderConfig for kind in RECURRENT_KINDS}
ENCODERS["transformer"] = TransformerEncoderConfig

# The flat spelling of seqkit < app-layer-v1: which top-level model keys
# belonged to which encoder kind.
_RECURRENT_KEYS = ("units", "num_layers", "recurrent_dropout")
_TRANSFORMER_KEYS = ("num_layers", "num_heads", "intermediate_dim", "positional",
                     "position_kernel_size", "norm_first", "attention_window")
_FLAT_KEYS = set(_RECURRENT_KEYS) | set(_TRANSFORMER_KEYS)


def upgrade_flat_model(values, sources=None):
    """Translates the flat model section into the nested one.

    `{encoder: bilstm, units: 64, num_heads: 4, ...}` becomes
    `{encoder: {kind: bilstm, units: 64}}`; keys the kind does not take were
    ignored by the old code and are dropped. The transformer's `dropout` was
    `model.dropout`. A nested section passes through unchanged.
    """
    encoder = values.get("encoder")
    flat = _FLAT_KEYS & set(values)
    legacy = isinstance(encoder, str) or encoder is None
    if not legacy and not flat:
        return values
    encoder = {"kind": encoder} if isinstance(encoder, str) else dict(encoder or {})
    kind = encoder.get("kind", "bilstm")
    taken = _TRANSFORMER_KEYS if kind == "transformer" else _RECURRENT_KEYS
    for key in sorted(flat):
        value = values.pop(key)
        if key in taken:
            encoder[key] = value  # a flat key beside a nested encoder is a --set override
    if legacy and kind == "transformer" and "dropout" in values:
        encoder.setdefault("dropout", values["dropout"])
    values["encoder"] = encoder
    return values


@dataclasses.dataclass(frozen=True)
class ClassifyModelConfig:
    """The network: embedding -> encoder -> pooling -> dropout -> softmax.

    Fields:
        embedding_dim: size of the token embedding.
        encoder: `{kind: rnn | lstm | gru | bilstm | transformer, ...}`, the
            kind's keys (`RecurrentEncoderConfig`, `TransformerEncoderConfig`).
        pooling: "last" (final state / last real token), "mean" or "max" over
            the real time steps.
        dropout: after the embedding and before the classifier.
        token_dropout: share of real tokens replaced by [UNK] in training
            (word dropout, `seqkit.layers.TokenDropout`); 0 disables it.

    The flat spelling of older recipes (`encoder: bilstm`, `units: 64` beside
    it) is translated on load (`upgrade_flat_model`).
    """

    embedding_dim: int = 64
    encoder: RecurrentEncoderConfig | TransformerEncoderConfig = config_lib.kinds(ENCODERS, "bilstm")
    pooling: str = "last"
    dropout: float = 0.1
    token_dropout: float = 0.0

    SECTION: ClassVar[str] = "model"
    CHOICES: ClassVar[dict] = {"pooling": lambda: ("last", "mean", "max")}
    upgrade = staticmethod(upgrade_flat_model)

    def __post_init__(self):
        config_lib.positive(self, "embedding_dim")
        config_lib.fraction(self, "dropout")
        config_lib.fraction(self, "token_dropout")


@dataclasses.dataclass(frozen=True)
class ClassifyTrainConfig(config_lib.TrainConfig):
    """`TrainConfig` plus label smoothing and length-sorted training batches.

    Fields:
        label_smoothing: float in [0, 1); 0 disables it.
        length_window: int, batches per sorting window for training: each
            window of `batch_size * length_window` shuffled rows is sorted by
            length and cut into batches padded to their own longest row, and
            the batches are shuffled (`seqkit.data.length_sorted_batches`).
            Far less padding when lengths vary; the number of batches is
            unchanged. 0 (the default) turns it off: batches are padded to
            their longest row in shuffled order. Evaluation never sorts.
    """

    label_smoothing: float = 0.0
    length_window: int = 0

    def __post_init__(self):
        super().__post_init__()
        config_lib.fraction(self, "label_smoothing")
        config_lib.non_negative(self, "length_window")
