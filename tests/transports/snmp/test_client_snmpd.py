"""Our client against a real net-snmp snmpd: the same values as snmpget/snmpbulkwalk print."""

from __future__ import annotations

import asyncio

import pytest

from netops.errors import TransportError
from netops.transports.snmp.client import SnmpClient
from netops.transports.snmp.types import OID, Tag, format_oid
from tests.transports.snmp.conftest import (
    COMMUNITY,
    V3_USERS,
    Snmpd,
    cli_v3_args,
    netsnmp,
    parse_netsnmp,
    v2c_target,
    v3_target,
)

pytestmark = pytest.mark.real

IF_TABLE = (1, 3, 6, 1, 2, 1, 2, 2, 1)
IF_X = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)
STABLE = [(*IF_TABLE, c) for c in (1, 2, 3, 4, 6, 7, 8)] + [(*IF_X, c) for c in (1, 15, 18)]
COUNTERS = [(*IF_TABLE, 10), (*IF_TABLE, 16), (*IF_X, 6), (*IF_X, 10)]
SYSTEM = [(1, 3, 6, 1, 2, 1, 1, n, 0) for n in (1, 2, 4, 5, 6)]
FMT = ["-On", "-Ox", "-Ot", "-Oe"]


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


async def _walk(target, columns: list[OID], **kw):  # type: ignore[no-untyped-def]
    async with SnmpClient() as client:
        return await client.walk(target, columns, **kw)


def _bulkwalk(snmpd: Snmpd, auth: list[str], column: OID) -> list:
    r = netsnmp("snmpbulkwalk", *auth, *FMT, "-Cc", snmpd.address(), format_oid(column))
    assert r.returncode == 0, r.stderr
    return [vb for vb in parse_netsnmp(r.stdout) if vb[1] != Tag.END_OF_MIB_VIEW]


def test_v2c_walk_equals_snmpbulkwalk(snmpd: Snmpd) -> None:
    target = v2c_target(snmpd.host, snmpd.port)
    result = run(_walk(target, STABLE + COUNTERS, max_repetitions=7))
    auth = ["-v2c", "-c", COMMUNITY]
    for column in STABLE:
        assert [tuple(vb) for vb in result[column]] == _bulkwalk(snmpd, auth, column), column
    assert result[(*IF_TABLE, 2)], "the agent serves interfaces"
    for column in COUNTERS:
        theirs = _bulkwalk(snmpd, auth, column)
        assert [(vb.oid, vb.tag) for vb in result[column]] == [(o, t) for o, t, _ in theirs]
        for ours, (_, _, later) in zip(result[column], theirs, strict=True):
            assert isinstance(later, int) and 0 <= later - ours.value < 2**30  # walked later


@pytest.mark.parametrize(("user", "auth", "priv"), V3_USERS)
def test_v3_walk_and_get_equal_net_snmp(snmpd: Snmpd, user: str, auth: str, priv: str) -> None:
    target = v3_target(snmpd.host, snmpd.port, user, auth, priv)

    async def both():  # type: ignore[no-untyped-def]
        async with SnmpClient() as client:
            return await client.get(target, SYSTEM), await client.walk(target, STABLE[:4])

    got, walked = run(both())
    r = netsnmp(
        "snmpget", *cli_v3_args(user, auth, priv), *FMT, snmpd.address(), *map(format_oid, SYSTEM)
    )
    assert r.returncode == 0, r.stderr
    assert [tuple(vb) for vb in got] == parse_netsnmp(r.stdout)
    assert got[3].value and got[4].value == b"netops test rack"
    for column in STABLE[:4]:
        assert [tuple(vb) for vb in walked[column]] == _bulkwalk(
            snmpd, cli_v3_args(user, auth, priv), column
        )


def test_get_missing_objects(snmpd: Snmpd) -> None:
    async def go():  # type: ignore[no-untyped-def]
        async with SnmpClient() as client:
            return await client.get(
                v2c_target(snmpd.host, snmpd.port),
                [(1, 3, 6, 1, 2, 1, 1, 5, 1), (1, 3, 6, 1, 2, 1, 1, 99, 0)],
            )

    got = run(go())
    assert [vb.tag for vb in got] == [Tag.NO_SUCH_INSTANCE, Tag.NO_SUCH_OBJECT]


@pytest.mark.parametrize(
    ("target_kw", "words"),
    [
        ({"auth_key": "wrong-auth-key"}, "wrong digest"),
        ({"user": "nobody"}, "unknown user"),
    ],
)
def test_v3_wrong_credentials_are_auth_failures(snmpd: Snmpd, target_kw: dict, words: str) -> None:
    user = target_kw.pop("user", "usha")
    target = v3_target(snmpd.host, snmpd.port, user, "SHA", "AES", **target_kw)
    with pytest.raises(TransportError) as err:
        run(_walk(target, STABLE[:1], timeout=1.0, retries=0))
    assert err.value.reason == "auth" and words in str(err.value)
    assert "wrong-auth-key" not in str(err.value) and "privpass" not in str(err.value)


def test_v3_below_user_level_is_an_error_status(snmpd: Snmpd) -> None:
    target = v3_target(snmpd.host, snmpd.port, "usha", "SHA", None)  # authNoPriv for a priv user
    with pytest.raises(TransportError) as err:
        run(_walk(target, STABLE[:1], timeout=1.0, retries=0))
    assert err.value.reason == "error" and "authorizationError" in str(err.value)
