import math

import pytest

from seqkit.data import read_csv
from seqkit.data import validate_csv
from seqkit.errors import DataError


def _error(path, **kwargs):
    kwargs.setdefault("required_columns", ["text", "label"])
    with pytest.raises(DataError) as e:
        validate_csv(path, **kwargs)
    return e.value


def test_stats_of_a_good_file(write):
    path = write("t.csv", 'text,label,score\n"a, b",pos,1.5\nc,neg,NA\nd,pos,-2\n')
    stats = validate_csv(
        path, ["text"], label_column="label", known_labels=["pos", "neg"],
        numeric_columns=["score"], na_values=["NA"],
    )
    assert stats.rows == 3
    assert stats.columns == ["text", "label", "score"]
    assert stats.label_counts == {"pos": 2, "neg": 1}
    assert stats.numeric_ranges == {"score": (-2.0, 1.5)}
    assert stats.missing == {"score": 1}


def test_missing_file(tmp_path):
    err = _error(str(tmp_path / "none.csv"))
    assert err.path == str(tmp_path / "none.csv") and "not found" in str(err)


def test_empty_file_and_header_only(write):
    err = _error(write("e.csv", b"\xef\xbb\xbf"))
    assert "empty" in str(err) and err.line == 1
    err = _error(write("h.csv", "text,label\n"))
    assert "no data rows" in str(err) and err.line == 2


def test_missing_column_lists_found_columns(write):
    path = write("t.csv", "sentence,label\na,1\n")
    err = _error(path)
    assert (err.path, err.line, err.column) == (path, 1, "text")
    assert "['sentence', 'label']" in str(err)
    assert f"{path}, line 1, column 'text'" in str(err)


def test_wrong_field_count(write):
    path = write("t.csv", "text,label\na,1\nb\nc,1\n")
    err = _error(path)
    assert (err.line, err.column) == (3, "label")
    assert "expected 2 fields" in str(err) and "found 1" in str(err)
    err = _error(write("u.csv", "text,label\na,1,extra\n"))
    assert err.line == 2 and "found 3" in str(err)


def test_line_numbers_count_multiline_fields_and_crlf(write):
    path = write("t.csv", 'text,label\r\n"one\r\ntwo",1\r\nok,1\r\nbad\r\n')
    assert _error(path).line == 5


def test_unparseable_number(write):
    path = write("t.csv", "text,label,x\na,1,2.5\nb,1,2,5\n")
    assert _error(path, numeric_columns=["x"]).line == 3  # field count first
    path = write("u.csv", "text,label,x\na,1,2.5\nb,1,abc\n")
    err = _error(path, numeric_columns=["x"])
    assert (err.line, err.column) == (3, "x") and "'abc'" in str(err)


def test_unknown_label(write):
    path = write("t.csv", "text,label\na,pos\nb,neutral\n")
    err = _error(path, label_column="label", known_labels=["pos", "neg"])
    assert (err.path, err.line, err.column) == (path, 3, "label")
    assert "'neutral'" in str(err) and "['neg', 'pos']" in str(err)


@pytest.mark.parametrize("label", ["", "   ", "NaN", "nan", "null", '""'])
def test_missing_label_names_file_line_and_column(write, label):
    path = write("t.csv", f"text,label\na,pos\nb,neg\nc,{label}\nd,pos\n")
    err = _error(path, label_column="label")
    assert (err.path, err.line, err.column) == (path, 4, "label")
    assert "missing label" in str(err)


def test_labels_are_only_checked_for_missing_in_the_label_column(write):
    path = write("t.csv", "text,label\nNaN,pos\n,neg\n")
    stats = validate_csv(path, ["text", "label"], label_column="label")
    assert stats.label_counts == {"pos": 1, "neg": 1}


def test_invalid_utf8_names_the_line(write):
    path = write("t.csv", b"text,label\na,1\nb\xff\xfe,1\n")
    err = _error(path)
    assert err.line == 3 and "UTF-8" in str(err)


def test_blank_line_is_reported(write):
    err = _error(write("t.csv", "text,label\na,1\n\nb,1\n"))
    assert err.line == 3 and "blank" in str(err)


def test_bare_quote_in_unquoted_field(write):
    path = write("t.csv", 'text,label\nhe said "hi,1\n')
    err = _error(path)
    assert (err.line, err.column) == (2, "text") and "quoting=False" in str(err)
    stats = validate_csv(path, ["text", "label"], quoting=False)
    assert stats.rows == 1


def test_a_valid_file_reads_through_read_csv(write):
    path = write("t.csv", 'text,label\r\n"x ""y""",1\r\n"multi\nline",0\r\n')
    stats = validate_csv(path, ["text", "label"])
    assert stats.rows == len(list(read_csv(path)))


def test_real_sst2_and_pollution(shared_data):
    stats = validate_csv(
        shared_data / "sentiment" / "sst2_train.tsv", ["sentence"], label_column="label",
        known_labels=["0", "1"], quoting=False,
    )
    assert stats.rows == 67349 and stats.label_counts == {"0": 29780, "1": 37569}
    stats = validate_csv(
        shared_data / "timeseries" / "pollution.csv", ["No"], numeric_columns=["pm2.5", "TEMP"],
        na_values=["NA"],
    )
    assert stats.rows == 43824 and stats.missing == {"pm2.5": 2067, "TEMP": 0}
    assert not math.isnan(stats.numeric_ranges["pm2.5"][0])
