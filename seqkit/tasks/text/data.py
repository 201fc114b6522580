"""Reading a text task's CSV files: existence checks, columns, splits, counts."""

import pathlib

import tensorflow as tf

from seqkit.data import has_fixed_shapes
from seqkit.data import read_csv
from seqkit.data import split
from seqkit.errors import ConfigError
from seqkit.errors import DataError
from seqkit.tasks.text import filters


def check_files(splits, require_train=True):
    """Raises a one-line error when training data is absent or a file is missing."""
    if require_train and "train" not in splits:
        raise ConfigError("no training data: set data.train in the config or pass --data train=PATH")
    for name, path in splits.items():
        if not pathlib.Path(path).is_file():
            raise DataError(
                f"{name} file not found. Fix data.{name} in the config or pass --data {name}=PATH",
                path=path,
            )


def read_columns(data_config, path, columns):
    """`path` as a dataset of {column: scalar string} rows."""
    return read_csv(path, list(columns), delimiter=data_config.delimiter)


def split_training_data(data_config, columns):
    """(train, held-out or None) per `TextDataConfig`: a validation file, or a
    deterministic hash split with the optional held-out phrase filters."""
    train = read_columns(data_config, data_config.train, columns)
    if data_config.validation is not None:
        return train, read_columns(data_config, data_config.validation, columns)
    if data_config.validation_split == 0:
        return train, None
    fraction = data_config.validation_split
    train, held_out = split(train, [1.0 - fraction, fraction], data_config.split_seed)
    text = data_config.text_column
    if data_config.validation_min_words:
        held_out = held_out.apply(filters.min_words(text, data_config.validation_min_words))
    if data_config.exclude_held_out_phrases:
        train = train.apply(filters.drop_phrases_of(held_out, text))
    return train, held_out


def count_examples(dataset):
    """The number of elements, counted a block at a time when they have fixed shapes."""
    if has_fixed_shapes(dataset):
        blocks = dataset.batch(4096)
        return int(blocks.reduce(
            tf.constant(0, tf.int64),
            lambda count, block: count + tf.shape(tf.nest.flatten(block)[0], out_type=tf.int64)[0],
        ).numpy())
    return int(dataset.reduce(tf.constant(0, tf.int64), lambda count, _: count + 1).numpy())
