"""`seqkit score` (placeholder until its issue lands)."""

import click


@click.command(name="score")
def command():
    """Not built yet."""
    raise click.ClickException("seqkit score is not built yet")
