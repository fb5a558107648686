"""Lab pieces without a running lab: the compact view, the view cache, fault scopes, config edits."""

from __future__ import annotations

import time

import pytest

from netops.inventory import Inventory
from netops.lab import configedit, mib
from netops.lab.faults import FaultBook
from netops.lab.state import build_lab, counters
from netops.lab.view import MASK32, LabView, Linear, ViewCache
from netops.transports.snmp.agent import MibView, SimDevice
from netops.transports.snmp.message import (
    Pdu,
    PduType,
    decode_community,
    encode_community,
    encode_request_pdu,
)
from netops.transports.snmp.types import Tag


@pytest.fixture(scope="module")
def lab(reference: Inventory):  # type: ignore[no-untyped-def]
    return build_lab(reference)


def _ask(device: SimDevice, kind: PduType, oids: list[tuple[int, ...]], reps: int = 0) -> list:  # type: ignore[type-arg]
    reply = device.handle(encode_community(1, b"c", encode_request_pdu(kind, 7, oids, 0, reps)))
    assert reply is not None
    answer = decode_community(reply).pdu
    assert isinstance(answer, Pdu)
    return [(vb.oid, vb.tag) for vb in answer.varbinds]


def test_lab_view_answers_as_the_agents_view(lab) -> None:  # type: ignore[no-untyped-def]
    """Same OIDs, same order, same GET/GETNEXT/GETBULK answers as MibView (values aside)."""
    entries = mib.build_view(lab, lab.devices["core-1"])
    plain = [(o, t, v() if callable(v) else v) for o, t, v in entries]  # freeze the clocks
    compact, reference = LabView(plain), MibView(_dedupe(plain))
    assert list(compact.oids) == list(reference.oids)
    a = SimDevice("a", compact, community="c")
    b = SimDevice("b", reference, community="c")
    probes = [compact.oids[0], compact.oids[len(compact) // 2], (1, 3, 6, 1, 2, 1, 1, 9, 0), (2, 1)]
    for kind, reps in ((PduType.GET, 0), (PduType.GET_NEXT, 0), (PduType.GET_BULK, 40)):
        assert _ask(a, kind, probes, reps) == _ask(b, kind, probes, reps)
    assert compact.value(probes[0]) == reference.value(probes[0])
    assert probes[0] in compact and (2, 1) not in compact


def _dedupe(entries: list) -> list:  # type: ignore[type-arg]
    seen: set = set()  # type: ignore[type-arg]
    return [e for e in entries if not (e[0] in seen or seen.add(e[0]))]  # type: ignore[func-returns-value]


def test_linear_counters_agree_with_the_lab_counters(lab) -> None:  # type: ignore[no-untyped-def]
    dev = lab.devices["agg-jiefang"]
    port = next(p for p in dev.ports if p.link is not None)
    entries = {o: v for o, _, v in mib.build_view(lab, dev)}
    hc_in = entries[(1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, port.if_index)]
    assert isinstance(hc_in, Linear)
    before = counters(lab, dev, port)["in_octets"]
    value = hc_in()
    after = counters(lab, dev, port)["in_octets"]
    assert before <= value <= after and value > 0
    uptime = entries[(1, 3, 6, 1, 2, 1, 1, 3, 0)]
    assert isinstance(uptime, Linear) and uptime.mask == MASK32
    assert abs(uptime() - int(dev.uptime() * 100) % (1 << 32)) < 100


def test_view_cache_keeps_the_most_recently_used() -> None:
    built: list[str] = []

    def build(name: str) -> MibView:
        built.append(name)
        return LabView([((1, 3, 6, 1, 2, 1, 1, 5, 0), Tag.OCTET_STRING, name.encode())])

    cache = ViewCache(2)
    for name in ("a", "b", "a", "c", "a", "b"):
        cache.get(name, lambda name=name: build(name))
    assert built == ["a", "b", "c", "b"]  # "b" was evicted by "c", "a" stayed in use
    cache.drop(["a"])
    cache.get("a", lambda: build("a"))
    assert built[-1] == "a" and cache.builds == 5 and len(cache) == 2


def test_fault_scope_touches_the_device_and_its_link_peers_only(lab) -> None:  # type: ignore[no-untyped-def]
    book = FaultBook(lab)
    started = time.process_time()
    (fault,) = book.add("uplink-down", "agg-renmin")
    peers = {
        lab.inventory.peer(link, "agg-renmin") for link in lab.inventory.links_of("agg-renmin")
    }
    assert book.touched == {"agg-renmin"} | peers
    book.touched.clear()
    book.clear(fault.id)
    assert book.touched == {"agg-renmin"} | peers
    assert time.process_time() - started < 2  # no walk over the whole network
    configs = sum(1 for d in lab.devices.values() if d.config_generated)
    assert configs < len(lab.devices)  # configs are generated on use, not for everyone


@pytest.mark.parametrize(
    ("dialect", "text", "expected"),
    [
        ("vrp", "#\ninterface GE0/0/9\n shutdown\n#\nreturn\n", [" description x", " shutdown"]),
        (
            "comware",
            "#\ninterface GE1/0/2\n port link-mode bridge\n shutdown\n#\nreturn\n",
            [" port link-mode bridge", " description x", " shutdown"],
        ),
        ("ios", "!\ninterface Gi1/0/2\n shutdown\n!\nend\n", [" description x", " shutdown"]),
    ],
)
def test_description_lands_first_in_an_interface_block(
    dialect: str, text: str, expected: list[str]
) -> None:
    header = next(line for line in text.splitlines() if line.startswith("interface"))
    edited = configedit.apply(text, dialect, [header], "description x")
    block = configedit.block_text(edited, dialect, [header]).splitlines()[1:]
    assert block == expected
    again = configedit.apply(edited, dialect, [header], "description y")
    assert configedit.block_text(again, dialect, [header]).count("description") == 1
