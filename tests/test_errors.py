"""Errors cross process boundaries whole (worker processes of ``netops poll`` raise them)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netops.cli.main import app
from netops.errors import DataFileError, InventoryError, Problem, TransportError
from tests.conftest import ROOT


def test_data_file_errors_survive_pickling() -> None:
    problems = [Problem("b.yaml", 3, "x", "bad"), Problem("a.yaml", None, "", "missing")]
    for error in (DataFileError(problems, "endpoints"), InventoryError(problems)):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error)
        assert back.problems == error.problems and str(back) == str(error)
        assert back.what == error.what


def test_transport_errors_keep_their_reason() -> None:
    back = pickle.loads(pickle.dumps(TransportError("timeout", "core-1: no answer")))
    assert back.reason == "timeout" and str(back) == "core-1: no answer"


def test_poll_with_a_missing_endpoints_file_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reference inventory has enough devices for worker processes: the error they
    raise reaches the command line as one line, not a broken process pool."""
    monkeypatch.chdir(ROOT)
    missing = tmp_path / "endpoints.json"
    result = CliRunner().invoke(app, ["poll", "--once", "--endpoints", str(missing)])
    # (``netops.cli.main.run`` prints a NetopsError as one line and exits 1)
    assert isinstance(result.exception, DataFileError), repr(result.exception)
    assert "cannot read endpoints file" in str(result.exception)
