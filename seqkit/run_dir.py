"""The layout of a run directory and the atomic writes that fill it.

A run directory (`runs/<name>/`) holds everything a finished training run
leaves behind::

    config.yaml      the resolved config
    assets/          tokenizer.json, vocab.txt, labels.json
    checkpoints/     backup/ (last epoch, with optimizer state, for --resume)
                     and best.weights.h5
    model.keras      the best model, Keras format (written last: a run
                     directory without it did not finish)
    history.csv      one row per epoch
    logs/            TensorBoard
    metrics.json     written by fit (validation, test) and evaluate
    plots/           training curves, confusion matrix (PNG)

    .seqkit-run      the marker: seqkit made this directory (`RunDir.make`)

Every file is written under a temporary name and renamed into place, so an
interrupted run never leaves a half-written file that looks complete. The
temporary name holds the writer's process id (`.NAME.tmp-PID-RANDOM`); a
temporary whose process is gone was left by a killed run, and the next write
of the same file removes it (`remove_stale_temporaries`).

`--overwrite` removes a run directory only through `RunDir.remove_for_overwrite`,
which refuses anything seqkit did not make (no marker), anything holding files
seqkit does not write, and the working directory or one of its parents.
"""

import contextlib
import os
import pathlib
import re
import secrets
import shutil

from seqkit.errors import ConfigError
from seqkit.errors import RunDirError

CONFIG = "config.yaml"
ASSETS = "assets"
LABELS = "assets/labels.json"
CHECKPOINTS = "checkpoints"
BACKUP = "checkpoints/backup"
BEST_WEIGHTS = "checkpoints/best.weights.h5"
MODEL = "model.keras"
HISTORY = "history.csv"
LOGS = "logs"
METRICS = "metrics.json"
PLOTS = "plots"
MARKER = ".seqkit-run"
# What seqkit writes at the top of a run directory: a directory holding
# anything else is not removed by --overwrite.
LAYOUT_DIRS = frozenset({ASSETS, CHECKPOINTS, LOGS, PLOTS})
LAYOUT_FILES = frozenset({CONFIG, MODEL, HISTORY, METRICS, MARKER})
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.tmp-(?P<pid>[0-9]+)-[0-9a-f]+(?:\.[^.]*)?$")


def path_component_problem(name):
    """What keeps `name` from being one plain file or directory name, or None.

    Plain: a non-empty string, not `.` or `..`, not hidden, no path
    separator, no control character, no surrounding spaces. Such a name,
    joined to a directory, stays inside it.

    >>> path_component_problem("vocab.txt") is None
    True
    >>> path_component_problem("../x")
    "must not start with '.' (a hidden name)"
    """
    if not isinstance(name, str) or not name:
        return "must be a non-empty string"
    if name in (".", ".."):
        return "must not be '.' or '..'"
    if name.startswith("."):
        return "must not start with '.' (a hidden name)"
    if "/" in name or "\\" in name or os.sep in name or (os.altsep and os.altsep in name):
        return "must be a single path component, without '/' or '\\'"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "must not hold control characters"
    if name != name.strip():
        return "must not start or end with a space"
    return None


def validate_run_name(name, field="name"):
    """Checks that a run name is one safe path component; returns it.

    A run lives in `runs/<name>`, so the name must not reach outside `runs/`:
    not empty, not `.` or `..`, not hidden (a leading dot), no path separator,
    no NUL or other control character, no surrounding spaces.

    >>> validate_run_name("sst2_bilstm")
    'sst2_bilstm'

    Raises:
        ConfigError: naming the field and the value.
    """
    problem = path_component_problem(name)
    if problem is not None:
        raise ConfigError(
            f"{field} {problem}: the run directory is runs/<{field}>. Received: {field}={name!r}"
        )
    return name


class RunDir:
    """Paths inside one run directory.

    Args:
        path: str or path-like. The run directory.

    >>> RunDir("runs/sentiment").model.as_posix()
    'runs/sentiment/model.keras'
    """

    def __init__(self, path):
        self.path = pathlib.Path(path)

    def __fspath__(self):
        return os.fspath(self.path)

    def __repr__(self):
        return f"RunDir({str(self.path)!r})"

    config = property(lambda self: self.path / CONFIG)
    assets = property(lambda self: self.path / ASSETS)
    labels = property(lambda self: self.path / LABELS)
    checkpoints = property(lambda self: self.path / CHECKPOINTS)
    backup = property(lambda self: self.path / BACKUP)
    best_weights = property(lambda self: self.path / BEST_WEIGHTS)
    model = property(lambda self: self.path / MODEL)
    history = property(lambda self: self.path / HISTORY)
    logs = property(lambda self: self.path / LOGS)
    metrics = property(lambda self: self.path / METRICS)
    plots = property(lambda self: self.path / PLOTS)

    marker = property(lambda self: self.path / MARKER)

    def make(self):
        """Creates the directory and its sub-directories; returns self.

        When seqkit creates the directory (or finds it empty) it writes the
        marker file that lets `remove_for_overwrite` delete it later. A
        directory that already held something keeps its state.
        """
        if self.path.is_symlink() or (self.path.exists() and not self.path.is_dir()):
            raise RunDirError(f"{self.path} exists and is not a directory; pick another --run-dir")
        claim = not self.path.exists() or not any(self.path.iterdir())
        self.path.mkdir(parents=True, exist_ok=True)
        if claim:
            write_text(self.marker, "a run directory made by seqkit; `seqkit fit --overwrite` may replace it\n")
        for sub in (self.assets, self.checkpoints, self.logs, self.plots):
            sub.mkdir(parents=True, exist_ok=True)
        return self

    def exists(self):
        """True when the directory exists and holds anything at all."""
        return self.path.is_dir() and any(self.path.iterdir())

    def remove_for_overwrite(self):
        """Deletes the run directory for `--overwrite`, when it is safe to.

        Only a directory seqkit made (it holds the marker file `.seqkit-run`)
        and that holds nothing but what seqkit writes (`LAYOUT_DIRS`,
        `LAYOUT_FILES`, temporaries) is deleted; never the working directory
        or one of its parents, never through a symbolic link. A missing
        directory is fine.

        Raises:
            RunDirError: the directory is not seqkit's to delete; the message
                names it and the reason, and nothing is deleted.
        """
        path = self.path
        if not os.path.lexists(path):
            return
        if path.is_symlink() or not path.is_dir():
            raise RunDirError(
                f"refusing to overwrite {path}: it is a link or a file, not a run directory seqkit made"
            )
        resolved = path.resolve()
        cwd = pathlib.Path.cwd().resolve()
        if resolved == cwd or resolved in cwd.parents or resolved == pathlib.Path.home().resolve():
            raise RunDirError(
                f"refusing to overwrite {path}: it is the working directory, one of its parents "
                "or the home directory. Pick another --run-dir or run name"
            )
        if not any(path.iterdir()):
            return  # nothing to lose; `make` claims it
        if not self.marker.is_file():
            raise RunDirError(
                f"refusing to overwrite {path}: seqkit did not make it (no {MARKER} marker). "
                "Delete it yourself if it is yours to lose, or pick another --run-dir"
            )
        foreign = sorted(child.name for child in path.iterdir() if not _is_run_entry(child))
        if foreign:
            raise RunDirError(
                f"refusing to overwrite {path}: it holds {foreign[0]!r}, which seqkit does not write"
                f"{f' (and {len(foreign) - 1} more)' if len(foreign) > 1 else ''}. "
                "Move it out or pick another --run-dir"
            )
        shutil.rmtree(path)


def _is_run_entry(child):
    if child.is_symlink():
        return False
    if child.name in LAYOUT_DIRS:
        return child.is_dir()
    if child.name in LAYOUT_FILES:
        return child.is_file()
    return bool(_TEMPORARY.match(child.name))


def temporary_name(path):
    """A hidden name beside `path` for writing it: `.NAME.tmp-PID-RANDOM[.SUFFIX]`.

    The suffix of `path` is kept, since some writers check it.

    >>> temporary_name("runs/a/model.keras").name.startswith(".model.keras.tmp-")
    True
    """
    path = pathlib.Path(path)
    return path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}{path.suffix}")


def _process_alive(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OverflowError:
        return False
    return True


def remove_stale_temporaries(directory, name=None):
    """Removes temporaries in `directory` left by processes that no longer run.

    A temporary (`temporary_name`) holds the id of the process that writes
    it; one whose process is gone was left by a killed run (SIGKILL, power
    loss) and can never be completed. Temporaries of running processes (a
    concurrent `seqkit` writing the same directory) are left alone.

    Args:
        directory: path-like. Where to look (not recursive).
        name: str or None. Only temporaries of this final file name (e.g.
            "model.keras"); None: every temporary.

    Returns:
        list of `pathlib.Path`: what was removed.
    """
    directory = pathlib.Path(directory)
    removed = []
    try:
        children = list(directory.iterdir())
    except OSError:
        return removed
    for child in children:
        match = _TEMPORARY.match(child.name)
        if match is None or (name is not None and match.group("name") != name):
            continue
        if _process_alive(int(match.group("pid"))):
            continue
        try:
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        except FileNotFoundError:
            continue  # another run cleaned it first
        removed.append(child)
    return removed


# Set when the user asked the process to stop (SIGINT, SIGTERM; see
# `seqkit.cli.common`): from then on no output is renamed into place, even if
# a library swallowed the KeyboardInterrupt the signal raised.
_stop_requests = []


def request_stop(signum):
    """Records that the process was asked to stop; `publish` refuses from then on."""
    _stop_requests.append(signum)


def stop_requested():
    """The signal numbers `request_stop` recorded (empty when none)."""
    return list(_stop_requests)


def publish(temporary, path):
    """Renames a finished `temporary` onto `path` (`os.replace`), unless a stop was requested.

    Raises:
        KeyboardInterrupt: a stop was requested (`request_stop`); the
            temporary is left for the caller's clean-up.
    """
    if _stop_requests:
        raise KeyboardInterrupt
    os.replace(temporary, path)


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path beside `path`; renames it onto `path` on success.

    For writers that want a file name (`model.save`, `savefig`). The temporary
    name keeps the suffix of `path`, since some writers check it. On an
    exception the temporary file is removed and `path` is left untouched.

    Args:
        path: str or path-like. The final file.
    """
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path.parent, path.name)
    tmp = temporary_name(path)  # the writer creates it; some refuse to overwrite
    try:
        yield pathlib.Path(tmp)
        publish(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextlib.contextmanager
def atomic_write(path, mode="w", encoding="utf-8", newline=None):
    """Opens a temporary file beside `path` and renames it onto `path` on success.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_write(target) as f:
    ...     _ = f.write("done")
    >>> target.read_text()
    'done'

    Args:
        path: str or path-like. The final file.
        mode: "w" (text) or "wb" (binary). Defaults to `"w"`.
        encoding: str. Text encoding, ignored in binary mode. Defaults to `"utf-8"`.
        newline: passed to `open` in text mode. Defaults to `None`.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb'. Received: mode={mode!r}")
    with atomic_path(path) as tmp:
        if mode == "wb":
            with open(tmp, "wb") as f:
                yield f
        else:
            with open(tmp, "w", encoding=encoding, newline=newline) as f:
                yield f


def write_text(path, text):
    """Writes `text` to `path` atomically."""
    with atomic_write(path) as f:
        f.write(text)
