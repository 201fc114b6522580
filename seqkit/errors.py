"""The exceptions seqkit raises on purpose.

Everything seqkit raises deliberately derives from `SeqkitError`, so the CLI can
tell a user's mistake (exit code 2) from a failure inside seqkit (exit code 1)
and from a bug (a traceback).
"""


class SeqkitError(Exception):
    """Base class of every error seqkit raises on purpose."""


class ConfigError(SeqkitError):
    """A pipeline YAML file or `--set` override is invalid."""


class DataError(SeqkitError):
    """Input data is missing, malformed or inconsistent with the config.

    Args:
        message: str. What is wrong and, where possible, how to fix it.
        path: str or None. The file the bad data came from.
        line: int or None. The 1-based line number in `path`.
        column: str or None. The column (field) name.
    """

    def __init__(self, message, path=None, line=None, column=None):
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        self.column = column
        super().__init__(self._format())

    def _format(self):
        where = []
        if self.path is not None:
            where.append(self.path)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        if not where:
            return self.message
        return f"{', '.join(where)}: {self.message}"


class RunDirError(SeqkitError):
    """A run directory or exported model is missing pieces or is corrupt."""


class TrainingError(SeqkitError):
    """Training cannot go on (the loss became NaN or infinite); exit code 1."""
