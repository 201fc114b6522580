"""Helpers shared by the CLI commands: error mapping and option parsing."""

import functools

import click

from seqkit.errors import ConfigError
from seqkit.errors import DataError
from seqkit.errors import RunDirError
from seqkit.errors import SeqkitError


class InputError(click.ClickException):
    """A mistake in what the user gave seqkit: one line on stderr, exit code 2.

    `click.UsageError` has the same exit code but prints the command's usage
    block first; a bad data file or a corrupt run directory is not a misuse of
    the command line, so the message stands alone.
    """

    exit_code = 2


def handle_errors(command):
    """Turns seqkit's own errors into Click errors with the right exit code.

    `ConfigError`, `DataError` and `RunDirError` are the user's to fix (a bad
    recipe, bad data, a missing or corrupt run directory): they exit with code
    2 and a one-line message. Any other `SeqkitError` becomes a
    `click.ClickException` (exit code 1). Anything else keeps its traceback.
    """

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from seqkit.cli.tf_setup import import_tensorflow

        import_tensorflow()  # before anything else, so its start-up lines can be held back
        try:
            return command(*args, **kwargs)
        except (ConfigError, DataError, RunDirError) as error:
            raise InputError(str(error)) from error
        except SeqkitError as error:
            raise click.ClickException(str(error)) from error

    return wrapper


def parse_data_overrides(values):
    """Parses repeated `--data split=path` options into a dict.

    >>> parse_data_overrides(["train=a.csv", "test=b.csv"])
    {'train': 'a.csv', 'test': 'b.csv'}
    """
    result = {}
    for value in values:
        split, sep, path = value.partition("=")
        if not sep or not split or not path:
            raise click.BadParameter(
                f"expected SPLIT=PATH, e.g. train=data/train.csv. Received: {value!r}",
                param_hint="--data",
            )
        result[split.strip()] = path.strip()
    return result
