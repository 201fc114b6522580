"""Fixtures for the tokenizer tests: a few hundred real lines from ../shared/data."""

import pytest


def _read_column(path, column, limit, skip_header):
    values = []
    with open(path, encoding="utf-8", newline="") as f:
        if skip_header:
            next(f)
        for line in f:
            line = line.rstrip("\r\n")
            if line:
                values.append(line.split("\t")[column])
            if len(values) == limit:
                break
    return values


@pytest.fixture
def sst2_lines(shared_data):
    """English movie-review sentences (SST-2 train, first 300)."""
    return _read_column(shared_data / "sentiment" / "sst2_train.tsv", 0, 300, True)


@pytest.fixture
def spanish_lines(shared_data):
    """Spanish sentences with accents and inverted marks (Tatoeba spa.txt)."""
    path = shared_data / "translation" / "spa-eng" / "spa.txt"
    # Take lines from deep in the file, where the sentences are longer.
    lines = _read_column(path, 1, 60000, False)
    return lines[-300:] + lines[:50]


@pytest.fixture
def abc_lines(shared_data):
    """Lines of ABC music notation (irish.abc), blank lines included."""
    with open(shared_data / "music" / "irish.abc", encoding="utf-8", newline="") as f:
        return [line.rstrip("\n") for _, line in zip(range(300), f)]
