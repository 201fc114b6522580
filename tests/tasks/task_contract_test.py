"""Every registered task through the whole contract, on its own tiny recipe.

fit -> evaluate -> export -> the SavedModel loaded in a FRESH process that
imports only TensorFlow (+ tensorflow_text when the export needs it) gives the
in-memory outputs -> `seqkit score` on a CSV writes the formatted outputs ->
a bad CSV exits 2 with nothing written.

A task joins by registering in `seqkit/tasks/registry.py` and implementing
`Task.contract_recipe(directory) -> (recipe_yaml, score_rows)` (docs/DESIGN.md).
"""

import base64
import csv
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from click.testing import CliRunner

from seqkit import runner
from seqkit.cli import main
from seqkit.config import load_config
from seqkit.errors import DataError
from seqkit.export import read_metadata
from seqkit.scoring import core
from seqkit.serving import ServingSpec
from seqkit.tasks import TASKS

pytestmark = pytest.mark.tf_only

FRESH_PROCESS = textwrap.dedent(
    """
    import base64, json, sys
    import tensorflow as tf
    meta = json.load(open(sys.argv[1] + "/assets.extra/seqkit.json"))
    if meta["custom_ops"]["tensorflow_text"]:
        import tensorflow_text
    serve = tf.saved_model.load(sys.argv[1]).signatures["serving_default"]
    inputs = json.load(open(sys.argv[2]))
    tensors = {}
    for spec in meta["serving"]["inputs"]:
        values = inputs[spec["name"]]
        if spec["read"] == "file":
            values = [base64.b64decode(v) for v in values]
        tensors[spec["name"]] = tf.constant(values, dtype=spec["dtype"])
    out = serve(**tensors)
    def plain(x):
        x = x.numpy()
        return x.astype(str).tolist() if x.dtype.kind in "SO" else x.astype("float64").tolist()
    print(json.dumps({name: plain(value) for name, value in out.items()}))
    """
)


def _jsonable(spec, inputs):
    result = {}
    for item in spec.inputs:
        values = inputs[item.name]
        if item.read == "file":
            values = [base64.b64encode(v).decode() for v in values]
        result[item.name] = values
    return result


def _fresh_process_outputs(version_dir, inputs_path):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS, str(version_dir), str(inputs_path)],
        capture_output=True, text=True, env=env, cwd=str(version_dir), timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _write_rows(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _model_inputs(spec, rows, base_dir):
    """The inputs the scorer builds from `rows`, per row or per group."""
    header = list(rows[0])
    records = [[str(row[name]) for name in header] for row in rows]
    indexes = core.column_indexes(spec, header, "rows")
    if spec.group_by is None:
        return core.row_inputs(spec, records, indexes, base_dir), len(records)
    groups = core.split_groups(records, header.index(spec.group_by))
    return core.group_inputs(spec, groups, indexes, base_dir), len(groups)


def _assert_same_outputs(expected, got):
    assert sorted(expected) == sorted(got)
    for name, value in expected.items():
        value = np.asarray(value)
        if value.dtype.kind in "SO":
            assert np.asarray(got[name]).tolist() == np.char.decode(value.astype(bytes)).tolist(), name
        else:
            np.testing.assert_allclose(np.asarray(got[name], dtype=np.float64), value, rtol=0, atol=1e-5)


@pytest.mark.parametrize("name", sorted(TASKS))
def test_task_goes_through_the_whole_contract(name, tmp_path):
    task_cls = TASKS[name]
    recipe_text, rows = task_cls.contract_recipe(tmp_path)
    (tmp_path / "recipe.yaml").write_text(recipe_text)
    config = load_config([tmp_path / "recipe.yaml"])

    # fit: a history, a one-line summary per split, probes the task formats.
    result = runner.fit(config, run_dir=tmp_path / "run", verbose=0)
    run = result.run
    assert result.epochs == config.train.epochs and len(result.history["loss"]) == result.epochs
    for report in result.metrics.values():
        assert "\n" not in run.task.summarize(report) and run.task.summarize(report)
    assert [run.task.format_prediction(p) for p in result.probes]

    # evaluate on the training file, recorded in metrics.json.
    report = runner.evaluate(tmp_path / "run", data=run.task.data_files()["train"], split="contract")
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["contract"] == report

    # export: the metadata holds the serving spec the task declares.
    version = runner.export(tmp_path / "run", tmp_path / "serving")
    spec = ServingSpec.from_dict(read_metadata(version)["serving"])
    assert spec == run.task.serving_spec(run.assets)

    # the SavedModel in a fresh process == the in-memory serving module.
    inputs, examples = _model_inputs(spec, rows, tmp_path)
    in_memory = runner.scorer(run).predict(inputs, batch_size=len(rows))
    (tmp_path / "inputs.json").write_text(json.dumps(_jsonable(spec, inputs)))
    _assert_same_outputs(in_memory, _fresh_process_outputs(version.resolve(), tmp_path / "inputs.json"))

    # score a CSV with the export: input columns kept, outputs formatted from metadata.
    source = _write_rows(tmp_path / "in.csv", rows)
    exported = runner.scorer(version)
    scored = runner.score(exported, source, tmp_path / "scored.csv")
    expected = core.output_columns(spec, in_memory)
    with open(tmp_path / "scored.csv", newline="", encoding="utf-8") as f:
        written = list(csv.DictReader(f))
    if hasattr(run.task, "score_history"):
        # The task writes its own rows (a forecast: one per series and future step):
        # the export's equal the in-memory run's.
        assert scored.rows == len(written) >= examples
        runner.score(run, source, tmp_path / "scored_run.csv")
        assert (tmp_path / "scored_run.csv").read_text() == (tmp_path / "scored.csv").read_text()
    else:
        assert scored.rows == examples == len(written)
    for column, values in expected.items():
        assert [r[column] for r in written] == core.format_column(values), column

    # a CSV without the input column exits 2 from `seqkit score` and writes nothing; so does
    # a row with an empty input (a DataError, which the CLI maps to exit 2).
    out = tmp_path / "bad_scored.csv"
    bad = _write_rows(tmp_path / "bad.csv", [{"other": "x"}])
    outcome = CliRunner().invoke(main, ["score", str(version), str(bad), "--out", str(out)])
    assert outcome.exit_code == 2, outcome.output
    missing = "missing column" if hasattr(run.task, "score_history") else f"no column '{spec.inputs[0].column}'"
    assert "Traceback" not in outcome.output and missing in outcome.output
    bad = _write_rows(tmp_path / "bad.csv", [*rows, {**rows[0], spec.inputs[0].column: ""}])
    with pytest.raises(DataError, match=f"line {len(rows) + 2}"):
        runner.score(exported, bad, out)
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".bad_scored")]
