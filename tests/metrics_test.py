"""seqkit.metrics against scikit-learn on random data."""

import numpy as np
import pytest
from sklearn import metrics as skm

from seqkit import metrics


@pytest.mark.parametrize("num_classes,seed", [(2, 0), (3, 1), (5, 2)])
def test_report_matches_sklearn(num_classes, seed):
    rng = np.random.default_rng(seed)
    n = 300
    y_true = rng.integers(0, num_classes, size=n)
    logits = rng.normal(size=(n, num_classes))
    logits[np.arange(n), y_true] += 1.0  # better than chance
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y_pred = probabilities.argmax(axis=1)
    labels = [f"c{i}" for i in range(num_classes)]

    report = metrics.classification_report(y_true, probabilities, labels)

    assert report["accuracy"] == pytest.approx(skm.accuracy_score(y_true, y_pred))
    p, r, f, s = skm.precision_recall_fscore_support(
        y_true, y_pred, labels=list(range(num_classes)), zero_division=0
    )
    for i, name in enumerate(labels):
        assert report["per_class"][name]["precision"] == pytest.approx(p[i])
        assert report["per_class"][name]["recall"] == pytest.approx(r[i])
        assert report["per_class"][name]["f1"] == pytest.approx(f[i])
        assert report["per_class"][name]["support"] == s[i]
    assert report["macro_precision"] == pytest.approx(p.mean())
    assert report["macro_f1"] == pytest.approx(
        skm.f1_score(y_true, y_pred, average="macro", zero_division=0)
    )
    assert report["confusion_matrix"] == skm.confusion_matrix(
        y_true, y_pred, labels=list(range(num_classes))
    ).tolist()
    if num_classes == 2:
        assert report["roc_auc"] == pytest.approx(skm.roc_auc_score(y_true, probabilities[:, 1]))
    else:
        assert report["roc_auc"] is None


def test_roc_auc_with_ties_matches_sklearn():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, size=200)
    scores = rng.integers(0, 5, size=200) / 4.0  # many ties
    assert metrics.roc_auc(y, scores) == pytest.approx(skm.roc_auc_score(y, scores))


def test_roc_auc_one_class_is_none():
    assert metrics.roc_auc([1, 1, 1], [0.1, 0.5, 0.9]) is None


def test_zero_division_is_zero_like_sklearn():
    # Class 2 is never predicted and never true.
    y_true = [0, 1, 1, 0]
    y_pred = [0, 1, 0, 0]
    p, r, f, s = metrics.precision_recall_f1(y_true, y_pred, 3)
    assert p.tolist() == pytest.approx([2 / 3, 1.0, 0.0])
    assert r.tolist() == pytest.approx([1.0, 0.5, 0.0])
    assert s.tolist() == [2, 2, 0]


def test_confusion_matrix_rejects_out_of_range():
    with pytest.raises(ValueError, match="outside"):
        metrics.confusion_matrix([0, 3], [0, 1], 2)


def test_format_report_mentions_every_class():
    report = metrics.classification_report([0, 1], np.array([[0.9, 0.1], [0.2, 0.8]]), ["neg", "pos"])
    text = metrics.format_report(report)
    assert "neg" in text and "pos" in text and "accuracy: 1.0000" in text and "ROC AUC" in text
