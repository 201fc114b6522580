"""`seqkit export` (placeholder until its issue lands)."""

import click


@click.command(name="export")
def command():
    """Not built yet."""
    raise click.ClickException("seqkit export is not built yet")
