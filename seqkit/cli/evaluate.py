"""`seqkit evaluate` (placeholder until its issue lands)."""

import click


@click.command(name="evaluate")
def command():
    """Not built yet."""
    raise click.ClickException("seqkit evaluate is not built yet")
