"""Tests of seqkit.export: versioned SavedModels, metadata, ops, fresh-process parity.

The serving module here is a stand-in with the same contract as a task's
`serving_module(run)`: a `tf.Module` whose `serve` takes raw strings, looks the
words up in a `StaticHashTable` and runs a small Keras model. Other test files
load `make_standin_run` from this file.
"""

import json
import os
import pathlib
import subprocess
import sys
import textwrap
import types

import numpy as np
import pytest

pytestmark = pytest.mark.tf_only

VOCABULARY = ["good", "bad", "great", "awful", "not", "film", "the", "was", "fun", "boring"]
LABELS = ["negative", "positive"]
MAX_LENGTH = 8


def make_standin_run(seed=0, labels=LABELS):
    """A run-like object whose task serves a tiny word-lookup + Keras model."""
    import keras
    import tensorflow as tf

    from seqkit.serving import ServingInput
    from seqkit.serving import ServingOutput
    from seqkit.serving import ServingSpec

    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((MAX_LENGTH,), dtype="int32"),
            keras.layers.Embedding(len(VOCABULARY) + 2, 8, mask_zero=True),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(len(labels), activation="softmax"),
        ]
    )

    class StandInServing(tf.Module):
        def __init__(self):
            super().__init__()
            self.model = model
            self.table = tf.lookup.StaticHashTable(
                tf.lookup.KeyValueTensorInitializer(
                    tf.constant(VOCABULARY),
                    tf.range(2, len(VOCABULARY) + 2, dtype=tf.int64),
                ),
                default_value=1,
            )
            self.class_names = tf.constant(labels)

        def tokenize(self, text):
            words = tf.strings.split(tf.strings.lower(text))
            ids = tf.ragged.map_flat_values(self.table.lookup, words)
            return tf.cast(ids.to_tensor(default_value=0, shape=[None, MAX_LENGTH]), tf.int32)

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="text")])
        def serve(self, text):
            probabilities = self.model(self.tokenize(text), training=False)
            best = tf.argmax(probabilities, axis=-1)
            count = tf.shape(text)[0]
            return {
                "label": tf.gather(self.class_names, best),
                "probabilities": probabilities,
                "class_names": tf.tile(self.class_names[tf.newaxis], [count, 1]),
            }

    class StandInTask:
        name = "standin"

        def serving_spec(self, assets):
            return ServingSpec(
                inputs=(ServingInput("text", column="review"),),
                outputs=(
                    ServingOutput("label", kind="text", column="predicted_label"),
                    ServingOutput("probabilities", kind="scores", column="prob_{name}", names="class_names"),
                    ServingOutput("class_names", kind="names"),
                ),
            )

        def export_metadata(self, assets):
            return {"labels": list(assets.labels)}

        def serving_module(self, run):
            return StandInServing()

    return types.SimpleNamespace(
        path=None,
        config={"task": "standin", "text_column": "review"},
        task=StandInTask(),
        model=model,
        assets=types.SimpleNamespace(labels=list(labels)),
        tokenize=lambda texts: StandInServing().tokenize(tf.constant(texts)).numpy(),
    )


def test_export_writes_numbered_versions_and_metadata(tmp_path):
    from seqkit import export

    run = make_standin_run()
    first = export.export_run(run, tmp_path / "serving")
    second = export.export_run(run, tmp_path / "serving")

    assert first == tmp_path / "serving" / "1"
    assert second == tmp_path / "serving" / "2"
    assert sorted(p.name for p in (tmp_path / "serving").iterdir()) == ["1", "2"]
    assert (second / "saved_model.pb").is_file()
    assert export.resolve_saved_model(tmp_path / "serving") == second
    assert export.resolve_saved_model(first) == first

    meta = export.read_metadata(first)
    assert meta["task"] == "standin"
    assert meta["serving"]["inputs"] == [
        {"name": "text", "dtype": "string", "shape": [None], "column": "review", "read": "text"}
    ]
    assert [o["name"] for o in meta["serving"]["outputs"]] == ["label", "probabilities", "class_names"]
    assert meta["serving"]["group_by"] is None
    assert meta["labels"] == LABELS
    assert meta["config"] == {"task": "standin", "text_column": "review"}
    assert meta["signature"]["inputs"] == {"text": {"dtype": "string", "shape": [None]}}
    assert meta["signature"]["outputs"]["probabilities"] == {"dtype": "float32", "shape": [None, 2]}
    assert meta["signature"]["outputs"]["label"]["dtype"] == "string"
    assert meta["signature"]["outputs"]["class_names"]["shape"] == [None, 2]


def test_ops_list_is_stock_tensorflow(tmp_path):
    from seqkit import export

    version = export.export_run(make_standin_run(), tmp_path)
    ops = export.graph_op_types(version)
    meta = export.read_metadata(version)

    assert meta["ops"] == ops
    for op in ("StringSplitV2", "StringLower", "HashTableV2", "LookupTableFindV2", "MatMul", "Softmax"):
        assert op in ops
    assert meta["custom_ops"] == {"tensorflow_text": [], "unknown": []}


def test_classify_custom_ops_flags_tensorflow_text():
    from seqkit import export

    result = export.classify_custom_ops(
        ["MatMul", "TFText>WhitespaceTokenizeWithOffsetsV2", "FastWordpieceTokenizeWithOffsets", "NoSuchOpAnywhere"]
    )
    assert result == {
        "tensorflow_text": ["TFText>WhitespaceTokenizeWithOffsetsV2", "FastWordpieceTokenizeWithOffsets"],
        "unknown": ["NoSuchOpAnywhere"],
    }


def test_failed_export_leaves_no_version(tmp_path, monkeypatch):
    import tensorflow as tf

    from seqkit import export

    out = tmp_path / "serving"
    export.export_run(make_standin_run(), out)

    def broken_save(module, path, signatures=None):
        pathlib.Path(path).mkdir(parents=True)
        (pathlib.Path(path) / "saved_model.pb").write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(tf.saved_model, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        export.export_run(make_standin_run(), out)
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

    run = make_standin_run(seed=3)
    version = export.export_run(run, tmp_path / "serving")
    texts = ["the film was good", "NOT good at all", "awful boring film", "", "unseen words only"]

    result = run_in_fresh_process(version, texts)

    expected = np.asarray(run.model(run.tokenize(texts), training=False))
    got = np.asarray(result["probabilities"], dtype=np.float32)
    assert got.shape == (5, 2)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5)
    assert result["label"] == [LABELS[i] for i in expected.argmax(axis=-1)]
    assert result["class_names"] == [LABELS] * 5
    # `import tensorflow` itself imports a few keras.src modules; loading and
    # calling the export must add no seqkit, Keras layer/model or tf-text code.
    added = [
        name
        for name in result["loaded_modules"]
        if name.split(".")[0] in ("seqkit", "tensorflow_text", "keras")
    ]
    assert added == []
