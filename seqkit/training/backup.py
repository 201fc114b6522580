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
consistent pair.
"""

import json
import os
import pathlib

import keras

from seqkit.run_dir import write_text

METADATA = "training_metadata.json"
KERAS_WEIGHTS = "latest.weights.h5"


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
        write_text(
            self.directory / METADATA,
            json.dumps({"epoch": epoch, "batch": done, "steps_done": done, "step": self.step, "weights": name})
            + "\n",
        )
        for old in self.directory.iterdir():
            if old.name not in (name, METADATA):
                old.unlink()
