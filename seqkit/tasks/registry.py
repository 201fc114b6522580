"""The task catalog: an explicit dict from the `task:` name in a pipeline to its class."""

from seqkit.errors import ConfigError
from seqkit.tasks.classify import ClassifyTask

TASKS = {
    "classify": ClassifyTask,
}


def get_task_class(name):
    """Returns the task class registered under `name`; ConfigError lists the valid ones."""
    try:
        return TASKS[name]
    except (KeyError, TypeError):
        raise ConfigError(
            f"unknown task {name!r}. Valid tasks: {', '.join(TASKS)}"
        ) from None


def get_task(name):
    """Returns a new instance of the task registered under `name`."""
    return get_task_class(name)()
