"""The `seqkit` command line: train, evaluate, export and score sequence models.

Each command lives in its own module and stays thin: it parses options, loads
the config, makes one `seqkit.runner` call and echoes a summary. TensorFlow is
imported inside the commands, so `seqkit --help` answers at once.
"""

import os

import click

from seqkit import __version__

# TensorFlow's C++ start-up chatter (oneDNN, CUDA probing, CPU features) says
# nothing a seqkit user can act on; a user who wants it sets the variable.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="seqkit")
def main():
    """Train, evaluate, export and score sequence models.

    \b
    A typical session:
      seqkit fit pipelines/sentiment.yaml
      seqkit evaluate runs/sentiment --data test=data/sentiment/test.csv
      seqkit export runs/sentiment --out serving/sentiment
      seqkit score serving/sentiment reviews.csv --out scored.csv
      seqkit predict runs/sentiment "the film was not good at all"
      seqkit forecast runs/forecast data/forecast/series.csv --out next.csv
    """


def _register():
    # Commands are registered here, one module each, so the group's help lists
    # them in a fixed order.
    from seqkit.cli import attention
    from seqkit.cli import caption
    from seqkit.cli import evaluate
    from seqkit.cli import export
    from seqkit.cli import fit
    from seqkit.cli import forecast
    from seqkit.cli import generate
    from seqkit.cli import predict
    from seqkit.cli import score
    from seqkit.cli import translate

    for module in (fit, evaluate, export, score, predict, generate, translate, attention, forecast, caption):
        main.add_command(module.command)


_register()
