"""`seqkit fit`: train a pipeline into a run directory."""

import time

import click

from seqkit.cli.common import handle_errors
from seqkit.cli.common import parse_data_overrides


@click.command(name="fit")
@click.argument("configs", nargs=-1, type=click.Path(dir_okay=False), metavar="CONFIG...")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Override a config value by its dotted key, e.g. --set train.epochs=3. Repeatable.")
@click.option("--data", "data", multiple=True, metavar="SPLIT=PATH",
              help="Use another data file for a split (train, validation, test), e.g. "
                   "--data train=other.csv. A new train file drops the recipe's validation "
                   "and test files unless they are given too. Repeatable.")
@click.option("--run-dir", type=click.Path(file_okay=False), default=None,
              help="Where to write the run. Defaults to runs/<name>, name from the config.")
@click.option("--resume", is_flag=True,
              help="Continue an interrupted run from its last checkpoint. Without CONFIG, "
                   "the run's own config.yaml is used. A multi-worker run resumes on the chief "
                   "alone: add --strategy default (or mirrored).")
@click.option("--overwrite", is_flag=True, help="Replace an existing run directory.")
@click.option("--strategy", default=None, metavar="default|mirrored|multi-worker",
              help="Where to train (= --set train.strategy=...): one device, mirrored over the local "
                   "devices, or over the workers TF_CONFIG names (only the chief writes the run "
                   "directory). train.batch_size stays the global batch.")
@click.option("--precision", default=None, metavar="float32|mixed",
              help="Compute precision (= --set train.precision=...): mixed is bfloat16 on a CPU, "
                   "float16 with loss scaling on a GPU; heads stay float32.")
@click.option("--jit-compile/--no-jit-compile", "jit_compile", default=None,
              help="Compile the train step with XLA (= --set train.jit_compile=...). "
                   "Default: Keras decides (off on a CPU).")
@click.option("--refit", is_flag=True,
              help="After training, train again on every training row for the epochs the held-out "
                   "rows picked (train.refit: true); the selection run is kept as RUN-selection.")
@handle_errors
def command(configs, overrides, data, run_dir, resume, overwrite, strategy, precision, jit_compile, refit):
    """Train the model a pipeline describes.

    CONFIG is one or more pipeline YAML files; later files and --set override
    earlier ones. The run directory receives the resolved config, the
    task's assets, checkpoints, history.csv, metrics.json, plots and
    the best model (model.keras).

    \b
    Examples:
      seqkit fit pipelines/sentiment.yaml
      seqkit fit pipelines/sentiment.yaml --set model.encoder=transformer --set train.epochs=3
      seqkit fit pipelines/sentiment.yaml --data train=../shared/data/sentiment/sst2_train.tsv
      seqkit fit --resume --run-dir runs/sentiment
      seqkit fit pipelines/sentiment.yaml --strategy mirrored --precision mixed
      TF_CONFIG='{"cluster": {"worker": ["h1:2222", "h2:2222"]}, "task": {"type": "worker", "index": 0}}' \
        seqkit fit pipelines/sentiment.yaml --strategy multi-worker
      seqkit fit pipelines/sst2_bilstm.yaml --refit
    """
    import pathlib

    from seqkit.config import load_config
    from seqkit.errors import ConfigError

    data_overrides = parse_data_overrides(data)
    if not configs:
        if not (resume and run_dir):
            raise ConfigError(
                "no CONFIG given. Pass a pipeline file, e.g. `seqkit fit pipelines/sentiment.yaml`, "
                "or `--resume --run-dir DIR` to continue a run"
            )
        configs = [str(pathlib.Path(run_dir) / "config.yaml")]
    overrides = list(overrides) + [
        f"train.{key}={value}"
        for key, value in (("strategy", strategy), ("precision", precision),
                           ("jit_compile", None if jit_compile is None else str(jit_compile).lower()))
        if value is not None
    ]
    if refit:
        overrides = (*overrides, "train.refit=true")
    config = load_config(list(configs), overrides, data_overrides)

    from seqkit import runner

    start = time.monotonic()
    result = runner.fit(config, run_dir=run_dir, resume=resume, overwrite=overwrite)
    elapsed = time.monotonic() - start
    _summary(result, elapsed)


def _summary(result, elapsed):
    run = result.run
    click.echo("")
    if result.refit is not None:
        click.echo(
            f"selection run: {result.refit['selection_run']} picked epoch {result.refit['best_epoch']} "
            f"of {result.refit['of_epochs']} by {result.refit['monitor']}; refit on every training row"
        )
    click.echo(f"run directory: {run.path}")
    click.echo(
        f"trained {result.epochs - result.initial_epoch} epoch(s) "
        f"(epochs {result.initial_epoch + 1}..{result.epochs}) in {elapsed:.1f}s on "
        f"{result.train_examples} examples, validated on {result.validation_examples}"
    )
    if result.training is not None:
        t = result.training
        click.echo(
            f"strategy {t['strategy']}: {t['replicas']} replica(s) x {t['per_replica_batch_size']} examples "
            f"over {t['workers']} worker(s), {t['precision']}, jit_compile {'on' if t['jit_compile'] else 'off'}"
        )
    for split, report in result.metrics.items():
        click.echo(f"{split}: {run.task.summarize(report)}")
    if result.probes:
        click.echo("probes:")
        for probe in result.probes:
            click.echo(f"  {run.task.format_prediction(probe)}")
