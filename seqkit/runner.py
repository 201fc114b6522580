"""fit / evaluate / predict / export / score: the library behind the CLI.

Every function here returns its results; none prints or exits (the CLI does
that). A request flows `cli` -> `config.load_config` -> `runner.fit(config)`
-> `tasks.get_task(config)` -> the task's assets, datasets and model ->
`training.Trainer`. Nothing here names a field of a task's outputs.
"""

import dataclasses
import json
import os
import pathlib
import sys
import time

from seqkit import config as config_lib
from seqkit import plots
from seqkit import run_dir as run_dir_lib
from seqkit import scoring
from seqkit.errors import ConfigError
from seqkit.errors import RunDirError
from seqkit.errors import TrainingError
from seqkit.export import export_run
from seqkit.export import is_saved_model
from seqkit.export import read_metadata
from seqkit.export import resolve_saved_model
from seqkit.run import Run
from seqkit.run import load_run
from seqkit.run_dir import RunDir
from seqkit.run_dir import atomic_path
from seqkit.tasks import get_task
from seqkit.training import Trainer
from seqkit.training.backup import find_backup
from seqkit.training.backup import restore_backup
from seqkit.training import history_columns
from seqkit.training import read_history

# What `--resume` may change: train, data and export, except the settings that fix
# the batches (the run continues at a step of the same stream of batches), and
# the data section's file paths (files may move). Everything else must match.
STREAM_SETTINGS = ("train.batch_size", "train.seed", "train.shuffle_buffer", "train.length_window")


@dataclasses.dataclass
class FitResult:
    """What `fit` did.

    Attributes:
        run: the trained `Run` (best weights).
        initial_epoch: the epoch training started from (0, or more on resume).
        epochs: the number of epochs in the history after training.
        history: dict metric -> list of per-epoch values (whole run).
        metrics: dict split -> the task's report (validation, test).
        probes: the task's predictions on its probes.
        train_examples / validation_examples: counts (None when unknown).
        training: how it trained (strategy, replicas, workers, global and
            per-replica batch size, dtype policy, jit_compile), as metrics.json
            records it under "training".
        refit: with `train.refit`, the pick: {"selection_run", "monitor",
            "best_epoch", "of_epochs", "validation"}; else None.
    """

    run: Run
    initial_epoch: int
    epochs: int
    history: dict
    metrics: dict
    probes: list
    train_examples: int | None
    validation_examples: int | None
    training: dict | None = None
    refit: dict | None = None


def default_run_dir(config):
    return RunDir("runs").path / config.name


def _open_run_dir(config, run_dir, resume, overwrite):
    """The `RunDir` to train into, after checking --resume / --overwrite against it."""
    if resume and overwrite:
        raise ConfigError("--resume and --overwrite contradict each other; pass one of them")
    run = RunDir(run_dir if run_dir is not None else default_run_dir(config))
    if run.exists() and not (resume or overwrite):
        raise ConfigError(
            f"run directory {run.path} already exists. Pass --overwrite to replace it, "
            "--resume to continue it, or --run-dir to train elsewhere"
        )
    if not resume:
        return run
    if not run.config.is_file():
        raise RunDirError(f"cannot resume: {run.config} is missing. Start the run without --resume")
    try:
        saved = config_lib.load_config([run.config])
    except ConfigError as error:
        raise RunDirError(f"cannot resume: {run.config} is corrupt ({error})") from error
    changed = _changed_settings(saved, config)
    if changed:
        raise ConfigError(
            f"cannot resume {run.path}: {', '.join(changed)} differ(s) from the run's {run.config}. "
            "Resume with the same model and data settings (train.epochs, file paths, export may "
            "change), or start a new run"
        )
    return run


def _changed_settings(saved, config):
    """Dotted names of the settings of `config` that `--resume` may not change from `saved`."""
    old, new = saved.to_dict(), config.to_dict()
    data_paths = getattr(type(config.sections.get("data")), "PATHS", ())
    changed = []

    def walk(a, b, name):
        if isinstance(a, dict) and isinstance(b, dict):
            for key in dict.fromkeys([*a, *b]):
                walk(a.get(key), b.get(key), f"{name}.{key}" if name else key)
        elif a != b:
            section, _, field = name.partition(".")
            if section == "train" and name not in STREAM_SETTINGS or section == "export":
                return
            if section == "data" and field in data_paths:
                return
            if section == "name":
                return
            changed.append(name)

    walk(old, new, "")
    return changed


def _as_run(run_or_dir):
    """A loaded run as it is, or `load_run` of a run directory."""
    return load_run(run_or_dir) if isinstance(run_or_dir, (str, os.PathLike)) else run_or_dir


def _batches(task, examples, assets, training):
    """The task's `Batches`, with the cardinality asserted when the task knows it
    (Keras then shows a complete progress bar from the first epoch)."""
    import tensorflow as tf

    batches = task.make_dataset(examples, assets, training=training)
    if batches.steps is not None:
        batches.dataset = batches.dataset.apply(tf.data.experimental.assert_cardinality(batches.steps))
    return batches


def fit(config, run_dir=None, resume=False, overwrite=False, callbacks=(), verbose="auto",
        strategy=None, precision=None):
    """Trains the config's task into a run directory.

    Everything the config points at is validated before the run directory is
    touched, so a bad config or data file leaves nothing behind.

    Args:
        config: a `Config` from `config.load_config`.
        run_dir: path or None (`runs/<config.name>`).
        resume: continue an interrupted run from its last checkpoint (its
            assets are reused; the epoch count continues).
        overwrite: replace an existing run directory.
        callbacks: extra Keras callbacks (tests use them to interrupt).
        verbose: passed to `model.fit` ("auto", 0, 1, 2). Unless 0, a
            multi-worker process also prints to stderr what it waits for
            before it joins its cluster (`strategy.joining_note`).
        strategy: a `tf.distribute.Strategy`, or None for the one
            `config.train.strategy` names. Under a multi-worker strategy only
            the chief writes `run_dir`; the other workers train into a
            temporary directory and remove it.
        precision: "float32", "mixed" or None (`config.train.precision`).

    Returns:
        A `FitResult`.

    Raises:
        ConfigError: the run directory exists and neither `resume` nor
            `overwrite` is set, or both are set; or `resume` under the
            multi-worker strategy.
        DataError: a data file is missing or does not fit the task.
        RunDirError: `resume` finds no checkpoint, or only corrupt ones or
            ones that do not fit the model (checked before anything in the
            run directory changes; a corrupt last checkpoint falls back to
            the previous one).
        TrainingError: the loss became NaN or infinite (the last good
            checkpoint and best weights are kept; no model is saved), or,
            under multi-worker, another worker stopped (crashed, killed,
            unreachable): the chief keeps its last backup, which `resume`
            continues under a one-worker strategy.
    """

    from seqkit.training import precision as precision_lib
    from seqkit.training import strategy as strategy_lib
    from seqkit.training.backend import check_backend

    train_config = config.train
    check_backend(type(get_task(config)), train_config.strategy)  # before anything starts
    if resume and train_config.strategy == "multi-worker":
        # Only the chief keeps a backup; the others would start from step 0.
        raise ConfigError(
            "--resume does not work under --strategy multi-worker: only the chief keeps a backup. "
            "Resume on the chief's machine with --strategy default (or mirrored): the global batch "
            "stays the recipe's, so training goes on from the chief's last backup"
        )
    if train_config.refit:
        return _fit_and_refit(config, run_dir, resume, overwrite, callbacks, verbose, strategy, precision)
    if strategy is None:
        # Before any other TensorFlow op: a multi-worker strategy sets up the
        # collective ops of the whole process.
        strategy = strategy_lib.make_strategy(train_config.strategy, announce=_to_stderr if verbose else None)
    policy = precision_lib.dtype_policy(precision if precision is not None else train_config.precision)
    worker = strategy_lib.WorkerDirectory(
        run_dir if run_dir is not None else default_run_dir(config), strategy_lib.is_chief(strategy)
    )
    try:
        return _fit(config, worker.path, resume, overwrite, callbacks, verbose, strategy, policy)
    except Exception as error:
        lost = strategy_lib.lost_peers(error, strategy)
        if lost is None:
            raise
        where = (
            f"The run directory {worker.path} keeps the last backup: resume it there with "
            f"`seqkit fit --resume --run-dir {worker.path} --strategy default`, "
            "or start every worker again with --overwrite"
            if worker.chief else "This worker keeps nothing; the chief's run directory keeps the last backup"
        )
        raise TrainingError(
            f"multi-worker training stopped: {', '.join(lost) or 'another worker'} stopped responding "
            f"({type(error).__name__}). {where}"
        ) from error
    finally:
        worker.close()  # a worker other than the chief leaves nothing behind


def _to_stderr(line):
    print(line, file=sys.stderr, flush=True)


def _fit(config, run_dir, resume, overwrite, callbacks, verbose, strategy, policy):
    import keras

    from seqkit.training import strategy as strategy_lib

    run = _open_run_dir(config, run_dir, resume, overwrite)
    backup = find_backup(run.backup) if resume else None  # before anything changes
    distribution = strategy_lib.describe(strategy, config.train.strategy, config.train.batch_size)
    config_text = config.to_yaml() + strategy_lib.config_note(distribution)
    task = get_task(config)
    saved = task.load_assets(run.assets) if resume else None
    summary = task.validate_data(task.data_files(), assets=saved)
    keras.utils.set_random_seed(config.train.seed)
    train_examples, validation_examples = task.read_training_data()
    assets = saved if resume else task.build_assets(train_examples, summary)
    # The model is built (and a --precision refusal raised)
    # before the run directory is made or touched: a refused run writes nothing.
    train = _batches(task, train_examples, assets, training=True)
    validation = None if validation_examples is None else _batches(task, validation_examples, assets, False)
    monitor = config.train.monitor
    if validation is None and monitor.startswith("val_"):
        monitor = monitor[len("val_"):]
    trainer = Trainer(config.train, run, strategy=strategy, precision=policy, jit_compile=config.train.jit_compile)
    model = trainer.build(lambda: task.build_model(assets), task.compile_args(assets), train.steps)
    if overwrite:
        run.remove_for_overwrite()
    run.make()
    if resume:
        restore_backup(model, backup)  # fits the model (else nothing changed); the previous if the last is bad
        run_dir_lib.write_text(run.config, config_text)  # train.*
    else:
        run_dir_lib.write_text(run.config, config_text)
        task.save_assets(assets, run.assets)
    trained = trainer.fit(
        model, train.dataset, None if validation is None else validation.dataset,
        monitor, task.monitor_mode(monitor), resume=resume, callbacks=callbacks, verbose=verbose,
        steps_per_epoch=train.steps,
    )
    calibrated = task.calibrate(model, assets, validation_examples)
    if calibrated is not assets:  # saved before the model: a saved model has its assets
        assets = calibrated
        task.save_assets(assets, run.assets)
    with atomic_path(run.model) as tmp:
        model.save(str(tmp))
    result = Run(path=run.path, config=config, task=task, model=model, assets=assets)
    training = {**distribution, "precision": policy, "jit_compile": bool(model.jit_compile)}
    return _report_fit(result, run, trained.initial_epoch, train, validation, training)


# Data settings that hold rows out of the training file, and their values for
# "train on every row" (the text tasks' data sections have them).
_EVERY_ROW = {"validation_split": 0.0, "validation_min_words": 0, "exclude_held_out_phrases": False}


def _fit_and_refit(config, run_dir, resume, overwrite, callbacks, verbose, strategy, precision):
    """`train.refit`: a selection run picks the epochs on held-out rows, then a run on every row.

    The selection run goes to `<run>-selection`; the refit, the run's model,
    to the run directory itself, with `metrics.json` recording the pick.
    """
    if resume:
        raise ConfigError(
            "--resume with train.refit: resume the selection or the refit run itself "
            "(--set train.refit=false), or train again with --overwrite"
        )
    data = config.data
    if getattr(data, "validation", None) is not None or not getattr(data, "validation_split", 0):
        raise ConfigError(
            "train.refit needs rows held out of the training file to pick the epochs "
            "(data.validation_split > 0 and no data.validation file)"
        )
    run = RunDir(run_dir if run_dir is not None else default_run_dir(config))
    selection_dir = run.path.with_name(run.path.name + "-selection")
    plain = config.replace_section("train", dataclasses.replace(config.train, refit=False))
    selection = fit(plain, run_dir=selection_dir, overwrite=overwrite, callbacks=callbacks,
                    verbose=verbose, strategy=strategy, precision=precision)
    monitor = config.train.monitor
    values = selection.history.get(monitor) or selection.history.get(monitor.removeprefix("val_")) or []
    best = selection.epochs
    if values:  # the first epoch with the best value
        best = values.index((max if selection.run.task.monitor_mode(monitor) == "max" else min)(values)) + 1
    every_row = {k: v for k, v in _EVERY_ROW.items() if hasattr(data, k)}
    refit_config = plain.replace_section("data", dataclasses.replace(data, **every_row)).replace_section(
        "train", dataclasses.replace(plain.train, epochs=best, early_stopping_patience=None)
    )
    result = fit(refit_config, run_dir=run.path, overwrite=overwrite, callbacks=callbacks,
                 verbose=verbose, strategy=strategy, precision=precision)
    pick = {"selection_run": str(selection_dir), "monitor": monitor, "best_epoch": best,
            "of_epochs": selection.epochs}
    for split in ("validation", "test"):
        if split in selection.metrics:
            pick[split] = selection.metrics[split]
    _update_metrics(run, {"refit": pick})
    if "validation" in selection.metrics:
        result.metrics["selection"] = selection.metrics["validation"]
    result.refit = pick
    return result


def _report_fit(result, run, initial_epoch, train, validation, training):
    """Plots, metrics.json and probes at the end of `fit`."""
    task = result.task
    rows = read_history(run.history)
    history = history_columns(rows)
    if history:
        plots.plot_history(history, run.plots / "training_curves.png")
    metrics = {}
    if validation is not None:
        metrics["validation"] = task.evaluate(result, validation, run.plots, title="validation")
    if task.test_file() is not None:
        metrics["test"] = _evaluate_file(result, task.test_file(), run.plots, "test")
    _update_metrics(run, {"training": training, **metrics})
    probes = task.probes()
    return FitResult(
        run=result,
        initial_epoch=initial_epoch if initial_epoch is not None else len(rows),
        epochs=len(rows),
        history=history,
        metrics=metrics,
        probes=task.predict(result, probes) if probes else [],
        train_examples=train.examples,
        validation_examples=0 if validation is None else validation.examples,
        training=training,
    )


def _evaluate_file(run, path, plots_dir, title):
    task = run.task
    task.validate_data({"evaluation": str(path)}, assets=run.assets)
    batches = _batches(task, task.read_file(str(path)), run.assets, training=False)
    return {"path": str(path), **task.evaluate(run, batches, plots_dir, title=title)}


def _update_metrics(run, metrics):
    existing = {}
    if run.metrics.is_file():
        try:
            existing = json.loads(run.metrics.read_text(encoding="utf-8"))
        except ValueError:
            existing = {}
    existing.update(metrics)
    run_dir_lib.write_text(run.metrics, json.dumps(existing, indent=2) + "\n")


def evaluate(run_dir, data=None, split="test"):
    """Evaluates a trained run on a data file and records it in metrics.json.

    Args:
        run_dir: the run directory (or a loaded `Run`).
        data: path of the file, or None for the config's test file (or its
            validation file when there is no test file).
        split: the key the report is stored under in metrics.json.

    Returns:
        The task's report (dict, with "path"); plots go to `plots/`.
    """
    run = _as_run(run_dir)
    if data is None:
        files = run.task.data_files()
        data = files.get("test", files.get("validation"))
        if data is None:
            raise ConfigError("the run's config names no test or validation file. Pass one: --data test=PATH")
    report = _evaluate_file(run, data, RunDir(run.path).plots, split)
    _update_metrics(RunDir(run.path), {split: report})
    return report


def predict(run_dir, inputs):
    """The task's predictions of a trained run (or loaded `Run`) for raw inputs."""
    run = _as_run(run_dir)
    return run.task.predict(run, inputs)


def export(run_dir, out_dir):
    """Exports a run as a versioned SavedModel under `out_dir`; returns the version directory."""
    return export_run(_as_run(run_dir), out_dir)


def scorer(source):
    """A `seqkit.scoring.Scorer` for a run directory, a loaded `Run` or an export."""
    if isinstance(source, scoring.Scorer):
        return source
    run = source
    if isinstance(source, (str, os.PathLike)):
        if is_saved_model(source):
            return scoring.load_saved_model_scorer(source)
        if not RunDir(source).path.exists():
            raise RunDirError(
                f"{source} does not exist; pass a run directory (seqkit fit) or an "
                "export directory (seqkit export)"
            )
        run = load_run(source)
    module = run.task.serving_module(run)
    path = getattr(run, "path", None)
    return scoring.Scorer(module.serve, run.task.serving_spec(run.assets),
                          source=None if path is None else RunDir(path).path, owner=module)


def score(source, input_path, output_path, **options):
    """Scores a CSV with a run directory, a `Run` or an exported SavedModel (`seqkit.scoring`).

    A task that writes its own rows (`task.score_history`, forecasting) scores
    the CSV as `forecast` does; the options other than `on_error` do not apply.
    """
    started = time.perf_counter()
    task, loaded = _task_and_scorer(source)
    load_seconds = time.perf_counter() - started
    if hasattr(task, "score_history"):
        fixed = [flag for key, flag in (("text_column", "--text-column"), ("columns", "--column"),
                                        ("reject_path", "--reject-file")) if options.get(key)]
        if fixed:
            raise ConfigError(f"{fixed[0]} does not apply to task '{task.name}': it reads the "
                              "columns its recipe names and writes no reject file")
        begin = time.perf_counter()
        result = task.score_history(loaded.serve, input_path, output_path,
                                    on_error=options.get("on_error", "fail"))
        return scoring.ScoreResult(
            output_path=pathlib.Path(output_path), rows=result["rows"],
            rejected=len(result["skipped"]), reject_path=None,
            seconds=time.perf_counter() - begin, load_seconds=load_seconds,
            source=loaded.source, columns=tuple(result["columns"]),
            notes=tuple(result.get("notes", ())))
    result = scoring.score_csv(loaded, input_path, output_path, **options)
    return dataclasses.replace(result, load_seconds=result.load_seconds + load_seconds)


def score_beam(source, input_glob, output_prefix, **options):
    """Scores the CSV files a glob matches with an export, as an Apache Beam pipeline.

    `seqkit.scoring.beam.score_files` (imported here, so Beam loads only
    when asked for): sharded outputs and a manifest under `output_prefix`.
    A task that writes its own rows (`task.history_groups`, forecasting) has
    each group of rows (a series) scored by the function its local scoring uses.
    """
    from seqkit.scoring import beam as beam_scoring

    task = _export_task(source) if is_saved_model(source) else None
    if task is not None and hasattr(task, "history_groups"):
        options = dict(options, groups=task.history_groups())
    return beam_scoring.score_files(source, input_glob, output_prefix, **options)


def _task_and_scorer(source):
    """(task or None, `scoring.Scorer`) of a run directory, a `Run`, an export or a Scorer."""
    origin = source.source if isinstance(source, scoring.Scorer) else source
    if isinstance(origin, (str, os.PathLike)) and is_saved_model(origin):
        return _export_task(origin), scorer(source)
    if isinstance(source, scoring.Scorer):
        if origin is None or not RunDir(origin).config.is_file():
            return None, source
        return get_task(config_lib.load_config([RunDir(origin).config])), source
    run = _as_run(source)
    return run.task, scorer(run)


def _export_task(origin):
    """The task of an export, from the config its seqkit.json records."""
    import tempfile

    import yaml

    metadata = read_metadata(resolve_saved_model(origin))
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "config.yaml"
        path.write_text(yaml.safe_dump(metadata.get("config") or {}), encoding="utf-8")
        return get_task(config_lib.load_config([path]))


def forecast(source, input_path, output_path, on_error="fail"):
    """Forecasts after the end of each series of a history CSV (`seqkit forecast`).

    For tasks that forecast (`task.score_history`): the history's last window of
    each series goes through the same serving function as `score` (a run
    directory's in memory, an export's `serving_default`), and the task writes
    one row per series and future step.

    Returns:
        The task's summary dict (`output`, `rows`, `skipped`, ...).

    Raises:
        ConfigError: the source's task does not forecast.
    """
    task, model = _task_and_scorer(source)
    if not hasattr(task, "score_history"):
        name = getattr(task, "name", "unknown")
        raise ConfigError(f"task '{name}' does not forecast; use `seqkit score`")
    return task.score_history(model.serve, input_path, output_path, on_error=on_error)
