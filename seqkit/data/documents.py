"""`read_documents`: a text file cut into records at separator lines (such as ABC tunes)."""

import re

import tensorflow as tf

from seqkit.data import files
from seqkit.errors import DataError

BLANK_LINE = "blank_line"


def read_documents(path, separator=BLANK_LINE, record_start=None, key="text", validate=True):
    """Reads a file of records separated by separator lines as a dataset of dicts.

    A record is the run of lines between separators, joined with `"\\n"`
    (without a trailing newline); runs of several separators and empty records
    are dropped. This is how the MIT 6.S191 music lab cuts `irish.abc` into
    tunes. The file is streamed line by line from a Python generator.

    Some files put a separator inside a record too (two tunes of `irish.abc`
    have a blank line between their headers and their music, so blank lines
    give 806 records for 804 tunes). With `record_start` (for ABC, `"X:"`),
    a record starts at each line matching that pattern instead, and separator
    lines are dropped wherever they are; lines before the first start form a
    record of their own.

    Args:
        path: str. A UTF-8 text file.
        separator: str. `"blank_line"` (lines holding only white space), or a
            regular expression that a whole separator line matches (for
            example `"---+"`). Defaults to `"blank_line"`.
        record_start: str or None. A regular expression matched at the start
            of a line that opens a record. Defaults to None (records are cut
            at separators).
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
    start = re.compile(record_start) if record_start is not None else None
    if validate:
        if sum(1 for _ in iter_records(path, pattern, start)) == 0:
            raise DataError("the file holds only separator lines", path=path, line=1)

    def records():
        for text in iter_records(path, pattern, start):
            yield {key: text}

    return tf.data.Dataset.from_generator(
        records, output_signature={key: tf.TensorSpec([], tf.string)}
    )


def iter_records(path, pattern, start=None):
    """Yields the records of `path` as Python strings (see `read_documents`).

    Args:
        path: str. The file.
        pattern: compiled regex a whole separator line matches.
        start: compiled regex matching the start of a record's first line, or
            None.
    """
    lines = []
    for _, text in files.decoded_lines(path):
        text = text.rstrip("\r\n")
        if start is not None:
            if pattern.fullmatch(text):
                continue
            if start.match(text) and lines:
                yield "\n".join(lines)
                lines = []
            lines.append(text)
        elif pattern.fullmatch(text):
            if lines:
                yield "\n".join(lines)
            lines = []
        else:
            lines.append(text)
    if lines:
        yield "\n".join(lines)
