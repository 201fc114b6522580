"""Metrics computed in NumPy over a whole split, one file per family.

`classification`: confusion matrix, accuracy, precision / recall / F1, ROC AUC,
`classification_report` and `format_report`. `sequence`: sacreBLEU, chrF, exact
match and BLEU by source length (through sacrebleu itself). Task branches add
`forecasting.py` (MAE / RMSE / sMAPE / MASE), ...
"""

from seqkit.metrics.classification import accuracy
from seqkit.metrics.classification import classification_report
from seqkit.metrics.classification import confusion_matrix
from seqkit.metrics.classification import format_report
from seqkit.metrics.classification import precision_recall_f1
from seqkit.metrics.classification import roc_auc
