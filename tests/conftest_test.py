"""The `shared_data` fixture's rule: skip without ../shared/data, fail under CI=true."""

import importlib.util
import pathlib

import pytest

HERE = pathlib.Path(__file__).resolve().parent


def _conftest():
    spec = importlib.util.spec_from_file_location("_seqkit_conftest", HERE / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _outcome(path, environ):
    """The path returned, or the skip / fail raised, as a value: a skip raised
    inside a test would otherwise skip the test itself instead of failing it."""
    try:
        return _conftest().require_shared_data(path, environ)
    except (pytest.fail.Exception, pytest.skip.Exception) as outcome:
        return type(outcome), str(outcome)


@pytest.mark.parametrize("ci", ["true", "TRUE", "1", "yes"])
def test_missing_shared_data_fails_under_ci(tmp_path, ci):
    kind, message = _outcome(tmp_path / "absent", {"CI": ci})
    assert kind is pytest.fail.Exception
    assert "CI=true but the shared data sets are missing" in message


@pytest.mark.parametrize("environ", [{}, {"CI": ""}, {"CI": "false"}])
def test_missing_shared_data_skips_outside_ci(tmp_path, environ):
    kind, message = _outcome(tmp_path / "absent", environ)
    assert kind is pytest.skip.Exception and "absent" in message


@pytest.mark.parametrize("environ", [{}, {"CI": "true"}])
def test_present_shared_data_is_returned(tmp_path, environ):
    assert _outcome(tmp_path, environ) == tmp_path


def test_the_fixture_points_at_the_shared_folder_beside_the_checkout():
    assert _conftest().SHARED_DATA == HERE.parent.parent / "shared" / "data"
