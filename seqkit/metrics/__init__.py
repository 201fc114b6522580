"""Evaluation metrics in NumPy: classification (`classification.py`), forecasting (`forecasting.py`)."""

from seqkit.metrics.classification import accuracy
from seqkit.metrics.classification import classification_report
from seqkit.metrics.classification import confusion_matrix
from seqkit.metrics.classification import format_report
from seqkit.metrics.classification import precision_recall_f1
from seqkit.metrics.classification import roc_auc
