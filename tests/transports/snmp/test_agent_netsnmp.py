"""net-snmp's snmpget/snmpwalk/snmpbulkwalk against our agent: exactly the served data."""

from __future__ import annotations

import pytest

from netops.transports.snmp.agent import MibView
from netops.transports.snmp.types import Tag, format_oid
from tests.conftest import require
from tests.transports.snmp.conftest import (
    COMMUNITY,
    V3_USERS,
    AgentHandle,
    cli_v3_args,
    netsnmp,
    parse_netsnmp,
    served_rows,
)

pytestmark = pytest.mark.real


@pytest.fixture(autouse=True)
def _tools() -> None:
    require("snmpget", "snmpwalk", "snmpbulkwalk", "snmpbulkget", "snmpset")


FMT = ["-On", "-Ox", "-Ot", "-Oe"]


served = served_rows


def strip_end(rows: list) -> list:
    return [r for r in rows if r[1] != Tag.END_OF_MIB_VIEW]


@pytest.mark.parametrize("tool", ["snmpwalk", "snmpbulkwalk"])
def test_v2c_walk_whole_device(lab_agent: AgentHandle, tool: str) -> None:
    device = lab_agent.devices[1]
    r = netsnmp(tool, "-v2c", "-c", COMMUNITY, *FMT, f"127.0.77.2:{lab_agent.port}", ".1")
    assert r.returncode == 0, r.stderr
    got = parse_netsnmp(r.stdout)
    want = served(device)
    assert len(got) == len(want) + 1 and got[-1][1] == Tag.END_OF_MIB_VIEW  # as snmpd does
    uptime = (1, 3, 6, 1, 2, 1, 1, 3, 0)
    assert [g for g in got[:-1] if g[0] != uptime] == [w for w in want if w[0] != uptime]


@pytest.mark.parametrize(("user", "auth", "priv"), V3_USERS)
def test_v3_bulkwalk_and_get(lab_agent: AgentHandle, user: str, auth: str, priv: str) -> None:
    device = lab_agent.devices[2]
    column = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)
    args = cli_v3_args(user, auth, priv)
    r = netsnmp(
        "snmpbulkwalk", *args, *FMT, "-Cr30", f"127.0.77.3:{lab_agent.port}", format_oid(column)
    )
    assert r.returncode == 0, r.stderr
    assert strip_end(parse_netsnmp(r.stdout)) == served(device, column)
    r = netsnmp(
        "snmpget",
        *args,
        *FMT,
        f"127.0.77.3:{lab_agent.port}",
        "1.3.6.1.2.1.1.5.0",
        "1.3.6.1.2.1.2.2.1.2.7",
        "1.3.6.1.2.1.1.5.1",
        "1.3.6.1.2.1.1.77.0",
    )
    assert r.returncode == 0, r.stderr
    assert parse_netsnmp(r.stdout) == [
        ((1, 3, 6, 1, 2, 1, 1, 5, 0), Tag.OCTET_STRING, b"dev2"),
        ((1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 7), Tag.OCTET_STRING, b"GigabitEthernet0/0/7"),
        ((1, 3, 6, 1, 2, 1, 1, 5, 1), Tag.NO_SUCH_INSTANCE, None),
        ((1, 3, 6, 1, 2, 1, 1, 77, 0), Tag.NO_SUCH_OBJECT, None),
    ]


def test_each_address_is_its_own_device(lab_agent: AgentHandle) -> None:
    for n in (1, 2, 3):
        r = netsnmp(
            "snmpget",
            "-v2c",
            "-c",
            COMMUNITY,
            "-Oqv",
            f"127.0.77.{n}:{lab_agent.port}",
            "1.3.6.1.2.1.1.5.0",
        )
        assert r.stdout.strip() == f'"dev{n - 1}"'


def test_wrong_credentials_refused_as_net_snmp_expects(lab_agent: AgentHandle) -> None:
    address = f"127.0.77.1:{lab_agent.port}"
    r = netsnmp(
        "snmpget", "-v2c", "-c", "wrong", "-t", "0.3", "-r", "0", address, "1.3.6.1.2.1.1.5.0"
    )
    assert r.returncode != 0 and "Timeout" in r.stderr  # v2c: silently dropped, like snmpd
    r = netsnmp(
        "snmpget",
        *cli_v3_args("usha", "SHA", "AES", auth_key="wrongpass123"),
        "-r",
        "0",
        address,
        "1.3.6.1.2.1.1.5.0",
    )
    assert r.returncode != 0 and "Authentication failure" in r.stderr
    r = netsnmp(
        "snmpget", *cli_v3_args("nobody", "SHA", "AES"), "-r", "0", address, "1.3.6.1.2.1.1.5.0"
    )
    assert r.returncode != 0 and "Unknown user name" in r.stderr
    r = netsnmp(
        "snmpget", *cli_v3_args("usha", "SHA", None), "-r", "0", address, "1.3.6.1.2.1.1.5.0"
    )
    assert "authorizationError" in r.stdout + r.stderr
    r = netsnmp(
        "snmpset", "-v2c", "-c", COMMUNITY, "-r", "0", address, "1.3.6.1.2.1.1.5.0", "s", "x"
    )
    assert r.returncode != 0 and "noAccess" in r.stdout + r.stderr


def test_view_swap_is_served_at_once(lab_agent: AgentHandle) -> None:
    device = lab_agent.devices[0]
    old = device.view
    try:
        device.view = MibView({(1, 3, 6, 1, 2, 1, 1, 5, 0): (Tag.OCTET_STRING, b"renamed")})
        r = netsnmp(
            "snmpget",
            "-v2c",
            "-c",
            COMMUNITY,
            "-Oqv",
            f"127.0.77.1:{lab_agent.port}",
            "1.3.6.1.2.1.1.5.0",
        )
        assert r.stdout.strip() == '"renamed"'
    finally:
        device.view = old


def test_getbulk_semantics(lab_agent: AgentHandle) -> None:
    """non-repeaters + repeaters, endOfMibView rows, as snmpd answers (RFC 3416 4.2.3)."""
    address = f"127.0.77.1:{lab_agent.port}"
    r = netsnmp(
        "snmpbulkget",
        "-v2c",
        "-c",
        COMMUNITY,
        *FMT,
        "-Cn1",
        "-Cr3",
        address,
        "1.3.6.1.2.1.1.1",
        "1.3.6.1.2.1.31.1.1.1.18.49",
        "1.3.6.1.2.1.1.5.0",
    )
    assert r.returncode == 0, r.stderr
    rows = parse_netsnmp(r.stdout)
    assert [(format_oid(o), t) for o, t, _ in rows] == [
        ("1.3.6.1.2.1.1.1.0", Tag.OCTET_STRING),  # the non-repeater
        ("1.3.6.1.2.1.31.1.1.1.18.50", Tag.OCTET_STRING),
        ("1.3.6.1.2.1.2.2.1.1.1", Tag.INTEGER),
        ("1.3.6.1.2.1.31.1.1.1.18.51", Tag.OCTET_STRING),
        ("1.3.6.1.2.1.2.2.1.1.2", Tag.INTEGER),
        ("1.3.6.1.2.1.31.1.1.1.18.51", Tag.END_OF_MIB_VIEW),  # past the end: stays there
        ("1.3.6.1.2.1.2.2.1.1.3", Tag.INTEGER),
    ]
