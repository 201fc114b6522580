"""Translate data: checks of whole pair files, reading them as {source, target} rows, batches."""

import csv
import dataclasses
from typing import Any

import tensorflow as tf

from seqkit import data
from seqkit.data import files
from seqkit.data import read_csv
from seqkit.data import read_parallel_text
from seqkit.data import validate_csv
from seqkit.errors import DataError
from seqkit.tasks.base import Batches
from seqkit.tasks.base import steps_for

SOURCE, TARGET = "source", "target"


@dataclasses.dataclass
class PairBatches(Batches):
    """`Batches` of teacher-forced ids, plus the rows they came from.

    Attributes:
        pairs: the unbatched dataset of `{source, target}` string rows, in
            the order of `dataset` (evaluation decodes the sources and scores
            the translations against the raw targets).
    """

    pairs: Any = None


def validate_pairs(data_config, path):
    """Checks a whole pairs file; returns the number of pairs.

    Raises DataError (file, line, column) at a line with one column, an
    empty source or target, a missing header column or invalid UTF-8.
    """
    path = str(path)
    if not data_config.header:
        count = 0
        for number, text in files.decoded_lines(path):
            fields = text.rstrip("\r\n").split("\t")
            if len(fields) < 2:
                raise DataError("expected source<TAB>target, found one column",
                                path=path, line=number, column=TARGET)
            _check_sides(fields[0], fields[1], path, number, SOURCE, TARGET)
            count += 1
        if not count:
            raise DataError("the file holds no sentence pairs", path=path)
        return count
    columns = [data_config.source_column, data_config.target_column]
    delimiter = data_config.delimiter_for(path)
    validate_csv(path, columns, delimiter=delimiter)
    count = 0
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f, delimiter=delimiter)
        for count, row in enumerate(reader, start=1):
            _check_sides(row[columns[0]], row[columns[1]], path, reader.line_num, *columns)
    if not count:
        raise DataError("the file holds no sentence pairs", path=path)
    return count


def _check_sides(source, target, path, line, source_column, target_column):
    for value, column in ((source, source_column), (target, target_column)):
        if not value.strip():
            raise DataError(f"empty {column} side of a sentence pair", path=path, line=line,
                            column=column)


def read_pairs(data_config, path):
    """A pairs file as an unbatched dataset of `{"source", "target"}` strings."""
    path = str(path)
    if not data_config.header:
        return read_parallel_text(path, SOURCE, TARGET, validate=False)
    rows = read_csv(path, [data_config.source_column, data_config.target_column],
                    delimiter=data_config.delimiter_for(path))
    source, target = data_config.source_column, data_config.target_column
    return rows.map(lambda row: {SOURCE: row[source], TARGET: row[target]})


def read_training_data(data_config):
    """(train, validation or None) rows: a validation file or a hash split of train."""
    train = read_pairs(data_config, data_config.train)
    if data_config.validation is not None:
        return train, read_pairs(data_config, data_config.validation)
    if data_config.validation_split == 0:
        return train, None
    fraction = data_config.validation_split
    return tuple(data.split(train, [1.0 - fraction, fraction], data_config.split_seed))


def count_rows(dataset):
    return int(dataset.batch(4096).reduce(
        tf.constant(0, tf.int64), lambda n, rows: n + tf.shape(rows[SOURCE], out_type=tf.int64)[0]
    ).numpy())


def make_batches(config, examples, assets, training):
    """Rows -> `PairBatches` of `({"encoder_inputs", "decoder_inputs"}, targets)`, int32
    padded with 0; sources cut to `source_tokenizer.max_length`, targets to
    `target_tokenizer.max_length` tokens (`[END]` included). Training shuffles
    and batches length-sorted windows; evaluation keeps the file's order."""
    count = count_rows(examples)
    fn = data.teacher_forcing_fn(
        assets.source_tokenizer, assets.target_tokenizer, SOURCE, TARGET,
        max_source_length=config.source_tokenizer.max_length,
        max_target_length=config.target_tokenizer.max_length,
    )
    train = config.train
    dataset = examples
    if training:
        dataset = dataset.apply(data.shuffle(train.seed, buffer_size=train.shuffle_buffer))
        batching = data.batch_and_map(fn, train.batch_size, window_batches=16,
                                      sort_by_length=True, seed=train.seed)
    else:
        batching = data.batch_and_map(fn, train.batch_size)
    dataset = dataset.apply(batching).apply(data.prefetch())
    return PairBatches(dataset=dataset, steps=steps_for(count, train.batch_size), examples=count,
                       pairs=examples)
