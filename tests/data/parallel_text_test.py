import pytest

from seqkit.data import read_parallel_text
from seqkit.data.parallel_text import complete_pairs
from seqkit.errors import DataError


def test_pairs_with_crlf_bom_and_extra_columns(write, as_rows):
    path = write("p.txt", b"\xef\xbb\xbfGo.\tVe.\r\nHi.\tHola.\tCC-BY 2.0 (France) Attribution\r\n")
    assert as_rows(read_parallel_text(path)) == [
        {"source": "Go.", "target": "Ve."},
        {"source": "Hi.", "target": "Hola."},
    ]


def test_custom_keys(write, as_rows):
    path = write("p.txt", "a\tb\n")
    assert as_rows(read_parallel_text(path, "en", "es")) == [{"en": "a", "es": "b"}]


def test_line_without_tab_is_reported(write):
    path = write("p.txt", "Go.\tVe.\nno tab here\n")
    with pytest.raises(DataError, match="no tab") as e:
        read_parallel_text(path)
    assert (e.value.path, e.value.line) == (path, 2)


def test_invalid_utf8_is_reported(write):
    path = write("p.txt", b"Go.\tVe.\nRun!\t\xc3(\n")
    with pytest.raises(DataError, match="UTF-8") as e:
        read_parallel_text(path)
    assert e.value.line == 2


def test_tatoeba_spa_eng(shared_data, as_rows):
    ds = read_parallel_text(shared_data / "translation" / "spa-eng" / "spa.txt")
    assert as_rows(ds.take(3)) == [
        {"source": "Go.", "target": "Ve."},
        {"source": "Go.", "target": "Vete."},
        {"source": "Go.", "target": "Vaya."},
    ]
    assert sum(len(b["source"]) for b in ds.batch(8192).as_numpy_iterator()) == 118964


def test_complete_pairs_skips_incomplete_lines_and_extra_fields(tmp_path):
    path = tmp_path / "spa.txt"
    path.write_bytes(
        "Go.\tVe.\tCC-BY 2.0 (France)\r\n"
        "no tab here\n"
        "Hi.\t  \n"
        " \tHola.\n"
        "Run!\t¡Corre!\n".encode("utf-8")
    )
    assert complete_pairs(path) == [("Go.", "Ve."), ("Run!", "¡Corre!")]
