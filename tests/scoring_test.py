"""Tests of seqkit.scoring.score_csv on an export of a real classify run (see tests/export_test.py)."""

import csv
import importlib.util
import pathlib

import numpy as np
import pytest

from seqkit.errors import DataError
from seqkit.errors import RunDirError

pytestmark = pytest.mark.tf_only

HERE = pathlib.Path(__file__).resolve().parent


def _export_helpers():
    spec = importlib.util.spec_from_file_location("_seqkit_export_test", HERE / "export_test.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def helpers():
    return _export_helpers()


@pytest.fixture(scope="module")
def standin(helpers):
    return helpers.make_classify_run(seed=1)


@pytest.fixture(scope="module")
def exported(standin, tmp_path_factory):
    from seqkit import export

    out = tmp_path_factory.mktemp("serving")
    export.export_run(standin, out)
    return out


def write_csv(path, rows, header=("id", "review", "stars")):
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def test_scores_every_row_and_keeps_input_columns(helpers, standin, exported, tmp_path):
    from seqkit.scoring import score_csv

    # Mixed case: the run's tokenizer keeps it ("NOT" and "not" are different words).
    texts = [f"{'The' if i % 4 else 'the'} film was {('NOT ', 'not ', '')[i % 3]}{'Good' if i % 5 else 'good'} "
             f"{'fun' if i % 3 else 'boring'}" for i in range(23)]
    texts[5] = 'quoted, with "commas"\nand a newline'
    source = write_csv(tmp_path / "in.csv", [(i, t, i % 5) for i, t in enumerate(texts)])
    seen = []

    result = score_csv(
        exported, source, tmp_path / "out.csv", chunk_size=7, batch_size=3, progress=seen.append
    )

    rows = read_csv(tmp_path / "out.csv")
    assert rows[0] == ["id", "review", "stars", "predicted_label", "prob_negative", "prob_positive"]
    assert len(rows) == 24 and result.rows == 23 and result.rejected == 0
    assert [r[:3] for r in rows[1:]] == [[str(i), t, str(i % 5)] for i, t in enumerate(texts)]
    expected = helpers.reference_probabilities(standin, texts)
    got = np.asarray([[float(r[4]), float(r[5])] for r in rows[1:]])
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert [r[3] for r in rows[1:]] == [["negative", "positive"][i] for i in expected.argmax(-1)]
    # One progress report per chunk of 7 rows, ending at the whole file.
    assert [p.rows for p in seen] == [7, 14, 21, 23]
    assert seen[-1].bytes_read == seen[-1].total_bytes == source.stat().st_size
    assert result.source == exported / "1"
    assert result.columns == tuple(rows[0])
    assert not (tmp_path / "out.csv.rejects.csv").exists()


def test_run_object_and_saved_model_give_the_same_output(standin, exported, tmp_path):
    from seqkit import runner
    from seqkit.scoring import score_csv

    source = write_csv(tmp_path / "in.csv", [(1, "good fun film", 5), (2, "awful", 1)])
    score_csv(exported / "1", source, tmp_path / "a.csv")
    runner.score(standin, source, tmp_path / "b.csv")
    assert read_csv(tmp_path / "a.csv") == read_csv(tmp_path / "b.csv")


def bad_file(path):
    """Good rows around one of each kind of bad row (lines 3, 4, 5, 6, 8)."""
    lines = [
        b"id,review,stars\n",
        b"1,good film,5\n",  # line 2
        b"2,,3\n",  # line 3: empty text
        b"3,NaN,3\n",  # line 4: missing-value marker
        b"4,too,many,fields\n",  # line 5
        b"5,caf\xe9 was awful,1\n",  # line 6: latin-1, not UTF-8
        b"6,fine fun,4\n",  # line 7
        b"7\n",  # line 8: too few fields
        b"8,\"multi\nline\",2\n",  # lines 9-10
    ]
    path.write_bytes(b"".join(lines))
    return path


def test_fail_mode_names_file_line_and_column_and_writes_nothing(exported, tmp_path):
    from seqkit.scoring import score_csv

    source = bad_file(tmp_path / "in.csv")
    out = tmp_path / "out.csv"
    with pytest.raises(DataError) as info:
        score_csv(exported, source, out, chunk_size=1)
    assert info.value.line == 3
    assert info.value.column == "review"
    assert str(info.value).startswith(f"{source}, line 3, column 'review': ")
    assert list(tmp_path.iterdir()) == [source]


def test_skip_mode_writes_rejects_with_line_numbers(exported, tmp_path):
    from seqkit.scoring import score_csv

    source = bad_file(tmp_path / "in.csv")
    result = score_csv(exported, source, tmp_path / "out.csv", on_error="skip", chunk_size=2)

    assert result.rows == 3 and result.rejected == 5
    assert [r[0] for r in read_csv(tmp_path / "out.csv")[1:]] == ["1", "6", "8"]
    assert read_csv(tmp_path / "out.csv")[3][1] == "multi\nline"
    rejects = read_csv(result.reject_path)
    assert result.reject_path == tmp_path / "out.csv.rejects.csv"
    assert rejects[0] == ["line", "reason", "record"]
    assert [(r[0], r[1]) for r in rejects[1:]] == [
        ("3", "the text field is empty or missing"),
        ("4", "the text field is empty or missing"),
        ("5", "expected 3 fields, found 4"),
        ("6", "invalid UTF-8 bytes"),
        ("8", "expected 3 fields, found 1"),
    ]
    assert rejects[3][2] == "4,too,many,fields"
    assert rejects[4][2] == "5,caf\ufffd was awful,1"


def test_custom_reject_path(exported, tmp_path):
    from seqkit.scoring import score_csv

    source = bad_file(tmp_path / "in.csv")
    result = score_csv(
        exported, source, tmp_path / "out.csv", on_error="skip", reject_path=tmp_path / "r" / "bad.csv"
    )
    assert result.reject_path == tmp_path / "r" / "bad.csv"
    assert len(read_csv(tmp_path / "r" / "bad.csv")) == 6


def test_missing_column_lists_the_header(exported, tmp_path):
    from seqkit.scoring import score_csv

    source = write_csv(tmp_path / "in.csv", [(1, "good")], header=("id", "text"))
    with pytest.raises(DataError, match=r"no column 'review'; the header has \['id', 'text'\]"):
        score_csv(exported, source, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_tsv_input_and_header_only_file(exported, tmp_path):
    from seqkit.scoring import score_csv

    (tmp_path / "in.tsv").write_text("review\tid\ngood, fun\t1\n")
    result = score_csv(exported, tmp_path / "in.tsv", tmp_path / "out.csv")
    rows = read_csv(tmp_path / "out.csv")
    assert result.rows == 1 and rows[1][:3] == ["good, fun", "1", rows[1][2]]

    (tmp_path / "empty.csv").write_text("id,review\n")
    result = score_csv(exported, tmp_path / "empty.csv", tmp_path / "empty_out.csv")
    assert result.rows == 0
    assert read_csv(tmp_path / "empty_out.csv") == [
        ["id", "review", "predicted_label", "prob_negative", "prob_positive"]
    ]


def test_bad_arguments_and_sources(exported, tmp_path):
    from seqkit.scoring import score_csv

    source = write_csv(tmp_path / "in.csv", [(1, "good", 2)])
    with pytest.raises(ValueError, match="on_error="):
        score_csv(exported, source, tmp_path / "o.csv", on_error="ignore")
    with pytest.raises(ValueError, match="batch_size=0"):
        score_csv(exported, source, tmp_path / "o.csv", batch_size=0)
    with pytest.raises(DataError, match="input file not found"):
        score_csv(exported, tmp_path / "nope.csv", tmp_path / "o.csv")
    with pytest.raises(DataError, match="overwrite the input"):
        score_csv(exported, source, source)
    with pytest.raises(RunDirError, match="does not exist"):
        score_csv(tmp_path / "missing", source, tmp_path / "o.csv")
    (tmp_path / "a_run").mkdir()
    with pytest.raises(RunDirError, match="is not an export; score a run directory with seqkit.runner.score"):
        score_csv(tmp_path / "a_run", source, tmp_path / "o.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(DataError, match="empty"):
        score_csv(exported, tmp_path / "empty.csv", tmp_path / "o.csv")
    assert not (tmp_path / "o.csv").exists()


def test_failure_keeps_an_existing_output(exported, tmp_path):
    from seqkit.scoring import score_csv

    out = tmp_path / "out.csv"
    out.write_text("previous results\n")
    source = bad_file(tmp_path / "in.csv")
    with pytest.raises(DataError):
        score_csv(exported, source, out)
    assert out.read_text() == "previous results\n"
