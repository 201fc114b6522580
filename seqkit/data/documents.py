"""`read_documents`: a text file cut into records at separator lines (such as ABC tunes)."""

import re

import tensorflow as tf

from seqkit.data import files
from seqkit.errors import DataError

BLANK_LINE = "blank_line"


def read_documents(path, separator=BLANK_LINE, key="text", validate=True):
    """Reads a file of records separated by separator lines as a dataset of dicts.

    A record is the run of lines between separators, joined with `"\\n"`
    (without a trailing newline); runs of several separators and empty records
    are dropped. This is how the MIT 6.S191 music lab cuts `irish.abc` into
    tunes. The file is streamed line by line from a Python generator.

    Args:
        path: str. A UTF-8 text file.
        separator: str. `"blank_line"` (lines holding only white space), or a
            regular expression that a whole separator line matches (for
            example `"---+"`). Defaults to `"blank_line"`.
        key: str. The dict key of the record text. Defaults to `"text"`.
        validate: bool. Stream the file once up front so that invalid UTF-8
            raises `DataError` (naming the line) here rather than inside the
            iterator. Defaults to `True`.

    Returns:
        `tf.data.Dataset` of `{key: tf.string}`, one element per record.

    Raises:
        DataError: the file is missing, empty, not valid UTF-8, or holds no
            record.
    """
    path = files.check_file(path)
    pattern = re.compile(r"\s*" if separator == BLANK_LINE else separator)
    if validate:
        if sum(1 for _ in iter_records(path, pattern)) == 0:
            raise DataError("the file holds only separator lines", path=path, line=1)

    def records():
        for text in iter_records(path, pattern):
            yield {key: text}

    return tf.data.Dataset.from_generator(
        records, output_signature={key: tf.TensorSpec([], tf.string)}
    )


def iter_records(path, pattern):
    """Yields the records of `path` as Python strings (see `read_documents`)."""
    lines = []
    for _, text in files.decoded_lines(path):
        text = text.rstrip("\r\n")
        if pattern.fullmatch(text):
            if lines:
                yield "\n".join(lines)
            lines = []
        else:
            lines.append(text)
    if lines:
        yield "\n".join(lines)
