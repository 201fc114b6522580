"""Tests of seqkit.export: versioned SavedModels, metadata, ops, fresh-process parity.

The run exported here is a real classify run (`make_classify_run`): seqkit's
own serving module (`seqkit.tasks.classify.serving`) with a word tokenizer that
keeps case, on an untrained model. Expected outputs come from token ids worked
out without seqkit (`reference_ids`), on mixed-case text, so a serving module
that loses the tokenizer's options, its padding or its truncation disagrees.
Other test files load `make_classify_run` and `reference_probabilities` from
this file.
"""

import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import textwrap

import numpy as np
import pytest

from seqkit.errors import SeqkitError

pytestmark = pytest.mark.tf_only

# "Good" and "good", "NOT" and "not" are different words: the tokenizer keeps case.
VOCABULARY = ["good", "bad", "great", "awful", "not", "film", "the", "was", "fun", "boring",
              "Good", "NOT", "The", ","]
LABELS = ["negative", "positive"]
MAX_LENGTH = 8
RECIPE = """\
task: classify
name: export-test
data: {train: train.csv, text_column: review}
tokenizer: {lowercase: false, punctuation: split, max_length: %d}
model: {embedding_dim: 8, encoder: {kind: gru, units: 4}, pooling: mean, dropout: 0.0}
"""


def make_classify_run(seed=0, labels=LABELS):
    """A `seqkit.run.Run` of the classify task (untrained, seeded weights)."""
    import keras

    from seqkit.config import load_config
    from seqkit.run import Run
    from seqkit.tasks import get_task
    from seqkit.tasks.classify.assets import ClassifyAssets
    from seqkit.tokenizers import RESERVED_TOKENS
    from seqkit.tokenizers import get_tokenizer

    directory = pathlib.Path(tempfile.mkdtemp(prefix="seqkit-export-test-"))
    (directory / "recipe.yaml").write_text(RECIPE % MAX_LENGTH)
    config = load_config([directory / "recipe.yaml"])
    task = get_task(config)
    tokenizer = get_tokenizer("word", vocabulary=list(RESERVED_TOKENS) + VOCABULARY, lowercase=False)
    assets = ClassifyAssets(tokenizer=tokenizer, labels=list(labels))
    keras.utils.set_random_seed(seed)
    model = task.build_model(assets)
    # Larger weights than the initializers give: each word moves the output.
    model.set_weights([w * 4.0 for w in model.get_weights()])
    return Run(path=None, config=config, task=task, model=model, assets=assets)


def reference_ids(texts):
    """Ids without seqkit: words and punctuation marks, case kept, the first
    MAX_LENGTH, unknown -> 1, padded with 0 to MAX_LENGTH."""
    index = {word: i + 5 for i, word in enumerate(VOCABULARY)}
    rows = [[index.get(w, 1) for w in re.findall(r"\w+|[^\w\s]", t)][:MAX_LENGTH] for t in texts]
    return np.array([r + [0] * (MAX_LENGTH - len(r)) for r in rows], dtype="int32")


def reference_probabilities(run, texts):
    return np.asarray(run.model(reference_ids(texts), training=False))


def test_export_writes_numbered_versions_and_metadata(tmp_path):
    from seqkit import export

    run = make_classify_run()
    first = export.export_run(run, tmp_path / "serving")
    second = export.export_run(run, tmp_path / "serving")

    assert first == tmp_path / "serving" / "1"
    assert second == tmp_path / "serving" / "2"
    assert sorted(p.name for p in (tmp_path / "serving").iterdir()) == ["1", "2"]
    assert (second / "saved_model.pb").is_file()
    assert export.resolve_saved_model(tmp_path / "serving") == second
    assert export.resolve_saved_model(first) == first

    meta = export.read_metadata(first)
    assert meta["task"] == "classify"
    assert meta["serving"]["inputs"] == [
        {"name": "text", "dtype": "string", "shape": [None], "column": "review", "read": "text", "content": None,
         "columns": None}
    ]
    assert [o["name"] for o in meta["serving"]["outputs"]] == ["label", "probabilities", "class_names"]
    assert meta["serving"]["group_by"] is None
    assert meta["labels"] == LABELS
    assert meta["config"] == json.loads(json.dumps(run.config.to_dict(), default=str))
    assert meta["config"]["tokenizer"]["lowercase"] is False
    assert meta["signature"]["inputs"] == {"text": {"dtype": "string", "shape": [None]}}
    assert meta["signature"]["outputs"]["probabilities"] == {"dtype": "float32", "shape": [None, 2]}
    assert meta["signature"]["outputs"]["label"]["dtype"] == "string"
    assert meta["signature"]["outputs"]["class_names"]["shape"] == [None, 2]


def test_ops_list_is_stock_tensorflow(tmp_path):
    from seqkit import export

    version = export.export_run(make_classify_run(), tmp_path)
    ops = export.graph_op_types(version)
    meta = export.read_metadata(version)

    assert meta["ops"] == ops
    for op in ("StringSplitV2", "StaticRegexReplace", "HashTableV2", "LookupTableFindV2", "MatMul", "Softmax"):
        assert op in ops, op
    assert "StringLower" not in ops  # the run's tokenizer keeps case
    assert meta["custom_ops"] == {"tensorflow_text": [], "unknown": []}


def test_classify_custom_ops_flags_tensorflow_text():
    from seqkit import export

    result = export.classify_custom_ops(
        ["MatMul", "TFText>WhitespaceTokenizeWithOffsetsV2", "FastWordpieceTokenizeWithOffsets", "NoSuchOpAnywhere",
         "XlaCallModule"]  # stock TensorFlow's, though not in tf.raw_ops: a JAX model's export runs in it
    )
    assert result == {
        "tensorflow_text": ["TFText>WhitespaceTokenizeWithOffsetsV2", "FastWordpieceTokenizeWithOffsets"],
        "unknown": ["NoSuchOpAnywhere"],
    }


def test_failed_export_leaves_no_version(tmp_path, monkeypatch):
    import tensorflow as tf

    from seqkit import export

    out = tmp_path / "serving"
    export.export_run(make_classify_run(), out)

    def broken_save(module, path, signatures=None):
        pathlib.Path(path).mkdir(parents=True)
        (pathlib.Path(path) / "saved_model.pb").write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(tf.saved_model, "save", broken_save)
    # The export reports a machine error as one line naming the folder (issue 9).
    with pytest.raises(SeqkitError, match="cannot write the export under .*serving: disk full"):
        export.export_run(make_classify_run(), out)
    assert sorted(p.name for p in out.iterdir()) == ["1"]
    assert export.next_version(out) == 2


def test_resolve_rejects_a_directory_without_versions(tmp_path):
    from seqkit import export
    from seqkit.errors import RunDirError

    (tmp_path / "notes").mkdir()
    (tmp_path / "latest").mkdir()  # not an integer: ignored
    with pytest.raises(RunDirError, match="not a SavedModel"):
        export.resolve_saved_model(tmp_path)


FRESH_PROCESS = textwrap.dedent(
    """
    import json, sys
    import tensorflow as tf
    before = set(sys.modules)
    meta = json.load(open(sys.argv[1] + "/assets.extra/seqkit.json"))
    if meta["custom_ops"]["tensorflow_text"]:
        import tensorflow_text
    loaded = tf.saved_model.load(sys.argv[1])
    serve = loaded.signatures["serving_default"]
    out = serve(text=tf.constant(json.loads(sys.argv[2])))
    print(json.dumps({
        "label": [v.decode() for v in out["label"].numpy()],
        "probabilities": out["probabilities"].numpy().tolist(),
        "class_names": [[v.decode() for v in row] for row in out["class_names"].numpy()],
        "loaded_modules": sorted(set(sys.modules) - before),
    }))
    """
)


def run_in_fresh_process(version_dir, texts):
    """Calls an export's signature in a new interpreter importing only TensorFlow."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS, str(pathlib.Path(version_dir).resolve()), json.dumps(texts)],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(version_dir),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_fresh_process_matches_in_memory_model(tmp_path):
    from seqkit import export

    run = make_classify_run(seed=3)
    version = export.export_run(run, tmp_path / "serving")
    texts = ["The film was Good", "NOT good at all", "awful boring film, not Good fun", "",
             "unseen words only", "the film was good the film was good fun"]

    result = run_in_fresh_process(version, texts)

    expected = reference_probabilities(run, texts)
    got = np.asarray(result["probabilities"], dtype=np.float32)
    assert got.shape == (6, 2)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5)
    assert result["label"] == [LABELS[i] for i in expected.argmax(axis=-1)]
    assert result["class_names"] == [LABELS] * 6
    # `import tensorflow` itself imports a few keras.src modules; loading and
    # calling the export must add no seqkit, Keras layer/model or tf-text code.
    added = [
        name
        for name in result["loaded_modules"]
        if name.split(".")[0] in ("seqkit", "tensorflow_text", "keras")
    ]
    assert added == []
