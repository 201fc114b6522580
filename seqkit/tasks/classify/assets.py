"""The classify task's assets: the tokenizer and the sorted label names."""

import dataclasses
import pathlib
from typing import Any

from seqkit.errors import RunDirError
from seqkit.run_dir import atomic_write
from seqkit.tasks.text.tokenizer import load_tokenizer_asset
from seqkit.tasks.text.tokenizer import save_tokenizer

LABELS_FILE = "labels.txt"


@dataclasses.dataclass
class ClassifyAssets:
    """What classify learns from the training data before the model.

    Attributes:
        tokenizer: a `seqkit.tokenizers.Tokenizer`.
        labels: list of str, the class names in class order (sorted).
    """

    tokenizer: Any
    labels: list


def save_assets(assets, directory):
    directory = pathlib.Path(directory)
    save_tokenizer(assets.tokenizer, directory)
    with atomic_write(directory / LABELS_FILE) as f:
        f.write("".join(f"{label}\n" for label in assets.labels))


def load_assets(directory):
    directory = pathlib.Path(directory)
    labels_path = directory / LABELS_FILE
    if not labels_path.is_file():
        raise RunDirError(
            f"{labels_path} is missing: the run directory is incomplete. "
            "Train it again with `seqkit fit ... --overwrite`"
        )
    labels = [line for line in labels_path.read_text(encoding="utf-8").split("\n") if line]
    return ClassifyAssets(tokenizer=load_tokenizer_asset(directory), labels=labels)
