"""Config sections several tasks share: `train`, `export`, `tokenizer`.

A task declares its sections (`Task.sections`, section name -> dataclass) and
may subclass these to add fields (`ClassifyTrainConfig(TrainConfig)`). The
loader (`seqkit.config.loader`) knows none of them by name.
"""

import dataclasses
from typing import ClassVar

from seqkit.config import validators
from seqkit.errors import ConfigError


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """How to train: optimizer, schedule, stopping, seed.

    Fields:
        optimizer: "adam", "adamw" or "sgd".
        learning_rate: float, the rate after warmup (the peak of "cosine").
        lr_schedule: "constant" (the default) or "cosine": after warmup the
            rate decays along a half cosine to 0 at the end of the last of
            `epochs` (`seqkit.training.WarmupDecay`). An early stop ends the
            run before the rate reaches 0; resuming with another `epochs`
            changes the curve.
        warmup_steps: int, optimizer steps (batches) of linear warmup from
            0 to `learning_rate`. 0 (the default) starts at `learning_rate`.
        ema_momentum: float in (0, 1) or None (the default: off). Keeps an
            exponential moving average of the weights
            (`avg = m * avg + (1 - m) * w` after every step, Keras'
            `use_ema`); validation, the best-weights checkpoint and the saved
            model use the averaged weights, training continues from the raw
            ones. 0.99 averages over roughly the last 100 steps.
        weight_decay: float, decoupled weight decay (adamw, sgd). 0 disables it.
        epochs: int, the most epochs to train.
        batch_size: int.
        clipnorm: float or None, clip each gradient to this global norm.
        early_stopping_patience: int or None, epochs without improvement of
            `monitor` before stopping; None trains all `epochs`.
        monitor: str, the quantity best weights and early stopping follow:
            one of the task's monitorable metrics (`Task.monitor_modes`), with
            a `val_` prefix for the validation value ("val_loss", ...).
        seed: int, seeds weights, shuffling and dropout.
        shuffle_buffer: int, examples held by the shuffle buffer.
        strategy: "default" (one device), "mirrored" (the local devices) or
            "multi-worker" (the workers of `TF_CONFIG`); `batch_size` stays
            the global batch (`seqkit.training.strategy`).
        precision: "float32" or "mixed" (bfloat16 on a CPU, float16 with loss
            scaling on a GPU; `seqkit.training.precision`).
        jit_compile: bool or None (the default: Keras decides, which is off
            on a CPU). Compiles the train step with XLA.
        backup_steps: int or None (the default: at epoch ends only). Steps
            between the backups `--resume` continues from.
        refit: bool (default False). After training, train again from
            scratch on every training row (the held-out part included) for
            the epochs the held-out part picked (the best `monitor` epoch);
            that model is the run's. The selection run is kept beside it as
            `<run>-selection`. Needs rows held out of the training file.
    """

    optimizer: str = "adam"
    learning_rate: float = 1e-3
    lr_schedule: str = "constant"
    warmup_steps: int = 0
    ema_momentum: float | None = None
    weight_decay: float = 0.0
    epochs: int = 10
    batch_size: int = 32
    clipnorm: float | None = 1.0
    early_stopping_patience: int | None = 3
    monitor: str = "val_loss"
    seed: int = 42
    shuffle_buffer: int = 10000
    strategy: str = "default"
    precision: str = "float32"
    jit_compile: bool | None = None
    backup_steps: int | None = None
    refit: bool = False

    SECTION: ClassVar[str] = "train"
    CHOICES: ClassVar[dict] = {
        "optimizer": lambda: ("adam", "adamw", "sgd"),
        "lr_schedule": lambda: ("constant", "cosine"),
        "strategy": lambda: ("default", "mirrored", "multi-worker"),  # seqkit.training.strategy.STRATEGIES
        "precision": lambda: ("float32", "mixed"),  # seqkit.training.precision.PRECISIONS
    }

    def __post_init__(self):
        validators.positive(self, "learning_rate", "epochs", "batch_size", "shuffle_buffer")
        validators.non_negative(self, "weight_decay", "warmup_steps")
        if self.ema_momentum is not None and not 0 < self.ema_momentum < 1:
            raise ConfigError(
                f"train.ema_momentum must be in (0, 1), or null to train without a weight "
                f"average. Received: ema_momentum={self.ema_momentum!r}"
            )
        if self.clipnorm is not None:
            validators.positive(self, "clipnorm")
        if self.early_stopping_patience is not None:
            validators.positive(self, "early_stopping_patience")
        if self.backup_steps is not None:
            validators.positive(self, "backup_steps")


@dataclasses.dataclass(frozen=True)
class ExportConfig:
    """How `seqkit export` names the SavedModel.

    Fields:
        name: str or None, the model name TF Serving knows it by (defaults to
            the run's name).
    """

    name: str | None = None

    SECTION: ClassVar[str] = "export"


def _tokenizer_kinds():
    from seqkit.tokenizers import TOKENIZERS

    return tuple(TOKENIZERS)


@dataclasses.dataclass(frozen=True)
class TokenizerConfig:
    """How text becomes token ids (any text task; a task with two texts has two).

    Fields:
        kind: "word", "char", "byte", "wordpiece" or "sentencepiece"
            (`seqkit.tokenizers`).
        vocabulary_size: the most entries in the vocabulary, reserved tokens
            included (ignored by byte).
        min_frequency: tokens seen fewer times in the training text map to [UNK]
            (must be 1 for sentencepiece, which has no count threshold).
        max_length: longer inputs keep their first `max_length` tokens, in
            training and in the exported model alike.
        lowercase: fold case before splitting (word, wordpiece, char,
            sentencepiece).
        punctuation: "split" (each punctuation mark is a token), "strip"
            (dropped) or "keep" (left attached: split on whitespace only, right
            for text that is already tokenized, such as SST-2's "does n't").
            Word and wordpiece only.
        ptb_split: split contractions and end-of-word punctuation off words
            the Penn Treebank way before `punctuation` applies, so raw text
            ("isn't", "it's", "film.") reads as PTB-tokenised text ("is n't",
            "it 's", "film ."), in training and in the export alike. Word only.
    """

    kind: str = "word"
    vocabulary_size: int = 20000
    min_frequency: int = 1
    max_length: int = 64
    lowercase: bool = True
    punctuation: str = "split"
    ptb_split: bool = False

    SECTION: ClassVar[str] = "tokenizer"
    CHOICES: ClassVar[dict] = {
        "kind": _tokenizer_kinds,
        "punctuation": lambda: ("split", "strip", "keep"),
    }

    def __post_init__(self):
        validators.positive(self, "vocabulary_size", "min_frequency", "max_length")
        if self.ptb_split and self.kind != "word":
            raise ConfigError(
                "tokenizer.ptb_split works with the word tokenizer only. Received: "
                f"kind={self.kind!r}; set tokenizer.ptb_split=false or tokenizer.kind=word"
            )
        if self.kind == "sentencepiece" and self.min_frequency != 1:
            raise ConfigError(
                "tokenizer.min_frequency has no meaning for the sentencepiece tokenizer (it keeps "
                f"pieces by likelihood, not by count). Received: min_frequency="
                f"{self.min_frequency}; add --set tokenizer.min_frequency=1"
            )


def kinds(mapping, default):
    """A field holding one of several dataclasses chosen by a `kind:` key.

    `mapping` is {kind name: dataclass}; each dataclass has a `kind: str`
    field. In YAML the field is a mapping `{kind: NAME, ...the kind's keys}`;
    the loader builds `mapping[NAME]` from it and lists unknown keys of that
    kind. `default` is the kind used when the key is left out.

    >>> import dataclasses
    >>> @dataclasses.dataclass(frozen=True)
    ... class Rnn:
    ...     kind: str = "rnn"
    ...     units: int = 8
    >>> field = kinds({"rnn": Rnn}, "rnn")
    >>> field.metadata["kinds"]["rnn"] is Rnn
    True
    """
    return dataclasses.field(
        default_factory=mapping[default],
        metadata={"kinds": mapping, "default_kind": default},
    )
