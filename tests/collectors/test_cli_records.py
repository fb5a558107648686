"""One shared run over every recorded case: tests/collectors/<platform>/<record>/<case>/.

A case holds the device's output per command (``<command slug>.txt``: the command with
every run of non-alphanumerics as ``_``) and ``expected.json`` (the records). The
platform's real profile in collectors/ drives parsing, exactly as against a device;
a command without a file answers nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from netops.collectors.ssh import cli_sections, records_from

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
# SNMP cases (a recorded walk) share the tree; test_snmp_cases.py runs those
CASES = sorted(p for p in HERE.glob("*/*/*") if p.is_dir() and not (p / "walk.snmprec").exists())


def slug(command: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", command).strip("_")


@pytest.fixture(scope="module")
def sections():  # type: ignore[no-untyped-def]
    return cli_sections(ROOT / "collectors")


@pytest.mark.parametrize("case", CASES, ids=lambda p: "/".join(p.parts[-3:]))
def test_recorded_case(case: Path, sections) -> None:  # type: ignore[no-untyped-def]
    platform, kind = case.parts[-3], case.parts[-2]
    sent: list[str] = []

    def replay(command: str) -> str:
        sent.append(command)
        file = case / f"{slug(command)}.txt"
        return file.read_text() if file.exists() else ""

    collected = records_from("dut", sections[platform], replay, [kind])
    assert collected.errors == {}
    got = [r.model_dump(mode="json", exclude_defaults=True) for r in collected.records[kind]]
    used = {f"{slug(c)}.txt" for c in sent}
    assert {p.name for p in case.glob("*.txt")} <= used, "a recorded output was never asked for"
    assert got == json.loads((case / "expected.json").read_text())
