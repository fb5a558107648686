"""SSH collection and config backups against the lab: every platform, every record kind.

One lab of the reference network for the module. netmiko's real device types and
ntc-templates' real templates parse what the lab's simulated VRP, USG, Comware, IOS and
Linux devices print; the expectations come from the inventory (LLDP peers, VRFs, HRP
pair) and from config commands sent over SSH (VRFs on Comware and IOS), not from the
lab's code. Backups run through the real ``netops backup configs`` command.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from netops.backups.changes import CHANGED
from netops.backups.service import history_of, policy_devices
from netops.cli.main import app
from netops.collectors.ssh import DevicePoll, cli_sections, poll_devices
from netops.collectors.targets import ssh_target
from netops.credentials import load_secrets
from netops.endpoints import DeviceEndpoints, load_endpoints
from netops.errors import TransportError
from netops.inventory import Inventory
from netops.lab import control
from netops.settings import SshSettings, load_settings
from netops.store import Store
from netops.transports.ssh import SshSession
from tests.conftest import REFERENCE, ROOT

pytestmark = pytest.mark.real

#: Secret shapes in the lab's configs (netops.lab.secrets makes them like the platforms do).
SECRET_SHAPES = [
    r"%\^%#.+?%\^%#",  # VRP/USG reversible cipher
    r"\$1c\$\S+",  # VRP irreversible-cipher
    r"\$c\$3\$\S+",  # Comware cipher
    r"\$h\$6\$\S+",  # Comware hash
    r"\$9\$\S+",  # IOS type 9
    r"(?<=key 7 )\S+",  # IOS type 7
    r"(?<=SHA )[0-9a-f]{40}",  # net-snmp createUser auth key
    r"(?<=AES )[0-9a-f]{40}",  # net-snmp createUser priv key
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    endpoints = tmp_path_factory.mktemp("lab-ssh") / "endpoints.json"
    control.up(REFERENCE, endpoints)
    try:
        yield endpoints
    finally:
        control.down(endpoints)


@pytest.fixture(scope="module")
def eps(lab: Path) -> dict[str, DeviceEndpoints]:
    return load_endpoints(lab)


def _session(reference: Inventory, eps: dict[str, DeviceEndpoints], name: str) -> SshSession:
    target = ssh_target(reference, reference.device(name), load_secrets(None), eps)
    return SshSession(target, timeout=10)


def _poll(
    reference: Inventory,
    eps: dict[str, DeviceEndpoints],
    names: list[str],
    kinds: list[str] | None = None,
    timeout: float = 10,
) -> dict[str, DevicePoll]:
    polls = poll_devices(
        reference,
        [reference.device(n) for n in names],
        cli_sections(ROOT / "collectors"),
        SshSettings(timeout=timeout, command_timeout=30, concurrency=8),
        load_secrets(None),
        eps,
        kinds=kinds,
    )
    return {p.device: p for p in polls}


def _fault(lab: Path, kind: str, device: str) -> int:
    reply = control.request(lab, {"op": "fault-add", "kind": kind, "device": device})
    return int(reply["faults"][0]["id"])


PLATFORM_DEVICES = {
    "huawei_vrp": "core-1",  # PE: VRFs, per-VRF routes and ARP
    "huawei_usg": "edge-fw-1",  # security policy, HRP
    "hp_comware": "acc-jiefang-02",
    "cisco_ios": "edge-br-1",
    "linux": "dc-db-1",
}


def test_every_record_kind_of_every_platform(
    lab: Path, eps: dict[str, DeviceEndpoints], reference: Inventory
) -> None:
    polls = _poll(reference, eps, list(PLATFORM_DEVICES.values()))
    sections = cli_sections(ROOT / "collectors")
    for platform, name in PLATFORM_DEVICES.items():
        poll = polls[name]
        assert poll.result.ok, (name, poll.result.error)
        assert set(poll.collected.records) == set(sections[platform].records), name
        records: dict[str, list[Any]] = poll.collected.records
        for kind in ("version", "interface", "route", "config"):
            assert records[kind], (name, kind)
        if "lldp" in records:  # every cabled neighbour, by name, as the inventory has them
            seen = {r.remote_system_name for r in records["lldp"]}
            assert seen == {reference.peer(link, name) for link in reference.links_of(name)}
            names = {i.name for i in records["interface"]}  # full names on both sides
            assert {r.local_interface for r in records["lldp"]} <= names, name
        assert "<masked" in records["config"][0].text or platform == "linux"

    core = polls["core-1"].collected.records
    vrfs = {v.name: v for v in core["vrf"]}
    assert set(vrfs) == {v.name for v in reference.vrfs_on("core-1")}
    for v in reference.vrfs_on("core-1"):
        assert vrfs[v.name].rd == v.rd
        assert set(vrfs[v.name].import_targets) == set(v.import_targets)
        assert set(vrfs[v.name].export_targets) == set(v.export_targets)
    bound = {i.name: i.vrf for i in core["interface"] if i.vrf}
    assert bound and all(name in vrfs[vrf].interfaces for name, vrf in bound.items())
    statics = [r for r in core["route"] if r.protocol == "static" and r.vrf == "ZW_PUBLIC"]
    assert [r.prefix for r in statics] == ["0.0.0.0/0"] and statics[0].next_hop
    assert {r.vrf for r in core["route"]} >= set(vrfs)  # a table per VRF
    arp_vrfs = {a.vrf for a in core["arp"]}
    assert "ZW_PUBLIC" in arp_vrfs and "ZW_INTERNET" in arp_vrfs

    fw = polls["edge-fw-1"].collected.records
    rules = fw["firewall_rule"]
    assert rules[-1].is_default and rules[-1].action == "deny"
    assert any("ips default" in r.profiles for r in rules if r.action == "permit")
    [ha] = fw["ha_state"]
    assert (ha.mechanism, ha.role, ha.peer_role, ha.peer_reachable) == (
        "hrp", "active", "standby", True,
    )  # fmt: skip

    linux = polls["dc-db-1"].collected.records
    addresses = {a for i in linux["interface"] for a in i.addresses}
    # the database pair's service address on the primary (a keepalived-style /32 VIP)
    assert "10.1.8.10/32" in addresses and "10.1.8.11/24" in addresses
    assert any(r.prefix == "0.0.0.0/0" and r.protocol == "static" for r in linux["route"])
    assert linux["arp"] and linux["version"][0].os == "Linux"


def test_vrfs_configured_over_ssh_on_comware_and_ios(
    lab: Path, eps: dict[str, DeviceEndpoints], reference: Inventory
) -> None:
    """An engineer adds a VPN on an H3C and a Cisco box; collection sees VRF, binding, routes
    and ARP per VRF -- Comware's ARP entry once, although two listings print it."""
    with _session(reference, eps, "agg-binhe") as s:
        s.send_config(
            [
                "ip vpn-instance ZW_LAB",
                "route-distinguisher 65000:77",
                "vpn-target 65000:77 export-extcommunity",
                "vpn-target 65000:77 65000:10 import-extcommunity",
                "quit",
                "interface Vlan-interface177",
                "ip binding vpn-instance ZW_LAB",
                "ip address 10.77.0.1 255.255.255.0",
                "quit",
                "ip route-static vpn-instance ZW_LAB 0.0.0.0 0 10.77.0.254",
            ]  # no error_pattern: netmiko's Comware driver then waits 2 s after every command
        )
    with _session(reference, eps, "agg-gongyuan") as s:
        s.send_config(
            [
                "vrf definition ZW_LAB",
                "rd 65000:78",
                "address-family ipv4",
                "route-target export 65000:78",
                "route-target import 65000:78",
                "exit-address-family",
                "exit",
                "interface Vlan178",
                "vrf forwarding ZW_LAB",
                "ip address 10.78.0.1 255.255.255.0",
                "exit",
                "ip route vrf ZW_LAB 0.0.0.0 0.0.0.0 10.78.0.254",
            ],
            error_pattern=r"% Invalid",
        )
    polls = _poll(reference, eps, ["agg-binhe", "agg-gongyuan"], ["vrf", "route", "arp"])
    for name, rd, rts, iface, gw in (
        ("agg-binhe", "65000:77", {"65000:77", "65000:10"}, "Vlan-interface177", "10.77.0.254"),
        ("agg-gongyuan", "65000:78", {"65000:78"}, "Vlan178", "10.78.0.254"),
    ):
        poll = polls[name]
        assert poll.result.ok, poll.result.error
        records: dict[str, list[Any]] = poll.collected.records
        [vrf] = records["vrf"]
        assert (vrf.name, vrf.rd, set(vrf.import_targets)) == ("ZW_LAB", rd, rts)
        assert iface in vrf.interfaces
        in_vrf = [r for r in records["route"] if r.vrf == "ZW_LAB"]
        assert {(r.prefix, r.protocol) for r in in_vrf} >= {("0.0.0.0/0", "static")}
        assert any(r.protocol == "direct" for r in in_vrf)
        gateways = [a for a in records["arp"] if a.ip == gw]
        assert len(gateways) == 1 and gateways[0].vrf == "ZW_LAB", (name, gateways)
        assert all(a.vrf is None for a in records["arp"] if a.ip.startswith("10.250."))


def test_cross_vrf_static_route_is_collected(
    lab: Path, eps: dict[str, DeviceEndpoints], reference: Inventory
) -> None:
    fault = _fault(lab, "cross-vrf-route", "core-2")
    try:
        poll = _poll(reference, eps, ["core-2"], ["vrf", "route"])["core-2"]
    finally:
        control.request(lab, {"op": "fault-clear", "id": fault})
    assert poll.result.ok, poll.result.error
    leaks = [r for r in poll.collected.records["route"] if getattr(r, "next_hop_vrf", None)]
    assert leaks and all(r.vrf != r.next_hop_vrf for r in leaks)


def test_dead_unreachable_and_refusing_devices_are_recorded(
    lab: Path, eps: dict[str, DeviceEndpoints], reference: Inventory
) -> None:
    faults = [
        _fault(lab, "device-down", "acc-renmin-01"),
        _fault(lab, "wrong-credentials", "acc-renmin-02"),
    ]
    try:
        polls = _poll(
            reference,
            eps,
            ["acc-renmin-01", "acc-renmin-02", "acc-renmin-04"],
            ["version"],
            timeout=3,
        )
    finally:
        for f in faults:
            control.request(lab, {"op": "fault-clear", "id": f})
    assert polls["acc-renmin-01"].result.reason == "timeout"
    assert polls["acc-renmin-02"].result.reason == "auth"
    assert polls["acc-renmin-04"].result.ok  # the neighbour answers all along
    assert "Lab-netops" not in (polls["acc-renmin-02"].result.error or "")


def _raw_secrets(reference: Inventory, eps: dict[str, DeviceEndpoints], name: str) -> set[str]:
    command = {
        "cisco_ios": "show running-config",
        "linux": "cat /etc/snmp/snmpd.conf",
    }.get(reference.device(name).platform.value, "display current-configuration")
    with _session(reference, eps, name) as s:
        raw = s.send(command)
    return {m for shape in SECRET_SHAPES for m in re.findall(shape, raw)}


def test_backup_every_device_then_a_change_and_a_new_secret(
    lab: Path,
    eps: dict[str, DeviceEndpoints],
    reference: Inventory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("NETOPS_INVENTORY", str(REFERENCE))
    monkeypatch.setenv("NETOPS_COLLECTORS_DIR", str(ROOT / "collectors"))
    runner = CliRunner()
    args = ["backup", "configs", "--endpoints", str(lab), "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    devices = policy_devices(reference)
    counts = json.loads(first.output)["counts"]
    assert counts["devices"] == counts["ok"] == len(devices) > 140 and counts["failed"] == 0

    settings = load_settings()
    history = history_of(settings)
    samples = ["core-1", "edge-fw-1", "acc-jiefang-02", "edge-br-1", "ofc-gap-1"]
    secrets = set().union(*(_raw_secrets(reference, eps, n) for n in samples))
    assert len(secrets) >= 15  # every platform's config carries several
    for name in samples:
        stored = history.show(name)
        assert re.search(r"<masked:[0-9a-f]{8}>", stored), name
        assert not [s for s in secrets if s in stored], name

    # a change outside netops (the lab's fault) and a new secret typed in over SSH
    fault = _fault(lab, "config-changed", "agg-jiefang")
    new_secret = "Lab-Rotated-Secret-42"
    with _session(reference, eps, "acc-jiefang-01") as s:
        s.send_config(
            ["aaa", f"local-user ops01 password irreversible-cipher {new_secret}"],
            error_pattern=r"^Error:",
        )
    try:
        second = runner.invoke(app, args)
    finally:
        control.request(lab, {"op": "fault-clear", "id": fault})
    assert second.exit_code == 0, second.output
    report = json.loads(second.output)
    assert sorted(report["changed"]) == ["acc-jiefang-01", "agg-jiefang"]
    assert report["counts"]["unchanged"] == len(devices) - 2
    assert {(e["device"], e["kind"]) for e in report["events"]} == {
        ("acc-jiefang-01", CHANGED),
        ("agg-jiefang", CHANGED),
    }
    diff = runner.invoke(app, ["backup", "diff", "agg-jiefang"])
    assert "+ description changed outside netops" in diff.output
    diff_secret = runner.invoke(app, ["backup", "diff", "acc-jiefang-01"])
    assert re.search(
        r"^\+ local-user ops01 password irreversible-cipher <masked:[0-9a-f]{8}>$",
        diff_secret.output,
        re.M,
    ), diff_secret.output

    store = Store.from_settings(settings)
    try:
        configs = json.dumps(
            [s.records[0].model_dump(mode="json") for s in store.records("config")]
        )
        events = json.dumps([e.model_dump(mode="json") for e in store.events(limit=1000)])
        status = {s.device: s.records[0] for s in store.records("config_backup")}
    finally:
        store.close()
    assert status["agg-jiefang"].change_count == 1  # type: ignore[attr-defined]
    everything = [first.output, second.output, diff.output, diff_secret.output, configs, events]
    everything += [caplog.text, history.show("acc-jiefang-01")]
    for text in everything:
        assert new_secret not in text
        assert not [s for s in secrets if s in text]


def test_config_push_refused_command_and_save(
    lab: Path, eps: dict[str, DeviceEndpoints], reference: Inventory
) -> None:
    """What playbooks use: a refused command names its position (not its arguments: they may
    be secrets), a good push lands, ``save`` answers VRP's [Y/N] and saves."""
    with _session(reference, eps, "acc-jiefang-05") as s:
        with pytest.raises(TransportError) as info:
            s.send_config(
                ["interface GigabitEthernet0/0/9", "frobnicate secret-value-123"],
                error_pattern=r"^Error:",
            )
        assert info.value.reason == "rejected"
        assert "command 2 of 2" in str(info.value) and "secret-value-123" not in str(info.value)
        s.send_config(
            ["interface GigabitEthernet0/0/9", "description saved-by-test"],
            error_pattern=r"^Error:",
        )
        assert "saved-by-test" not in s.send("display saved-configuration")
        s.save_config()
        assert " description saved-by-test" in s.send("display saved-configuration")
