"""The layout of a run directory and the atomic writes that fill it.

A run directory (`runs/<name>/`) holds everything a finished training run
leaves behind::

    config.yaml      the resolved config
    assets/          tokenizer.json, vocab.txt, labels.txt
    checkpoints/     backup/ (last epoch, with optimizer state, for --resume)
                     and best.weights.h5
    model.keras      the best model, Keras format (written last: a run
                     directory without it did not finish)
    history.csv      one row per epoch
    logs/            TensorBoard
    metrics.json     written by fit (validation, test) and evaluate
    plots/           training curves, confusion matrix (PNG)

Every file is written under a temporary name and renamed into place, so an
interrupted run never leaves a half-written file that looks complete.
"""

import contextlib
import os
import pathlib
import tempfile

CONFIG = "config.yaml"
ASSETS = "assets"
LABELS = "assets/labels.txt"
CHECKPOINTS = "checkpoints"
BACKUP = "checkpoints/backup"
BEST_WEIGHTS = "checkpoints/best.weights.h5"
MODEL = "model.keras"
HISTORY = "history.csv"
LOGS = "logs"
METRICS = "metrics.json"
PLOTS = "plots"


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

    def make(self):
        """Creates the directory and its sub-directories; returns self."""
        for sub in (self.path, self.assets, self.checkpoints, self.logs, self.plots):
            sub.mkdir(parents=True, exist_ok=True)
        return self

    def exists(self):
        """True when the directory exists and holds anything at all."""
        return self.path.is_dir() and any(self.path.iterdir())


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
    fd, tmp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}"
    )
    os.close(fd)
    os.unlink(tmp)  # the writer creates it; some refuse to overwrite
    try:
        yield pathlib.Path(tmp)
        os.replace(tmp, path)
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
