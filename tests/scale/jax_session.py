"""One seqkit session under KERAS_BACKEND=jax, for tests/scale/jax_fit_test.py.

`python -m tests.scale.jax_session DIR` (with KERAS_BACKEND=jax) writes the tiny
classify recipe under DIR and, through the CLI: fits it (with --jit-compile),
exports, evaluates, predicts and scores (the run directory and the export);
tries --strategy mirrored / multi-worker and a task that does not run on JAX;
then takes the in-memory JAX model's probabilities for TEXTS (tokenized as
serving does, the model called on JAX arrays). It prints one JSON line:
exit codes and output of each command and the reference probabilities.
"""

import json
import pathlib
import sys

TEXTS = ["the film was good", "the film was dull", "slow fun", "", "unseen words only here at all"]
SCORED = [text for text in TEXTS if text]  # scoring rejects an empty row


def _cli(args, env=None):
    from click.testing import CliRunner

    from seqkit.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], env=env)
    return {"exit_code": result.exit_code, "output": result.output}


def _reference(run_dir):
    import jax
    import keras
    import numpy as np
    import tensorflow as tf

    from seqkit.run import load_run
    from seqkit.tasks.text.serving import tokenize_padded

    run = load_run(run_dir)
    ids = tokenize_padded(run.assets.tokenizer, tf.constant(TEXTS), run.config.tokenizer.max_length).numpy()
    probabilities = run.model(jax.numpy.asarray(ids), training=False)
    wider = np.pad(ids, [[0, 0], [0, 3]])  # as the JAX batches are, rounded up (masked padding)
    padded = run.model(jax.numpy.asarray(wider), training=False)
    return {
        "backend": keras.backend.backend(),
        "weights_are_jax_arrays": all(isinstance(v.value, jax.Array) for v in run.model.weights),
        "outputs_are_jax_arrays": isinstance(probabilities, jax.Array),
        "labels": list(run.assets.labels),
        "probabilities": np.asarray(probabilities, dtype=np.float64).tolist(),
        "padded_probabilities": np.asarray(padded, dtype=np.float64).tolist(),
    }


def main(directory):
    from tests.scale.recipe import tiny_recipe
    from seqkit.tasks.registry import TASKS

    directory = pathlib.Path(directory)
    recipe = tiny_recipe(directory, epochs=1)
    run, serve = directory / "run", directory / "serve"
    (directory / "in.csv").write_text("text\n" + "\n".join(f'"{t}"' for t in SCORED) + "\n")
    report = {"fit": _cli(["fit", recipe, "--run-dir", run, "--jit-compile"])}
    report["export"] = _cli(["export", run, "--out", serve])
    report["evaluate"] = _cli(["evaluate", run, "--data", f"test={directory / 'valid.csv'}"])
    report["predict"] = _cli(["predict", run, TEXTS[0]])
    report["score_run"] = _cli(["score", run, directory / "in.csv", "--out", directory / "scored_run.csv"])
    report["score_export"] = _cli(["score", serve, directory / "in.csv", "--out", directory / "scored_export.csv"])
    tf_config = json.dumps({"cluster": {"worker": ["localhost:1", "localhost:2"]}, "task": {"type": "worker", "index": 0}})
    report["mirrored"] = _cli(["fit", recipe, "--run-dir", directory / "mirrored", "--strategy", "mirrored"])
    report["multi_worker"] = _cli(["fit", recipe, "--run-dir", directory / "multi", "--strategy", "multi-worker"],
                                  env={"TF_CONFIG": tf_config})
    refused = [name for name, cls in sorted(TASKS.items()) if "jax" not in cls.backends]
    if refused:
        (directory / refused[0]).mkdir()
        text, _ = TASKS[refused[0]].contract_recipe(directory / refused[0])
        (directory / refused[0] / "recipe.yaml").write_text(text)
        report["refused_task"] = {"task": refused[0], **_cli(
            ["fit", directory / refused[0] / "recipe.yaml", "--run-dir", directory / refused[0] / "run"])}
    report["metrics"] = json.loads((run / "metrics.json").read_text())
    report["reference"] = _reference(run)
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1])
