"""A tiny classify recipe for the scale-out tests, and a way to run seqkit in
a subprocess (a strategy, a device split or a `kill -9` needs its own process)."""

import os
import pathlib
import subprocess
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORDS = {"pos": ["good", "great", "fun"], "neg": ["bad", "dull", "slow"]}


def tiny_recipe(directory, rows=64, epochs=2, extra="", batch_size=8, data="validation_split: 0.25"):
    """Writes train.csv (and valid.csv) and tiny.yaml (an LSTM classifier) under `directory`."""
    directory = pathlib.Path(directory)
    rng = np.random.default_rng(0)
    lines = ["text,label"]
    for _ in range(rows):
        label = rng.choice(["pos", "neg"])
        lines.append(f"the film was {rng.choice(WORDS[label])},{label}")
    (directory / "train.csv").write_text("\n".join(lines) + "\n")
    (directory / "valid.csv").write_text("\n".join(lines[:17]) + "\n")
    recipe = directory / "tiny.yaml"
    recipe.write_text(
        "task: classify\nname: tiny\n"
        f"data: {{train: train.csv, {data}}}\n"
        "tokenizer: {max_length: 6}\n"
        "model: {encoder: lstm, embedding_dim: 8, units: 4, dropout: 0.0}\n"
        f"train: {{epochs: {epochs}, batch_size: {batch_size}, learning_rate: 0.05, early_stopping_patience: null{extra}}}\n"
    )
    return recipe


def environment(**extra):
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="")
    env.pop("TF_CONFIG", None)
    env.update(extra)
    return env


def seqkit(*args, cpu_devices=1, env=None, cwd=ROOT, **popen):
    """Starts `seqkit ARGS` in `cwd` (with the CPU split into `cpu_devices`
    logical devices); returns the Popen."""
    command = [sys.executable, "-m", "tests.scale.cpu_devices", str(cpu_devices), *map(str, args)]
    return subprocess.Popen(command, cwd=cwd, env=env if env is not None else environment(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **popen)


def finish(process, timeout=600):
    output, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, output[-3000:]
    return output
