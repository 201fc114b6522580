"""The task registry: an explicit dict, errors that list the choices."""

import types

import pytest

from seqkit.errors import ConfigError
from seqkit.tasks import TASKS
from seqkit.tasks import ClassifyTask
from seqkit.tasks import Task
from seqkit.tasks import get_task
from seqkit.tasks import get_task_class
from seqkit.tasks.translate import TranslateTask


def test_registry_maps_names_to_task_classes():
    assert TASKS["classify"] is ClassifyTask
    assert TASKS["translate"] is TranslateTask
    assert TASKS["forecast"].__name__ == "ForecastTask"
    assert get_task_class("classify") is ClassifyTask
    config = types.SimpleNamespace(task="classify")
    task = get_task(config)
    assert isinstance(task, ClassifyTask) and task.config is config
    assert issubclass(ClassifyTask, Task)


def test_unknown_task_lists_the_valid_ones():
    with pytest.raises(ConfigError, match="unknown task 'nope'. Valid tasks: classify"):
        get_task_class("nope")


def test_every_task_declares_its_sections():
    for cls in TASKS.values():
        assert {"data", "model", "train", "export"} <= set(cls.sections)
        # Every task can be checked against train.monitor and joins the contract test.
        assert "val_loss" in cls.monitor_names()
        assert cls.contract_recipe is not Task.contract_recipe
