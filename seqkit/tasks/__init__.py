"""Applications: one package per task type, and `registry.py`, the explicit catalog.

A task is bound to its config (`ClassifyTask(config)`) and turns it into
assets (tokenizer, label list, ...), datasets, a Keras model, metrics, a
serving module and its serving spec; the runner (`seqkit.runner`) drives it.
"""

from seqkit.tasks.base import Batches
from seqkit.tasks.base import Task
from seqkit.tasks.classify import ClassifyTask
from seqkit.tasks.registry import TASKS
from seqkit.tasks.registry import get_task
from seqkit.tasks.registry import get_task_class
