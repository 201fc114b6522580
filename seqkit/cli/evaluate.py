"""`seqkit evaluate`: metrics of a trained run on a data file."""

import click

from seqkit.cli.common import handle_errors
from seqkit.cli.common import parse_data_overrides


@click.command(name="evaluate")
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.option("--data", "data", multiple=True, metavar="SPLIT=PATH",
              help="The labelled file to evaluate on, e.g. --data test=reviews.csv. "
                   "Defaults to the config's test file (else its validation file).")
@handle_errors
def command(run_dir, data):
    """Evaluate a trained run and print its metrics.

    Writes the report into RUN_DIR/metrics.json under the split's name and
    the task's plots (classify: RUN_DIR/plots/confusion_<split>.png).

    \b
    Examples:
      seqkit evaluate runs/sentiment
      seqkit evaluate runs/sentiment --data test=data/sentiment/test.csv
    """
    from seqkit.errors import ConfigError

    overrides = parse_data_overrides(data)
    if len(overrides) > 1:
        raise ConfigError(f"evaluate takes one --data SPLIT=PATH. Received: {', '.join(overrides)}")
    split, path = next(iter(overrides.items())) if overrides else ("test", None)

    from seqkit import runner

    run = runner.load_run(run_dir)
    report = runner.evaluate(run, data=path, split=split)
    click.echo(f"{split}: {report.get('path', '')}")
    click.echo(run.task.format_report(report))
