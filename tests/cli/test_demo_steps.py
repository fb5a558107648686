"""Every step of ``netops demo`` is a command this build has (a renamed command would
otherwise turn into a silent "not yet available" line in the newcomer's first minute)."""

from __future__ import annotations

from netops.cli.demo import STEPS, _available
from netops.cli.main import app


def test_every_demo_step_exists() -> None:
    missing = [" ".join(words) for _, words, _ in STEPS if not _available(app, words)]
    assert not missing, f"demo steps without a command: {missing}"


def test_availability_looks_into_groups() -> None:
    assert _available(app, ["ssh", "collect"]) and _available(app, ["poll"])
    assert not _available(app, ["ssh", "nope"]) and not _available(app, ["nope"])
