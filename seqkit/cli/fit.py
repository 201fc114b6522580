"""`seqkit fit` (placeholder until its issue lands)."""

import click


@click.command(name="fit")
def command():
    """Not built yet."""
    raise click.ClickException("seqkit fit is not built yet")
