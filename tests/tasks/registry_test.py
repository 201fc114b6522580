"""The task registry: an explicit dict, errors that list the choices."""

import pytest

from seqkit.errors import ConfigError
from seqkit.tasks import TASKS
from seqkit.tasks import ClassifyTask
from seqkit.tasks import Task
from seqkit.tasks import get_task


def test_registry_maps_names_to_task_classes():
    assert TASKS == {"classify": ClassifyTask}
    assert isinstance(get_task("classify"), ClassifyTask)
    assert issubclass(ClassifyTask, Task)


def test_unknown_task_lists_the_valid_ones():
    with pytest.raises(ConfigError, match="unknown task 'nope'. Valid tasks: classify"):
        get_task("nope")


def test_every_task_declares_its_sections():
    for cls in TASKS.values():
        assert {"data", "model", "train", "export"} <= set(cls.sections)
