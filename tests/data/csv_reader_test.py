import math

import pytest
import tensorflow as tf

from seqkit.data import read_csv
from seqkit.errors import DataError


def test_quoting_header_bom_and_crlf(write, as_rows):
    path = write(
        "t.csv",
        b'\xef\xbb\xbfid,text,label\r\n1,"hi, ""you""",pos\r\n2,"two\nlines",neg\r\n',
    )
    assert as_rows(read_csv(path)) == [
        {"id": "1", "text": 'hi, "you"', "label": "pos"},
        {"id": "2", "text": "two\nlines", "label": "neg"},
    ]


def test_selects_columns_by_name_in_any_order(write, as_rows):
    path = write("t.csv", "a,b,c\n1,2,3\n4,5,6\n")
    ds = read_csv(path, columns=["c", "a"])
    assert set(ds.element_spec) == {"a", "c"}
    assert as_rows(ds) == [{"a": "1", "c": "3"}, {"a": "4", "c": "6"}]


def test_tsv_defaults_to_tab_and_quoting_false_keeps_quotes(write, as_rows):
    path = write("t.tsv", 'sentence\tlabel\nhe said "hi \t1\n')
    assert as_rows(read_csv(path, quoting=False)) == [{"sentence": 'he said "hi ', "label": "1"}]


def test_numeric_dtypes_and_missing_values(write):
    path = write("t.csv", "t,x,n\na,1.5,3\nb,NA,4\nc,,5\n")
    ds = read_csv(path, dtypes={"x": tf.float32, "n": tf.int64}, na_value="NA")
    records = list(ds.as_numpy_iterator())
    assert records[0]["x"] == pytest.approx(1.5) and records[0]["n"] == 3
    assert math.isnan(records[1]["x"]) and math.isnan(records[2]["x"])
    assert [r["n"] for r in records] == [3, 4, 5]


def test_no_header_needs_column_names(write, as_rows):
    path = write("t.csv", b"\xef\xbb\xbfx,1\ny,2\n")
    with pytest.raises(ValueError, match="column_names"):
        read_csv(path, header=False)
    ds = read_csv(path, header=False, column_names=["text", "label"])
    assert as_rows(ds) == [{"text": "x", "label": "1"}, {"text": "y", "label": "2"}]


def test_missing_file_empty_file_and_missing_column(write, tmp_path):
    with pytest.raises(DataError, match="file not found") as e:
        read_csv(tmp_path / "nope.csv")
    assert e.value.path == str(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="empty") as e:
        read_csv(write("e.csv", b""))
    assert e.value.line == 1
    path = write("t.csv", "text,label\na,b\n")
    with pytest.raises(DataError, match=r"missing column 'sentence'.*\['text', 'label'\]") as e:
        read_csv(path, columns=["sentence"])
    assert (e.value.path, e.value.line, e.value.column) == (path, 1, "sentence")


def test_sst2_rows(shared_data, as_rows):
    ds = read_csv(shared_data / "sentiment" / "sst2_train.tsv", ["sentence", "label"], quoting=False)
    first = as_rows(ds.take(2))
    assert first == [
        {"sentence": "hide new secretions from the parental units ", "label": "0"},
        {"sentence": "contains no wit , only labored gags ", "label": "0"},
    ]


def test_crlf_quoted_header_on_real_timeseries(shared_data):
    ds = read_csv(shared_data / "timeseries" / "daily-min-temperatures.csv", dtypes={"Temp": tf.float32})
    first = next(ds.as_numpy_iterator())
    assert first["Date"] == b"1981-01-01"
    assert first["Temp"] == pytest.approx(20.7)
