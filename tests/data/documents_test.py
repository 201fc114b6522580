import pytest

from seqkit.data import read_documents
from seqkit.errors import DataError


def test_blank_line_separated_records(write, as_rows):
    path = write("d.txt", "\n\nX:1\nabc|\r\n\r\n\n  \nX:2\ndef|\n\n")
    assert [r["text"] for r in as_rows(read_documents(path))] == ["X:1\nabc|", "X:2\ndef|"]


def test_custom_separator_and_key(write, as_rows):
    path = write("d.txt", "a\nb\n---\nc\n")
    ds = read_documents(path, separator="-{3,}", key="doc")
    assert as_rows(ds) == [{"doc": "a\nb"}, {"doc": "c"}]


def test_record_start_keeps_a_record_with_an_inner_blank_line(write, as_rows):
    path = write("d.abc", "X:1\nT:a\n\nabc|\n\nX:2\nT:b\ndef|\n")
    texts = [r["text"] for r in as_rows(read_documents(path, record_start="X:"))]
    assert texts == ["X:1\nT:a\nabc|", "X:2\nT:b\ndef|"]


def test_bad_files(write, tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_documents(tmp_path / "none.abc")
    with pytest.raises(DataError, match="only separator"):
        read_documents(write("blank.txt", "\n\n \n"))
    with pytest.raises(DataError, match="UTF-8") as e:
        read_documents(write("bad.txt", b"a\n\nb\xff\n"))
    assert e.value.line == 3


def test_irish_abc_has_804_tunes(shared_data, as_rows):
    path = shared_data / "music" / "irish.abc"
    tunes = [r["text"] for r in as_rows(read_documents(path, record_start="X:"))]
    assert len(tunes) == 804
    assert all(t.startswith("X:") and "\nK:" in t for t in tunes)
    assert tunes[0].splitlines()[:2] == ["X:1", "T:Alexander's"]
    # Blank lines alone split two tunes between their headers and their music.
    assert sum(1 for _ in read_documents(path)) == 806
