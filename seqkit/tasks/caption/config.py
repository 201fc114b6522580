"""The caption task's config sections: data, model (nested encoder and decoder), decode."""

import dataclasses
from typing import ClassVar

from seqkit import config as config_lib
from seqkit.errors import ConfigError


@dataclasses.dataclass(frozen=True)
class CaptionDataConfig:
    """Where the (image, caption) rows come from.

    Fields:
        train / validation / test: CSVs with an image-path column (paths
            relative to the CSV) and a caption column; an image may appear on
            several rows, one per reference caption (None: absent).
        image_column / caption_column: the columns' names.
        augment_shift: int, training images are shifted by up to this many
            pixels (edges repeated); 0 turns it off.
        probes: image paths (relative to the recipe) that `seqkit fit`
            captions at the end, as a quick look.
    """

    train: str | None = None
    validation: str | None = None
    test: str | None = None
    image_column: str = "image"
    caption_column: str = "caption"
    augment_shift: int = 2
    probes: tuple[str, ...] = ()

    SECTION: ClassVar[str] = "data"
    PATHS: ClassVar[tuple] = ("train", "validation", "test")

    def __post_init__(self):
        config_lib.non_negative(self, "augment_shift")

    def files(self):
        return {split: getattr(self, split) for split in self.PATHS if getattr(self, split) is not None}


@dataclasses.dataclass(frozen=True)
class CnnEncoderConfig:
    """`model.encoder` kind cnn: a small network trained from scratch (`build_image_encoder`).

    Fields:
        filters: channels of the convolutions (the first has stride 2, each
            later one is followed by a 2x2 max-pool).
        colour_stream: the convolutions see a colour-blind map of the image
            (`InkMap`) and a second stream gives each region its colour, so
            the shape features do not depend on colour.
    """

    kind: str = "cnn"
    filters: tuple[int, ...] = (16, 32, 64)
    colour_stream: bool = False

    SECTION: ClassVar[str] = "model.encoder"
    CHOICES: ClassVar[dict] = {"kind": lambda: ("cnn",)}

    def __post_init__(self):
        if not self.filters or any(f <= 0 for f in self.filters):
            raise ConfigError(f"model.encoder.filters must be positive ints. Received: filters={self.filters!r}")


@dataclasses.dataclass(frozen=True)
class MobileNetEncoderConfig:
    """`model.encoder` kind mobilenet_v3: `keras.applications.MobileNetV3Small` without its top.

    Fields:
        weights: None (random initial weights, trained here) or the path of a
            local weights file (`include_top=False`); nothing is downloaded.
    """

    kind: str = "mobilenet_v3"
    weights: str | None = None

    SECTION: ClassVar[str] = "model.encoder"
    CHOICES: ClassVar[dict] = {"kind": lambda: ("mobilenet_v3",)}


@dataclasses.dataclass(frozen=True)
class LstmDecoderConfig:
    """`model.decoder` kind lstm_attention: `AttentionLSTMDecoder` (Show, Attend and Tell).

    Fields:
        embedding_dim: word embedding size.
        attention_units: hidden size of the additive attention.
    """

    kind: str = "lstm_attention"
    embedding_dim: int = 64
    attention_units: int = 64

    SECTION: ClassVar[str] = "model.decoder"
    CHOICES: ClassVar[dict] = {"kind": lambda: ("lstm_attention",)}

    def __post_init__(self):
        config_lib.positive(self, "embedding_dim", "attention_units")


@dataclasses.dataclass(frozen=True)
class TransformerDecoderConfig:
    """`model.decoder` kind transformer: `TransformerDecoder` over the regions as memory (cross-attention).

    Fields:
        num_layers / num_heads / intermediate_dim: the decoder blocks'.
    """

    kind: str = "transformer"
    num_layers: int = 2
    num_heads: int = 4
    intermediate_dim: int = 256

    SECTION: ClassVar[str] = "model.decoder"
    CHOICES: ClassVar[dict] = {"kind": lambda: ("transformer",)}

    def __post_init__(self):
        config_lib.positive(self, "num_layers", "num_heads", "intermediate_dim")


def short_kinds(values, sources=None):
    """`encoder: cnn` / `decoder: transformer` (a bare kind, e.g. from --set) -> `{kind: ...}`."""
    for key in ("encoder", "decoder"):
        if isinstance(values.get(key), str):
            values[key] = {"kind": values[key]}
    return values


ENCODERS = {"cnn": CnnEncoderConfig, "mobilenet_v3": MobileNetEncoderConfig}
DECODERS = {"lstm_attention": LstmDecoderConfig, "transformer": TransformerDecoderConfig}


@dataclasses.dataclass(frozen=True)
class CaptionModelConfig:
    """Image encoder -> region features -> attention decoder.

    Fields:
        image_size: images are resized to image_size x image_size.
        hidden_dim: size of the region features and of the decoder.
        dropout: on the region features and before the output layer.
        token_dropout: share of the decoder's input words replaced by [UNK]
            in training (word dropout: the next word must come from the image
            rather than from the previous word); 0 turns it off.
        encoder: `{kind: cnn | mobilenet_v3, ...}`.
        decoder: `{kind: lstm_attention | transformer, ...}`.
    """

    image_size: int = 64
    hidden_dim: int = 128
    dropout: float = 0.1
    token_dropout: float = 0.0
    encoder: CnnEncoderConfig | MobileNetEncoderConfig = config_lib.kinds(ENCODERS, "cnn")
    decoder: LstmDecoderConfig | TransformerDecoderConfig = config_lib.kinds(DECODERS, "lstm_attention")

    SECTION: ClassVar[str] = "model"
    upgrade = staticmethod(short_kinds)

    def __post_init__(self):
        config_lib.positive(self, "image_size", "hidden_dim")
        config_lib.fraction(self, "dropout")
        config_lib.fraction(self, "token_dropout")


@dataclasses.dataclass(frozen=True)
class CaptionTrainConfig(config_lib.TrainConfig):
    """`TrainConfig` plus label smoothing of the word targets.

    Fields:
        label_smoothing: float in [0, 1); the target of each word is
            `(1 - ε)·one_hot + ε / V`, which bounds how far below the target
            any word's logit is pushed, so the decoder's word-to-word prior
            cannot learn to veto a word it never saw in that context (a held-out
            colour-shape pair); 0 turns it off.
    """

    label_smoothing: float = 0.0

    def __post_init__(self):
        super().__post_init__()
        config_lib.fraction(self, "label_smoothing")


@dataclasses.dataclass(frozen=True)
class CaptionDecodeConfig:
    """How captions are generated (evaluation, prediction, export).

    Fields:
        beam_width: 1 is greedy search; more keeps that many beams
            (`seqkit.samplers`).
        length_penalty: the beam search's length penalty exponent.
    """

    beam_width: int = 1
    length_penalty: float = 0.0

    SECTION: ClassVar[str] = "decode"

    def __post_init__(self):
        config_lib.positive(self, "beam_width")
        config_lib.non_negative(self, "length_penalty")
