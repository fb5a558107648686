"""Collection profiles (``collectors/*.yaml``): per platform, what to poll and how it maps to records.

One file per platform (``huawei_vrp.yaml``) or shared part (``standard.yaml``); a file
``extends:`` others by name, and its sections are merged over theirs (records by name;
a child's record replaces the parent's). Files load through a strict schema: an
invalid file is an error with file, line and field, never a skipped file.

The ``snmp:`` section is owned by SNMP collection, ``cli:`` by SSH collection
(schema: :class:`netops.collectors.cli.CliSection`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from netops.collectors.cli import CliSection
from netops.collectors.snmp_schema import SnmpSection
from netops.errors import DataFileError, Problem
from netops.yamlfile import YamlDoc, load_yaml, suffix


class ProfileFile(BaseModel):
    """One profile file as written."""

    model_config = ConfigDict(extra="forbid")

    extends: list[str] = Field(default_factory=list, description="Profiles merged under this one")
    platform: str | None = Field(None, description="Inventory platform; None for shared parts")
    description: str | None = None
    snmp: SnmpSection | None = Field(None, description="SNMP collection (snmp_schema)")
    cli: CliSection | None = Field(None, description="SSH collection (netops.collectors.cli)")


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """A validation error's location without the union-member tags pydantic inserts."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node)
        ):
            out.append(part)
            node = node[part]
        elif not isinstance(node, dict | list) or (isinstance(part, str) and part.endswith("]")):
            continue
        elif isinstance(part, str) and part[:1].isupper():
            continue  # a union member's model name
        else:
            out.append(part)
            node = None
    return tuple(out)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge mappings; ``records`` entries are replaced whole, not merged."""
    out = dict(base)
    for key, value in over.items():
        if key != "records" and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif key == "records" and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def load_profile_files(folder: Path) -> dict[str, tuple[YamlDoc, ProfileFile]]:
    """Every profile file of ``folder`` by name, validated; all problems raised together."""
    problems: list[Problem] = []
    files: dict[str, tuple[YamlDoc, ProfileFile]] = {}
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise DataFileError(
            [Problem(str(folder), None, "", "no collection profiles (*.yaml) here")], "profiles"
        )
    for path in paths:
        doc = load_yaml(path, problems)
        if doc is None:
            continue
        try:
            files[path.stem] = (doc, ProfileFile.model_validate(doc.data or {}))
        except ValidationError as exc:
            seen: set[tuple[Any, ...]] = set()
            for error in exc.errors():
                loc = _data_path(doc.data, tuple(error["loc"]))
                message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
                if error["type"] in ("list_type", "model_type") and len(exc.errors()) > 1:
                    continue  # the other member of a "one or a list" union: noise
                if (loc, message) in seen:
                    continue
                seen.add((loc, message))
                problems.append(Problem(doc.file, doc.line(loc), suffix(loc).lstrip("."), message))
    for doc, profile in files.values():
        for i, parent in enumerate(profile.extends):
            if parent not in files:
                problems.append(
                    Problem(
                        doc.file,
                        doc.line(("extends", i)),
                        f"extends[{i}]",
                        f"unknown profile {parent!r}",
                    )
                )
    if problems:
        raise DataFileError(problems, "profiles")
    return files


def resolve(
    files: dict[str, tuple[YamlDoc, ProfileFile]], name: str, _seen: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The merged content of profile ``name`` (parents first, in ``extends`` order)."""
    doc, profile = files[name]
    if name in _seen:
        chain = " -> ".join((*_seen, name))
        raise DataFileError(
            [Problem(doc.file, doc.line(("extends",)), "extends", f"circular: {chain}")], "profiles"
        )
    merged: dict[str, Any] = {}
    for parent in profile.extends:
        merged = _merge(merged, resolve(files, parent, (*_seen, name)))
    own = profile.model_dump(exclude={"extends"}, exclude_none=True)
    return _merge(merged, own)
