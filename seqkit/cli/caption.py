"""`seqkit caption`: caption image files with a trained caption run."""

import click

from seqkit.cli.common import handle_errors


@click.command(name="caption")
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.argument("images", nargs=-1, required=True, metavar="IMAGE...")
@click.option("--beam-width", type=click.IntRange(min=1), default=None,
              help="Beam search with this many beams (1: greedy). Defaults to the run's decode.beam_width.")
@click.option("--attention", "attention", type=click.Path(dir_okay=False), default=None,
              help="Write a PNG with one panel per word: the decoder's attention over the image "
                   "(the LSTM's additive attention, or the Transformer's last-block "
                   "cross-attention averaged over heads; one IMAGE).")
@handle_errors
def command(run_dir, images, beam_width, attention):
    """Caption each IMAGE (PNG or JPEG) with a trained caption run, one line per image.

    \b
    Examples:
      seqkit caption runs/caption photo.png --beam-width 3
      seqkit caption runs/caption photo.png --attention attention.png
    """
    from seqkit import runner
    from seqkit.errors import ConfigError

    run = runner.load_run(run_dir)
    if run.config.task != "caption":
        raise ConfigError(f"{run_dir} is a '{run.config.task}' run; seqkit caption needs a caption run")
    if attention is not None and len(images) != 1:
        raise ConfigError(f"--attention plots one image. Received: {len(images)} images")
    for path in images:
        caption = run.task.caption_file(run, path, beam_width=beam_width, attention_path=attention)
        click.echo(f"{caption}\t{path}")
    if attention is not None:
        click.echo(f"attention: {attention}")
