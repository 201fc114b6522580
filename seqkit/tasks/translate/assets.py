"""The translate task's assets: a tokenizer per side (or one shared), saved under `assets/`."""

import dataclasses
import pathlib
from typing import Any

from seqkit.errors import RunDirError
from seqkit.tasks.text.tokenizer import load_tokenizer_asset
from seqkit.tasks.text.tokenizer import make_tokenizer
from seqkit.tasks.text.tokenizer import save_tokenizer

SOURCE_DIR, TARGET_DIR, SHARED_DIR = "source_tokenizer", "target_tokenizer", "shared_tokenizer"


@dataclasses.dataclass
class TranslateAssets:
    """`source_tokenizer` and `target_tokenizer` (the same object when `shared`)."""

    source_tokenizer: Any
    target_tokenizer: Any
    shared: bool = False


def build_assets(config, train_examples):
    """Adapts the tokenizers on the training rows' sources and targets."""
    source_config, target_config = config.source_tokenizer, config.target_tokenizer
    sources = train_examples.map(lambda row: row["source"])
    targets = train_examples.map(lambda row: row["target"])
    if target_config.shared:
        tokenizer = make_tokenizer(source_config)
        tokenizer.adapt(sources.concatenate(targets), max_size=source_config.vocabulary_size,
                        min_frequency=source_config.min_frequency)
        return TranslateAssets(tokenizer, tokenizer, shared=True)
    source = make_tokenizer(source_config)
    source.adapt(sources, max_size=source_config.vocabulary_size,
                 min_frequency=source_config.min_frequency)
    target = make_tokenizer(target_config)
    target.adapt(targets, max_size=target_config.vocabulary_size,
                 min_frequency=target_config.min_frequency)
    return TranslateAssets(source, target)


def save_assets(assets, directory):
    directory = pathlib.Path(directory)
    if assets.shared:
        save_tokenizer(assets.source_tokenizer, directory / SHARED_DIR)
        return
    save_tokenizer(assets.source_tokenizer, directory / SOURCE_DIR)
    save_tokenizer(assets.target_tokenizer, directory / TARGET_DIR)


def load_assets(directory):
    directory = pathlib.Path(directory)
    if (directory / SHARED_DIR).is_dir():
        tokenizer = load_tokenizer_asset(directory / SHARED_DIR)
        return TranslateAssets(tokenizer, tokenizer, shared=True)
    if not (directory / SOURCE_DIR).is_dir():
        raise RunDirError(
            f"no tokenizer under {directory} (expected {SOURCE_DIR}/ and {TARGET_DIR}/, or "
            f"{SHARED_DIR}/). The run directory is corrupt; train it again with "
            "`seqkit fit ... --overwrite`"
        )
    return TranslateAssets(load_tokenizer_asset(directory / SOURCE_DIR),
                           load_tokenizer_asset(directory / TARGET_DIR))
