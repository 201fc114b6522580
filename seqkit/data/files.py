"""File checks shared by the readers: existence, encoding, delimiters, headers.

These helpers run in Python before a `tf.data` pipeline is built, so that the
mistakes that can be found cheaply (a missing file, an empty file, a missing
column) raise `DataError` at once instead of deep inside an iterator.
"""

import codecs
import csv
import os

from seqkit.errors import DataError

UTF8_BOM = codecs.BOM_UTF8


def check_file(path):
    """Raises `DataError` unless `path` is a readable, non-empty regular file.

    Args:
        path: str or path-like. The file to check.

    Returns:
        str: `path` as a string.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise DataError("file not found", path=path)
    if not os.path.isfile(path):
        raise DataError("not a regular file", path=path)
    if not os.access(path, os.R_OK):
        raise DataError("file is not readable", path=path)
    with open(path, "rb") as f:
        head = f.read(len(UTF8_BOM) + 1)
    if not head or head == UTF8_BOM:
        raise DataError("file is empty", path=path, line=1)
    return path


def has_bom(path):
    """Whether `path` starts with the UTF-8 byte order mark."""
    with open(path, "rb") as f:
        return f.read(len(UTF8_BOM)) == UTF8_BOM


def default_delimiter(path, delimiter=None):
    """`delimiter` if given, else a tab for `.tsv` / `.tab` files and a comma otherwise."""
    if delimiter is not None:
        if not isinstance(delimiter, str) or len(delimiter) != 1:
            raise ValueError(
                f"`delimiter` must be a single character. Received: delimiter={delimiter!r}"
            )
        return delimiter
    ext = os.path.splitext(os.fspath(path))[1].lower()
    return "\t" if ext in (".tsv", ".tab") else ","


def decoded_lines(path, start_line=1):
    """Yields `(line_number, text)` for each physical line of a UTF-8 file.

    Lines keep their line ending (as `open(newline="")` would), so they can be
    fed to `csv.reader`. A leading byte order mark is dropped. Reading is
    streamed: one line in memory at a time.

    Raises:
        DataError: a line is not valid UTF-8 (names the line and byte offset).
    """
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=start_line):
            if number == start_line and raw.startswith(UTF8_BOM):
                raw = raw[len(UTF8_BOM):]
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise DataError(
                    f"invalid UTF-8 at byte {e.start} of the line "
                    f"(bytes {raw[e.start:e.start + 4]!r})",
                    path=path,
                    line=number,
                ) from None


def read_header(path, delimiter, quoting=True):
    """Parses the first line of a CSV file into its column names.

    Raises:
        DataError: the file is missing or empty, or the header has an empty or
            repeated column name.
    """
    check_file(path)
    lines = decoded_lines(path)
    number, text = next(lines)
    lines.close()
    if not text.strip("\r\n"):
        raise DataError("the header line is blank", path=path, line=number)
    reader = csv.reader([text], **csv_dialect(delimiter, quoting))
    names = next(reader)
    seen = set()
    for name in names:
        if name in seen:
            raise DataError(f"column name {name!r} appears twice in the header", path=path, line=1)
        seen.add(name)
    return names


def csv_dialect(delimiter, quoting):
    """Keyword arguments for `csv.reader` matching `read_csv`'s parsing."""
    if quoting:
        return {"delimiter": delimiter, "quotechar": '"', "doublequote": True, "strict": True}
    return {"delimiter": delimiter, "quoting": csv.QUOTE_NONE}


def resolve_columns(path, found, wanted, line=1):
    """Maps column names to field indices, raising `DataError` for a missing name.

    Args:
        path: str. The file, for the error message.
        found: list of str. The column names in file order.
        wanted: list of str, or None for all columns.
        line: int. The line the names come from (the header).

    Returns:
        list of (name, index) in the order of `wanted`.
    """
    if wanted is None:
        return [(name, i) for i, name in enumerate(found)]
    if isinstance(wanted, str):
        raise ValueError(f"`columns` must be a list of names, not a string. Received: {wanted!r}")
    index = {name: i for i, name in enumerate(found)}
    result = []
    for name in wanted:
        if name not in index:
            raise DataError(
                f"missing column {name!r}; the columns found are {found}",
                path=path,
                line=line,
                column=name,
            )
        result.append((name, index[name]))
    return result
