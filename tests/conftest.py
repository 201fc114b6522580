"""Shared pytest fixtures for seqkit's tests."""

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture
def shared_data():
    """The real data sets in ../shared/data; skips the test when they are absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present beside this checkout")
    return SHARED_DATA


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
