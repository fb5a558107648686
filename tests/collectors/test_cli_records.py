"""One shared run over every recorded case: tests/collectors/<platform>/<record>/<case>/.

A case holds the device's output per command (``<command slug>.txt``: the command with
every run of non-alphanumerics as ``_``) and ``expected.json`` (the records). The
platform's real profile in collectors/ drives parsing, exactly as against a device;
a command without a file answers nothing. When a case holds the output of the profile's
VRF listing, the ``vrf`` kind runs first, as on a device, so per-VRF commands
(``foreach: vrf``) are sent too. Where the outputs come from: README.md here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from netops.collectors.cli import CliSection
from netops.collectors.ssh import cli_sections, records_from

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
# SNMP cases (a recorded walk) share the tree; test_snmp_cases.py runs those
CASES = sorted(
    p
    for p in HERE.glob("*/*/*")
    if p.is_dir() and (p / "expected.json").exists() and not (p / "walk.snmprec").exists()
)


def slug(command: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", command).strip("_")


@pytest.fixture(scope="module")
def sections() -> dict[str, CliSection]:
    return cli_sections(ROOT / "collectors")


def kinds_for(case: Path, cli: CliSection, kind: str) -> list[str]:
    listing = [c.command for c in cli.records.get("vrf", []) if c.foreach is None]
    if kind != "vrf" and any((case / f"{slug(c)}.txt").exists() for c in listing):
        return ["vrf", kind]
    return [kind]


@pytest.mark.parametrize("case", CASES, ids=lambda p: "/".join(p.parts[-3:]))
def test_recorded_case(case: Path, sections: dict[str, CliSection]) -> None:
    platform, kind = case.parts[-3], case.parts[-2]
    cli = sections[platform]
    sent: list[str] = []

    def replay(command: str) -> str:
        sent.append(command)
        file = case / f"{slug(command)}.txt"
        return file.read_text() if file.exists() else ""

    collected = records_from("dut", cli, replay, kinds_for(case, cli, kind))
    assert collected.errors == {}
    got = [r.model_dump(mode="json", exclude_defaults=True) for r in collected.records[kind]]
    used = {f"{slug(c)}.txt" for c in sent}
    assert {p.name for p in case.glob("*.txt")} <= used, "a recorded output was never asked for"
    assert got == json.loads((case / "expected.json").read_text())


def _commands(cli: CliSection, kind: str) -> list[tuple[str, str | None, str | None]]:
    return [(c.command, c.textfsm, c.parser) for c in cli.records[kind]]


def test_every_platform_record_has_a_case(sections: dict[str, CliSection]) -> None:
    """Each record kind of each platform's cli profile has a recorded case -- its own, or
    one of another platform that sends the same commands (or more) through the same parsers (the
    USG runs VRP's CLI: its ``display arp all`` is VRP's)."""

    def covered(platform: str, kind: str) -> bool:
        if any(HERE.glob(f"{platform}/{kind}/*/expected.json")):
            return True
        mine = _commands(sections[platform], kind)
        return any(
            kind in cli.records
            and set(mine) <= set(_commands(cli, kind))
            and any(HERE.glob(f"{other}/{kind}/*/expected.json"))
            for other, cli in sections.items()
            if other != platform
        )

    missing = [
        f"{platform}/{kind}"
        for platform, cli in sections.items()
        for kind in cli.records
        if kind != "config" and not covered(platform, kind)
    ]
    assert missing == []
