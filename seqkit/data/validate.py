"""`validate_csv`: one streamed pass that finds bad rows before training starts."""

import collections
import csv
import dataclasses
import math

from seqkit.data import files
from seqkit.errors import DataError

# Values that mean "no value": a label that reads as one of these (after
# stripping spaces) is missing, not a class.
MISSING_VALUES = frozenset(
    ["", "nan", "NaN", "NAN", "NA", "N/A", "n/a", "<NA>", "null", "NULL", "None"]
)


@dataclasses.dataclass(frozen=True)
class CsvStats:
    """What `validate_csv` learned about a file in its one pass.

    Attributes:
        path: str. The file.
        columns: list of str. All column names, in file order.
        rows: int. Data records (not counting the header).
        label_counts: dict or None. `{label: count}` of `label_column`, in
            order of first appearance; None without a label column.
        numeric_ranges: dict. `{column: (min, max)}` of each numeric column
            (ignoring missing values); `(nan, nan)` if all were missing.
        missing: dict. `{column: count}` of missing values in numeric columns.
    """

    path: str
    columns: list
    rows: int
    label_counts: dict
    numeric_ranges: dict
    missing: dict


def validate_csv(
    path,
    required_columns,
    label_column=None,
    known_labels=None,
    numeric_columns=(),
    delimiter=None,
    header=True,
    quoting=True,
    column_names=None,
    na_values=(),
):
    """Checks a whole CSV / TSV file in one streamed pass, as `read_csv` will parse it.

    Raises `DataError` naming the file, the 1-based line and the column at the
    first problem: a missing or empty file, a missing column (listing those
    found), a blank line, a record with the wrong number of fields, a bare
    quote inside an unquoted field, a number that does not parse, a missing
    label (blank, or one of `MISSING_VALUES` such as "NaN"), a label outside
    `known_labels`, or bytes that are not UTF-8. A file that passes
    reads through `read_csv` with the same options without error.

    Args:
        path: str. The file.
        required_columns: list of str. Columns that must be present.
        label_column: str or None. A column whose values are counted (and
            checked against `known_labels`).
        known_labels: iterable of str or None. The allowed labels.
        numeric_columns: iterable of str. Columns that must parse as numbers.
        delimiter: str or None. As in `read_csv`.
        header: bool. As in `read_csv`. Defaults to `True`.
        quoting: bool. As in `read_csv`. Defaults to `True`.
        column_names: list of str or None. As in `read_csv`.
        na_values: iterable of str. Values accepted as "missing" in numeric
            columns (such as `"NA"` or `""`). Defaults to none.

    Returns:
        `CsvStats`: row count, label counts and numeric ranges, so a caller can
        reuse the pass (for instance to build its label vocabulary).

    Raises:
        DataError: see above.
    """
    path = files.check_file(path)
    delimiter = files.default_delimiter(path, delimiter)
    if header:
        found = files.read_header(path, delimiter, quoting)
    elif column_names is None:
        raise ValueError("`column_names` is required when `header=False`.")
    else:
        found = list(column_names)
    numeric_columns = list(numeric_columns)
    wanted = list(required_columns) + numeric_columns
    if label_column is not None:
        wanted.append(label_column)
    index = dict(files.resolve_columns(path, found, list(dict.fromkeys(wanted))))
    known = None if known_labels is None else set(known_labels)
    label_at = index.get(label_column) if label_column is not None else None
    numeric_at = [(name, index[name]) for name in numeric_columns]
    na_values = set(na_values)
    label_counts = collections.Counter() if label_column is not None else None
    low = {name: math.inf for name in numeric_columns}
    high = {name: -math.inf for name in numeric_columns}
    missing = {name: 0 for name in numeric_columns}
    width = len(found)

    lines = _RecordLines(files.decoded_lines(path), quoting)
    reader = csv.reader(lines, **files.csv_dialect(delimiter, quoting))
    rows = 0
    first = True
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise DataError(f"malformed CSV ({e})", path=path, line=lines.start) from None
        line = lines.start
        if first and header:
            first = False
            continue
        first = False
        if not fields:
            raise DataError(
                "blank line; remove it (the CSV reader does not skip blank lines)",
                path=path,
                line=line,
            )
        if len(fields) != width:
            raise DataError(
                f"expected {width} fields ({delimiter!r}-separated), found {len(fields)}",
                path=path,
                line=line,
                column=found[len(fields)] if len(fields) < width else None,
            )
        if quoting and lines.has_quote:
            _check_quotes(path, line, lines.record_text(), fields, found, delimiter)
        for name, i in numeric_at:
            value = fields[i]
            if value in na_values:
                missing[name] += 1
                continue
            try:
                number = float(value)
            except ValueError:
                raise DataError(
                    f"not a number: {value!r}", path=path, line=line, column=name
                ) from None
            if math.isnan(number):
                missing[name] += 1
                continue
            low[name] = min(low[name], number)
            high[name] = max(high[name], number)
        if label_at is not None:
            label = fields[label_at]
            if label.strip() in MISSING_VALUES:
                raise DataError(
                    f"missing label ({label!r}); give the row a label or remove it",
                    path=path,
                    line=line,
                    column=label_column,
                )
            if known is not None and label not in known:
                raise DataError(
                    f"unknown label {label!r}; the known labels are {sorted(known)}",
                    path=path,
                    line=line,
                    column=label_column,
                )
            label_counts[label] += 1
        rows += 1
    if rows == 0:
        raise DataError("the file has no data rows", path=path, line=2 if header else 1)
    ranges = {
        name: (low[name], high[name]) if low[name] <= high[name] else (math.nan, math.nan)
        for name in numeric_columns
    }
    return CsvStats(
        path=path,
        columns=found,
        rows=rows,
        label_counts=dict(label_counts) if label_counts is not None else None,
        numeric_ranges=ranges,
        missing=missing,
    )


class _RecordLines:
    """Feeds decoded lines to `csv.reader`, remembering where each record starts."""

    def __init__(self, numbered_lines, quoting):
        self._lines = numbered_lines
        self._quoting = quoting
        self._texts = []
        self.start = 1
        self.has_quote = False

    def __iter__(self):
        return self

    def __next__(self):
        number, text = next(self._lines)
        if not self._pending:
            self.start = number
            self._texts = []
            self.has_quote = False
        self._texts.append(text)
        self.has_quote = self.has_quote or '"' in text
        return text

    @property
    def _pending(self):
        # csv.reader asks for another line while a quoted field is open; the
        # record is complete when the text read so far has balanced quotes.
        if not self._quoting:
            return False
        return bool(self._texts) and "".join(self._texts).count('"') % 2 == 1

    def record_text(self):
        return "".join(self._texts).rstrip("\r\n")


def _check_quotes(path, line, text, fields, names, delimiter):
    # CsvDataset refuses a quote inside an unquoted field ('a,b"c'); Python's
    # csv module accepts it, so check the raw text for each such field.
    for name, field in zip(names, fields):
        if '"' not in field:
            continue
        if '"' + field.replace('"', '""') + '"' not in text:
            raise DataError(
                'a quote character inside an unquoted field; quote the field '
                '("a ""b"" c") or read the file with quoting=False',
                path=path,
                line=line,
                column=name,
            )
