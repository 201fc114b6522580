"""`TextDataConfig`: the `data` section of a task that reads text from CSV files."""

import dataclasses
from typing import ClassVar

from seqkit.config import validators
from seqkit.errors import ConfigError


@dataclasses.dataclass(frozen=True)
class TextDataConfig:
    """Where the examples come from.

    Fields:
        train / validation / test: CSV or TSV paths (None: absent). Without a
            validation file, `validation_split` of the training rows, drawn
            with `split_seed`, are held out.
        text_column: the text's column name in the header.
        delimiter: None picks tab for .tsv and comma otherwise.
        validation_split: float in [0, 1).
        split_seed: int.
        validation_min_words: int; 0 (the default) keeps every held-out row.
            Above 0, only held-out rows of at least this many
            whitespace-separated words are kept for validation (the shorter
            ones stay out of training too, so the training rows do not
            change). For training files of phrases whose evaluation data are
            full sentences (SST-2), this makes the set that picks the best
            epoch look like the evaluation data. Only with
            `validation_split`; a `validation` file is used whole.
        exclude_held_out_phrases: bool. True drops every training row that
            is a phrase of a held-out row: the same words in the same order,
            a contiguous run of its words (whitespace-separated, compared
            exactly). Phrase-level data sets such as SST-2 hold a labelled row
            for each phrase of a sentence, so a held-out sentence otherwise
            has its parts in training and held-out accuracy overstates
            accuracy on new sentences. Defaults to False. Only with
            `validation_split`.
        probes: texts `seqkit fit` predicts at the end, as a quick look.
    """

    train: str | None = None
    validation: str | None = None
    test: str | None = None
    text_column: str = "text"
    delimiter: str | None = None
    validation_split: float = 0.1
    split_seed: int = 42
    validation_min_words: int = 0
    exclude_held_out_phrases: bool = False
    probes: tuple[str, ...] = ()

    SECTION: ClassVar[str] = "data"
    PATHS: ClassVar[tuple] = ("train", "validation", "test")

    def __post_init__(self):
        validators.fraction(self, "validation_split")
        validators.non_negative(self, "validation_min_words")
        if self.delimiter is not None and (len(self.delimiter) != 1 or self.delimiter in '\r\n"'):
            raise ConfigError(
                "data.delimiter must be one character other than a quote or a line break, or null "
                f"(tab for .tsv, comma otherwise). Received: delimiter={self.delimiter!r}"
            )

    def files(self):
        """{split: path} of the files this section names."""
        return {split: getattr(self, split) for split in self.PATHS if getattr(self, split) is not None}

    def check_held_out(self):
        """The held-out filters need rows held out of the training file."""
        held_out = self.validation is None and self.validation_split > 0
        for key in ("validation_min_words", "exclude_held_out_phrases"):
            if getattr(self, key) and not held_out:
                raise ConfigError(
                    f"data.{key} works on the rows held out of the training file "
                    "(data.validation_split > 0, no data.validation file). Received: "
                    f"{key}={getattr(self, key)}, validation={self.validation!r}, "
                    f"validation_split={self.validation_split}"
                )
