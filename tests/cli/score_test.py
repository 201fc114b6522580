"""CliRunner tests of `seqkit score` on an export of a real classify run (see tests/export_test.py)."""

import csv
import importlib.util
import pathlib

import numpy as np
import pytest
from click.testing import CliRunner

from seqkit.cli import main

pytestmark = pytest.mark.tf_only

TESTS = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def helpers():
    spec = importlib.util.spec_from_file_location("_seqkit_export_test", TESTS / "export_test.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def classify_run(helpers):
    return helpers.make_classify_run(seed=4)


@pytest.fixture(scope="module")
def exported(classify_run, tmp_path_factory):
    from seqkit import export

    out = tmp_path_factory.mktemp("serving")
    export.export_run(classify_run, out)
    return out


def write(path, text):
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def rows(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def test_score_writes_output_and_reports_rows_per_second(helpers, classify_run, exported, tmp_path):
    texts = ["Good fun", "awful boring", "NOT good", "not good", "The film was Good, not awful"]
    source = write(tmp_path / "in.csv", "id,review\n" + "".join(f'{i},"{t}"\n' for i, t in enumerate(texts, 1)))
    result = CliRunner().invoke(
        main, ["score", str(exported), str(source), "--out", str(tmp_path / "out.csv"), "--batch-size", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "Scored 5 rows in " in result.output
    assert f"s) -> {tmp_path / 'out.csv'}" in result.output
    assert "rows/s; model loaded in" in result.output
    scored = rows(tmp_path / "out.csv")
    assert scored[0] == ["id", "review", "predicted_label", "prob_negative", "prob_positive"]
    assert [r[:2] for r in scored[1:]] == [[str(i), t] for i, t in enumerate(texts, 1)]
    expected = helpers.reference_probabilities(classify_run, texts)
    np.testing.assert_allclose([[float(r[3]), float(r[4])] for r in scored[1:]], expected, rtol=0, atol=1e-5)
    assert [r[2] for r in scored[1:]] == [helpers.LABELS[i] for i in expected.argmax(axis=1)]


def test_bad_row_fails_with_exit_2_and_leaves_no_output(exported, tmp_path):
    source = write(tmp_path / "in.csv", "id,review\n1,good\n2,\n3,fine\n")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["score", str(exported), str(source), "--out", str(out)])
    assert result.exit_code == 2
    assert f"{source}, line 3, column 'review': the text field is empty or missing" in result.output
    assert "--on-error skip" in result.output
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_skip_writes_reject_file(exported, tmp_path):
    source = write(tmp_path / "in.csv", b"id,review\n1,good\n2,\n3,fine\n4,\xff\xfe\n5,a,b\n")
    out = tmp_path / "out.csv"
    rejects = tmp_path / "bad.csv"
    result = CliRunner().invoke(
        main,
        ["score", str(exported), str(source), "--out", str(out), "--on-error", "skip",
         "--reject-file", str(rejects), "--chunk-size", "2"],
    )
    assert result.exit_code == 0, result.output
    assert f"Rejected 3 rows -> {rejects}" in result.output
    assert [r[0] for r in rows(out)[1:]] == ["1", "3"]
    assert [(r[0], r[1]) for r in rows(rejects)[1:]] == [
        ("3", "the text field is empty or missing"),
        ("5", "invalid UTF-8 bytes"),
        ("6", "expected 2 fields, found 3"),
    ]


def test_missing_column_and_missing_files_exit_2(exported, tmp_path):
    source = write(tmp_path / "in.csv", "id,body\n1,good\n")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["score", str(exported), str(source), "--out", str(out)])
    assert result.exit_code == 2
    assert "no column 'review'; the header has ['id', 'body']" in result.output
    assert not out.exists()

    result = CliRunner().invoke(main, ["score", str(exported), str(tmp_path / "nope.csv"), "--out", str(out)])
    assert result.exit_code == 2
    assert "input file not found" in result.output

    result = CliRunner().invoke(main, ["score", str(tmp_path / "nomodel"), str(source), "--out", str(out)])
    assert result.exit_code == 2
    assert "does not exist" in result.output

    result = CliRunner().invoke(
        main, ["score", str(exported), str(source), "--out", str(out), "--on-error", "ignore"]
    )
    assert result.exit_code == 2
    assert "'ignore' is not one of 'fail', 'skip'" in result.output
    assert not out.exists()


def test_text_column_option_reads_another_column(exported, tmp_path):
    # The run reads "review"; this file calls it "comment".
    source = write(tmp_path / "in.csv", "comment,id\ngood fun,1\nawful boring,2\n")
    out = tmp_path / "out.csv"
    missing = CliRunner().invoke(main, ["score", str(exported), str(source), "--out", str(out)])
    assert missing.exit_code == 2
    assert "no column 'review'" in missing.output and "--text-column" in missing.output
    assert not out.exists()
    result = CliRunner().invoke(
        main, ["score", str(exported), str(source), "--out", str(out), "--text-column", "comment"]
    )
    assert result.exit_code == 0, result.output
    scored = rows(out)
    assert scored[0][:3] == ["comment", "id", "predicted_label"]
    assert len(scored) == 3
