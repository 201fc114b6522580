"""Helpers shared by the CLI commands: error mapping and option parsing."""

import contextlib
import errno
import functools
import os
import signal
import sys
import threading

import click

from seqkit import run_dir
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


# Errors of the machine rather than of seqkit or of the input: the disk is
# full, a file is too large for the limit, the file system is read-only...
_ENVIRONMENT_ERRNOS = {
    errno.ENOSPC: "no space left on the device",
    errno.EFBIG: "file too large (a file size limit, e.g. `ulimit -f`, was reached)",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EIO: "input/output error",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
}


def handle_errors(command):
    """Turns seqkit's own errors into Click errors with the right exit code.

    `ConfigError`, `DataError` and `RunDirError` are the user's to fix (a bad
    recipe, bad data, a missing or corrupt run directory): they exit with code
    2 and a one-line message. Any other `SeqkitError` becomes a
    `click.ClickException` (exit code 1), and so does an `OSError` of the
    machine (disk full, file size limit, read-only file system, I/O error,
    permission denied). SIGINT (Ctrl-C) and SIGTERM stop the command at once
    with exit code 130 / 143 (128 + the signal) and one line; the writers'
    `finally` blocks remove their temporaries, so nothing half-written is
    left under a final name. Anything else keeps its traceback.
    """

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from seqkit.cli.tf_setup import import_tensorflow

        with _signals_interrupt() as received:
            try:
                import_tensorflow()  # before anything else, so its start-up lines can be held back
                result = command(*args, **kwargs)
            except KeyboardInterrupt:
                _stop(received)
            except (ConfigError, DataError, RunDirError) as error:
                raise InputError(str(error)) from error
            except SeqkitError as error:
                raise click.ClickException(str(error)) from error
            except OSError as error:
                if error.errno not in _ENVIRONMENT_ERRNOS:
                    raise
                raise click.ClickException(describe_os_error(error)) from error
            if received:  # the signal came while a library held it back: still a stop
                _stop(received)
            return result

    return wrapper


def describe_os_error(error):
    """One line for an `OSError` of the machine, naming the file when known.

    >>> import errno
    >>> describe_os_error(OSError(errno.ENOSPC, "No space left on device", "out.csv"))
    'cannot write out.csv: no space left on the device'
    """
    reason = _ENVIRONMENT_ERRNOS.get(error.errno) or error.strerror or str(error)
    if error.filename is not None:
        return f"cannot write {error.filename}: {reason}"
    return f"cannot write the output: {reason}"


@contextlib.contextmanager
def _signals_interrupt():
    """SIGINT and SIGTERM raise `KeyboardInterrupt` in the main thread; yields the signals seen."""
    received = []
    # Set (under the lock) when the command is over and the handlers go back; a
    # redelivery still pending then must not kill the process by the default
    # action (exit -15 instead of 143, seen once in CI).
    over = threading.Event()
    lock = threading.Lock()

    def interrupt(signum, frame):
        if over.is_set():
            return
        received.append(signum)
        run_dir.request_stop(signum)  # no output is published from now on
        raise KeyboardInterrupt

    def unraisable(info):
        # The KeyboardInterrupt landed in code that cannot raise (a gc callback,
        # a __del__): Python prints it and goes on. Deliver the signal again, so
        # it stops the command at the next line of ordinary code instead.
        if received and issubclass(info.exc_type, KeyboardInterrupt):
            # From another thread, a moment later: sent from here, the handler
            # would run inside this hook and be swallowed again.
            threading.Timer(0.05, redeliver, (received[-1],)).start()
            return
        previous_hook(info)

    def redeliver(signum):
        with lock:
            if not over.is_set():
                os.kill(os.getpid(), signum)

    previous_hook = sys.unraisablehook
    sys.unraisablehook = unraisable
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[signum] = signal.signal(signum, interrupt)
        except ValueError:  # not the main thread (an embedding application): leave them
            pass
    try:
        yield received
    finally:
        with lock:
            over.set()
        sys.unraisablehook = previous_hook
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _stop(received):
    signum = received[0] if received else signal.SIGINT
    name = signal.Signals(signum).name
    click.echo(f"Interrupted by {name}: stopped; no output was completed under its final name", err=True)
    raise click.exceptions.Exit(128 + signum)


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
