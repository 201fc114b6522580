"""fit / evaluate / predict / export / score: the library behind the CLI.

Every function here returns its results; none prints or exits (the CLI does
that). A request flows `cli` -> `config.load_config` -> `runner.fit(config)` ->
`tasks.get_task(config.task)` -> the task's datasets and model.
"""

import csv
import dataclasses
import io
import json
import math
import pathlib
from typing import Any

from seqkit import config as config_lib
from seqkit import run_dir as run_dir_lib
from seqkit.errors import ConfigError
from seqkit.errors import RunDirError
from seqkit.run_dir import RunDir
from seqkit.run_dir import atomic_path
from seqkit.tasks import get_task


@dataclasses.dataclass
class Run:
    """A trained run loaded from its directory (see `load_run`)."""

    path: pathlib.Path
    config: Any
    task: Any
    model: Any
    tokenizer: Any
    labels: list


@dataclasses.dataclass
class FitResult:
    """What `fit` did.

    Attributes:
        run: the trained `Run` (best weights).
        initial_epoch: the epoch training started from (0, or more on resume).
        epochs: the number of epochs in the history after training.
        history: dict metric -> list of per-epoch values (whole run).
        metrics: dict split -> classification report (validation, test).
        probes: predictions on `data.probes`.
        train_examples / validation_examples: counts.
    """

    run: Run
    initial_epoch: int
    epochs: int
    history: dict
    metrics: dict
    probes: list
    train_examples: int
    validation_examples: int


def default_run_dir(config):
    return pathlib.Path("runs") / config.name


def _learning_rate(train, steps_per_epoch):
    """`train.learning_rate` as a float, or a `WarmupDecay` schedule when one is configured."""
    if train.lr_schedule == "constant" and not train.warmup_steps:
        return train.learning_rate
    from seqkit.schedules import WarmupDecay

    return WarmupDecay(
        train.learning_rate,
        total_steps=max(1, train.epochs * steps_per_epoch),
        warmup_steps=train.warmup_steps,
        decay=train.lr_schedule,
    )


def _make_optimizer(train, steps_per_epoch=1):
    import keras

    options = {"learning_rate": _learning_rate(train, steps_per_epoch)}
    if train.ema_momentum is not None:
        options["use_ema"] = True
        options["ema_momentum"] = train.ema_momentum
    if train.clipnorm is not None:
        options["clipnorm"] = train.clipnorm
    if train.weight_decay:
        options["weight_decay"] = train.weight_decay
    if train.optimizer == "adam":
        return keras.optimizers.Adam(**options)
    if train.optimizer == "adamw":
        options.setdefault("weight_decay", 0.0)
        return keras.optimizers.AdamW(**options)
    if train.optimizer == "sgd":
        return keras.optimizers.SGD(momentum=0.9, **options)
    raise ConfigError(f"unknown train.optimizer {train.optimizer!r}. Valid choices: adam, adamw, sgd")


def _read_history(path):
    path = pathlib.Path(path)
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _write_history(path, rows):
    keys = []
    for row in rows:
        keys.extend(k for k in row if k not in keys)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=keys, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    run_dir_lib.write_text(path, buffer.getvalue())


def _history_columns(rows):
    columns = {}
    for row in rows:
        for key, value in row.items():
            if key == "epoch":
                continue
            try:
                columns.setdefault(key, []).append(float(value))
            except (TypeError, ValueError):
                pass
    return columns


def _count(dataset):
    """The number of elements, counted a block at a time when they have fixed shapes."""
    import tensorflow as tf

    from seqkit.data.batching import has_fixed_shapes

    if has_fixed_shapes(dataset):
        blocks = dataset.batch(4096)
        return int(blocks.reduce(
            tf.constant(0, tf.int64),
            lambda count, block: count + tf.shape(tf.nest.flatten(block)[0], out_type=tf.int64)[0],
        ).numpy())
    return int(dataset.reduce(tf.constant(0, tf.int64), lambda count, _: count + 1).numpy())


def _tensorboard_available():
    """TensorBoard logs need the `tensorboard` package (tf.summary's writer)."""
    import importlib.util

    return importlib.util.find_spec("tensorboard") is not None


def _callbacks(run, monitor, train, resume, extra):
    import keras

    history_rows = _read_history(run.history) if resume else []

    class HistoryWriter(keras.callbacks.Callback):
        """Rewrites history.csv atomically after every epoch (one row per epoch)."""

        def on_epoch_end(self, epoch, logs=None):
            nonlocal history_rows
            history_rows = [r for r in history_rows if int(r["epoch"]) < epoch]
            row = {"epoch": epoch}
            row.update({k: float(v) for k, v in (logs or {}).items()})
            history_rows.append(row)
            _write_history(run.history, history_rows)

    mode = "max" if any(word in monitor for word in ("acc", "auc", "f1", "precision", "recall")) else "min"
    previous = [float(r[monitor]) for r in history_rows if r.get(monitor) not in (None, "")]
    best_so_far = (max(previous) if mode == "max" else min(previous)) if previous else None
    callbacks = [
        keras.callbacks.BackupAndRestore(
            backup_dir=str(run.backup), save_freq="epoch", double_checkpoint=True, delete_checkpoint=False
        ),
    ]
    if train.ema_momentum is not None:
        # Validation runs on the averaged weights; at each epoch end they are
        # swapped into the model (after the backup above has saved the raw
        # ones, so a resumed run continues from those) for the checkpoint
        # below, and swapped back when the next epoch begins.
        callbacks.append(keras.callbacks.SwapEMAWeights(swap_on_epoch=True))
    callbacks += [
        keras.callbacks.ModelCheckpoint(
            str(run.best_weights), monitor=monitor, mode=mode, save_best_only=True,
            save_weights_only=True, initial_value_threshold=best_so_far, verbose=0,
        ),
        HistoryWriter(),
    ]
    if _tensorboard_available():
        callbacks.append(keras.callbacks.TensorBoard(log_dir=str(run.logs), write_graph=False))
    if train.early_stopping_patience is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(monitor=monitor, mode=mode, patience=train.early_stopping_patience)
        )
    return callbacks + list(extra)


def fit(config, run_dir=None, resume=False, overwrite=False, callbacks=(), verbose="auto"):
    """Trains the config's task into a run directory.

    Everything the config points at is validated before the run directory is
    touched, so a bad config or data file leaves nothing behind.

    Args:
        config: a `Config` from `config.load_config`.
        run_dir: path or None (`runs/<config.name>`).
        resume: continue an interrupted run from its last checkpoint (its
            tokenizer and labels are reused; the epoch count continues).
        overwrite: replace an existing run directory.
        callbacks: extra Keras callbacks (tests use them to interrupt).
        verbose: passed to `model.fit` ("auto", 0, 1, 2).

    Returns:
        A `FitResult`.

    Raises:
        ConfigError: the run directory exists and neither `resume` nor
            `overwrite` is set, or both are set.
        DataError: a data file is missing, lacks a column or holds an
            unknown label.
    """
    import keras

    if resume and overwrite:
        raise ConfigError("--resume and --overwrite contradict each other; pass one of them")
    task = get_task(config.task)
    run = RunDir(run_dir if run_dir is not None else default_run_dir(config))
    if run.exists() and not (resume or overwrite):
        raise ConfigError(
            f"run directory {run.path} already exists. Pass --overwrite to replace it, "
            "--resume to continue it, or --run-dir to train elsewhere"
        )
    if resume and not run.config.is_file():
        raise RunDirError(
            f"cannot resume: {run.config} is missing. Start the run without --resume"
        )

    if resume:
        try:
            saved_config = config_lib.load_config([run.config])
        except ConfigError as error:
            raise RunDirError(f"cannot resume: {run.config} is corrupt ({error})") from error
        for section in ("task", "tokenizer", "model"):
            if getattr(saved_config, section) != getattr(config, section):
                raise ConfigError(
                    f"cannot resume {run.path} with a different '{section}' section than the one "
                    f"it was trained with ({run.config}). Resume with the same config "
                    "(only train.* and data files may change), or start a new run"
                )

    splits = task.data_splits(config)
    if resume:
        saved = task.load_assets(config, run.assets)
        labels = task.validate_data(config, splits, labels=saved.labels)
    else:
        labels = task.validate_data(config, splits)

    keras.utils.set_random_seed(config.train.seed)
    train_examples, validation_examples = task.split_training_data(config)
    if resume:
        preprocessing = saved
    else:
        preprocessing = task.prepare(config, train_examples, labels)

    if overwrite:
        run.remove_for_overwrite()
    run.make()
    run_dir_lib.write_text(run.config, config.to_yaml())  # on resume: the changed train.*
    if not resume:
        task.save_assets(preprocessing, run.assets)

    import tensorflow as tf

    def batches(examples, training):
        # The CSV readers and the split filter leave the size unknown; telling
        # tf.data lets Keras show a full progress bar from the first epoch.
        count = _count(examples)
        dataset = task.make_dataset(config, examples, preprocessing, training=training)
        steps = math.ceil(count / config.train.batch_size)
        return dataset.apply(tf.data.experimental.assert_cardinality(steps)), count

    train_ds, train_count = batches(train_examples, training=True)
    validation_ds, validation_count = None, 0
    if validation_examples is not None:
        validation_ds, validation_count = batches(validation_examples, training=False)
    monitor = config.train.monitor
    if validation_ds is None and monitor.startswith("val_"):
        monitor = monitor[len("val_"):]

    model = task.build_model(config, preprocessing)
    steps_per_epoch = math.ceil(train_count / config.train.batch_size)
    model.compile(
        optimizer=_make_optimizer(config.train, steps_per_epoch),
        **task.compile_args(config, preprocessing),
    )

    class EpochStart(keras.callbacks.Callback):
        first = None

        def on_epoch_begin(self, epoch, logs=None):
            if EpochStart.first is None:
                EpochStart.first = epoch

    model.fit(
        train_ds,
        validation_data=validation_ds,
        epochs=config.train.epochs,
        callbacks=_callbacks(run, monitor, config.train, resume, callbacks) + [EpochStart()],
        shuffle=False,  # the dataset shuffles itself, with the configured seed
        verbose=verbose,
    )

    if run.best_weights.is_file():
        model.load_weights(str(run.best_weights))
    with atomic_path(run.model) as tmp:
        model.save(str(tmp))
    loaded = Run(path=run.path, config=config, task=task, model=model,
                 tokenizer=preprocessing.tokenizer, labels=list(preprocessing.labels))

    rows = _read_history(run.history)
    history = _history_columns(rows)
    from seqkit import plots

    if history:
        plots.plot_history(history, run.plots / "training_curves.png")
    metrics = {}
    if validation_ds is not None:
        metrics["validation"] = task.evaluate_dataset(loaded, validation_ds, run.plots, title="validation")
    if config.data.test is not None:
        metrics["test"] = task.evaluate(loaded, config.data.test, run.plots, title="test")
    _update_metrics(run, metrics)
    probes = task.predict(loaded, list(config.data.probes)) if config.data.probes else []
    return FitResult(
        run=loaded,
        initial_epoch=EpochStart.first if EpochStart.first is not None else len(rows),
        epochs=len(rows),
        history=history,
        metrics=metrics,
        probes=probes,
        train_examples=train_count,
        validation_examples=validation_count,
    )


def _update_metrics(run, metrics):
    existing = {}
    if run.metrics.is_file():
        try:
            existing = json.loads(run.metrics.read_text(encoding="utf-8"))
        except ValueError:
            existing = {}
    existing.update(metrics)
    run_dir_lib.write_text(run.metrics, json.dumps(existing, indent=2) + "\n")


def load_run(run_dir):
    """Loads a trained run: its config, task, model, tokenizer and labels.

    Raises:
        RunDirError: the directory, its config.yaml, assets or model.keras is
            missing or unreadable; the message names the piece and the fix.
    """
    import keras

    run = RunDir(run_dir)
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
        config = config_lib.load_config([run.config])
    except ConfigError as error:
        raise RunDirError(f"{run.config} is corrupt ({error}). Train the run again with --overwrite") from error
    if not run.model.is_file():
        raise RunDirError(
            f"{run.model} is missing: training did not finish. "
            f"Continue it with `seqkit fit {run.config} --run-dir {run.path} --resume`"
        )
    task = get_task(config.task)
    preprocessing = task.load_assets(config, run.assets)
    # Registers seqkit's serializable layers, so model.keras can name them.
    import seqkit.layers  # noqa: F401
    import seqkit.tasks.pooling  # noqa: F401

    try:
        model = keras.saving.load_model(str(run.model), compile=False)
    except Exception as error:  # a truncated or foreign file
        raise RunDirError(
            f"cannot load {run.model} ({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}). "
            "The file is corrupt; train the run again with --overwrite"
        ) from error
    return Run(path=run.path, config=config, task=task, model=model,
               tokenizer=preprocessing.tokenizer, labels=list(preprocessing.labels))


def evaluate(run_dir, data=None, split="test"):
    """Evaluates a trained run on a labelled file and records it in metrics.json.

    Args:
        run_dir: the run directory.
        data: path of the labelled file, or None for the config's test file
            (or its validation file when there is no test file).
        split: the key the report is stored under in metrics.json.

    Returns:
        The classification report (dict); a confusion-matrix PNG is written
        to `plots/confusion_<split>.png`.
    """
    run = load_run(run_dir)
    if data is None:
        data = run.config.data.test if run.config.data.test is not None else run.config.data.validation
        if data is None:
            raise ConfigError(
                "the run's config names no test or validation file. Pass one: --data test=PATH"
            )
    report = run.task.evaluate(run, str(data), RunDir(run.path).plots, title=split)
    _update_metrics(RunDir(run.path), {split: report})
    return report


def predict(run_dir, inputs):
    """Predictions of a trained run for raw inputs (a list of strings for classify)."""
    run = load_run(run_dir) if not isinstance(run_dir, Run) else run_dir
    return run.task.predict(run, inputs)


def export(run_dir, out_dir):
    """Exports a run as a versioned SavedModel under `out_dir`; returns the version directory."""
    from seqkit.export import export_run

    return export_run(load_run(run_dir), out_dir)


def score(source, input_path, output_path, **options):
    """Scores a CSV with a run directory or an exported SavedModel (see `seqkit.scoring`)."""
    from seqkit.scoring import score_csv

    return score_csv(source, input_path, output_path, **options)
