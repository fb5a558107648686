"""Build district networks shaped like the reference one, and whole synthetic provinces.

``inventory/district/`` is this module's output for one district (then reviewed by
people); ``netops inventory generate --districts N`` writes N districts for scale
work. Output is deterministic for a seed and valid by construction.

Address plan (one supernet per zone, a slice per district ``d``):
public 10.0.0.0/10 (/18 each), dedicated 10.64.0.0/10 (/14 per department, /22 each),
Internet access 10.128.0.0/12 (/20 each), management 10.250.0.0/15 (/23 each),
intranet 172.16.0.0/12 (/20 each). At most 250 districts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path
from typing import Any

import yaml

MAX_DISTRICTS = 250
ASN = 65000

STREETS: list[tuple[str, str]] = [
    ("jiefang", "解放街道"),
    ("renmin", "人民街道"),
    ("zhongshan", "中山街道"),
    ("xinhua", "新华街道"),
    ("heping", "和平街道"),
    ("wenhua", "文化街道"),
    ("dongfeng", "东风街道"),
    ("chaoyang", "朝阳街道"),
    ("yongan", "永安街道"),
    ("qingnian", "青年街道"),
    ("binhe", "滨河街道"),
    ("hongqi", "红旗街道"),
    ("gongyuan", "公园街道"),
]
DEPARTMENTS: list[tuple[str, str]] = [
    ("police", "公安"),
    ("court", "法院"),
    ("procuratorate", "检察院"),
    ("tax", "税务"),
    ("market", "市场监管"),
]
#: (site/device suffix, label, department or None for the public zone, street index)
AGENCIES: list[tuple[str, str, str | None, int]] = [
    ("police-bureau", "公安分局", "police", 0),
    ("police-jiefang", "解放派出所", "police", 0),
    ("police-zhongshan", "中山派出所", "police", 2),
    ("police-heping", "和平派出所", "police", 4),
    ("police-chaoyang", "朝阳派出所", "police", 7),
    ("police-binhe", "滨河派出所", "police", 10),
    ("court", "区人民法院", "court", 1),
    ("tribunal-dongfeng", "东风人民法庭", "court", 6),
    ("tribunal-hongqi", "红旗人民法庭", "court", 11),
    ("procuratorate", "区人民检察院", "procuratorate", 1),
    ("tax-bureau", "区税务局", "tax", 3),
    ("tax-xinhua", "新华税务所", "tax", 3),
    ("tax-yongan", "永安税务所", "tax", 8),
    ("market-bureau", "区市场监管局", "market", 5),
    ("market-wenhua", "文化市场监管所", "market", 5),
    ("market-qingnian", "青年市场监管所", "market", 9),
    ("service-renmin", "人民社区服务中心", None, 1),
    ("service-gongyuan", "公园社区服务中心", None, 12),
    ("hrss", "区人社局", None, 2),
    ("civil-affairs", "区民政局", None, 4),
]
COMMUNITIES_PER_STREET = [8] * 11 + [7] * 2  # 102 community access points

AGG_MODELS = {
    "huawei_vrp": "S5731-H24T4XC",
    "hp_comware": "S5560X-30C-EI",
    "cisco_ios": "C9300-24T",
}
ACCESS_MODELS = {
    "huawei_vrp": "S5735-L24T4X",
    "hp_comware": "S5130S-28S-EI",
    "cisco_ios": "WS-C2960X-24TS-L",
}
UPLINK_PORTS = {  # (first uplink, second uplink or the only one, first downlink template)
    "huawei_vrp": ("GigabitEthernet0/0/1", "GigabitEthernet0/0/2", "GigabitEthernet0/0/{}"),
    "hp_comware": ("GigabitEthernet1/0/1", "GigabitEthernet1/0/2", "GigabitEthernet1/0/{}"),
    "cisco_ios": ("GigabitEthernet1/0/1", "GigabitEthernet1/0/2", "GigabitEthernet1/0/{}"),
}


def _net(base: str, index: int, prefixlen: int) -> IPv4Network:
    size = 2 ** (32 - prefixlen)
    return IPv4Network((int(IPv4Address(base)) + index * size, prefixlen))


def _host(network: IPv4Network, n: int) -> str:
    return str(network.network_address + n)


@dataclass
class DistrictPlan:
    """One district's address slices."""

    index: int

    @property
    def public(self) -> IPv4Network:
        return _net("10.0.0.0", self.index, 18)

    def dedicated(self, department: int) -> IPv4Network:
        return _net(str(_net("10.64.0.0", department, 14).network_address), self.index, 22)

    @property
    def internet(self) -> IPv4Network:
        return _net("10.128.0.0", self.index, 20)

    @property
    def management(self) -> IPv4Network:
        return _net("10.250.0.0", self.index, 23)

    @property
    def intranet(self) -> IPv4Network:
        return _net("172.16.0.0", self.index, 20)


@dataclass
class District:
    """The YAML sections of one district, grouped into the files they are written to."""

    files: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    vrf_devices: list[str] = field(default_factory=list)
    db_pairs: list[str] = field(default_factory=list)
    sites: list[dict[str, Any]] = field(default_factory=list)

    def add(self, file: str, section: str, *entries: dict[str, Any]) -> None:
        self.files.setdefault(file, {}).setdefault(section, []).extend(entries)


def _vrf_names() -> list[tuple[str, str, int]]:
    """(VRF name, zone, route-target number)."""
    vrfs = [
        ("ZW_PUBLIC", "public", 10),
        ("ZW_INTERNET", "internet", 90),
        ("ZW_MGMT", "management", 99),
    ]
    vrfs += [
        (f"ZW_DEPT_{code.upper()}", f"dedicated-{code}", 101 + i)
        for i, (code, _) in enumerate(DEPARTMENTS)
    ]
    return vrfs


def build_district(index: int, prefix: str, rng: random.Random) -> District:
    """Sections for district ``index`` (1-based); names start with ``prefix``."""
    plan = DistrictPlan(index)
    dist = District()
    p = prefix
    # management addresses in blocks by area, so a reader can tell a device's area from it
    next_host = {
        "core.yaml": 1,
        "aggregation.yaml": 16,
        "access.yaml": 32,
        "agencies.yaml": 150,
        "edge.yaml": 180,
        "office.yaml": 190,
        "datacentre.yaml": 210,
    }

    def mgmt(file: str) -> str:
        host = next_host[file]
        next_host[file] += 1
        return _host(plan.management, host)

    def site(
        name: str, kind: str, zones: list[str], label: str | None = None, parent: str | None = None
    ) -> str:
        entry: dict[str, Any] = {"name": p + name, "kind": kind}
        if label:
            entry["label"] = label
        if parent:
            entry["parent"] = p + parent
        entry["zones"] = zones
        dist.sites.append(entry)
        return p + name

    def device(
        file: str, name: str, role: str, platform: str, site_name: str, model: str, **extra: Any
    ) -> str:
        entry: dict[str, Any] = {
            "name": p + name,
            "role": role,
            "platform": platform,
            "site": site_name,
            "mgmt_address": extra.pop("mgmt_address", None) or mgmt(file),
            "model": model,
        }
        entry.update(extra)
        dist.add(file, "devices", entry)
        return p + name

    def link(file: str, a: str, b: str, group: str | None = None) -> None:
        entry: dict[str, Any] = {"a": a, "b": b}
        if group:
            entry["redundancy_group"] = group
        dist.add(file, "links", entry)

    dedicated = [f"dedicated-{code}" for code, _ in DEPARTMENTS]
    extranet_all = ["public", *dedicated, "internet", "management"]

    # -- core: the two MPLS PEs -----------------------------------------------------------------
    core_site = site("core-room", "core", extranet_all, "核心机房")
    vrf_subnets: list[tuple[str, IPv4Network, int]] = [
        ("ZW_PUBLIC", _net(str(plan.public.network_address), 0, 24), 100),
        *[
            (
                f"ZW_DEPT_{code.upper()}",
                _net(str(plan.dedicated(i).network_address), 0, 24),
                110 + i,
            )
            for i, (code, _) in enumerate(DEPARTMENTS)
        ],
        ("ZW_INTERNET", _net(str(plan.internet.network_address), 0, 24), 190),
        ("ZW_MGMT", _net(str(plan.management.network_address), 1, 24), 199),
    ]
    cores = []
    for n in (1, 2):
        interfaces = [
            {
                "name": f"Vlanif{vlan}",
                "vrf": vrf,
                "address": f"{_host(net, 250 + n)}/{net.prefixlen}",
            }
            for vrf, net, vlan in vrf_subnets
        ]
        cores.append(
            device(
                "core.yaml",
                f"core-{n}",
                "core",
                "huawei_vrp",
                core_site,
                "S12708",
                ha_group=p + "core-pair",
                interfaces=interfaces,
            )
        )
    dist.vrf_devices.extend(cores)
    link(
        "core.yaml",
        f"{cores[0]}:XGigabitEthernet1/0/48",
        f"{cores[1]}:XGigabitEthernet1/0/48",
        p + "core-interlink",
    )
    dist.add("core.yaml", "ha_pairs", {"name": p + "core-pair", "kind": "core", "members": cores})

    # -- streets: aggregation points dual-homed to both cores, communities behind them -------
    street_aggs: list[tuple[str, str]] = []
    for s, (street, label) in enumerate(STREETS):
        platform = "huawei_vrp" if s < 10 else ("hp_comware" if s < 12 else "cisco_ios")
        street_site = site(
            f"street-{street}",
            "aggregation",
            ["public", *dedicated, "management"],
            label,
            "core-room",
        )
        agg = device(
            "aggregation.yaml",
            f"agg-{street}",
            "aggregation",
            platform,
            street_site,
            AGG_MODELS[platform],
        )
        up1, up2, down = UPLINK_PORTS[platform]
        for n, (core, port) in enumerate(zip(cores, (up1, up2), strict=True), start=1):
            link(
                "aggregation.yaml",
                f"{agg}:{port}",
                f"{core}:GigabitEthernet{n + 1}/0/{s + 1}",
                f"{agg}-uplinks",
            )
        street_aggs.append((agg, down))
        for c in range(COMMUNITIES_PER_STREET[s]):
            acc_platform = rng.choices(
                ["huawei_vrp", "hp_comware", "cisco_ios"], weights=[7, 2, 1]
            )[0]
            comm_site = site(
                f"comm-{street}-{c + 1:02d}",
                "access",
                ["public", "management"],
                f"{label}第{c + 1}社区",
                f"street-{street}",
            )
            acc = device(
                "access.yaml",
                f"acc-{street}-{c + 1:02d}",
                "access",
                acc_platform,
                comm_site,
                ACCESS_MODELS[acc_platform],
            )
            link(
                "access.yaml",
                f"{acc}:{UPLINK_PORTS[acc_platform][0]}",
                f"{agg}:{down.format(3 + c)}",
            )

    # -- agencies outside the compound, on their street's aggregation switch ------------------
    used_ports = {s: COMMUNITIES_PER_STREET[s] for s in range(len(STREETS))}
    for name, label, dept, s in AGENCIES:
        zones = ["public", "management"] + ([f"dedicated-{dept}"] if dept else [])
        agency_site = site(f"agency-{name}", "agency", zones, label, f"street-{STREETS[s][0]}")
        platform = rng.choices(["huawei_vrp", "hp_comware"], weights=[4, 1])[0]
        agy = device(
            "agencies.yaml", f"agy-{name}", "access", platform, agency_site, ACCESS_MODELS[platform]
        )
        agg, down = street_aggs[s]
        link(
            "agencies.yaml",
            f"{agy}:{UPLINK_PORTS[platform][0]}",
            f"{agg}:{down.format(3 + used_ports[s])}",
        )
        used_ports[s] += 1

    # -- Internet edge: border router -> IPS -> firewall pair -> core ------------------------
    edge = site("internet-edge", "internet_edge", ["internet", "management"], "互联网出口")
    outside = _net(str(plan.internet.network_address), 0, 29)  # border router and firewalls
    uplink = IPv4Network(f"{plan.internet.broadcast_address - 3}/30")  # to the provider
    br = device(
        "edge.yaml",
        "edge-br-1",
        "border_router",
        "cisco_ios",
        edge,
        "ISR4451-X/K9",
        interfaces=[
            {
                "name": "GigabitEthernet0/0/0",
                "address": f"{uplink.broadcast_address - 1}/30",
                "description": "uplink to the Internet access provider",
            },
            {
                "name": "GigabitEthernet0/0/1",
                "address": f"{_host(outside, 1)}/29",
                "description": "outside of the firewall pair (through the IPS)",
            },
        ],
    )
    ips = device("edge.yaml", "edge-ips-1", "ips", "huawei_usg", edge, "NIP6620")
    fws = [
        device(
            "edge.yaml",
            f"edge-fw-{n}",
            "firewall",
            "huawei_usg",
            edge,
            "USG6650E",
            zones=["internet", "public", "management"],
            ha_group=p + "edge-fw-pair",
            interfaces=[
                {
                    "name": "GigabitEthernet1/0/0",
                    "address": f"{_host(outside, 1 + n)}/29",
                    "crossing": "firewall",
                    "description": "untrust",
                },
                {"name": "GigabitEthernet1/0/1", "crossing": "firewall", "description": "trust"},
            ],
        )
        for n in (1, 2)
    ]
    lb = device("edge.yaml", "edge-lb-1", "load_balancer", "linux", edge, "LVS x86 appliance")
    vpn = device("edge.yaml", "edge-vpn-1", "vpn_gateway", "huawei_usg", edge, "USG6525E")
    link("edge.yaml", f"{br}:GigabitEthernet0/0/1", f"{ips}:GigabitEthernet1/0/0")
    for n, fw in enumerate(fws, start=1):
        link("edge.yaml", f"{ips}:GigabitEthernet1/0/{n}", f"{fw}:GigabitEthernet1/0/0")
        link(
            "edge.yaml",
            f"{fw}:GigabitEthernet1/0/1",
            f"{cores[n - 1]}:XGigabitEthernet1/0/20",
            p + "edge-fw-uplinks",
        )
    link(
        "edge.yaml",
        f"{fws[0]}:GigabitEthernet1/0/6",
        f"{fws[1]}:GigabitEthernet1/0/6",
        p + "edge-fw-heartbeat",
    )
    link("edge.yaml", f"{lb}:eth1", f"{fws[0]}:GigabitEthernet1/0/3")
    link("edge.yaml", f"{vpn}:GigabitEthernet1/0/0", f"{fws[1]}:GigabitEthernet1/0/3")
    dist.add(
        "edge.yaml", "ha_pairs", {"name": p + "edge-fw-pair", "kind": "firewall", "members": fws}
    )

    # -- office LAN: two cores, firewall, isolation gateway, VPN gateway, servers -------------
    office = site("office-lan", "office_lan", ["public", "management"], "政府机关办公网")
    ocores = [
        device(
            "office.yaml",
            f"ofc-core-{n}",
            "core",
            "huawei_vrp",
            office,
            "S7706",
            ha_group=p + "ofc-core-pair",
        )
        for n in (1, 2)
    ]
    ofw = device(
        "office.yaml",
        "ofc-fw-1",
        "firewall",
        "huawei_usg",
        office,
        "USG6555E",
        interfaces=[
            {
                "name": "GigabitEthernet1/0/0",
                "crossing": "firewall",
                "description": "to extranet core",
            }
        ],
    )
    gap = device(
        "office.yaml",
        "ofc-gap-1",
        "isolation_gateway",
        "linux",
        office,
        "Topsec TopRules GAP",
        zones=["internet", "public", "management"],
        interfaces=[
            {"name": "eth0", "crossing": "isolation_gateway", "description": "Internet-zone side"},
            {"name": "eth1", "crossing": "isolation_gateway", "description": "public-zone side"},
        ],
    )
    ovpn = device(
        "office.yaml",
        "ofc-vpn-1",
        "vpn_gateway",
        "huawei_usg",
        office,
        "USG6525E",
        zones=["internet", "public", "management"],
        interfaces=[
            {
                "name": "GigabitEthernet1/0/0",
                "crossing": "vpn_gateway",
                "description": "Internet side",
            }
        ],
    )
    link(
        "office.yaml",
        f"{ocores[0]}:XGigabitEthernet0/0/48",
        f"{ocores[1]}:XGigabitEthernet0/0/48",
        p + "ofc-core-interlink",
    )
    link("office.yaml", f"{ofw}:GigabitEthernet1/0/0", f"{cores[0]}:XGigabitEthernet1/0/21")
    link(
        "office.yaml",
        f"{ofw}:GigabitEthernet1/0/1",
        f"{ocores[0]}:XGigabitEthernet0/0/1",
        p + "ofc-fw-downlinks",
    )
    link(
        "office.yaml",
        f"{ofw}:GigabitEthernet1/0/2",
        f"{ocores[1]}:XGigabitEthernet0/0/1",
        p + "ofc-fw-downlinks",
    )
    link("office.yaml", f"{gap}:eth0", f"{fws[0]}:GigabitEthernet1/0/5")
    link("office.yaml", f"{gap}:eth1", f"{ocores[0]}:XGigabitEthernet0/0/2")
    link("office.yaml", f"{ovpn}:GigabitEthernet1/0/0", f"{fws[1]}:GigabitEthernet1/0/5")
    link("office.yaml", f"{ovpn}:GigabitEthernet1/0/1", f"{ocores[1]}:XGigabitEthernet0/0/2")
    for n in (1, 2):
        srv = device(
            "office.yaml",
            f"ofc-srv-{n}",
            "app_server",
            "linux",
            office,
            "x86 server",
            auth="extranet-servers",
        )
        link("office.yaml", f"{srv}:eth1", f"{ocores[n - 1]}:GigabitEthernet0/0/{10 + n}")
    dist.add(
        "office.yaml", "ha_pairs", {"name": p + "ofc-core-pair", "kind": "core", "members": ocores}
    )

    # -- data centre: the database pair, backup and app servers behind the office cores --------
    dc = site("data-centre", "data_centre", ["public", "management"], "A级机房")
    dc_net = _net(str(plan.public.network_address), 200, 24)
    dbs = []
    for n in (1, 2):
        db = device(
            "datacentre.yaml",
            f"dc-db-{n}",
            "db_server",
            "linux",
            dc,
            "x86 server (PostgreSQL 15)",
            auth="extranet-servers",
            ha_group=p + "dc-db",
            interfaces=[{"name": "eth1", "address": f"{_host(dc_net, 10 + n)}/24"}],
        )
        link("datacentre.yaml", f"{db}:eth1", f"{ocores[n - 1]}:GigabitEthernet0/0/{20 + n}")
        dbs.append(db)
    backup = device(
        "datacentre.yaml",
        "dc-backup-1",
        "backup_server",
        "linux",
        dc,
        "x86 server (pgBackRest)",
        auth="extranet-servers",
        interfaces=[{"name": "eth1", "address": f"{_host(dc_net, 20)}/24"}],
    )
    link("datacentre.yaml", f"{backup}:eth1", f"{ocores[0]}:GigabitEthernet0/0/23")
    for n in (1, 2):
        app = device(
            "datacentre.yaml",
            f"dc-app-{n}",
            "app_server",
            "linux",
            dc,
            "x86 server",
            auth="extranet-servers",
            interfaces=[{"name": "eth1", "address": f"{_host(dc_net, 30 + n)}/24"}],
        )
        link("datacentre.yaml", f"{app}:eth1", f"{ocores[n - 1]}:GigabitEthernet0/0/{24 + n}")
    dist.add(
        "datacentre.yaml",
        "ha_pairs",
        {
            "name": p + "dc-db",
            "kind": "database",
            "engine": "postgresql",
            "members": dbs,
            "service_address": _host(dc_net, 10),
            "backups": [
                {"tool": "pgbackrest", "stanza": p + "dc-db", "host": backup},
                {"tool": "dump", "path": "/var/backups/postgresql", "host": backup},
            ],
        },
    )
    dist.db_pairs.append(p + "dc-db")

    # -- the classified intranet: its own core and access switches, connected to nothing else --
    intra = site("intranet", "intranet", ["intranet"], "政务内网")
    intranet_hosts = iter(range(1, 100))
    in_core = device(
        "intranet.yaml",
        "in-core-1",
        "core",
        "hp_comware",
        intra,
        "S7503E",
        auth="intranet-network",
        mgmt_address=_host(plan.intranet, next(intranet_hosts)),
    )
    for n in (1, 2, 3):
        acc = device(
            "intranet.yaml",
            f"in-acc-{n}",
            "access",
            "hp_comware",
            intra,
            "S5130S-28S-EI",
            auth="intranet-network",
            mgmt_address=_host(plan.intranet, next(intranet_hosts)),
        )
        link("intranet.yaml", f"{acc}:GigabitEthernet1/0/1", f"{in_core}:GigabitEthernet1/0/{n}")
    return dist


def shared_sections(districts: int, name: str) -> dict[str, dict[str, Any]]:
    """The files every district shares: network, zones and crossings, auth profiles."""
    network = {
        "network": {"name": name, "asn": ASN, "protection_level": 3},
        "defaults": {"auth": "extranet-network"},
        "auth_profiles": [
            {
                "name": "extranet-network",
                "snmp": {
                    "version": "3",
                    "user": "nms-ext",
                    "auth_protocol": "SHA",
                    "priv_protocol": "AES",
                },
                "ssh": {"username": "netops"},
            },
            {
                "name": "extranet-servers",
                "snmp": {
                    "version": "3",
                    "user": "nms-srv",
                    "auth_protocol": "SHA",
                    "priv_protocol": "AES",
                },
                "ssh": {"username": "netops"},
                "sql": {"username": "netops_monitor"},
            },
            {
                "name": "intranet-network",
                "snmp": {
                    "version": "3",
                    "user": "nms-int",
                    "auth_protocol": "SHA",
                    "priv_protocol": "AES",
                },
                "ssh": {"username": "netops-int"},
            },
        ],
    }
    zones: list[dict[str, Any]] = [
        {
            "name": "public",
            "kind": "public",
            "prefixes": ["10.0.0.0/10"],
            "description": "公用网络区",
        },
        *[
            {
                "name": f"dedicated-{code}",
                "kind": "dedicated",
                "department": code,
                "prefixes": [str(_net("10.64.0.0", i, 14))],
                "description": f"专用网络区: {label}",
            }
            for i, (code, label) in enumerate(DEPARTMENTS)
        ],
        {
            "name": "internet",
            "kind": "internet",
            "prefixes": ["10.128.0.0/12"],
            "description": "互联网接入区",
        },
        {
            "name": "management",
            "kind": "management",
            "prefixes": ["10.250.0.0/15"],
            "description": "网管区",
        },
        {
            "name": "intranet",
            "kind": "intranet",
            "prefixes": ["172.16.0.0/12"],
            "description": "政务内网 (physically isolated)",
        },
    ]
    crossings: list[dict[str, Any]] = [
        {
            "zones": ["internet", "public"],
            "via": ["firewall", "isolation_gateway", "vpn_gateway"],
            "description": "Internet access zone to the public zone: firewall + IPS, GAP for data exchange, VPN for staff",
        },
        *[
            {
                "zones": ["internet", f"dedicated-{code}"],
                "via": ["vpn_gateway"],
                "description": "remote staff through the security access platform",
            }
            for code, _ in DEPARTMENTS
        ],
        *[
            {
                "zones": ["public", f"dedicated-{code}"],
                "via": ["firewall"],
                "description": "approved interconnect",
            }
            for code, _ in DEPARTMENTS
        ],
    ]
    return {
        "network.yaml": network,
        "zones.yaml": {"zones": zones, "zone_crossings": crossings},
    }


def vrf_section(pes: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "zone": zone,
            "rd": f"{ASN}:{rt}",
            "import_targets": [f"{ASN}:{rt}"],
            "export_targets": [f"{ASN}:{rt}"],
            "devices": pes,
        }
        for name, zone, rt in _vrf_names()
    ]


def policies_section(db_pairs: list[str]) -> dict[str, Any]:
    return {
        "backup_policies": [
            {
                "name": "device-configs",
                "kind": "device_config",
                "applies_to": {
                    "roles": [
                        "core",
                        "aggregation",
                        "access",
                        "firewall",
                        "ips",
                        "isolation_gateway",
                        "vpn_gateway",
                        "border_router",
                        "load_balancer",
                    ]
                },
                "automatic": {"schedule": "daily", "max_age_hours": 26},
                "retention_days": 365,
            },
            {
                "name": "databases",
                "kind": "database",
                "applies_to": {"ha_pairs": db_pairs},
                "automatic": {"schedule": "daily", "max_age_hours": 26},
                "manual": {"schedule": "weekly", "max_age_hours": 168},
                "retention_days": 30,
                "verify_max_age_hours": 168,
            },
        ]
    }


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # people read these files: no &anchors / *aliases


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(x, str | int) for x in data) and len(data) <= 12
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "'" if ":" in data and data.replace(":", "").replace(".", "").isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_str)


def _write(path: Path, header: str, sections: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.dump(sections, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
    path.write_text(f"# {header}\n{body}", encoding="utf-8")


def write_network(out: Path, districts: int, seed: int = 1, name: str | None = None) -> int:
    """Write ``districts`` districts (one: the reference layout, flat) under ``out``; return device count."""
    if not 1 <= districts <= MAX_DISTRICTS:
        raise ValueError(f"--districts must be between 1 and {MAX_DISTRICTS}")
    rng = random.Random(seed)
    title = name or (
        "Qingshan District e-government extranet (青山区电子政务外网)"
        if districts == 1
        else f"Synthetic province of {districts} districts (seed {seed})"
    )
    header = "generated by `netops inventory generate`; reviewed data from here on"
    pes: list[str] = []
    db_pairs: list[str] = []
    count = 0
    for d in range(1, districts + 1):
        prefix = "" if districts == 1 else f"d{d:03d}-"
        folder = out if districts == 1 else out / "districts" / f"d{d:03d}"
        dist = build_district(d, prefix, rng)
        pes.extend(dist.vrf_devices)
        db_pairs.extend(dist.db_pairs)
        _write(folder / "sites.yaml", header, {"sites": dist.sites})
        for file, sections in dist.files.items():
            count += len(sections.get("devices", []))
            _write(folder / "devices" / file, header, sections)
    for file, sections in shared_sections(districts, title).items():
        if file == "zones.yaml":
            sections = {**sections, "vrfs": vrf_section(pes)}
        _write(out / file, header, sections)
    _write(out / "policies.yaml", header, policies_section(db_pairs))
    return count
