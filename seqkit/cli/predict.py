"""`seqkit predict`: a trained run's predictions for inputs given on the command line."""

import click

from seqkit.cli.common import handle_errors


@click.command(name="predict")
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.argument("texts", nargs=-1, required=True, metavar="TEXT...")
@handle_errors
def command(run_dir, texts):
    """Predict each TEXT with a trained run, one line per text.

    The task formats the line (classify: the label, its probability, then
    the probability of every class, tab-separated).

    \b
    Examples:
      seqkit predict runs/sentiment "the film was not good at all"
      seqkit predict runs/sentiment "a delight" "a bore"
    """
    from seqkit import runner

    run = runner.load_run(run_dir)
    for prediction in runner.predict(run, list(texts)):
        click.echo(run.task.format_prediction(prediction))
