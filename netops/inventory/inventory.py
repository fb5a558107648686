"""The loaded inventory: every object, indexed, plus the questions the rest of netops asks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from ipaddress import IPv4Address, ip_address

from netops.inventory.model import (
    AuthProfile,
    BackupPolicy,
    Crossing,
    Device,
    HaKind,
    HaPair,
    Link,
    NetworkInfo,
    Role,
    Selector,
    Site,
    Vrf,
    Waiver,
    Zone,
    ZoneCrossing,
    ZoneKind,
)


@dataclass(frozen=True)
class Inventory:
    """A validated network: build it with :func:`netops.inventory.load_inventory`."""

    source: str
    network: NetworkInfo
    sites: tuple[Site, ...]
    zones: tuple[Zone, ...]
    zone_crossings: tuple[ZoneCrossing, ...]
    vrfs: tuple[Vrf, ...]
    auth_profiles: tuple[AuthProfile, ...]
    devices: tuple[Device, ...]
    links: tuple[Link, ...]
    ha_pairs: tuple[HaPair, ...]
    backup_policies: tuple[BackupPolicy, ...]
    waivers: tuple[Waiver, ...] = ()

    # -- lookups ---------------------------------------------------------------------------
    @cached_property
    def device_by_name(self) -> dict[str, Device]:
        return {d.name: d for d in self.devices}

    @cached_property
    def site_by_name(self) -> dict[str, Site]:
        return {s.name: s for s in self.sites}

    @cached_property
    def zone_by_name(self) -> dict[str, Zone]:
        return {z.name: z for z in self.zones}

    @cached_property
    def vrf_by_name(self) -> dict[str, Vrf]:
        return {v.name: v for v in self.vrfs}

    @cached_property
    def ha_pair_by_name(self) -> dict[str, HaPair]:
        return {p.name: p for p in self.ha_pairs}

    @cached_property
    def auth_profile_by_name(self) -> dict[str, AuthProfile]:
        return {p.name: p for p in self.auth_profiles}

    def device(self, name: str) -> Device:
        """The device called ``name``; KeyError names it when unknown."""
        try:
            return self.device_by_name[name]
        except KeyError:
            raise KeyError(f"no device {name!r} in inventory {self.source}") from None

    # -- questions ---------------------------------------------------------------------------
    def zone_of_address(self, address: str | IPv4Address) -> Zone | None:
        """The zone whose prefixes contain ``address`` (zones never overlap)."""
        ip = ip_address(address) if isinstance(address, str) else address
        for zone in self.zones:
            if any(ip in prefix for prefix in zone.prefixes):
                return zone
        return None

    def network_of(self, device: Device) -> str:
        """``intranet`` or ``extranet``."""
        intranet = any(
            z in self.zone_by_name and self.zone_by_name[z].kind is ZoneKind.INTRANET
            for z in device.zones
        )
        return "intranet" if intranet else "extranet"

    def crossings_between(self, zone_a: str, zone_b: str) -> frozenset[Crossing]:
        """How two zones may talk; empty when they may not."""
        allowed: set[Crossing] = set()
        for crossing in self.zone_crossings:
            if set(crossing.zones) == {zone_a, zone_b}:
                allowed.update(crossing.via)
        return frozenset(allowed)

    def links_of(self, device: str) -> list[Link]:
        return self._links_by_device.get(device, [])

    @cached_property
    def _links_by_device(self) -> dict[str, list[Link]]:
        out: dict[str, list[Link]] = {}
        for link in self.links:
            for name in link.devices:
                out.setdefault(name, []).append(link)
        return out

    def peer(self, link: Link, device: str) -> str:
        """The device at the other end of ``link`` from ``device``."""
        return link.b.device if link.a.device == device else link.a.device

    def uplinks(self, device: str) -> list[Link]:
        """Links from ``device`` to a device of role core."""
        peers = (
            (link, self.device_by_name.get(self.peer(link, device)))
            for link in self.links_of(device)
        )
        return [link for link, peer in peers if peer is not None and peer.role is Role.CORE]

    def ha_pairs_of_kind(self, kind: HaKind) -> list[HaPair]:
        return [p for p in self.ha_pairs if p.kind is kind]

    def select(self, selector: Selector) -> list[Device]:
        """Devices a selector picks (an empty selector picks every device)."""
        pairs = (self.ha_pair_by_name.get(p) for p in selector.ha_pairs)
        pair_members = {m for p in pairs if p is not None for m in p.members}
        return [
            d
            for d in self.devices
            if (not selector.roles or d.role in selector.roles)
            and (not selector.sites or d.site in selector.sites)
            and (not selector.devices or d.name in selector.devices)
            and (not selector.ha_pairs or d.name in pair_members)
        ]

    def vrfs_on(self, device: str) -> list[Vrf]:
        """VRFs instantiated on ``device``."""
        return self._vrfs_by_device.get(device, [])

    @cached_property
    def _vrfs_by_device(self) -> dict[str, list[Vrf]]:
        out: dict[str, list[Vrf]] = {}
        for vrf in self.vrfs:
            for name in vrf.devices:
                out.setdefault(name, []).append(vrf)
        return out

    # -- summaries ---------------------------------------------------------------------------
    def counts(self) -> dict[str, dict[str, int]]:
        """Device counts by role, site kind and zone."""
        by_zone: Counter[str] = Counter(z for d in self.devices for z in d.zones)
        return {
            "role": dict(sorted(Counter(d.role.value for d in self.devices).items())),
            "site_kind": dict(
                sorted(Counter(self.site_by_name[d.site].kind.value for d in self.devices).items())
            ),
            "zone": dict(sorted(by_zone.items())),
            "platform": dict(sorted(Counter(d.platform.value for d in self.devices).items())),
        }

    def devices_at(self, sites: Iterable[str]) -> list[Device]:
        wanted = set(sites)
        return [d for d in self.devices if d.site in wanted]
