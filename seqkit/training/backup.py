"""The `--resume` backup: checking the saved training state before a resumed run changes anything.

Keras' `BackupAndRestore` (double_checkpoint) keeps two training states in
`checkpoints/backup/`: the last epoch's (`latest.weights.h5` with
`training_metadata.json`) and the one before it (the same names plus
`.bkp`). `find_backup` picks the newest state that reads whole, so a resume
falls back to the previous one when the last is corrupt (a crash while it
was written); `restore_backup` checks that it fits the model and makes it
the state Keras loads.
"""

import dataclasses
import json
import pathlib
import shutil
import tempfile

from seqkit.errors import RunDirError
from seqkit.run_dir import atomic_path

WEIGHTS = "latest.weights.h5"
METADATA = "training_metadata.json"
PREVIOUS = ".bkp"


@dataclasses.dataclass(frozen=True)
class Backup:
    """A readable training state: its files, the epochs it completed, and whether it is the previous one."""

    weights: pathlib.Path
    metadata: pathlib.Path
    epoch: int
    previous: bool


def find_backup(backup_dir):
    """The newest training state in `backup_dir` that reads whole.

    Raises:
        RunDirError: there is no state at all (the checkpoints were removed:
            a resume would silently start again from epoch 1), or every
            state is corrupt. Nothing is changed.
    """
    backup_dir = pathlib.Path(backup_dir)
    states = [
        (backup_dir / WEIGHTS, backup_dir / METADATA, False),
        (backup_dir / (WEIGHTS + PREVIOUS), backup_dir / (METADATA + PREVIOUS), True),
    ]
    if not any(weights.is_file() for weights, _, _ in states):
        raise RunDirError(
            f"cannot resume: there is no checkpoint in {backup_dir} (missing or removed), so "
            "training would start again from epoch 1. Train the run again with --overwrite"
        )
    problems = []
    for weights, metadata, previous in states:
        if not weights.is_file():
            continue
        try:
            return Backup(weights, metadata, _readable_epoch(weights, metadata), previous)
        except ValueError as error:
            problems.append(f"{weights.name}: {error}")
    raise RunDirError(
        f"cannot resume: every checkpoint in {backup_dir} is corrupt ({'; '.join(problems)}). "
        "Train the run again with --overwrite"
    )


def _readable_epoch(weights, metadata):
    import h5py

    try:
        with h5py.File(weights, "r") as f:
            f.visititems(lambda name, item: item[()] if isinstance(item, h5py.Dataset) else None)
    except (OSError, ValueError, KeyError, RuntimeError):
        raise ValueError("not a readable weights file") from None
    try:
        epoch = json.loads(metadata.read_text(encoding="utf-8"))["epoch"]
    except FileNotFoundError:
        raise ValueError(f"{metadata.name} is missing") from None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise ValueError(f"{metadata.name} is corrupt") from None
    if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 0:
        raise ValueError(f"{metadata.name} is corrupt")
    return epoch


def restore_backup(model, backup):
    """Checks that `backup` fits `model` (a built, compiled model) and makes it the state Keras loads.

    The previous state is copied over the corrupt latest one only here,
    after every check passed.

    Raises:
        RunDirError: the weights do not fit the model.
    """
    if model.optimizer is not None and not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            # Keras reads weights only from a name ending in ".weights.h5" (the previous state's ends in ".bkp").
            copy = pathlib.Path(scratch) / "check.weights.h5"
            shutil.copyfile(backup.weights, copy)
            model.load_weights(str(copy))
    except (OSError, ValueError, KeyError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise RunDirError(
            f"cannot resume: the checkpoint {backup.weights} does not fit the model ({reason[:200]}). "
            "Train the run again with --overwrite"
        ) from None
    if backup.previous:
        directory = backup.weights.parent
        for source, name in ((backup.weights, WEIGHTS), (backup.metadata, METADATA)):
            with atomic_path(directory / name) as tmp:
                shutil.copyfile(source, tmp)
