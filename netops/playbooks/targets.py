"""Resolve a run's ``--target`` values to devices, within what the playbook allows.

A target is a device name or a site name, or ``kind:value`` with kind one of ``device``,
``site``, ``role``, ``zone``, ``platform``, ``pair`` (an HA pair's members). Several
targets add up. The result must fall inside the playbook's ``targets`` filter: naming a
device the playbook may not touch is an error that says why, never a silent skip.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from netops.errors import PlaybookRequestError
from netops.inventory import Device, Inventory
from netops.playbooks.schema import TargetFilter

KINDS = ("device", "site", "role", "zone", "platform", "pair")


def allowed(filter_: TargetFilter, device: Device) -> str | None:
    """Why the playbook's filter excludes ``device``, or None when it is allowed."""
    f = filter_
    if f.roles and device.role not in f.roles:
        return f"role {device.role.value} is not one of {', '.join(r.value for r in f.roles)}"
    if f.platforms and device.platform not in f.platforms:
        return f"platform {device.platform.value} is not one of {', '.join(p.value for p in f.platforms)}"
    if f.sites and device.site not in f.sites:
        return f"site {device.site} is not one of {', '.join(f.sites)}"
    if f.zones and not set(device.zones) & set(f.zones):
        return f"zones {', '.join(device.zones)} are not among {', '.join(f.zones)}"
    if f.names and device.name not in f.names:
        return "it is not one of the devices the playbook names"
    return None


def _unknown(kind: str, value: str, known: Sequence[str]) -> PlaybookRequestError:
    close = difflib.get_close_matches(value, known, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return PlaybookRequestError("targets", f"unknown {kind} {value!r}{hint}")


def _select(inventory: Inventory, target: str) -> list[Device]:
    kind, sep, value = target.partition(":")
    if not sep:
        if target in inventory.device_by_name:
            return [inventory.device_by_name[target]]
        if target in inventory.site_by_name:
            return inventory.devices_at([target])
        raise _unknown(
            "device or site", target, [*inventory.device_by_name, *inventory.site_by_name]
        )
    kind, value = kind.strip().lower(), value.strip()
    if kind not in KINDS:
        raise PlaybookRequestError(
            "targets", f"unknown target kind {kind!r} in {target!r} (kinds: {', '.join(KINDS)})"
        )
    if kind == "device":
        if value not in inventory.device_by_name:
            raise _unknown("device", value, list(inventory.device_by_name))
        return [inventory.device_by_name[value]]
    if kind == "site":
        if value not in inventory.site_by_name:
            raise _unknown("site", value, list(inventory.site_by_name))
        return inventory.devices_at([value])
    if kind == "pair":
        pair = inventory.ha_pair_by_name.get(value)
        if pair is None:
            raise _unknown("HA pair", value, list(inventory.ha_pair_by_name))
        return [inventory.device_by_name[m] for m in pair.members]
    if kind == "zone":
        if value not in inventory.zone_by_name:
            raise _unknown("zone", value, list(inventory.zone_by_name))
        return [d for d in inventory.devices if value in d.zones]
    field = "role" if kind == "role" else "platform"
    values = sorted({getattr(d, field).value for d in inventory.devices})
    if value not in values:
        raise _unknown(kind, value, values)
    return [d for d in inventory.devices if getattr(d, field).value == value]


def resolve_targets(
    inventory: Inventory, filter_: TargetFilter, targets: Sequence[str], playbook: str
) -> list[Device]:
    """The devices ``targets`` name (inventory order), checked against the playbook's filter."""
    wanted = [t.strip() for t in targets if t.strip()]
    if not wanted:
        if filter_.require_explicit:
            raise PlaybookRequestError(
                "targets", f"{playbook} needs at least one target (--target DEVICE or site:NAME)"
            )
        chosen = [d for d in inventory.devices if allowed(filter_, d) is None]
    else:
        picked: dict[str, Device] = {}
        for target in wanted:
            selected = _select(inventory, target)
            explicit = ":" not in target or target.startswith("device:")
            if explicit and len(selected) == 1 and (why := allowed(filter_, selected[0])):
                raise PlaybookRequestError(
                    "targets", f"{selected[0].name} is not a target of {playbook}: {why}"
                )
            kept = [d for d in selected if allowed(filter_, d) is None]
            if not kept:
                raise PlaybookRequestError(
                    "targets",
                    f"{target!r} selects {len(selected)} device(s), none of which {playbook} may run on",
                )
            picked.update((d.name, d) for d in kept)
        order = {d.name: i for i, d in enumerate(inventory.devices)}
        chosen = sorted(picked.values(), key=lambda d: order[d.name])
    if not chosen:
        raise PlaybookRequestError(
            "targets", f"no device in the inventory is a target of {playbook}"
        )
    if filter_.max_devices is not None and len(chosen) > filter_.max_devices:
        raise PlaybookRequestError(
            "targets",
            f"{playbook} runs on at most {filter_.max_devices} device(s) at once; the targets select {len(chosen)}",
        )
    return chosen
