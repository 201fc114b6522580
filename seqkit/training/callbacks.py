"""The callbacks every training run gets: backup for --resume, best weights,
history.csv, TensorBoard, early stopping, and the weight average swap."""

import importlib.util
import math

import keras

from seqkit.errors import TrainingError
from seqkit.training import optimizer
from seqkit.training.backup import StepBackup
from seqkit.training.history import read_history
from seqkit.training.history import write_history


class HistoryWriter(keras.callbacks.Callback):
    """Rewrites history.csv atomically after every epoch (one row per epoch)."""

    def __init__(self, path, rows):
        super().__init__()
        self.path = path
        self.rows = list(rows)

    def on_epoch_end(self, epoch, logs=None):
        self.rows = [r for r in self.rows if int(r["epoch"]) < epoch]
        row = {"epoch": epoch}
        row.update({k: float(v) for k, v in (logs or {}).items()})
        self.rows.append(row)
        write_history(self.path, self.rows)


class StopOnNonFiniteLoss(keras.callbacks.Callback):
    """Stops training with a `TrainingError` as soon as a loss is NaN or infinite.

    It runs before every other callback, so the epoch that went wrong is
    neither backed up nor checkpointed: the last good backup (for --resume)
    and the best weights stay as they were, and `fit` saves no model.
    """

    def __init__(self):
        super().__init__()
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self._check(logs, f"epoch {self.epoch + 1}, step {batch + 1}", ("loss",))

    def on_epoch_end(self, epoch, logs=None):
        self._check(logs, f"the end of epoch {epoch + 1}", ("loss", "val_loss"))

    @staticmethod
    def _check(logs, where, keys):
        for key in keys:
            value = (logs or {}).get(key)
            if value is not None and not math.isfinite(float(value)):
                raise TrainingError(
                    f"training stopped: {key} became {float(value)} at {where}; the last good "
                    "checkpoint and the best model are kept. Lower train.learning_rate or set "
                    "train.clipnorm, then continue with --resume or train again with --overwrite"
                )


class ResumedLearningRate(keras.callbacks.Callback):
    """Sets the optimizer's constant learning rate to `train.learning_rate` once the backup is restored.

    The backup holds the optimizer's variables, the learning rate among them,
    so without this a resumed run would keep the rate it was interrupted with
    and `--resume --set train.learning_rate=...` would change nothing. Only
    for a constant rate: a schedule is rebuilt from the configuration anyway
    and holds no variable.
    """

    def __init__(self, learning_rate):
        super().__init__()
        self.learning_rate = learning_rate

    def on_train_begin(self, logs=None):
        self.model.optimizer.learning_rate = self.learning_rate


class EpochStart(keras.callbacks.Callback):
    """Remembers the first epoch this call of `fit` ran (after a resume: > 0)."""

    def __init__(self):
        super().__init__()
        self.first = None

    def on_epoch_begin(self, epoch, logs=None):
        if self.first is None:
            self.first = epoch


def _best_so_far(rows, monitor, mode):
    previous = [float(r[monitor]) for r in rows if r.get(monitor) not in (None, "")]
    if not previous:
        return None
    return max(previous) if mode == "max" else min(previous)


def standard_callbacks(run, train, monitor, mode, resume, step=0, steps_per_epoch=None):
    """The run directory's callbacks, in the order they must run.

    Args:
        run: a `seqkit.run_dir.RunDir`.
        train: the `TrainConfig`.
        monitor: the metric best weights and early stopping follow.
        mode: "min" or "max", the direction `monitor` improves.
        resume: keep history.csv's rows and the best value so far, and
            restore the backup.
        step / steps_per_epoch: the optimizer steps taken before this `fit`
            call; the batches of an epoch (None when unknown).
    """
    rows = read_history(run.history) if resume else []
    callbacks = [
        StopOnNonFiniteLoss(),  # first: a bad epoch reaches no backup or checkpoint
        StepBackup(run.backup, save_steps=train.backup_steps, restore=resume, step=step,
                   steps_per_epoch=steps_per_epoch),
    ]
    if resume and optimizer.is_constant(train):
        callbacks.append(ResumedLearningRate(train.learning_rate))  # after the restore above
    if train.ema_momentum is not None:
        # Validation runs on the averaged weights; at each epoch end they are
        # swapped into the model (after the backup above has saved the raw
        # ones, so a resumed run continues from those) for the checkpoint
        # below, and swapped back when the next epoch begins.
        callbacks.append(keras.callbacks.SwapEMAWeights(swap_on_epoch=True))
    callbacks += [
        keras.callbacks.ModelCheckpoint(
            str(run.best_weights), monitor=monitor, mode=mode, save_best_only=True,
            save_weights_only=True, initial_value_threshold=_best_so_far(rows, monitor, mode), verbose=0,
        ),
        HistoryWriter(run.history, rows),
    ]
    if importlib.util.find_spec("tensorboard") is not None:  # tf.summary's writer needs it
        callbacks.append(keras.callbacks.TensorBoard(log_dir=str(run.logs), write_graph=False))
    if train.early_stopping_patience is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(monitor=monitor, mode=mode, patience=train.early_stopping_patience)
        )
    return callbacks
