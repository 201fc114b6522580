"""`seqkit translate`: translations of sentences given on the command line by a trained run."""

import click

from seqkit.cli.common import handle_errors


@click.command(name="translate")
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.argument("texts", nargs=-1, required=True, metavar="TEXT...")
@click.option("--beam-width", type=click.IntRange(min=1), default=None,
              help="Beams of the beam search (1: greedy). Default: the run's decoding.beam_width.")
@click.option("--length-penalty", type=click.FloatRange(min=0.0), default=None,
              help="Length-penalty exponent of the beam search. Default: the run's "
              "decoding.length_penalty.")
@handle_errors
def command(run_dir, texts, beam_width, length_penalty):
    """Translate each TEXT with a trained translate run, one translation per line.

    A source longer than the run's source_tokenizer.max_length is cut to its
    first tokens, with a warning on stderr.

    \b
    Examples:
      seqkit translate runs/translation "the third of march nineteen oh five"
      seqkit translate runs/tatoeba_en_es "I am very tired." --beam-width 5
    """
    from seqkit import runner
    from seqkit.tasks.translate.run_check import translate_run

    run = translate_run(runner.load_run(run_dir), "translate")
    for result in run.task.translate(run, list(texts), beam_width, length_penalty):
        click.echo(result["translation"])
