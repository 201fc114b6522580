"""The task catalog: an explicit dict from the `task:` name in a pipeline to its class.

A new task joins by adding its class here (and `contract_recipe`, so the task
contract test runs it). `seqkit.config` resolves `task:` through
`get_task_class`, importing this module at call time, never at import time.
"""

from seqkit.errors import ConfigError
from seqkit.tasks.classify import ClassifyTask
from seqkit.tasks.forecast import ForecastTask
from seqkit.tasks.translate import TranslateTask

TASKS = {
    "classify": ClassifyTask,
    "translate": TranslateTask,
    "forecast": ForecastTask,
}


def get_task_class(name):
    """Returns the task class registered under `name`; ConfigError lists the valid ones."""
    try:
        return TASKS[name]
    except (KeyError, TypeError):
        raise ConfigError(f"unknown task {name!r}. Valid tasks: {', '.join(TASKS)}") from None


def get_task(config):
    """Returns the task registered under `config.task`, bound to `config`."""
    return get_task_class(config.task)(config)
