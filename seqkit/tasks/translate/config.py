"""The translate task's config sections: data, two tokenizers, model, decoding, train."""

import dataclasses
from typing import ClassVar

from seqkit import config as config_lib
from seqkit.errors import ConfigError
from seqkit.models.recurrent_decoder import ATTENTION_KINDS
from seqkit.models.recurrent_decoder import CELLS
from seqkit.models.transformer_decoder import POSITIONS


@dataclasses.dataclass(frozen=True)
class TranslateDataConfig:
    """Where the sentence pairs come from.

    Fields:
        train / validation / test: paths of parallel text (None: absent).
            Either a CSV / TSV with a header naming `source_column` and
            `target_column`, or (`header: false`) a file of
            `source<TAB>target` lines as the Tatoeba / Anki `spa.txt` (fields
            after the second tab are ignored).
        source_column / target_column: header names (header files only).
        header: bool. Defaults to True.
        delimiter: None picks tab for .tsv and .txt and comma otherwise.
        validation_split: float in [0, 1): without a validation file, this
            share of the training rows (hash split with `split_seed`) is held
            out.
        split_seed: int.
        probes: sources `seqkit fit` translates at the end, as a quick look.
    """

    train: str | None = None
    validation: str | None = None
    test: str | None = None
    source_column: str = "source"
    target_column: str = "target"
    header: bool = True
    delimiter: str | None = None
    validation_split: float = 0.1
    split_seed: int = 42
    probes: tuple[str, ...] = ()

    SECTION: ClassVar[str] = "data"
    PATHS: ClassVar[tuple] = ("train", "validation", "test")

    def __post_init__(self):
        config_lib.fraction(self, "validation_split")

    def files(self):
        return {split: getattr(self, split) for split in self.PATHS if getattr(self, split) is not None}

    def delimiter_for(self, path):
        if self.delimiter is not None:
            return self.delimiter
        return "\t" if str(path).endswith((".tsv", ".txt")) else ","


@dataclasses.dataclass(frozen=True)
class SourceTokenizerConfig(config_lib.TokenizerConfig):
    """`TokenizerConfig` of the source side (`max_length`: longer sources are cut)."""

    SECTION: ClassVar[str] = "source_tokenizer"


@dataclasses.dataclass(frozen=True)
class TargetTokenizerConfig(config_lib.TokenizerConfig):
    """`TokenizerConfig` of the target side, plus `shared`.

    Fields:
        shared: bool. True: one tokenizer, `source_tokenizer`'s settings,
            adapted on both sides' text, serves source and target (a shared
            vocabulary); this section's other keys but `max_length` are then
            unused. Defaults to False.
        max_length: generated tokens at most, `[END]` included; training
            targets are cut to it.
    """

    shared: bool = False

    SECTION: ClassVar[str] = "target_tokenizer"


@dataclasses.dataclass(frozen=True)
class RecurrentSeq2SeqConfig:
    """`model.encoder` of kind rnn, gru or lstm: one recurrent layer each side.

    Fields:
        kind: the cell of encoder and decoder ("rnn", "gru", "lstm").
        units: state size (the decoder starts from the encoder's final state).
    """

    kind: str = "gru"
    units: int = 128

    SECTION: ClassVar[str] = "model.encoder"
    CHOICES: ClassVar[dict] = {"kind": lambda: tuple(CELLS)}

    def __post_init__(self):
        config_lib.positive(self, "units")


@dataclasses.dataclass(frozen=True)
class TransformerSeq2SeqConfig:
    """`model.encoder` of kind transformer (the decoder has the same shape).

    Fields:
        units: the model dimension d.
        num_layers: blocks in the encoder and in the decoder each.
        num_heads / intermediate_dim / norm_first: the blocks' settings.
        positional: "sinusoidal" or "learned".
    """

    kind: str = "transformer"
    units: int = 128
    num_layers: int = 2
    num_heads: int = 4
    intermediate_dim: int = 512
    positional: str = "sinusoidal"
    norm_first: bool = False

    SECTION: ClassVar[str] = "model.encoder"
    CHOICES: ClassVar[dict] = {"kind": lambda: ("transformer",), "positional": lambda: POSITIONS}

    def __post_init__(self):
        config_lib.positive(self, "units", "num_layers", "num_heads", "intermediate_dim")
        if self.units % self.num_heads:
            raise ConfigError(
                "model.encoder.num_heads must divide model.encoder.units. Received: "
                f"units={self.units}, num_heads={self.num_heads}"
            )


ENCODERS = {kind: RecurrentSeq2SeqConfig for kind in CELLS}
ENCODERS["transformer"] = TransformerSeq2SeqConfig


@dataclasses.dataclass(frozen=True)
class RecurrentDecoderConfig:
    """`model.decoder` (recurrent encoders only; a Transformer decoder mirrors its encoder).

    Fields:
        attention: "none" (the encoder's final state is all the decoder sees:
            the bottleneck baseline), "additive" (Bahdanau), "dot" or
            "general" (Luong).
        input_feeding: feed the previous attentional vector into the next
            step (Luong); needs attention.
    """

    attention: str = "additive"
    input_feeding: bool = False

    SECTION: ClassVar[str] = "model.decoder"
    CHOICES: ClassVar[dict] = {"attention": lambda: ATTENTION_KINDS}

    def __post_init__(self):
        if self.input_feeding and self.attention == "none":
            raise ConfigError(
                "model.decoder.input_feeding feeds the attentional vector back and needs "
                "attention. Received: input_feeding=true, attention='none'"
            )


@dataclasses.dataclass(frozen=True)
class TranslateModelConfig:
    """The encoder-decoder (`seqkit.models.seq2seq_model`).

    Fields:
        embedding_dim: token embedding size (recurrent models; the
            Transformer embeds into `encoder.units`).
        encoder: `{kind: rnn | gru | lstm | transformer, ...}`.
        decoder: `{attention, input_feeding}` (recurrent models).
        dropout: on embeddings and decoder outputs (and inside Transformer
            blocks).
    """

    embedding_dim: int = 64
    encoder: RecurrentSeq2SeqConfig | TransformerSeq2SeqConfig = config_lib.kinds(ENCODERS, "gru")
    decoder: RecurrentDecoderConfig = dataclasses.field(default_factory=RecurrentDecoderConfig)
    dropout: float = 0.1

    SECTION: ClassVar[str] = "model"

    def __post_init__(self):
        config_lib.positive(self, "embedding_dim")
        config_lib.fraction(self, "dropout")


@dataclasses.dataclass(frozen=True)
class DecodingConfig:
    """How translations are decoded (prediction, evaluation, export).

    Fields:
        beam_width: int >= 1; 1 is greedy decoding.
        length_penalty: float >= 0, the GNMT length-penalty exponent of the
            beam search (0 ranks by log-probability alone).

    Both are fixed into the exported SavedModel and recorded in seqkit.json.
    """

    beam_width: int = 4
    length_penalty: float = 0.6

    SECTION: ClassVar[str] = "decoding"

    def __post_init__(self):
        config_lib.positive(self, "beam_width")
        config_lib.non_negative(self, "length_penalty")


@dataclasses.dataclass(frozen=True)
class TranslateTrainConfig(config_lib.TrainConfig):
    """`TrainConfig` plus label smoothing of the token targets."""

    label_smoothing: float = 0.0

    def __post_init__(self):
        super().__post_init__()
        config_lib.fraction(self, "label_smoothing")
