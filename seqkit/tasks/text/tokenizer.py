"""A text task's tokenizer: built from `TokenizerConfig`, adapted, saved and loaded as an asset."""

import pathlib

from seqkit.errors import RunDirError
from seqkit.tokenizers import get_tokenizer
from seqkit.tokenizers import load_tokenizer


def make_tokenizer(tok_config):
    """An un-adapted tokenizer of `tok_config.kind` with the options that kind takes."""
    options = {}
    if tok_config.kind in ("word", "wordpiece", "char", "sentencepiece"):
        options["lowercase"] = tok_config.lowercase
    if tok_config.kind in ("word", "wordpiece"):
        options["punctuation"] = tok_config.punctuation
    if tok_config.ptb_split:
        options["ptb_split"] = True
    return get_tokenizer(tok_config.kind, **options)


def build_tokenizer(tok_config, texts):
    """A tokenizer adapted to `texts` (a dataset of scalar strings)."""
    tokenizer = make_tokenizer(tok_config)
    tokenizer.adapt(texts, max_size=tok_config.vocabulary_size, min_frequency=tok_config.min_frequency)
    return tokenizer


def save_tokenizer(tokenizer, directory):
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(directory))


def load_tokenizer_asset(directory):
    """Loads a saved tokenizer; any failure is a corrupt run (RunDirError)."""
    try:
        return load_tokenizer(str(directory))
    except Exception as error:  # any failure to read the assets means a corrupt run
        raise RunDirError(
            f"cannot load the tokenizer from {directory} ({type(error).__name__}: {error}). "
            "The run directory is corrupt; train it again with `seqkit fit ... --overwrite`"
        ) from error
