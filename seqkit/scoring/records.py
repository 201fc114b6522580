"""Reading a CSV file record by record for scoring, keeping line numbers and bad rows."""

import csv
import pathlib

from seqkit.errors import DataError

# The longest field Python's csv module reads (its default `field_size_limit`);
# a record with a longer field is a bad row, not the end of the job.
FIELD_LIMIT = 131_072


def too_long_reason():
    return f"a field longer than {FIELD_LIMIT:,} characters"


class CsvRecords:
    """Reads a CSV file record by record, tracking lines, bytes and bad rows.

    The file is read as bytes and decoded line by line, so a line that is not
    UTF-8 is reported with its number instead of failing the whole chunk.
    Records may span several lines (quoted newlines); a record is reported at
    the line it starts on.
    """

    def __init__(self, path):
        self.path = pathlib.Path(path)
        self.total_bytes = self.path.stat().st_size
        self.bytes_read = 0
        self._line = 0
        self._bad_lines = set()
        self._pending = []
        self._records_iter = None

    def _lines(self):
        with open(self.path, "rb") as raw:
            for data in raw:
                self._line += 1
                self.bytes_read += len(data)
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    self._bad_lines.add(self._line)
                    text = data.decode("utf-8", "replace")
                if self._line == 1 and text.startswith("\ufeff"):
                    text = text[1:]
                self._pending.append(text)
                yield text

    def _records(self):
        delimiter = "\t" if self.path.suffix.lower() == ".tsv" else ","
        reader = csv.reader(self._lines(), delimiter=delimiter, strict=True)
        first_line = 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                if "field larger than field limit" not in str(error):
                    raise DataError(f"malformed CSV ({error})", path=self.path, line=first_line) from error
                # The reader drops the rest of the line and starts afresh with
                # the next one; the record is reported as too long (None).
                record = None
            raw = "".join(self._pending).rstrip("\r\n")
            self._pending.clear()
            span = range(first_line, self._line + 1)
            bad_utf8 = any(line in self._bad_lines for line in span)
            if bad_utf8:
                self._bad_lines.difference_update(span)
            yield first_line, record, raw, bad_utf8
            first_line = self._line + 1

    def header(self):
        self._records_iter = self._records()
        for line, record, _, bad_utf8 in self._records_iter:
            if record is None:
                raise DataError(f"the header has {too_long_reason()}", path=self.path, line=line)
            if bad_utf8:
                raise DataError("the header is not valid UTF-8", path=self.path, line=line)
            if not record:
                continue
            names = [name.strip() for name in record]
            if len(set(names)) != len(names):
                raise DataError(f"duplicate column names in the header {names}", path=self.path, line=line)
            return names
        raise DataError("the file is empty; expected a header row", path=self.path)

    def rows(self, header, check):
        """Yields `(record, bad)` per row after the header: `bad` is None for a good
        record, else `(line, reason, raw, column)` (and `record` is None).

        `check(record)` returns None for a good record, else (reason, column).
        """
        width = len(header)
        for line, record, raw, bad_utf8 in self._records_iter:
            if record is None:
                yield None, (line, too_long_reason(), raw, None)
            elif not record:
                continue  # a blank line is no row
            elif bad_utf8:
                yield None, (line, "invalid UTF-8 bytes", raw, None)
            elif len(record) != width:
                yield None, (line, f"expected {width} fields, found {len(record)}", raw, None)
            elif (problem := check(record)) is not None:
                yield None, (line, problem[0], raw, problem[1])
            else:
                yield record, None

    def chunks(self, chunk_size, header, check):
        """Yields `(good_records, bad)` lists of `rows`; `bad` holds (line, reason, raw, column)."""
        good, bad = [], []
        for record, problem in self.rows(header, check):
            if problem is None:
                good.append(record)
            else:
                bad.append(problem)
            if len(good) >= chunk_size or (bad and len(good) + len(bad) >= chunk_size):
                yield good, bad
                good, bad = [], []
        if good or bad:
            yield good, bad
