"""score_csv driven by a ServingSpec alone: numbers, files, per-group windows, formatting."""

import csv

import numpy as np
import pytest
import tensorflow as tf

from seqkit.errors import DataError
from seqkit.scoring import Scorer
from seqkit.scoring import score_csv
from seqkit.serving import ServingInput
from seqkit.serving import ServingOutput
from seqkit.serving import ServingSpec

pytestmark = pytest.mark.tf_only


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_per_row_numbers_and_file_bytes(tmp_path):
    (tmp_path / "a.bin").write_bytes(b"abc")
    (tmp_path / "b.bin").write_bytes(b"hello")
    spec = ServingSpec(
        inputs=(ServingInput("x", dtype="float32", column="value", read="number"),
                ServingInput("blob", dtype="string", column="path", read="file")),
        outputs=(ServingOutput("twice", kind="number", column="twice"),
                 ServingOutput("size", kind="numbers", column="size_{index}")),
    )

    def serve(x, blob):
        size = tf.cast(tf.strings.length(blob), tf.float32)
        return {"twice": 2.0 * x, "size": tf.stack([size, size + x], axis=1)}

    source = tmp_path / "in.csv"
    source.write_text("id,value,path\n1,1.5,a.bin\n2,-2,b.bin\n3,oops,a.bin\n4,1,missing.bin\n")
    result = score_csv(Scorer(serve, spec), source, tmp_path / "out.csv", on_error="skip")
    assert read(tmp_path / "out.csv") == [
        ["id", "value", "path", "twice", "size_0", "size_1"],
        ["1", "1.5", "a.bin", "3.000000", "3.000000", "4.500000"],
        ["2", "-2", "b.bin", "-4.000000", "5.000000", "3.000000"],
    ]
    rejects = read(tmp_path / "out.csv.rejects.csv")
    assert [r[:2] for r in rejects[1:]] == [["4", "not a number: 'oops'"], ["5", "no such file: 'missing.bin'"]]
    assert (result.rows, result.rejected) == (2, 2)


def test_per_group_windows_across_chunks(tmp_path):
    spec = ServingSpec(
        inputs=(ServingInput("y", dtype="float32", shape=(None, 3), column="y", read="number"),),
        outputs=(ServingOutput("mean", kind="number", column="forecast"),),
        group_by="series", window=3,
    )
    calls = []

    def serve(y):
        calls.append(y.shape.as_list())
        return {"mean": tf.reduce_mean(y, axis=1)}

    rows = [("a", t, float(t)) for t in range(5)] + [("b", t, 10.0 * t) for t in range(4)] + [("c", 0, 1.0)]
    source = tmp_path / "in.csv"
    source.write_text("series,t,y\n" + "".join(f"{s},{t},{y}\n" for s, t, y in rows))
    # chunk_size=2 splits every group across chunks: a group is scored once complete.
    result = score_csv(Scorer(serve, spec), source, tmp_path / "out.csv", chunk_size=2, on_error="skip")
    assert read(tmp_path / "out.csv") == [["series", "forecast"], ["a", "3.000000"], ["b", "20.000000"]]
    assert all(shape[1] == 3 for shape in calls)
    assert (result.rows, result.rejected) == (2, 1)
    assert "group 'c' has 1 rows; the model reads 3" in read(tmp_path / "out.csv.rejects.csv")[1][1]
    with pytest.raises(DataError, match="group 'c' has 1 rows"):
        score_csv(Scorer(serve, spec), source, tmp_path / "out2.csv")
    assert not (tmp_path / "out2.csv").exists()


def test_scores_and_tokens_outputs_and_column_mapping(tmp_path):
    spec = ServingSpec(
        inputs=(ServingInput("text", column="text"),),
        outputs=(ServingOutput("words", kind="tokens", column="words"),
                 ServingOutput("score", kind="scores", column="p_{name}", names="names"),
                 ServingOutput("names", kind="names")),
    )

    def serve(text):
        words = tf.strings.split(text).to_tensor(default_value="")
        n = tf.shape(text)[0]
        return {"words": words, "score": tf.ones([n, 2]) * 0.5,
                "names": tf.tile(tf.constant([["x", "y"]]), [n, 1])}

    source = tmp_path / "in.csv"
    source.write_text("body\nhello big world\nhi\n")
    score_csv(Scorer(serve, spec), source, tmp_path / "out.csv", columns={"text": "body"})
    assert read(tmp_path / "out.csv") == [
        ["body", "words", "p_x", "p_y"],
        ["hello big world", "hello big world", "0.500000", "0.500000"],
        ["hi", "hi", "0.500000", "0.500000"],
    ]
    with pytest.raises(DataError, match="no serving input 'nope'"):
        score_csv(Scorer(serve, spec), source, tmp_path / "o.csv", columns={"nope": "body"})
    np.testing.assert_equal((tmp_path / "o.csv").exists(), False)
