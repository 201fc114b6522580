"""Classify evaluation: the classification report over a split, its summary line."""

import pathlib

import numpy as np

from seqkit import metrics
from seqkit import plots


def report(model, labels, dataset, plots_dir=None, title="validation"):
    """`metrics.classification_report` (+ "loss") of `model` over batches of
    (ids, one-hot labels); a confusion-matrix PNG goes to `plots_dir`."""
    probabilities, truth = [], []
    for ids, one_hot in dataset:
        probabilities.append(np.asarray(model(ids, training=False)))
        truth.append(np.argmax(one_hot.numpy(), axis=-1))
    probabilities = np.concatenate(probabilities) if probabilities else np.zeros((0, len(labels)))
    truth = np.concatenate(truth) if truth else np.zeros((0,), np.int64)
    result = metrics.classification_report(truth, probabilities, labels)
    if len(truth):
        picked = np.clip(probabilities[np.arange(len(truth)), truth], 1e-7, 1.0)
        result["loss"] = float(-np.mean(np.log(picked)))
    if plots_dir is not None:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in title)
        plots.plot_confusion_matrix(
            result["confusion_matrix"], labels, pathlib.Path(plots_dir) / f"confusion_{safe}.png",
            title=f"confusion matrix: {title}",
        )
    return result


def summarize(result):
    """"accuracy 0.9100, macro F1 0.9087, ROC AUC 0.9650 (200 examples)"."""
    auc = result.get("roc_auc")
    auc_text = f", ROC AUC {auc:.4f}" if auc is not None else ""
    return (
        f"accuracy {result['accuracy']:.4f}, macro F1 {result['macro_f1']:.4f}"
        f"{auc_text} ({result['examples']} examples)"
    )
