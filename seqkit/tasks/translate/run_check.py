"""`translate_run`: the check that a run directory holds a translate run."""

from seqkit.errors import RunDirError


def translate_run(run, command):
    """Returns `run` when its task is translate; RunDirError naming the task otherwise."""
    if run.task.name != "translate":
        raise RunDirError(
            f"`seqkit {command}` needs a run of task translate; {run.path} is a "
            f"'{run.task.name}' run"
        )
    return run
