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


@pytest.mark.parametrize("ci", ["true", "TRUE", "1", "yes"])
def test_missing_shared_data_fails_under_ci(tmp_path, ci):
    with pytest.raises(pytest.fail.Exception, match="CI=true but the shared data sets are missing"):
        _conftest().require_shared_data(tmp_path / "absent", {"CI": ci})


@pytest.mark.parametrize("environ", [{}, {"CI": ""}, {"CI": "false"}])
def test_missing_shared_data_skips_outside_ci(tmp_path, environ):
    with pytest.raises(pytest.skip.Exception, match="absent"):
        _conftest().require_shared_data(tmp_path / "absent", environ)


@pytest.mark.parametrize("environ", [{}, {"CI": "true"}])
def test_present_shared_data_is_returned(tmp_path, environ):
    assert _conftest().require_shared_data(tmp_path, environ) == tmp_path


def test_the_fixture_points_at_the_shared_folder_beside_the_checkout():
    assert _conftest().SHARED_DATA == HERE.parent.parent / "shared" / "data"
