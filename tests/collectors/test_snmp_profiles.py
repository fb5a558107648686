"""Profile loading: bad profiles are errors with file, line and field; walk file formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from netops.collectors.recorded import ReplayClient, dump_snmprec, parse_snmprec, parse_snmpwalk
from netops.collectors.snmp_map import Fetched, map_records, parse_index
from netops.collectors.snmp_profiles import load_snmp_profiles
from netops.collectors.snmp_schema import IndexPart
from netops.errors import DataFileError
from netops.transports.snmp.types import Tag
from netops.transports.targets import SnmpTarget
from tests.conftest import ROOT

BASE = """
snmp:
  tables:
    ifTable:
      index: [{name: if_index, type: integer}]
      columns: {ifDescr: 1.3.6.1.2.1.2.2.1.2}
  records:
    interface:
      table: ifTable
      fields:
        name: {column: ifDescr}
"""


def write(folder: Path, name: str, text: str) -> None:
    (folder / f"{name}.yaml").write_text(text, encoding="utf-8")


def problems(folder: Path) -> list[str]:
    with pytest.raises(DataFileError) as info:
        load_snmp_profiles(folder)
    return [str(p) for p in info.value.problems]


def test_unknown_key_is_reported_with_line(tmp_path: Path) -> None:
    write(tmp_path, "standard", BASE)
    write(
        tmp_path,
        "p",
        "platform: linux\nextends: [standard]\nsnmp:\n  records:\n    interface:\n      table: ifTable\n      fields:\n        name: {colum: ifDescr}\n",
    )
    found = problems(tmp_path)
    assert any("p.yaml:8" in p and "colum" in p for p in found), found


def test_references_checked_after_merge(tmp_path: Path) -> None:
    write(tmp_path, "standard", BASE)
    write(
        tmp_path,
        "p",
        "platform: linux\nextends: [standard]\nsnmp:\n  records:\n    interface:\n"
        "      table: ifTable\n      fields:\n        name: {column: ifNmae}\n"
        "        speed: {column: ifDescr}\n",
    )
    found = problems(tmp_path)
    assert any("p.yaml:8" in p and "no table has a column 'ifNmae'" in p for p in found), found
    assert any("p.yaml:9" in p and "Interface has no field 'speed'" in p for p in found), found


def test_bad_oid_and_conversion_arity(tmp_path: Path) -> None:
    write(tmp_path, "standard", BASE.replace("1.3.6.1.2.1.2.2.1.2}", "1.3.6.x}"))
    write(tmp_path, "p", "platform: linux\nextends: [standard]\n")
    assert any("not a numeric OID" in p for p in problems(tmp_path))
    write(
        tmp_path,
        "standard",
        BASE.replace("{column: ifDescr}", "{column: ifDescr, convert: ip_prefix}"),
    )
    assert any("ip_prefix needs a list of two values" in p for p in problems(tmp_path))


def test_child_disables_a_record(tmp_path: Path) -> None:
    write(tmp_path, "standard", BASE)
    write(
        tmp_path,
        "p",
        "platform: linux\nextends: [standard]\nsnmp:\n  records:\n    interface: null\n",
    )
    assert load_snmp_profiles(tmp_path)["linux"].kinds == []


def test_index_layouts() -> None:
    layout = [IndexPart(name="t", type="integer"), IndexPart(name="a", type="inet_address")]
    parts = parse_index(layout, (7, 1, 4, 10, 0, 0, 1))
    assert parts["t"].value == 7 and parts["a"].value == bytes([10, 0, 0, 1])
    with pytest.raises(ValueError):
        parse_index(layout, (7, 1, 4, 10, 0))
    with pytest.raises(ValueError):
        parse_index([IndexPart(name="s", type="string")], (3, 65, 66, 67, 1))


SNMPWALK = """\
.1.3.6.1.2.1.1.1.0 = STRING: "Linux box
second line"
.1.3.6.1.2.1.1.3.0 = Timeticks: (8640000) 1 day, 0:00:00.00
.1.3.6.1.2.1.2.2.1.2.1 = STRING: "lo"
.1.3.6.1.2.1.2.2.1.6.1 = Hex-STRING: 00 50 56 A1 B2 C3
.1.3.6.1.2.1.2.2.1.8.1 = INTEGER: up(1)
.1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 12345
.1.3.6.1.2.1.4.20.1.3.127.0.0.1 = IpAddress: 255.0.0.0
"""


def test_snmpwalk_text_and_snmprec_round_trip() -> None:
    vbs = parse_snmpwalk(SNMPWALK)
    by = {vb.oid: vb for vb in vbs}
    assert by[(1, 3, 6, 1, 2, 1, 1, 1, 0)].value == b"Linux box\nsecond line"
    assert by[(1, 3, 6, 1, 2, 1, 1, 3, 0)] == ((1, 3, 6, 1, 2, 1, 1, 3, 0), Tag.TIME_TICKS, 8640000)
    assert by[(1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 1)].value == 1
    assert by[(1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1)].tag == Tag.COUNTER64
    assert parse_snmprec(dump_snmprec(vbs)) == vbs


def test_garbled_walk_line_is_an_error_with_line_number() -> None:
    with pytest.raises(ValueError, match="walk:2"):
        parse_snmprec("1.3.6.1.2.1.1.5.0|4|ok\nnot a line\n")


def test_bad_rows_are_problems_not_crashes() -> None:
    profile = load_snmp_profiles(ROOT / "collectors")["linux"]
    walk = parse_snmprec(
        "1.3.6.1.2.1.2.2.1.2.1|4|lo\n1.3.6.1.2.1.2.2.1.8.1|2|99\n"
        "1.3.6.1.2.1.2.2.1.2.2|4|eth0\n1.3.6.1.2.1.2.2.1.8.2|2|1\n"
        "1.3.6.1.2.1.2.2.1.6.2|4|not-a-mac\n"
    )
    records, found = map_records(
        profile.section, Fetched.from_walk(profile.section, walk), "d", ["interface"]
    )
    by = {r.name: r for r in records["interface"]}
    assert by["lo"].oper_status is None  # unknown enum value: empty, not a crash
    assert by["eth0"].oper_status == "up" and by["eth0"].mac is None
    assert any("interface[2]: mac" in p for p in found), found


def test_replay_client_walks_like_an_agent() -> None:
    import asyncio

    walk = parse_snmpwalk(SNMPWALK)
    client = ReplayClient({"d": walk})
    target = SnmpTarget("d", "127.0.0.1", 161, "2c", community="x")
    got = asyncio.run(client.walk(target, [(1, 3, 6, 1, 2, 1, 2, 2, 1)]))
    assert len(got[(1, 3, 6, 1, 2, 1, 2, 2, 1)]) == 3
    [missing] = asyncio.run(client.get(target, [(1, 3, 6, 1, 2, 1, 1, 5, 0)]))
    assert missing.tag == Tag.NO_SUCH_OBJECT
