"""Shared pytest fixtures for seqkit's tests."""

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def require_shared_data(path, environ):
    """`path` when it is a directory; otherwise skips the test, or fails it
    when `environ` says CI (`CI=true`): CI must run every real-data check."""
    if path.is_dir():
        return path
    if environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true but the shared data sets are missing: {path} is not a directory")
    pytest.skip(f"{path} is not present beside this checkout")


@pytest.fixture
def shared_data():
    """The real data sets in ../shared/data; skips the test when they are
    absent, and fails it under CI=true."""
    return require_shared_data(SHARED_DATA, os.environ)


def pytest_collection_modifyitems(config, items):
    # Under KERAS_BACKEND=jax (the second layer run) tests that need the
    # TensorFlow backend are skipped rather than failing on import.
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if backend == "tensorflow":
        return
    skip = pytest.mark.skip(reason=f"needs the TensorFlow backend, not {backend}")
    for item in items:
        if "tf_only" in item.keywords:
            item.add_marker(skip)
