"""What every check shares: the inputs, derived indexes built once, and finding builders.

A :class:`Context` is built from (inventory, snapshot, settings, now) and is read-only
for the checks. Indexes (who owns an address or a MAC, which zone an interface is in,
each device's parsed configuration) are computed lazily, once per run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cached_property
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, ip_interface, ip_network
from typing import Any, TypeVar

from netops.compliance.catalogue import CATALOGUE
from netops.compliance.config import ConfigFacts, Line, parse_config
from netops.compliance.identity import normalize_chassis, normalize_mac
from netops.compliance.snapshot import RecordSet, Snapshot
from netops.inventory import Device, Inventory, Role, ZoneKind
from netops.models import (
    Evidence,
    Finding,
    Interface,
    LldpNeighbor,
    Severity,
    SystemInfo,
    Verdict,
    Vrf,
)
from netops.settings import ComplianceSettings

T = TypeVar("T")

#: roles whose configuration is a network device's (the baseline applies to them)
NETWORK_ROLES = frozenset(
    {
        Role.CORE,
        Role.AGGREGATION,
        Role.ACCESS,
        Role.FIREWALL,
        Role.IPS,
        Role.LOAD_BALANCER,
        Role.ISOLATION_GATEWAY,
        Role.VPN_GATEWAY,
        Role.BORDER_ROUTER,
    }
)


def _fast(cls: type[T], values: dict[str, Any]) -> T:
    """A pydantic model from values already of the right types, all fields given.

    What ``model_construct`` does, without its per-field work: a compliance run builds
    hundreds of thousands of findings and evidence entries from values made right here.
    """
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


class Owner:
    """Who holds an address: device, interface, VRF, and the evidence for it."""

    __slots__ = ("device", "evidence", "interface", "network", "vrf")

    def __init__(
        self,
        device: str,
        interface: str | None,
        vrf: str | None,
        network: IPv4Network,
        evidence: Evidence,
    ) -> None:
        self.device, self.interface, self.vrf = device, interface, vrf
        self.network, self.evidence = network, evidence


class Context:
    """Inputs of one compliance run plus the indexes the checks share."""

    def __init__(
        self,
        inventory: Inventory,
        snapshot: Snapshot,
        settings: ComplianceSettings,
        now: datetime,
    ) -> None:
        self.inv = inventory
        self.snap = snapshot
        self.cfg = settings
        self.now = now
        self.level = inventory.network.protection_level
        self._facts: dict[str, tuple[ConfigFacts, RecordSet] | None] = {}
        #: device -> why its configuration could not be read (a garbled capture)
        self.parse_errors: dict[str, str] = {}

    # -- findings ---------------------------------------------------------------------------
    def finding(
        self,
        check_id: str,
        verdict: Verdict,
        target: str,
        summary: str,
        devices: Iterable[str] = (),
        evidence: Sequence[Evidence] = (),
        severity: Severity | None = None,
    ) -> Finding:
        info = CATALOGUE[check_id]
        return _fast(
            Finding,
            {
                "check_id": check_id,
                "verdict": verdict,
                "severity": severity or info.severity,
                "target": target,
                "devices": tuple(dict.fromkeys(devices)),
                "summary": summary,
                "evidence": tuple(evidence),
                "remediation": info.remediation if verdict != "PASS" else None,
                "waiver": None,
                "clause": info.clause,
            },
        )

    @staticmethod
    def ev(rs: RecordSet, kind: str, text: str, **data: object) -> Evidence:
        """Evidence from a collected record set (device, source and time come with it)."""
        return _fast(
            Evidence,
            {
                "kind": kind,
                "device": rs.device,
                "source": rs.source,
                "collected_at": rs.collected_at,
                "text": text,
                "data": data,
            },
        )

    @staticmethod
    def ev_config(rs: RecordSet, line: Line | None, text: str | None = None) -> Evidence:
        """Evidence quoting configuration lines (with their block headers and line number)."""
        return _fast(
            Evidence,
            {
                "kind": "config",
                "device": rs.device,
                "source": rs.source,
                "collected_at": rs.collected_at,
                "text": text if text is not None else (line.context() if line else ""),
                "data": {"line": line.number} if line else {},
            },
        )

    def ev_inventory(self, text: str, device: str | None = None, **data: object) -> Evidence:
        return _fast(
            Evidence,
            {
                "kind": "inventory",
                "device": device,
                "source": "inventory",
                "collected_at": None,
                "text": text,
                "data": {"inventory": self.inv.source, **data},
            },
        )

    def poll_evidence(self, device: str) -> Evidence:
        """The device's last poll (or that none is recorded): why nothing came from it."""
        polls = self.snap.polls(device)
        if not polls:
            return self.ev_inventory(f"{device}: no poll result recorded", device)
        p = max(polls, key=lambda r: r.started_at)
        text = f"last {p.transport} poll {'ok' if p.ok else 'failed'}" + (
            f": {p.reason} {p.error or ''}".rstrip() if not p.ok else ""
        )
        return Evidence(
            kind="poll", device=device, source=p.transport, collected_at=p.started_at, text=text
        )

    def not_collected(
        self, check_id: str, device: str, summary: str, severity: Severity | None = None
    ) -> Finding:
        """NEEDS_EVIDENCE for one device whose records are missing, with its last poll."""
        return self.finding(
            check_id,
            "NEEDS_EVIDENCE",
            device,
            summary,
            [device],
            [self.poll_evidence(device)],
            severity=severity,
        )

    # -- devices and zones -------------------------------------------------------------------
    def device(self, name: str) -> Device | None:
        return self.inv.device_by_name.get(name)

    @cached_property
    def network_by_device(self) -> dict[str, str]:
        return {d.name: self.inv.network_of(d) for d in self.inv.devices}

    def network_of(self, name: str) -> str | None:
        return self.network_by_device.get(name)

    def is_network_device(self, device: Device) -> bool:
        return device.role in NETWORK_ROLES and device.platform.value != "linux"

    @cached_property
    def zone_of_vrf(self) -> dict[str, str]:
        return {v.name: v.zone for v in self.inv.vrfs}

    @cached_property
    def intranet_zones(self) -> set[str]:
        return {z.name for z in self.inv.zones if z.kind is ZoneKind.INTRANET}

    @cached_property
    def zone_prefixes(self) -> list[tuple[IPv4Network, str]]:
        """(prefix, zone) sorted longest first."""
        pairs = [(p, z.name) for z in self.inv.zones for p in z.prefixes]
        return sorted(pairs, key=lambda x: -x[0].prefixlen)

    def zone_of_address(self, address: IPv4Address) -> str | None:
        for prefix, zone in self.zone_prefixes:
            if address in prefix:
                return zone
        return None

    def zone_kind(self, zone: str | None) -> ZoneKind | None:
        z = self.inv.zone_by_name.get(zone or "")
        return z.kind if z else None

    def admin_prefixes(self, device: Device) -> list[IPv4Network]:
        """Where management sessions to ``device`` may come from (MG-02)."""
        if self.cfg.admin_source_prefixes:
            return list(self.cfg.admin_source_prefixes) + list(self.cfg.bastion_prefixes)
        wanted = (
            ZoneKind.INTRANET if self.network_of(device.name) == "intranet" else ZoneKind.MANAGEMENT
        )
        zones = [p for z in self.inv.zones if z.kind is wanted for p in z.prefixes]
        return zones + list(self.cfg.bastion_prefixes)

    # -- configurations ----------------------------------------------------------------------
    def facts(self, name: str) -> tuple[ConfigFacts, RecordSet] | None:
        """The device's parsed running configuration and the record set it came from."""
        if name not in self._facts:
            self._facts[name] = None
            device = self.device(name)
            rs = self.snap.get("config", name)
            if device is not None and rs is not None and rs.records:
                text = getattr(rs.records[0], "text", "")
                try:
                    parsed = parse_config(device.platform.value, text)
                except Exception as exc:  # one garbled capture must not stop the others
                    self.parse_errors[name] = f"{type(exc).__name__}: {exc}"
                    parsed = None
                if parsed is not None:
                    self._facts[name] = (parsed, rs)
        return self._facts[name]

    # -- interfaces, addresses, MACs ---------------------------------------------------------
    @cached_property
    def vrf_of_interface(self) -> dict[tuple[str, str], str | None]:
        """(device, interface) -> VRF, from Interface records, Vrf records, then the inventory."""
        out: dict[tuple[str, str], str | None] = {}
        for device in self.inv.devices:
            for iface in device.interfaces:
                if iface.vrf:
                    out[(device.name, iface.name)] = iface.vrf
        for rs, vrf in self.snap.each("vrf"):
            assert isinstance(vrf, Vrf)
            for name in vrf.interfaces:
                out[(rs.device, name)] = vrf.name
        for rs, rec in self.snap.each("interface"):
            assert isinstance(rec, Interface)
            if rec.vrf is not None or (rs.device, rec.name) not in out:
                out[(rs.device, rec.name)] = rec.vrf
        return out

    @cached_property
    def address_owners(self) -> dict[IPv4Address, Owner]:
        """Who holds each interface address: collected interfaces first, then the inventory."""
        out: dict[IPv4Address, Owner] = {}
        for device in self.inv.devices:
            for iface in device.interfaces:
                if iface.address is not None:
                    out[iface.address.ip] = Owner(
                        device.name,
                        iface.name,
                        iface.vrf,
                        iface.address.network,
                        self.ev_inventory(
                            f"{device.name} {iface.name} {iface.address}"
                            + (f" vpn-instance {iface.vrf}" if iface.vrf else ""),
                            device.name,
                        ),
                    )
        for rs, rec in self.snap.each("interface"):
            assert isinstance(rec, Interface)
            for text in rec.addresses:
                addr = _interface(text)
                if addr is None:
                    continue
                vrf = self.vrf_of_interface.get((rs.device, rec.name), rec.vrf)
                out[addr.ip] = Owner(
                    rs.device,
                    rec.name,
                    vrf,
                    addr.network,
                    self.ev(
                        rs,
                        "interface",
                        f"{rec.name} {text}" + (f" vpn-instance {vrf}" if vrf else ""),
                        interface=rec.name,
                        address=text,
                    ),
                )
        return out

    @cached_property
    def mac_owners(self) -> dict[str, tuple[str, RecordSet]]:
        """MAC -> device that owns it (interface MACs, chassis IDs)."""
        out: dict[str, tuple[str, RecordSet]] = {}
        for rs, rec in self.snap.each("interface"):
            assert isinstance(rec, Interface)
            mac = normalize_mac(rec.mac)
            if mac:
                out.setdefault(mac, (rs.device, rs))
        for rs, rec in self.snap.each("system"):
            assert isinstance(rec, SystemInfo)
            mac = normalize_mac(rec.chassis_id)
            if mac:
                out.setdefault(mac, (rs.device, rs))
        # a neighbour's chassis MAC as LLDP reports it, where the neighbour is known by its
        # management address or name (devices polled over SSH only have no system record)
        for rs, rec in self.snap.each("lldp"):
            assert isinstance(rec, LldpNeighbor)
            mac = normalize_mac(rec.remote_chassis_id)
            if not mac or mac in out:
                continue
            owner = None
            if rec.remote_mgmt_address:
                try:
                    owner = self.mgmt_owners.get(IPv4Address(rec.remote_mgmt_address))
                except ValueError:
                    owner = None
            if owner is None and rec.remote_system_name in self.inv.device_by_name:
                owner = rec.remote_system_name
            if owner is not None and owner != rs.device:
                out[mac] = (owner, rs)
        return out

    @cached_property
    def chassis_owners(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for rs, rec in self.snap.each("system"):
            assert isinstance(rec, SystemInfo)
            chassis = normalize_chassis(rec.chassis_id)
            if chassis:
                out.setdefault(chassis, rs.device)
        return out

    @cached_property
    def mgmt_owners(self) -> dict[IPv4Address, str]:
        return {d.mgmt_address: d.name for d in self.inv.devices}


def unique(evidence: Iterable[Evidence]) -> list[Evidence]:
    """Evidence without repeats (same device, kind and text), order kept."""
    seen: set[tuple[str | None, str, str]] = set()
    out = []
    for e in evidence:
        key = (e.device, e.kind, e.text)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def ipv4_network(text: str) -> IPv4Network | None:
    """``10.1.0.0/16`` (host bits allowed) as an IPv4 network; None for anything else."""
    try:
        net = ip_network(text, strict=False)
    except ValueError:
        return None
    return net if isinstance(net, IPv4Network) else None


def _interface(text: str) -> IPv4Interface | None:
    try:
        addr = ip_interface(text)
    except ValueError:
        return None
    return addr if isinstance(addr, IPv4Interface) else None
