"""`source<TAB>target` lines (the Tatoeba / Anki format): as a dataset, or as a list of pairs."""

import tensorflow as tf

from seqkit.data import files
from seqkit.errors import DataError

_CHUNK = 1024


def read_parallel_text(path, source_key="source", target_key="target", validate=True):
    """Reads a file of `source<TAB>target` lines as a dataset of dicts.

    Fields after the second tab (the attribution column of newer Tatoeba
    exports) are ignored. CRLF endings and a UTF-8 byte order mark are handled.
    Lines are streamed with `tf.data.TextLineDataset` and split in chunks.

    Args:
        path: str. The file.
        source_key: str. Key of the first field. Defaults to `"source"`.
        target_key: str. Key of the second field. Defaults to `"target"`.
        validate: bool. Stream the file once up front and raise `DataError` on
            a line without a tab or with invalid UTF-8. Defaults to `True`.

    Returns:
        `tf.data.Dataset` of `{source_key: tf.string, target_key: tf.string}`.

    Raises:
        DataError: the file is missing or empty, or (with `validate`) a line
            is malformed.
    """
    path = files.check_file(path)
    if validate:
        check_parallel_text(path)

    def split(lines):
        lines = tf.strings.regex_replace(lines, "\r$", "")
        fields = tf.strings.split(lines, "\t", maxsplit=2)
        fields = fields.to_tensor(default_value="", shape=[None, 2])
        return {source_key: fields[:, 0], target_key: fields[:, 1]}

    dataset = tf.data.TextLineDataset(path)
    if files.has_bom(path):
        dataset = dataset.enumerate().map(
            lambda i, line: tf.where(
                i == 0, tf.strings.regex_replace(line, "^\ufeff", ""), line
            )
        )
    return dataset.batch(_CHUNK).map(split, num_parallel_calls=tf.data.AUTOTUNE).unbatch()


def check_parallel_text(path):
    """Raises `DataError` at the first line without a tab or with invalid UTF-8.

    Returns:
        int: the number of pairs.
    """
    pairs = 0
    for number, text in files.decoded_lines(path):
        text = text.rstrip("\r\n")
        if "\t" not in text:
            raise DataError(
                "expected source<TAB>target, found no tab", path=path, line=number, column="target"
            )
        pairs += 1
    return pairs


def complete_pairs(path):
    """The `(source, target)` pairs of a whole file whose two sides are not blank.

    For corpus scripts that split or sample a raw download (spa.txt): lines
    without a tab or with an empty side are skipped, not errors, and fields
    after the second are ignored.

    Returns:
        list of `(str, str)`, in file order.
    """
    pairs = []
    for _, text in files.decoded_lines(files.check_file(path)):
        fields = text.rstrip("\r\n").split("\t")
        if len(fields) >= 2 and fields[0].strip() and fields[1].strip():
            pairs.append((fields[0], fields[1]))
    return pairs
