"""`seqkit predict`: labels and probabilities for texts given on the command line."""

import click

from seqkit.cli.common import handle_errors


@click.command(name="predict")
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.argument("texts", nargs=-1, required=True, metavar="TEXT...")
@handle_errors
def command(run_dir, texts):
    """Predict the label of each TEXT with a trained run.

    Prints one line per text: the label, its probability, then the
    probability of every class.

    \b
    Examples:
      seqkit predict runs/sentiment "the film was not good at all"
      seqkit predict runs/sentiment "a delight" "a bore"
    """
    from seqkit import runner

    for row in runner.predict(run_dir, list(texts)):
        probabilities = "  ".join(f"{name}={p:.4f}" for name, p in row["probabilities"].items())
        click.echo(f"{row['label']}\t{row['probabilities'][row['label']]:.4f}\t{probabilities}\t{row['text']}")
