"""Load an inventory folder (or file) into an :class:`Inventory`, or say every problem.

Each YAML file is a mapping of sections (``devices:``, ``links:`` ...); list sections
from all files are concatenated, so a network can be split into files however its
owners like. Devices get ``defaults`` then their ``groups`` (in order) then their own
fields, resolved once here. Problems carry file, line and field; all are collected
before :class:`InventoryError` is raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from netops.errors import InventoryError, Problem
from netops.inventory import rules
from netops.inventory.inventory import Inventory
from netops.inventory.model import (
    AuthProfile,
    BackupPolicy,
    Device,
    HaPair,
    Link,
    NetworkInfo,
    Site,
    Vrf,
    Waiver,
    Zone,
    ZoneCrossing,
)
from netops.yamlfile import PathKey, YamlDoc, dotted, load_yaml, suffix

LIST_SECTIONS: dict[str, type[BaseModel]] = {
    "auth_profiles": AuthProfile,
    "sites": Site,
    "zones": Zone,
    "zone_crossings": ZoneCrossing,
    "vrfs": Vrf,
    "devices": Device,
    "links": Link,
    "ha_pairs": HaPair,
    "backup_policies": BackupPolicy,
    "waivers": Waiver,
}
SECTIONS = frozenset({"network", "defaults", "groups", *LIST_SECTIONS})

_SECRET_KEY = re.compile(
    r"(?i)(pass(word|wd|phrase)?|secret|community|auth_?key|priv_?key|private_?key|token|psk|pre_?shared)"
)
_SECRET_VALUE = re.compile(
    r"%\^%#|%@%@|\$[1256]\$|\$y\$|-----BEGIN [A-Z ]*PRIVATE KEY|"
    r"\b(cipher|irreversible-cipher|secret [05789]|password 7)\s+\S"
)


@dataclass
class Item:
    """One entry of a section, with the file it came from and the line of each field."""

    section: str
    doc: YamlDoc
    path: PathKey
    data: Any
    origins: dict[str, tuple[YamlDoc, PathKey]] = field(default_factory=dict)
    label: str = ""

    def __post_init__(self) -> None:
        name = self.data.get("name") if isinstance(self.data, dict) else None
        self.label = f"{self.section}[{name}]" if isinstance(name, str) else dotted(self.path)

    def problem(self, field_path: PathKey, message: str) -> Problem:
        """A problem at ``field_path`` inside this item (or the item itself when empty)."""
        doc, base = self.doc, self.path
        if field_path and isinstance(field_path[0], str) and field_path[0] in self.origins:
            doc, base = self.origins[field_path[0]]
            base = base[:-1]
        field_name = self.label + suffix(field_path)
        return Problem(doc.file, doc.line((*base, *field_path)), field_name, message)


@dataclass
class _Sources:
    network: list[Item] = field(default_factory=list)
    defaults: list[Item] = field(default_factory=list)
    groups: dict[str, Item] = field(default_factory=dict)
    lists: dict[str, list[Item]] = field(default_factory=lambda: {k: [] for k in LIST_SECTIONS})


def inventory_files(path: Path) -> list[Path]:
    """The YAML files an inventory path stands for (a file, or a folder searched recursively)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InventoryError([Problem(str(path), None, "", "no such inventory file or folder")])
    files = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise InventoryError([Problem(str(path), None, "", "folder holds no .yaml files")])
    return files


def load_inventory(path: str | Path) -> Inventory:
    """Load and validate an inventory; raise :class:`InventoryError` listing every problem."""
    root = Path(path)
    problems: list[Problem] = []
    sources = _Sources()
    for file in inventory_files(root):
        doc = load_yaml(file, problems, display=str(file))
        if doc is not None:
            _collect(doc, sources, problems)
    parts = _build(sources, problems)
    if parts is not None:
        inventory = Inventory(source=str(root), **parts)
        problems.extend(rules.check(inventory, _Locator(sources)))
        if not problems:
            return inventory
    raise InventoryError(problems)


def _collect(doc: YamlDoc, sources: _Sources, problems: list[Problem]) -> None:
    if doc.data is None:
        return
    if not isinstance(doc.data, dict):
        problems.append(
            Problem(doc.file, doc.line(()), "", "an inventory file must be a mapping of sections")
        )
        return
    _scan_secrets(doc, doc.data, (), problems)
    for key, value in doc.data.items():
        path: PathKey = (key,)
        if key not in SECTIONS:
            known = ", ".join(sorted(SECTIONS))
            problems.append(
                Problem(doc.file, doc.line(path), str(key), f"unknown section (known: {known})")
            )
        elif key in ("network", "defaults"):
            if not isinstance(value, dict):
                problems.append(Problem(doc.file, doc.line(path), key, "must be a mapping"))
            else:
                getattr(sources, key).append(Item(key, doc, path, value))
        elif key == "groups":
            if not isinstance(value, dict):
                problems.append(
                    Problem(
                        doc.file,
                        doc.line(path),
                        key,
                        "must be a mapping of group name to device fields",
                    )
                )
                continue
            for name, fields in value.items():
                item = Item("groups", doc, (key, name), fields)
                if name in sources.groups:
                    problems.append(item.problem((), f"duplicate group {name!r}"))
                elif not isinstance(fields, dict):
                    problems.append(item.problem((), "a group must be a mapping of device fields"))
                else:
                    sources.groups[name] = item
        elif not isinstance(value, list):
            problems.append(Problem(doc.file, doc.line(path), key, "must be a list"))
        else:
            for i, entry in enumerate(value):
                item = Item(key, doc, (key, i), entry)
                if isinstance(entry, dict):
                    sources.lists[key].append(item)
                else:
                    problems.append(item.problem((), "each entry must be a mapping"))


def _scan_secrets(doc: YamlDoc, node: Any, path: PathKey, problems: list[Problem]) -> None:
    """Report (and drop, so no 'unknown field' doubles it) anything that looks like a secret."""
    if isinstance(node, dict):
        for key in list(node):
            child = (*path, key)
            if (
                isinstance(key, str)
                and _SECRET_KEY.search(key)
                and not isinstance(node[key], dict | list)
            ):
                problems.append(
                    Problem(
                        doc.file,
                        doc.line(child),
                        _label(doc, child),
                        "looks like a secret: the inventory names an auth profile ('auth: NAME');"
                        " put secret values in the environment or the 0600 secrets file",
                    )
                )
                del node[key]
            else:
                _scan_secrets(doc, node[key], child, problems)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _scan_secrets(doc, value, (*path, i), problems)
    elif isinstance(node, str) and _SECRET_VALUE.search(node):
        problems.append(
            Problem(
                doc.file,
                doc.line(path),
                _label(doc, path),
                "value looks like a secret (password hash or cipher text): secrets never go in inventory",
            )
        )


def _label(doc: YamlDoc, path: PathKey) -> str:
    """``devices[core-1].field`` where the entry has a name, else the dotted path."""
    if len(path) >= 2 and isinstance(path[1], int):
        entry = doc.data[path[0]][path[1]]
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            return f"{path[0]}[{entry['name']}]{suffix(path[2:])}"
    return dotted(path)


def _validate(model: type[BaseModel], item: Item, data: Any, problems: list[Problem]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(
                p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-"))
            )
            message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
            problems.append(item.problem(loc, message))
        return None


def _resolve_device(
    item: Item, sources: _Sources, problems: list[Problem]
) -> dict[str, Any] | None:
    """defaults < groups (in order) < the device's own fields, remembering where each came from."""
    own = dict(item.data)
    groups = own.pop("groups", [])
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list):
        problems.append(item.problem(("groups",), "must be a list of group names"))
        return None
    merged: dict[str, Any] = {}
    layers: list[Item] = list(sources.defaults)
    for i, name in enumerate(groups):
        group = sources.groups.get(name)
        if group is None:
            known = ", ".join(sorted(sources.groups)) or "none defined"
            problems.append(item.problem(("groups", i), f"unknown group {name!r} (known: {known})"))
            continue
        layers.append(group)
    for layer in layers:
        for key, value in layer.data.items():
            merged[key] = value
            item.origins[key] = (layer.doc, (*layer.path, key))
    for key, value in own.items():
        merged[key] = value
        item.origins.pop(key, None)
    return merged


def _build(sources: _Sources, problems: list[Problem]) -> dict[str, Any] | None:
    """Typed objects of every section; None when the network section is unusable."""
    built: dict[str, list[Any]] = {k: [] for k in LIST_SECTIONS}
    for section, model in LIST_SECTIONS.items():
        if section == "devices":
            continue
        for item in sources.lists[section]:
            obj = _validate(model, item, item.data, problems)
            if obj is not None:
                built[section].append(obj)
                item.data = obj

    sites = {s.name: s for s in built["sites"]}
    for item in sources.lists["devices"]:
        merged = _resolve_device(item, sources, problems)
        if merged is None:
            continue
        if "zones" not in merged:  # from the site; an unknown site is reported by the rules
            site = sites.get(merged.get("site", ""))
            merged["zones"] = list(site.zones) if site else []
        obj = _validate(Device, item, merged, problems)
        if obj is not None:
            built["devices"].append(obj)
            item.data = obj

    for extra in sources.defaults[1:]:
        problems.append(
            extra.problem(
                (), f"'defaults' is also given in {sources.defaults[0].doc.file}: give it once"
            )
        )
    if len(sources.network) != 1:
        if not sources.network:
            problems.append(
                Problem(
                    "(inventory)",
                    None,
                    "network",
                    "missing: one file must have a 'network:' section",
                )
            )
        for extra in sources.network[1:]:
            problems.append(
                extra.problem(
                    (), f"'network' is also given in {sources.network[0].doc.file}: give it once"
                )
            )
        return None
    network = _validate(NetworkInfo, sources.network[0], sources.network[0].data, problems)
    if network is None:
        return None
    return {"network": network, **{k: tuple(v) for k, v in built.items()}}


class _Locator:
    """Finds the file and line of a built object, for the cross-object rules."""

    def __init__(self, sources: _Sources) -> None:
        self._items: dict[int, Item] = {
            id(item.data): item for items in sources.lists.values() for item in items
        }
        self.failed: set[str] = {
            item.data["name"]
            for items in sources.lists.values()
            for item in items
            if isinstance(item.data, dict) and isinstance(item.data.get("name"), str)
        }

    def problem(self, obj: object, field_path: PathKey, message: str) -> Problem:
        item = self._items.get(id(obj))
        if item is None:  # pragma: no cover - every built object has an item
            return Problem("(inventory)", None, dotted(field_path), message)
        return item.problem(field_path, message)
