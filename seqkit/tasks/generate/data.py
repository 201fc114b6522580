"""The generate task's data: documents from files or a package corpus -> token windows.

Documents are read whole into memory (tune books and sentence lists are
small); the held-out documents are a deterministic hash split of whole
documents (`seqkit.data.split`, keyed by the text, so duplicates stay on one
side). Each document becomes `[START] tokens [END]`, the documents are joined
into one stream, and the stream is cut into windows with next-token targets
(`seqkit.data.language_model_windows`): `[END]` marks where a tune ends, so
the model learns to end one.
"""

import math
import pathlib
import re

import numpy as np
import tensorflow as tf

from seqkit.data import documents as documents_lib
from seqkit.data import files as files_lib
from seqkit.data import language_model_windows
from seqkit.data import read_csv
from seqkit.data import split
from seqkit.errors import ConfigError
from seqkit.errors import DataError
from seqkit.tasks.base import Batches

TEXT = "text"
_ABC_START = re.compile(r"X:")
_HEADER = re.compile(r"^([A-Za-z]):")


def check_files(splits):
    for name, path in splits.items():
        if not pathlib.Path(path).is_file():
            raise DataError(
                f"{name} file not found. Fix data.{name} in the config or pass --data {name}=PATH", path=path
            )


def keep_abc_fields(text, fields):
    """Drops the header lines of an ABC tune whose field letter is not in `fields`."""
    kept, in_header = [], True
    for line in text.split("\n"):
        match = _HEADER.match(line) if in_header else None
        if match and match.group(1) not in fields:
            continue
        kept.append(line)
        if match and match.group(1) == "K":
            in_header = False
    return "\n".join(kept)


def read_file_documents(data_config, path):
    """The documents of one file, as a list of str (see `GenerateDataConfig.format`)."""
    path = files_lib.check_file(path)
    kind = data_config.format_of(path)
    if kind == "csv":
        rows = read_csv(path, [data_config.text_column])
        texts = [row[data_config.text_column].decode("utf-8") for row in rows.as_numpy_iterator()]
    elif kind == "lines":
        texts = [text.strip() for _, text in files_lib.decoded_lines(path)]
    else:
        blank = re.compile(r"\s*")
        start = _ABC_START if kind == "abc" else None
        texts = list(documents_lib.iter_records(path, blank, start))
    texts = [t for t in texts if t.strip()]
    if kind == "abc" and data_config.abc_fields is not None:
        texts = [keep_abc_fields(t, set(data_config.abc_fields)) for t in texts]
    if not texts:
        raise DataError("the file holds no document", path=path)
    return texts


def read_corpus_documents(data_config):
    """The tunes of a music21 corpus collection (`data.corpus`), each tune once."""
    from seqkit.tasks.generate.music import require_music21

    music21 = require_music21(f"data.corpus {data_config.corpus!r}")
    folder = pathlib.Path(music21.__file__).parent / "corpus" / data_config.corpus.partition(":")[2]
    if not folder.is_dir():
        raise ConfigError(f"music21 {music21.__version__} has no corpus folder {folder}")
    tunes, seen = [], set()
    blank = re.compile(r"\s*")
    for path in sorted(folder.glob("*.abc")):
        for tune in documents_lib.iter_records(str(path), blank, _ABC_START):
            number = tune.split("\n", 1)[0].strip()
            # Some books of the collection overlap (two transcriptions of one
            # range): the first transcription of each tune number is kept.
            if not number.startswith("X:") or number in seen:
                continue
            seen.add(number)
            if data_config.abc_fields is not None:
                tune = keep_abc_fields(tune, set(data_config.abc_fields))
            tunes.append(tune)
    return tunes


def documents_dataset(texts):
    return tf.data.Dataset.from_tensor_slices({TEXT: tf.constant(texts, tf.string)})


def texts_of(dataset):
    """The documents of a dataset of `{"text": ...}` back as a list of str."""
    return [row[TEXT].decode("utf-8") for row in dataset.as_numpy_iterator()]


def training_documents(data_config):
    """(train, held-out or None) datasets of `{"text": document}`."""
    if data_config.corpus is not None:
        texts = read_corpus_documents(data_config)
    else:
        texts = read_file_documents(data_config, data_config.train)
    train = documents_dataset(texts)
    if data_config.validation is not None:
        return train, documents_dataset(read_file_documents(data_config, data_config.validation))
    if data_config.validation_split == 0:
        return train, None
    fraction = data_config.validation_split
    return split(train, [1.0 - fraction, fraction], data_config.split_seed, key=TEXT)


def token_stream(texts, tokenizer):
    """`[START] doc [END]` for each document, joined: int32 [n]."""
    if not texts:
        return np.zeros([0], np.int32)
    ids = tokenizer.tokenize(tf.constant(texts, tf.string))
    start = tf.fill([len(texts), 1], tokenizer.start_id)
    end = tf.fill([len(texts), 1], tokenizer.end_id)
    framed = tf.concat([tf.cast(start, ids.dtype), ids, tf.cast(end, ids.dtype)], axis=1)
    return framed.flat_values.numpy().astype(np.int32)


def window_count(tokens, sequence_length, stride):
    """How many contiguous windows `language_model_windows` cuts from `tokens` tokens."""
    size = sequence_length + 1
    if tokens < size:
        return 0
    if stride == size:
        return tokens // size
    return (tokens - size) // stride + 1


def make_batches(config, examples, tokenizer, training):
    """Documents -> batches of (tokens [B, L], next tokens [B, L]).

    Training: contiguous windows every `data.stride` tokens, shuffled, or,
    with `train.steps_per_epoch`, that many batches of windows at random
    positions (the MIT lab's sampling). Evaluation: contiguous windows
    covering the stream once, in order.

    Raises:
        DataError: the documents hold fewer tokens than one window.
    """
    data, train = config.data, config.train
    texts = texts_of(examples)
    stream = token_stream(texts, tokenizer)
    length = data.sequence_length
    if stream.size < length + 1:
        raise DataError(
            f"the {'training' if training else 'evaluation'} documents ({len(texts)} of them) hold "
            f"{stream.size} tokens with their start and end marks, fewer than one window of "
            f"data.sequence_length + 1 = {length + 1}; lower data.sequence_length or add documents",
            path=data.train,
        )
    source = tf.data.Dataset.from_tensors(stream)
    if training and train.steps_per_epoch is not None:
        count = train.steps_per_epoch * train.batch_size
        windows = source.apply(
            language_model_windows(length, random=True, num_windows=count, seed=train.seed)
        )
        return Batches(windows.batch(train.batch_size).prefetch(2), steps=train.steps_per_epoch, examples=count)
    stride = data.stride if (training and data.stride is not None) else length
    windows = source.apply(language_model_windows(length, stride=stride))
    count = window_count(stream.size, length, stride)
    if training:
        windows = windows.shuffle(min(count, train.shuffle_buffer), seed=train.seed, reshuffle_each_iteration=True)
    return Batches(windows.batch(train.batch_size).prefetch(2), steps=math.ceil(count / train.batch_size), examples=count)
