"""One shared run over every recorded SNMP case (NAPALM's mocked-data model).

A case is ``tests/collectors/<platform>/<record kind>/<case>/`` holding ``walk.snmprec``
(or ``walk.txt``, snmpwalk -On output) and ``expected.json``: the records the platform's
profile must make of that walk. Consistency: every inventory platform has an SNMP
profile, and every record kind a profile polls has at least one case.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netops.collectors.recorded import load_walk
from netops.collectors.snmp_map import Fetched, map_records
from netops.collectors.snmp_profiles import SnmpProfile, load_snmp_profiles
from netops.inventory.model import Platform

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PROFILES = load_snmp_profiles(ROOT / "collectors")


def _walk_file(case: Path) -> Path | None:
    for name in ("walk.snmprec", "walk.txt"):
        if (case / name).exists():
            return case / name
    return None


CASES = sorted(
    case
    for case in HERE.glob("*/*/*")
    if case.is_dir() and _walk_file(case) is not None and (case / "expected.json").exists()
)


def test_every_inventory_platform_has_an_snmp_profile() -> None:
    missing = [p.value for p in Platform if p.value not in PROFILES]
    assert not missing, f"no SNMP profile for {missing}"


def test_every_profile_record_has_a_case() -> None:
    have = {(c.parts[-3], c.parts[-2]) for c in CASES}
    missing = [
        f"{platform}/{kind}"
        for platform, profile in PROFILES.items()
        for kind in profile.kinds
        if (platform, kind) not in have
    ]
    assert not missing, f"profile records without a recorded case: {missing}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: "/".join(c.parts[-3:]))
def test_case(case: Path) -> None:
    platform, kind = case.parts[-3], case.parts[-2]
    profile: SnmpProfile = PROFILES[platform]
    walk_file = _walk_file(case)
    assert walk_file is not None
    fetched = Fetched.from_walk(profile.section, load_walk(walk_file))
    records, problems = map_records(profile.section, fetched, "dut", [kind])
    got = [r.model_dump(mode="json", exclude_none=True) for r in records[kind]]
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert not problems
    assert got == expected
    assert got, "a case must produce at least one record"
