"""`read_csv`: a streamed CSV / TSV file as a dataset of dicts keyed by column name."""

import tensorflow as tf

from seqkit.data import files

_RENAME_BLOCK = 1024
_NUMERIC = (tf.float16, tf.float32, tf.float64, tf.int32, tf.int64)


def read_csv(
    path,
    columns=None,
    delimiter=None,
    header=True,
    quoting=True,
    column_names=None,
    dtypes=None,
    na_value=None,
):
    """Reads a CSV or TSV file as a `tf.data.Dataset` of dicts of scalar tensors.

    The file is streamed by `tf.data.experimental.CsvDataset` (C++; nothing is
    loaded into memory). It handles RFC 4180 quoting (doubled quotes inside
    quoted fields, fields spanning lines), CRLF line endings and a UTF-8 byte order mark. Cheap checks
    (the file exists, is not empty, has the requested columns) run at once and
    raise `DataError`; to check every row up front (field counts, numbers,
    labels, UTF-8, blank lines) call `validate_csv` first: a file that passes
    it reads without error.

    Args:
        path: str. The file.
        columns: list of str, or None. The columns to keep, by name. Defaults to
            all columns.
        delimiter: str or None. One character. Defaults to a tab for `.tsv`
            files and a comma otherwise.
        header: bool. Whether the first line holds the column names. Defaults
            to `True`.
        quoting: bool. Whether `"` quotes fields. Pass `False` for files such as
            the GLUE SST-2 TSV, whose text holds bare quote characters.
            Defaults to `True`.
        column_names: list of str or None. The names of all fields, required
            when `header=False`.
        dtypes: dict or None. `{column: tf.DType}` for columns parsed as numbers
            (float or int); other columns are `tf.string`.
        na_value: str or None. A field value meaning "missing" (such as
            `"NA"`): it reads as NaN in float columns. It applies to every
            selected column (`tf.data.experimental.CsvDataset` has one
            setting), so string columns read it as `""`; select only the
            columns that need it. Empty float fields read as NaN too.

    Returns:
        `tf.data.Dataset` of `{column: scalar tensor}`.

    Raises:
        DataError: the file is missing or empty, or a column is missing.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> _ = open(p, "w").write('text,label\\n"hi, there",pos\\n')
    >>> [{k: v.numpy() for k, v in r.items()} for r in read_csv(p)]
    [{'text': b'hi, there', 'label': b'pos'}]
    """
    path = files.check_file(path)
    delimiter = files.default_delimiter(path, delimiter)
    dtypes = dict(dtypes) if dtypes is not None else {}
    if header:
        found = files.read_header(path, delimiter, quoting)
        if column_names is not None:
            raise ValueError("Pass `column_names` only with `header=False`.")
    else:
        if column_names is None:
            raise ValueError("`column_names` is required when `header=False`.")
        found = list(column_names)
    selected = files.resolve_columns(path, found, columns)
    for name in dtypes:
        if name not in dict(selected):
            raise ValueError(f"`dtypes` names a column that is not read: {name!r}")
    selected_by_index = sorted(selected, key=lambda item: item[1])
    defaults = []
    for name, _ in selected_by_index:
        dtype = tf.as_dtype(dtypes.get(name, tf.string))
        if dtype == tf.string:
            defaults.append(tf.constant([""], tf.string))
        elif dtype.is_floating:
            defaults.append(tf.constant([float("nan")], dtype))
        elif dtype in _NUMERIC:
            defaults.append(tf.constant([], dtype))
        else:
            raise ValueError(f"Unsupported dtype for column {name!r}: {dtype}")
    dataset = tf.data.experimental.CsvDataset(
        path,
        record_defaults=defaults,
        header=header,
        field_delim=delimiter,
        use_quote_delim=quoting,
        na_value=na_value if na_value is not None else "",
        select_cols=[index for _, index in selected_by_index],
    )
    names = [name for name, _ in selected_by_index]
    strip_bom = not header and files.has_bom(path) and selected_by_index[0][1] == 0

    def to_dict(*fields):
        record = dict(zip(names, fields))
        if strip_bom:
            first = names[0]
            record[first] = tf.strings.regex_replace(record[first], "^\ufeff", "")
        return record

    # Rows are renamed a block at a time and split again: a function call per
    # row would cost more than reading the row.
    return dataset.batch(_RENAME_BLOCK).map(to_dict).unbatch()
