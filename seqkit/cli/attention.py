"""`seqkit attention`: the attention map of a trained translate run for one sentence (PNG)."""

import click

from seqkit.cli.common import handle_errors


@click.command(name="attention")
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.argument("text")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default="attention.png",
              show_default=True, help="The PNG to write.")
@click.option("--beam-width", type=click.IntRange(min=1), default=None,
              help="Beam width of the translation whose attention is drawn.")
@handle_errors
def command(run_dir, text, out_path, beam_width):
    """Translate TEXT and draw which source tokens each output token attended to.

    Rows are output tokens, columns source tokens. For a Transformer the map
    is the last decoder block's cross-attention, averaged over heads. A model
    without attention (model.decoder.attention: none) has no map: exit 2.

    \b
    Example:
      seqkit attention runs/translation "the third of march nineteen oh five" --out attention.png
    """
    from seqkit import runner
    from seqkit.errors import ConfigError
    from seqkit.tasks.translate.attention import attention_plot
    from seqkit.tasks.translate.run_check import translate_run

    run = translate_run(runner.load_run(run_dir), "attention")
    path = attention_plot(run, text, out_path, beam_width=beam_width)
    if path is None:
        raise ConfigError(
            f"the model of {run_dir} has no attention (model.decoder.attention: none): "
            "nothing to draw"
        )
    click.echo(path)
