"""`StepBackup`: the checkpoint `--resume` continues from, saved every few steps.

Keras' `BackupAndRestore` restores the epoch but restarts it from its first
batch; this backup also records how many steps of the epoch were done, so
`Trainer.fit` skips exactly those batches and a resumed run takes the same
steps as an uninterrupted one.

Files in the backup directory: `<global step>.weights.h5` (model and
optimizer state) and `training_metadata.json` naming it with the epoch and
the steps done in it (Keras' own backups, without `steps_done`, resume at
the start of their epoch). Each file is written under a temporary name and
renamed, the JSON last, so a `kill -9` at any moment leaves the previous
consistent pair. The pair before the last is kept too (`training_metadata.json.bkp`
naming its weights file): `find_backup` picks the newest pair that reads whole, so a
resume falls back to the previous one when the last is corrupt, and `restore_backup`
checks that it fits the model before anything in the run directory changes. Keras'
own `BackupAndRestore` files (`latest.weights.h5` and their `.bkp` twins) read the
same way.
"""

import dataclasses
import json
import os
import pathlib
import shutil
import tempfile

import keras

from seqkit.errors import RunDirError
from seqkit.run_dir import atomic_path
from seqkit.run_dir import write_text

METADATA = "training_metadata.json"
KERAS_WEIGHTS = "latest.weights.h5"
WEIGHTS = KERAS_WEIGHTS
PREVIOUS = ".bkp"


def read_backup(directory):
    """The last backup as a dict (`epoch`, `steps_done` in it, `step`: the
    optimizer steps taken, or None in a Keras backup; `weights`: path), or None."""
    path = pathlib.Path(directory) / METADATA
    if not path.is_file():
        return None
    meta = json.loads(path.read_text(encoding="utf-8"))
    return {
        "epoch": int(meta["epoch"]),
        "steps_done": int(meta.get("steps_done", 0)),
        "step": meta.get("step"),
        "weights": pathlib.Path(directory) / meta.get("weights", KERAS_WEIGHTS),
    }


class StepBackup(keras.callbacks.Callback):
    """Saves the model and optimizer every `save_steps` optimizer steps and at
    each epoch end; restores the last backup when training begins (`restore`).

    Args:
        directory: the backup directory.
        save_steps: int or None (only at epoch ends).
        restore: load the last backup in `on_train_begin`.
        step: the optimizer steps taken before this `fit` call.
        steps_per_epoch: int or None; turns `step` into (epoch, steps done).
    """

    def __init__(self, directory, save_steps=None, restore=False, step=0, steps_per_epoch=None):
        super().__init__()
        self.directory = pathlib.Path(directory)
        self.save_steps = save_steps
        self.restore = restore
        self.step = step
        self.steps_per_epoch = steps_per_epoch
        self.epoch = 0

    def on_train_begin(self, logs=None):
        backup = read_backup(self.directory) if self.restore else None
        if backup is not None:
            self.model.load_weights(str(backup["weights"]))

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.save_steps and self.step % self.save_steps == 0:
            self._save(self.epoch)

    def on_epoch_end(self, epoch, logs=None):
        self._save(epoch + 1)

    def _save(self, epoch):
        if self.steps_per_epoch:
            epoch, done = divmod(self.step, self.steps_per_epoch)
        else:
            done = 0  # epoch ends only
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{self.step}.weights.h5"
        tmp = self.directory / f".partial-{name}"  # save_weights insists on the .weights.h5 suffix
        self.model.save_weights(str(tmp))
        os.replace(tmp, self.directory / name)
        latest = self.directory / METADATA
        if latest.is_file():  # the last pair becomes the previous one
            os.replace(latest, self.directory / (METADATA + PREVIOUS))
        write_text(
            latest,
            json.dumps({"epoch": epoch, "batch": done, "steps_done": done, "step": self.step, "weights": name})
            + "\n",
        )
        keep = {name, METADATA, METADATA + PREVIOUS, _weights_name(self.directory / (METADATA + PREVIOUS))}
        for old in self.directory.iterdir():
            if old.name not in keep:
                old.unlink()


def _weights_name(metadata):
    try:
        return json.loads(metadata.read_text(encoding="utf-8")).get("weights")
    except (OSError, ValueError, AttributeError):
        return None


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
        (backup_dir / (_weights_name(backup_dir / METADATA) or WEIGHTS), backup_dir / METADATA, False),
        (
            backup_dir / (_weights_name(backup_dir / (METADATA + PREVIOUS)) or WEIGHTS + PREVIOUS),
            backup_dir / (METADATA + PREVIOUS),
            True,
        ),
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
        pairs = [(backup.metadata, METADATA)]
        if backup.weights.name == WEIGHTS + PREVIOUS:  # Keras' layout: the weights have a fixed name
            pairs.insert(0, (backup.weights, WEIGHTS))
        for source, name in pairs:
            with atomic_path(directory / name) as tmp:
                shutil.copyfile(source, tmp)
