"""Tokenizers inside a SavedModel, loaded in a fresh process without seqkit."""

import json
import os
import subprocess
import sys
import textwrap

import pytest
import tensorflow as tf

from seqkit.tokenizers import get_tokenizer

pytestmark = pytest.mark.tf_only

TRAIN = ["The cat sat on the mat.", "¿Dónde está? ¡Allí!", "emoji 😀 日本語", "tokens tokenized"]
PROBE = ["the cat is here", "", "¿Dónde? 😀👍🏽", "tokenizers", "zebra"]


class Wrapper(tf.Module):
    """What an exporter does: the tokenizer as an attribute, a traced function."""

    def __init__(self, tokenizer):
        super().__init__()
        self.tokenizer = tokenizer

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def tokenize(self, strings):
        return self.tokenizer(strings)

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32)])
    def detokenize(self, ids):
        return self.tokenizer.detokenize(ids)


LOADER = textwrap.dedent(
    """
    import json, sys
    import tensorflow as tf
    probe = json.loads(sys.argv[1])
    results = {}
    for path in sys.argv[2:]:
        if path.endswith("piece"):
            # Only WordPiece and SentencePiece need ops from tensorflow-text;
            # the others were loaded and run before it is imported.
            import tensorflow_text
        assert "seqkit" not in sys.modules
        module = tf.saved_model.load(path)
        ragged = module.tokenize(tf.constant(probe))
        back = module.detokenize(ragged.to_tensor())
        results[path] = {
            "ragged": ragged.to_list(),
            "text": [s.decode("utf-8") for s in back.numpy()],
            "text_imported": "tensorflow_text" in sys.modules,
        }
    print("RESULT" + json.dumps(results))
    """
)


def load_in_fresh_process(paths):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH="")
    completed = subprocess.run(
        [sys.executable, "-c", LOADER, json.dumps(PROBE), *paths],
        capture_output=True, text=True, env=env, cwd="/", timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    line = [l for l in completed.stdout.splitlines() if l.startswith("RESULT")][-1]
    return json.loads(line[len("RESULT"):])


def test_saved_model_in_fresh_process_gives_the_same_ids(tmp_path):
    expected = {}
    paths = {}
    for kind in ["word", "char", "byte", "wordpiece", "classic-wordpiece", "sentencepiece"]:
        if kind == "classic-wordpiece":
            tok = get_tokenizer("wordpiece", implementation="classic").adapt(TRAIN, max_size=100)
        else:
            tok = get_tokenizer(kind).adapt(TRAIN, max_size=100)
        path = str(tmp_path / kind)
        tf.saved_model.save(Wrapper(tok), path)
        paths[kind] = path
        ids = tok(tf.constant(PROBE))
        expected[kind] = {
            "ragged": ids.to_list(),
            "text": [s.decode("utf-8") for s in tok.detokenize(ids.to_tensor()).numpy()],
            "text_imported": kind.endswith("piece"),
        }
    results = load_in_fresh_process(list(paths.values()))
    for kind, path in paths.items():
        assert results[path] == expected[kind], kind
    # Sanity: the probe really exercises unknowns and exact round trips.
    assert 1 in expected["word"]["ragged"][4]
    assert expected["byte"]["text"] == PROBE
