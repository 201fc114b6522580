"""`seqkit predict` (placeholder until its issue lands)."""

import click


@click.command(name="predict")
def command():
    """Not built yet."""
    raise click.ClickException("seqkit predict is not built yet")
