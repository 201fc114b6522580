"""The generate task's report: held-out cross-entropy, perplexity, bits per char,
next-token accuracy, sampled texts per strategy and (ABC) their music21 validity."""

import math
import pathlib

import numpy as np
import tensorflow as tf

from seqkit import plots
from seqkit.run_dir import RunDir
from seqkit.run_dir import atomic_write
from seqkit.training.history import history_columns
from seqkit.training.history import read_history

SAMPLES_DIR = "samples"


def token_metrics(model, dataset):
    """Cross-entropy (nats per predicted token) and top-1 / top-5 accuracy over windows."""

    @tf.function
    def measure(x, y):
        logits = tf.cast(model(x, training=False), tf.float32)
        nll = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
        flat_logits = tf.reshape(logits, [-1, tf.shape(logits)[-1]])
        flat_y = tf.reshape(y, [-1])
        top1 = tf.math.in_top_k(flat_y, flat_logits, 1)
        top5 = tf.math.in_top_k(flat_y, flat_logits, min(5, int(logits.shape[-1])))
        count = tf.cast(tf.size(y), tf.float64)
        return (tf.reduce_sum(tf.cast(nll, tf.float64)), count,
                tf.reduce_sum(tf.cast(top1, tf.float64)), tf.reduce_sum(tf.cast(top5, tf.float64)))

    totals = np.zeros(4)
    for x, y in dataset:
        totals += np.array([float(v) for v in measure(x, y)])
    nll, count, top1, top5 = totals
    cross_entropy = nll / count
    return {
        "tokens": int(count),
        "cross_entropy": cross_entropy,
        "perplexity": math.exp(min(cross_entropy, 700.0)),
        "bits_per_token": cross_entropy / math.log(2),
        "top1_accuracy": top1 / count,
        "top5_accuracy": top5 / count,
    }


def write_samples(texts, path, separator):
    with atomic_write(path) as f:
        f.write(separator.join(t.strip("\n") for t in texts) + "\n")


def report(run, batches, plots_dir, title, sample):
    """The task's report for `seqkit evaluate` / fit (see the module docstring).

    Args:
        run: the `Run`.
        batches: `Batches` of held-out windows.
        plots_dir: where the loss curve goes (None: no plot).
        title: the split's name (files are named after it).
        sample: `sample(strategy, n) -> list of str`, texts generated from
            nothing with one strategy.
    """
    config = run.config
    result = token_metrics(run.model, batches.dataset)
    abc = config.tokenizer.kind == "char"
    if abc:
        result["bits_per_char"] = result["bits_per_token"]
    decoding = config.decoding
    samples_dir = RunDir(run.path).path / SAMPLES_DIR
    separator = "\n\n" if config.data.corpus is not None or _is_abc(config) else "\n"
    result["samples"] = {}
    result["validity"] = {}
    for strategy in decoding.evaluate_strategies:
        texts = sample(strategy, decoding.num_samples)
        samples_dir.mkdir(parents=True, exist_ok=True)
        path = samples_dir / f"{title}_{strategy}.txt"
        write_samples(texts, path, separator)
        result["samples"][strategy] = str(path)
        if decoding.validity:
            from seqkit.tasks.generate.music import validity_report

            result["validity"][strategy] = {
                "temperature": decoding.temperature,
                "distinct": len(set(texts)),  # greedy from one prompt repeats one tune
                **validity_report(texts),
            }
    if plots_dir is not None and RunDir(run.path).history.is_file():
        history = history_columns(read_history(RunDir(run.path).history))
        loss = {k: v for k, v in history.items() if k in ("loss", "val_loss")}
        if loss:
            plots.plot_history(loss, pathlib.Path(plots_dir) / "loss_curve.png")
    return result


def _is_abc(config):
    path = config.data.train
    return path is not None and config.data.format_of(path) == "abc"


def summarize(report):
    """One line: perplexity, bits, accuracy, validity per strategy."""
    parts = [f"cross-entropy {report['cross_entropy']:.4f}", f"perplexity {report['perplexity']:.3f}"]
    if "bits_per_char" in report:
        parts.append(f"bits/char {report['bits_per_char']:.4f}")
    parts.append(f"top-1 {report['top1_accuracy']:.4f}")
    parts.append(f"top-5 {report['top5_accuracy']:.4f}")
    for strategy, validity in report.get("validity", {}).items():
        parts.append(f"valid tunes ({strategy}) {validity['valid']:.2f} of {validity['tunes']}")
    return ", ".join(parts)
