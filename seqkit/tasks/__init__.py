"""Applications: one file per task type, and `registry.py`, the explicit catalog.

A task knows how to turn a config into preprocessing (tokenizer, label list),
datasets, a Keras model, metrics, a serving function and score columns; the
runner (`seqkit.runner`) drives it.
"""

from seqkit.tasks.base import Task
from seqkit.tasks.classify import ClassifyTask
from seqkit.tasks.registry import TASKS
from seqkit.tasks.registry import get_task
from seqkit.tasks.registry import get_task_class
