"""A run: `Run(path, config, task, model, assets)`, and loading one from its directory."""

import dataclasses
import pathlib
from typing import Any

import keras

import seqkit.layers  # noqa: F401  (registers seqkit's layers, so model.keras can name them)
from seqkit import config as config_lib
from seqkit.errors import ConfigError
from seqkit.errors import RunDirError
from seqkit.run_dir import RunDir
from seqkit.tasks import get_task


@dataclasses.dataclass
class Run:
    """A trained run.

    Attributes:
        path: `pathlib.Path` of the run directory (None for a run in memory).
        config: the resolved `seqkit.config.Config`.
        task: the task, bound to `config`.
        model: the `keras.Model` (best weights).
        assets: what the task learned from the data (its own type, e.g.
            `ClassifyAssets`); only the task reads it.
    """

    path: Any
    config: Any
    task: Any
    model: Any
    assets: Any


def _load_config(run):
    if not run.path.is_dir():
        raise RunDirError(
            f"run directory {run.path} does not exist. Train one with `seqkit fit CONFIG --run-dir {run.path}`"
        )
    if not run.config.is_file():
        raise RunDirError(
            f"{run.config} is missing: {run.path} is not a seqkit run directory. "
            "Point at the directory `seqkit fit` wrote (runs/<name>)"
        )
    try:
        return config_lib.load_config([run.config])
    except ConfigError as error:
        raise RunDirError(f"{run.config} is corrupt ({error}). Train the run again with --overwrite") from error


def load_run(run_dir):
    """Loads a trained run: its config, task, assets and model.

    Raises:
        RunDirError: the directory, its config.yaml, assets or model.keras is
            missing or unreadable; the message names the piece and the fix.
        ConfigError: the run's task does not run on this Keras backend.
    """
    run = RunDir(run_dir)
    config = _load_config(run)
    if not run.model.is_file():
        raise RunDirError(
            f"{run.model} is missing: training did not finish. "
            f"Continue it with `seqkit fit {run.config} --run-dir {run.path} --resume`"
        )
    task = get_task(config)
    task.check_backend()  # the model loads on the Keras backend this process runs
    assets = task.load_assets(run.assets)
    try:
        model = keras.saving.load_model(str(run.model), compile=False)
    except Exception as error:  # a truncated or foreign file, or an older layout
        first = str(error).splitlines()[0] if str(error) else ""
        raise RunDirError(
            f"cannot load {run.model} ({type(error).__name__}: {first}). The file is corrupt, "
            "or an older seqkit saved it with layers whose weights have changed since; train "
            "the run again with --overwrite"
        ) from error
    return Run(path=pathlib.Path(run.path), config=config, task=task, model=model, assets=assets)
