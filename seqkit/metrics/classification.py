"""Classification metrics in NumPy: accuracy, per-class precision / recall / F1,
macro averages, ROC AUC for two classes, and the confusion matrix.

Labels are class indices `0 .. num_classes-1`; `classification_report` names
them. Conventions follow scikit-learn's (checked against it in
tests/metrics_test.py): a precision or recall with a zero denominator is 0, and
the macro average is the unweighted mean over all classes.
"""

import numpy as np


def confusion_matrix(y_true, y_pred, num_classes):
    """Counts [true class, predicted class] pairs.

    >>> confusion_matrix([0, 1, 1], [0, 0, 1], 2).tolist()
    [[1, 0], [1, 1]]

    Returns:
        int64 array [num_classes, num_classes]; rows are true classes.
    """
    y_true = np.asarray(y_true, dtype=np.int64).reshape(-1)
    y_pred = np.asarray(y_pred, dtype=np.int64).reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred differ in length. Received: {y_true.shape[0]} and {y_pred.shape[0]}"
        )
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        if values.size and (values.min() < 0 or values.max() >= num_classes):
            raise ValueError(
                f"{name} holds a class index outside [0, {num_classes}). "
                f"Received: min={values.min()}, max={values.max()}"
            )
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def accuracy(y_true, y_pred):
    """Fraction of predictions equal to the true class (0.0 for no examples)."""
    y_true = np.asarray(y_true).reshape(-1)
    y_pred = np.asarray(y_pred).reshape(-1)
    if y_true.size == 0:
        return 0.0
    return float(np.mean(y_true == y_pred))


def _safe_divide(numerator, denominator):
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    out = np.zeros_like(numerator)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def precision_recall_f1(y_true, y_pred, num_classes):
    """Per-class precision, recall, F1 and support (arrays of length num_classes)."""
    matrix = confusion_matrix(y_true, y_pred, num_classes)
    true_positive = np.diag(matrix).astype(np.float64)
    predicted = matrix.sum(axis=0)
    support = matrix.sum(axis=1)
    precision = _safe_divide(true_positive, predicted)
    recall = _safe_divide(true_positive, support)
    f1 = _safe_divide(2 * precision * recall, precision + recall)
    return precision, recall, f1, support


def roc_auc(y_true, scores):
    """Area under the ROC curve for binary labels (1 = positive) and scores.

    Computed as the Mann-Whitney U statistic: the probability that a random
    positive scores higher than a random negative, ties counting one half.

    >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75

    Returns:
        float, or None when only one class is present (AUC is undefined).
    """
    y_true = np.asarray(y_true).reshape(-1).astype(bool)
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    if y_true.shape != scores.shape:
        raise ValueError(
            f"y_true and scores differ in length. Received: {y_true.shape[0]} and {scores.shape[0]}"
        )
    num_positive = int(y_true.sum())
    num_negative = int(y_true.size - num_positive)
    if num_positive == 0 or num_negative == 0:
        return None
    # Average ranks (1-based) with ties sharing the mean of their ranks.
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    ranks = np.empty(scores.size, dtype=np.float64)
    start = 0
    while start < scores.size:
        end = start
        while end + 1 < scores.size and sorted_scores[end + 1] == sorted_scores[start]:
            end += 1
        ranks[order[start : end + 1]] = (start + end) / 2.0 + 1.0
        start = end + 1
    positive_rank_sum = ranks[y_true].sum()
    u = positive_rank_sum - num_positive * (num_positive + 1) / 2.0
    return float(u / (num_positive * num_negative))


def classification_report(y_true, probabilities, labels):
    """All classification metrics as a JSON-able dict.

    Args:
        y_true: int array [N], true class indices.
        probabilities: float array [N, C], predicted class probabilities.
        labels: list of C class names, in index order.

    Returns:
        dict with "examples", "accuracy", "macro_precision", "macro_recall",
        "macro_f1", "per_class" ({name: {precision, recall, f1, support}}),
        "roc_auc" (two classes only, the second class counted as positive;
        None otherwise or when one class is absent), "labels" and
        "confusion_matrix" (nested lists, rows = true classes).
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    num_classes = len(labels)
    if probabilities.ndim != 2 or probabilities.shape[1] != num_classes:
        raise ValueError(
            f"probabilities must have shape [N, {num_classes}]. Received: {probabilities.shape}"
        )
    y_true = np.asarray(y_true, dtype=np.int64).reshape(-1)
    y_pred = probabilities.argmax(axis=1) if len(probabilities) else np.zeros(0, np.int64)
    precision, recall, f1, support = precision_recall_f1(y_true, y_pred, num_classes)
    report = {
        "examples": int(y_true.size),
        "accuracy": accuracy(y_true, y_pred),
        "macro_precision": float(precision.mean()),
        "macro_recall": float(recall.mean()),
        "macro_f1": float(f1.mean()),
        "per_class": {
            name: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, name in enumerate(labels)
        },
        "roc_auc": roc_auc(y_true == 1, probabilities[:, 1]) if num_classes == 2 else None,
        "labels": list(labels),
        "confusion_matrix": confusion_matrix(y_true, y_pred, num_classes).tolist(),
    }
    return report


def format_report(report):
    """A plain-text table of a `classification_report` dict, for the terminal."""
    names = report["labels"]
    width = max([len("macro avg")] + [len(n) for n in names])
    lines = [f"{'':{width}}  precision  recall     f1  support"]
    for name in names:
        row = report["per_class"][name]
        lines.append(
            f"{name:{width}}  {row['precision']:9.4f}  {row['recall']:6.4f}  "
            f"{row['f1']:5.4f}  {row['support']:7d}"
        )
    lines.append(
        f"{'macro avg':{width}}  {report['macro_precision']:9.4f}  "
        f"{report['macro_recall']:6.4f}  {report['macro_f1']:5.4f}  {report['examples']:7d}"
    )
    lines.append(f"accuracy: {report['accuracy']:.4f} on {report['examples']} examples")
    if report.get("roc_auc") is not None:
        lines.append(f"ROC AUC ({names[1]} as positive): {report['roc_auc']:.4f}")
    return "\n".join(lines)
