"""The inventory for other tools: plain JSON, Prometheus file_sd targets, an Ansible inventory."""

from __future__ import annotations

from typing import Any

from netops.inventory.inventory import Inventory
from netops.inventory.model import Device

EXPORT_FORMATS = ("json", "prometheus-sd", "ansible")

#: Ansible's network OS per platform, where a maintained collection exists.
_ANSIBLE_NETWORK_OS = {"cisco_ios": "cisco.ios.ios", "huawei_vrp": "community.network.ce"}


def device_summary(inv: Inventory, device: Device) -> dict[str, Any]:
    """The fields every consumer of the inventory may rely on."""
    return {
        "name": device.name,
        "role": device.role.value,
        "platform": device.platform.value,
        "site": device.site,
        "site_kind": inv.site_by_name[device.site].kind.value,
        "zones": list(device.zones),
        "network": inv.network_of(device),
        "mgmt_address": str(device.mgmt_address),
        "model": device.model,
        "ha_group": device.ha_group,
        "auth": device.auth,
    }


def to_json(inv: Inventory) -> dict[str, Any]:
    return {
        "network": inv.network.model_dump(mode="json"),
        "source": inv.source,
        "counts": {
            "devices": len(inv.devices),
            "sites": len(inv.sites),
            "links": len(inv.links),
            **inv.counts(),
        },
        "sites": [s.model_dump(mode="json") for s in inv.sites],
        "zones": [z.model_dump(mode="json") for z in inv.zones],
        "vrfs": [v.model_dump(mode="json") for v in inv.vrfs],
        "devices": [device_summary(inv, d) for d in inv.devices],
        "links": [
            {"a": str(k.a), "b": str(k.b), "redundancy_group": k.redundancy_group}
            for k in inv.links
        ],
        "ha_pairs": [p.model_dump(mode="json") for p in inv.ha_pairs],
    }


def to_prometheus_sd(inv: Inventory) -> list[dict[str, Any]]:
    """Prometheus ``file_sd_configs`` target groups, one per device (labels are strings)."""
    return [
        {
            "targets": [str(d.mgmt_address)],
            "labels": {
                "device": d.name,
                "role": d.role.value,
                "platform": d.platform.value,
                "site": d.site,
                "site_kind": inv.site_by_name[d.site].kind.value,
                "network": inv.network_of(d),
                "auth": d.auth,
            },
        }
        for d in inv.devices
    ]


def to_ansible(inv: Inventory) -> dict[str, Any]:
    """An Ansible JSON inventory (dynamic-inventory shape): groups by role, site and platform."""
    groups: dict[str, list[str]] = {}
    hostvars: dict[str, dict[str, Any]] = {}
    for d in inv.devices:
        for group in (
            f"role_{d.role.value}",
            f"site_{d.site}",
            f"platform_{d.platform.value}",
            f"network_{inv.network_of(d)}",
        ):
            groups.setdefault(group.replace("-", "_"), []).append(d.name)
        hostvars[d.name] = {
            "ansible_host": str(d.mgmt_address),
            "netops_platform": d.platform.value,
            "netops_role": d.role.value,
            "netops_site": d.site,
            "netops_zones": list(d.zones),
            "netops_auth_profile": d.auth,
        }
        if d.platform.value in _ANSIBLE_NETWORK_OS:
            hostvars[d.name]["ansible_network_os"] = _ANSIBLE_NETWORK_OS[d.platform.value]
            hostvars[d.name]["ansible_connection"] = "ansible.netcommon.network_cli"
    out: dict[str, Any] = {"_meta": {"hostvars": hostvars}, "all": {"children": sorted(groups)}}
    out.update({name: {"hosts": hosts} for name, hosts in sorted(groups.items())})
    return out


def export(inv: Inventory, fmt: str) -> Any:
    if fmt == "json":
        return to_json(inv)
    if fmt == "prometheus-sd":
        return to_prometheus_sd(inv)
    if fmt == "ansible":
        return to_ansible(inv)
    raise ValueError(f"unknown export format {fmt!r} (choose {', '.join(EXPORT_FORMATS)})")
