"""Classify data: label checks over whole files, rows -> padded ids and one-hot labels."""

import keras
import tensorflow as tf

from seqkit import data
from seqkit.data import validate_csv
from seqkit.errors import DataError
from seqkit.tasks.base import Batches
from seqkit.tasks.base import steps_for
from seqkit.tasks.text import data as text_data
from seqkit.tasks.text.data import check_files
from seqkit.tasks.text.data import count_examples

JAX_WIDTH_MULTIPLE = 8  # batch widths under JAX (padding is masked: it changes no output)


def columns(config):
    return [config.data.text_column, config.data.label_column]


def validate(config, splits, labels=None):
    """Checks columns and labels of each file; returns the training file's sorted labels.

    With `labels` (a trained run's) those are the only labels allowed and no
    training file is needed.
    """
    check_files(splits, require_train=labels is None)
    delimiter = config.data.delimiter
    label_column = config.data.label_column
    if labels is None:
        stats = validate_csv(splits["train"], columns(config), label_column=label_column, delimiter=delimiter)
        labels = sorted(stats.label_counts)
        if len(labels) < 2:
            raise DataError(
                f"the training data holds {len(labels)} distinct label(s) {labels}; "
                "a classifier needs at least 2",
                path=splits["train"],
                column=label_column,
            )
    for path in splits.values():
        validate_csv(path, columns(config), label_column=label_column, known_labels=labels, delimiter=delimiter)
    return labels


def make_batches(config, examples, assets, training):
    """Rows -> `Batches` of (token ids [B, T] int32 padded with 0, one-hot labels [B, C]).

    Tokenization keeps the first `tokenizer.max_length` tokens, as the
    serving function does. Rows are tokenized a window at a time
    (`seqkit.data.batch_and_map`), never one by one. Training shuffles the
    rows; with `train.length_window` set, training batches come from
    length-sorted windows. Evaluation keeps the file's order. `n` rows make
    `ceil(n / batch_size)` batches.
    """
    count = count_examples(examples)
    num_classes = len(assets.labels)
    to_ids = data.many_to_one_fn(
        assets.tokenizer,
        data.make_label_lookup(assets.labels),
        text_key=config.data.text_column,
        label_key=config.data.label_column,
        max_length=config.tokenizer.max_length,
    )

    def fn(rows):
        ids, labels = to_ids(rows)
        return ids, tf.one_hot(labels, num_classes)

    train = config.train
    dataset = examples
    if training:
        dataset = dataset.apply(data.shuffle(train.seed, buffer_size=train.shuffle_buffer))
    if training and train.length_window:
        batching = data.batch_and_map(
            fn, train.batch_size, window_batches=train.length_window, sort_by_length=True, seed=train.seed,
        )
    else:
        batching = data.batch_and_map(fn, train.batch_size)
    dataset = dataset.apply(batching)
    if keras.backend.backend() == "jax":
        # XLA compiles a step per batch width: round the widths up to bound the compilations.
        dataset = dataset.apply(data.round_up_width(JAX_WIDTH_MULTIPLE, config.tokenizer.max_length))
    dataset = dataset.apply(data.prefetch())
    return Batches(dataset=dataset, steps=steps_for(count, train.batch_size), examples=count)


def read_columns(config, path):
    """A classify data file as rows of {text column, label column}."""
    return text_data.read_columns(config.data, path, columns(config))
