"""The translate task end to end on the default date data, through the CLI.

fit -> evaluate (sacreBLEU, chrF, exact match) -> translate -> attention map
-> export -> the SavedModel in a FRESH process (imports only tensorflow) gives
exactly the in-memory beam output -> score appends a translation column; and
the bad inputs of the issue exit 2 with one line and nothing half-written.
"""

import csv
import json
import os
import pathlib
import random
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from seqkit.cli import main

pytestmark = pytest.mark.tf_only

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "data" / "translation"))
import generate  # noqa: E402  (data/translation/generate.py)

FRESH_PROCESS = textwrap.dedent(
    """
    import json, sys
    import tensorflow as tf
    serve = tf.saved_model.load(sys.argv[1]).signatures["serving_default"]
    out = serve(text=tf.constant(json.loads(sys.argv[2])))
    print(json.dumps([t.decode("utf-8") for t in out["translation"].numpy()]))
    """
)

SOURCES = [
    "the twenty first of march , two thousand and five",
    "december the third , nineteen oh seven",
    "",
]


def _write(path, pairs):
    path.write_text("source\ttarget\n" + "".join(f"{s}\t{t}\n" for s, t in pairs),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A short fit of the default recipe on 2,400 generated dates (about a minute unloaded)."""
    tmp = tmp_path_factory.mktemp("translate")
    rng = random.Random(5)
    pairs = [(s, t) for s, t, _ in generate.make_pairs(rng, 2600)]
    train = _write(tmp / "train.tsv", pairs[:2400])
    test = _write(tmp / "test.tsv", pairs[2400:])
    result = CliRunner().invoke(main, [
        "fit", str(ROOT / "pipelines" / "translation.yaml"), "--run-dir", str(tmp / "run"),
        "--data", f"train={train}", "--data", f"test={test}",
        "--set", "train.epochs=5", "--set", "train.batch_size=32",
        "--set", "train.early_stopping_patience=null",
    ])
    assert result.exit_code == 0, result.output
    return tmp


def _invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.large
def test_fit_reports_bleu_chrf_and_exact_match(trained):
    metrics = json.loads((trained / "run" / "metrics.json").read_text())
    test = metrics["test"]
    assert test["count"] == 200
    assert 0.0 <= test["exact_match"] <= 1.0 and test["bleu"] >= 0.0 and test["chrf"] >= 0.0
    assert test["exact_match"] > 0.5, test["exact_match"]  # attention learns dates fast
    assert [row["bucket"] for row in test["bleu_by_length"]][0] == "1-5"


@pytest.mark.large
def test_evaluate_prints_the_report_and_examples(trained):
    result = _invoke("evaluate", trained / "run", "--data", f"test={trained / 'test.tsv'}")
    assert result.exit_code == 0, result.output
    assert "BLEU" in result.output and "chrF" in result.output and "translation:" in result.output


@pytest.mark.large
def test_translate_export_fresh_process_and_score_agree(trained):
    result = _invoke("translate", trained / "run", *SOURCES, "--beam-width", 4)
    assert result.exit_code == 0, result.output
    in_memory = result.output.split("\n")[: len(SOURCES)]
    assert in_memory[2] == ""  # an empty source gives an empty translation
    out = trained / "serving"
    result = _invoke("export", trained / "run", "--out", out)
    assert result.exit_code == 0, result.output
    version = sorted(p for p in out.iterdir() if p.is_dir())[-1]
    metadata = json.loads((version / "assets.extra" / "seqkit.json").read_text())
    assert metadata["decoding"] == {"beam_width": 4, "length_penalty": 0.6}
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS, str(version), json.dumps(SOURCES)],
        capture_output=True, text=True, timeout=300,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == in_memory
    # score appends a translation column to the CSV.
    source_csv = trained / "sentences.csv"
    with open(source_csv, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "source"])
        writer.writerows([[i, s] for i, s in enumerate(SOURCES[:2])])
    result = _invoke("score", version, source_csv, "--out", trained / "translated.csv")
    assert result.exit_code == 0, result.output
    with open(trained / "translated.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["translation"] for r in rows] == in_memory[:2]
    assert [r["id"] for r in rows] == ["0", "1"]


@pytest.mark.large
def test_attention_map_png(trained):
    out = trained / "attention.png"
    result = _invoke("attention", trained / "run", SOURCES[0], "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.large
@pytest.mark.parametrize("args, message", [
    (["translate", "{run}", "a", "--beam-width", "0"], "beam-width"),
    (["fit", "{recipe}", "--set", "model.decoder.attention=luong"], "attention"),
    (["fit", "{recipe}", "--data", "train={one_column}"], "line 2"),
    (["fit", "{recipe}", "--data", "train={empty_side}"], "empty target"),
    (["evaluate", "{run}", "--data", "test={empty_side}"], "empty target"),
])
def test_bad_input_exits_2_with_one_line(trained, tmp_path, args, message):
    one_column = tmp_path / "one.tsv"
    one_column.write_text("source\ttarget\nonly one column\n", encoding="utf-8")
    empty_side = _write(tmp_path / "empty.tsv", [("the first of may nineteen oh one", " ")])
    values = dict(run=trained / "run", recipe=ROOT / "pipelines" / "translation.yaml",
                  one_column=one_column, empty_side=empty_side)
    args = [a.format(**values) for a in args]
    if args[0] == "fit":
        args += ["--run-dir", str(tmp_path / "bad_run")]
    before = sorted(p.name for p in tmp_path.iterdir())
    result = _invoke(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before
