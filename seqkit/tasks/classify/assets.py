"""The classify task's assets: the tokenizer and the sorted label names."""

import dataclasses
import pathlib
from typing import Any

from seqkit.data.labels import load_labels
from seqkit.data.labels import save_labels
from seqkit.errors import DataError
from seqkit.errors import RunDirError
from seqkit.tasks.text.tokenizer import load_tokenizer_asset
from seqkit.tasks.text.tokenizer import save_tokenizer

LABELS_FILE = "labels.json"
LEGACY_LABELS_FILE = "labels.txt"  # one per line: runs trained before labels.json


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
    save_labels(directory / LABELS_FILE, assets.labels)  # JSON: any label string round-trips


def load_assets(directory):
    directory = pathlib.Path(directory)
    labels_path = directory / LABELS_FILE
    if not labels_path.is_file() and (directory / LEGACY_LABELS_FILE).is_file():
        labels = (directory / LEGACY_LABELS_FILE).read_text(encoding="utf-8").splitlines()
    elif not labels_path.is_file():
        raise RunDirError(
            f"{labels_path} is missing: the run directory is incomplete. "
            "Train it again with `seqkit fit ... --overwrite`"
        )
    else:
        try:
            labels = load_labels(labels_path)
        except DataError as error:
            raise RunDirError(f"{error}. Train the run again with `seqkit fit ... --overwrite`") from None
    return ClassifyAssets(tokenizer=load_tokenizer_asset(directory), labels=labels)
