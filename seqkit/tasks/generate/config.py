"""The generate task's config sections: data, tokenizer, model (nested decoder), train, decoding."""

import dataclasses
from typing import ClassVar

from seqkit import config as config_lib
from seqkit.errors import ConfigError
from seqkit.models.recurrent_language_model import CELLS
from seqkit.models.transformer_language_model import POSITIONS
from seqkit.samplers import SAMPLERS

FORMATS = ("abc", "lines", "paragraphs", "csv")
MUSIC21_CORPORA = ("oneills1850", "ryansMammoth")


@dataclasses.dataclass(frozen=True)
class GenerateDataConfig:
    """The documents a language model learns from.

    Fields:
        train: path of the training documents, or None with `corpus`.
        validation / test: optional paths of held-out documents. Without a
            validation file, `validation_split` of the training documents
            (whole documents, drawn with `split_seed`) are held out; they are
            also what `seqkit evaluate RUN` measures (see `GenerateTask`).
        corpus: a collection of ABC tunes that an installed package ships,
            read when `train` is None: `"music21:oneills1850"` (O'Neill's
            1850 collection of Irish tunes in music21's wheel; needs
            `pip install -e .[music]`).
        format: how a file is cut into documents: "abc" (a tune starts at
            each `X:` line, blank lines dropped), "lines" (one document a
            line), "paragraphs" (documents separated by blank lines) or "csv"
            (the `text_column` of each row). None picks "abc" for `.abc`,
            "csv" for `.csv` / `.tsv` and "lines" otherwise.
        text_column: the CSV column of the texts.
        abc_fields: ABC header fields to keep (e.g. [X, T, M, L, K, R]);
            other header lines (notes, sources, transcribers) are dropped.
            None keeps every line.
        validation_split: float in [0, 1), the share of documents held out.
        split_seed: int.
        sequence_length: tokens per training window (the model sees this
            many and predicts the next one at each).
        stride: tokens between window starts (None: `sequence_length`, every
            token a target once per epoch).
        probes: prompts `seqkit fit` continues at the end, as a quick look
            ("" starts from nothing).
    """

    train: str | None = None
    validation: str | None = None
    test: str | None = None
    corpus: str | None = None
    format: str | None = None
    text_column: str = "text"
    abc_fields: tuple[str, ...] | None = None
    validation_split: float = 0.1
    split_seed: int = 42
    sequence_length: int = 100
    stride: int | None = None
    probes: tuple[str, ...] = ()

    SECTION: ClassVar[str] = "data"
    PATHS: ClassVar[tuple] = ("train", "validation", "test")
    CHOICES: ClassVar[dict] = {"format": lambda: FORMATS + (None,)}

    def __post_init__(self):
        config_lib.fraction(self, "validation_split")
        config_lib.positive(self, "sequence_length")
        if self.stride is not None:
            config_lib.positive(self, "stride")
        if (self.train is None) == (self.corpus is None):
            raise ConfigError(
                "data needs exactly one of data.train (a file) and data.corpus (e.g. "
                f"music21:oneills1850). Received: train={self.train!r}, corpus={self.corpus!r}"
            )
        if self.corpus is not None:
            kind, _, name = self.corpus.partition(":")
            if kind != "music21" or name not in MUSIC21_CORPORA:
                raise ConfigError(
                    f"data.corpus must be one of {[f'music21:{c}' for c in MUSIC21_CORPORA]}. "
                    f"Received: corpus={self.corpus!r}"
                )

    def files(self):
        """{split: path} of the files this section names."""
        return {split: getattr(self, split) for split in self.PATHS if getattr(self, split) is not None}

    def format_of(self, path):
        """The document format of `path` (`format`, or from its suffix)."""
        if self.format is not None:
            return self.format
        suffix = str(path).lower().rsplit(".", 1)[-1]
        return {"abc": "abc", "csv": "csv", "tsv": "csv"}.get(suffix, "lines")


@dataclasses.dataclass(frozen=True)
class RecurrentDecoderConfig:
    """`model.decoder` of kind rnn, lstm or gru (`seqkit.models.RecurrentLanguageModel`).

    Fields:
        kind: "rnn", "lstm" or "gru".
        units: state size of each layer.
        num_layers: stacked layers.
        embedding_dim: token embedding size.
        dropout: after each recurrent layer, in training.
        recurrent_dropout: variational dropout of the state inside the cells.
    """

    kind: str = "lstm"
    units: int = 256
    num_layers: int = 1
    embedding_dim: int = 128
    dropout: float = 0.0
    recurrent_dropout: float = 0.0

    SECTION: ClassVar[str] = "model.decoder"
    CHOICES: ClassVar[dict] = {"kind": lambda: tuple(CELLS)}

    def __post_init__(self):
        config_lib.positive(self, "units", "num_layers", "embedding_dim")
        config_lib.fraction(self, "dropout")
        config_lib.fraction(self, "recurrent_dropout")


@dataclasses.dataclass(frozen=True)
class TransformerDecoderConfig:
    """`model.decoder` of kind transformer (`seqkit.models.TransformerLanguageModel`).

    Fields:
        num_layers / num_heads / model_dim / intermediate_dim / dropout: the
            decoder blocks' settings (causal self-attention, pre-norm).
        positions: "learned" or "sinusoidal".
        max_length: the longest sequence, generated text included (learned
            positions have this many rows; the key/value cache this many
            slots).
    """

    kind: str = "transformer"
    num_layers: int = 2
    num_heads: int = 4
    model_dim: int = 128
    intermediate_dim: int = 512
    dropout: float = 0.1
    positions: str = "learned"
    max_length: int = 1024

    SECTION: ClassVar[str] = "model.decoder"
    CHOICES: ClassVar[dict] = {"kind": lambda: ("transformer",), "positions": lambda: POSITIONS}

    def __post_init__(self):
        config_lib.positive(self, "num_layers", "num_heads", "model_dim", "intermediate_dim", "max_length")
        config_lib.fraction(self, "dropout")
        if self.model_dim % self.num_heads:
            raise ConfigError(
                "model.decoder.num_heads must divide model.decoder.model_dim. Received: "
                f"num_heads={self.num_heads}, model_dim={self.model_dim}"
            )


DECODERS = {kind: RecurrentDecoderConfig for kind in CELLS}
DECODERS["transformer"] = TransformerDecoderConfig


@dataclasses.dataclass(frozen=True)
class GenerateModelConfig:
    """The `model` section: one decoder-only language model."""

    decoder: object = config_lib.kinds(DECODERS, default="lstm")

    SECTION: ClassVar[str] = "model"


@dataclasses.dataclass(frozen=True)
class GenerateTrainConfig(config_lib.TrainConfig):
    """`TrainConfig` plus `steps_per_epoch`.

    Fields:
        steps_per_epoch: int or None. None: an epoch is one pass over the
            training windows. An int: each epoch takes that many batches of
            windows starting at random positions of the token stream (the MIT
            lab's `get_batch`: 3,000 steps are `epochs: 1, steps_per_epoch:
            3000`).
    """

    steps_per_epoch: int | None = None

    def __post_init__(self):
        super().__post_init__()
        if self.steps_per_epoch is not None:
            config_lib.positive(self, "steps_per_epoch")


@dataclasses.dataclass(frozen=True)
class DecodingConfig:
    """How text is generated (`seqkit generate`, probes, evaluation, export).

    Fields:
        strategy: "greedy", "beam", "random", "top_k" or "top_p".
        temperature: float > 0 (divides the logits).
        top_k: int >= 1 (strategy top_k; with top_p, a cut-off first).
        top_p: float in (0, 1] (strategy top_p).
        beam_width: int >= 1 (strategy beam).
        length_penalty: float >= 0 (strategy beam).
        max_length: tokens per generated text, the prompt and start token
            included.
        seed: int, seeds random strategies.
        num_samples: texts `seqkit evaluate` samples per strategy for its
            report (and, for ABC, their validity).
        evaluate_strategies: strategies `seqkit evaluate` samples with
            (each with this section's temperature / top_k / top_p).
        validity: measure the share of valid ABC tunes with music21 in
            `seqkit evaluate` (for ABC data).
    """

    strategy: str = "top_p"
    temperature: float = 1.0
    top_k: int | None = None
    top_p: float | None = None
    beam_width: int | None = None
    length_penalty: float | None = None
    max_length: int = 400
    seed: int = 7
    num_samples: int = 20
    evaluate_strategies: tuple[str, ...] = ("greedy", "top_k", "top_p")
    validity: bool = False

    SECTION: ClassVar[str] = "decoding"
    CHOICES: ClassVar[dict] = {"strategy": lambda: tuple(SAMPLERS)}

    def __post_init__(self):
        config_lib.positive(self, "max_length", "num_samples")
        for strategy in self.evaluate_strategies:
            if strategy not in SAMPLERS:
                raise ConfigError(
                    f"decoding.evaluate_strategies: unknown strategy {strategy!r}. Valid choices: "
                    f"{', '.join(SAMPLERS)}"
                )
        self.sampler()  # every option checked once, with the sampler's own messages

    def options(self, strategy=None):
        """The sampler options this section gives `strategy` (default: its own)."""
        strategy = strategy if strategy is not None else self.strategy
        options = {"temperature": self.temperature}
        if strategy in ("random", "top_k", "top_p"):
            options["seed"] = self.seed
        if strategy == "top_k":
            options["k"] = self.top_k
        if strategy == "top_p":
            options.update(p=self.top_p, k=self.top_k)
        if strategy == "beam":
            options.update(beam_width=self.beam_width, length_penalty=self.length_penalty)
        return options

    def sampler(self, strategy=None):
        """A fresh `seqkit.samplers` sampler; ConfigError names a bad option."""
        from seqkit.samplers import get_sampler

        try:
            return get_sampler(strategy if strategy is not None else self.strategy, **self.options(strategy))
        except ValueError as error:
            raise ConfigError(f"decoding: {error}") from None
