"""`seqkit forecast`: forecasts after the end of each series of a history CSV."""

import click

from seqkit.cli.common import handle_errors


@click.command(name="forecast")
@click.argument("source", type=click.Path(exists=True, path_type=str))
@click.argument("input_path", metavar="HISTORY.csv", type=click.Path(path_type=str))
@click.option(
    "--out", "output_path", required=True, type=click.Path(dir_okay=False, path_type=str),
    help="The forecast CSV: one row per series and future time step.",
)
@click.option(
    "--on-error", type=click.Choice(["fail", "skip"]), default="fail", show_default=True,
    help="A series shorter than the window: stop (fail) or leave it out and name it (skip).",
)
@handle_errors
def command(source, input_path, output_path, on_error):
    """Forecast the steps after HISTORY.csv with SOURCE (a run or an export directory).

    The last window of each series goes through the model; each row of the
    output is one series and one future step, its time stamp continued at the
    series' frequency.

    \b
    Examples:
      seqkit forecast runs/forecast data/forecast/series.csv --out next.csv
      seqkit forecast serving/forecast history.csv --out next.csv --on-error skip
    """
    from seqkit import runner

    result = runner.forecast(source, input_path, output_path, on_error=on_error)
    for note in result["notes"]:
        click.echo(note, err=True)
    click.echo(f"Forecast {result['series']} series, {result['rows']} rows -> {result['output']}")
