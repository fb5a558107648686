"""Load the SNMP side of the collection profiles: merged, cross-checked, ready to poll.

Structure is checked per file by the strict schema (``snmp_schema``); what only the merged
profile can tell - a record naming a table, column, index part or scalar that no file of
its ``extends`` chain defines, a field the record kind does not have, a conversion given
the wrong number of values - is checked here and reported with the file and line that
defined the offending record.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError

from netops.collectors.profiles import ProfileFile, load_profile_files, resolve
from netops.collectors.snmp_map import PAIR_CONVERSIONS, Plan, plan
from netops.collectors.snmp_schema import Lookup, RecordMap, SnmpSection, Source, ValueFilter
from netops.errors import DataFileError, Problem
from netops.models import RECORD_KINDS
from netops.yamlfile import YamlDoc


@dataclass(frozen=True)
class SnmpProfile:
    """The merged ``snmp:`` section of one platform's profile."""

    name: str
    platform: str
    section: SnmpSection

    @cached_property
    def plan(self) -> Plan:
        return plan(self.section)

    @property
    def kinds(self) -> list[str]:
        return list(dict.fromkeys(k for k, _ in self.section.mappings()))


def _names(value: str | list[str] | None) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


class _Checker:
    def __init__(self, section: SnmpSection) -> None:
        self.s = section
        self.errors: list[tuple[tuple[str | int, ...], str]] = []
        self.columns = {c: t for t, table in section.tables.items() for c in table.columns}

    def err(self, path: tuple[str | int, ...], message: str) -> None:
        self.errors.append((path, message))

    def layout(self, table: str) -> tuple[str, ...]:
        return tuple(p.type for p in self.s.tables[table].index)

    def row_names(self, table: str | None) -> set[str]:
        """Names a row of ``table`` can read directly: its index parts, same-layout columns."""
        if table is None or table not in self.s.tables:
            return set()
        layout = self.layout(table)
        names = {p.name for p in self.s.tables[table].index}
        for other, spec in self.s.tables.items():
            if self.layout(other) == layout:
                names.update(spec.columns)
        return names

    def table_names(self, table: str) -> set[str]:
        spec = self.s.tables[table]
        return {p.name for p in spec.index} | set(spec.columns)

    def filters(self, path: tuple[str | int, ...], table: str, f: dict[str, ValueFilter]) -> None:
        known = self.table_names(table)
        for name in f:
            if name not in known:
                self.err((*path, name), f"table {table!r} has no index part or column {name!r}")

    def lookup(self, path: tuple[str | int, ...], spec: Lookup, ours: set[str]) -> None:
        if spec.table not in self.s.tables:
            self.err((*path, "table"), f"unknown table {spec.table!r}")
            return
        theirs = self.table_names(spec.table)
        for their, our in spec.match.items():
            if their not in theirs:
                self.err((*path, "match", their), f"table {spec.table!r} has no {their!r}")
            if our not in ours:
                self.err((*path, "match", their), f"{our!r} is not readable from this row")
        for name in _names(spec.take):
            if name not in theirs:
                self.err((*path, "take"), f"table {spec.table!r} has no {name!r}")
        self.filters((*path, "where"), spec.table, spec.where)
        if spec.then is not None:
            self.lookup((*path, "then"), spec.then, theirs)

    def source(self, path: tuple[str | int, ...], src: Source, table: str | None) -> None:
        ours = self.row_names(table)
        count = 1
        if src.column is not None:
            names = _names(src.column)
            count = len(names)
            for name in names:
                if name not in self.columns:
                    self.err((*path, "column"), f"no table has a column {name!r}")
                elif src.key is None and name not in ours:
                    self.err(
                        (*path, "column"),
                        f"column {name!r} is not in a table indexed like {table!r}; give 'key'"
                        if table
                        else f"column {name!r} needs 'key' in a record without 'table'",
                    )
            for i, part in enumerate(src.key or []):
                ref = part.index or part.column
                if ref is not None and ref not in ours:
                    self.err((*path, "key", i), f"{ref!r} is not readable from this row")
        if src.index is not None:
            parts = {p.name for p in self.s.tables[table].index} if table else set()
            count = len(_names(src.index))
            for name in _names(src.index):
                if name not in parts:
                    self.err((*path, "index"), f"{name!r} is not an index part of {table!r}")
        if src.scalar is not None:
            count = len(_names(src.scalar))
            for name in _names(src.scalar):
                if name not in self.s.scalars:
                    self.err((*path, "scalar"), f"unknown scalar {name!r}")
        if src.lookup is not None:
            self.lookup((*path, "lookup"), src.lookup, ours)
            count = len(_names(src.lookup.take)) if src.lookup.take is not None else 1
        if src.aggregate is not None:
            agg = src.aggregate
            if agg.table not in self.s.tables:
                self.err((*path, "aggregate", "table"), f"unknown table {agg.table!r}")
            else:
                if agg.column not in self.s.tables[agg.table].columns:
                    self.err((*path, "aggregate", "column"), f"{agg.table!r} has no {agg.column!r}")
                self.filters((*path, "aggregate", "where"), agg.table, agg.where)
        if src.percent is not None:
            for name in ("used", "free", "total"):
                sub = getattr(src.percent, name)
                if sub is not None:
                    self.source((*path, "percent", name), sub, table)
        wants_pair = src.convert in PAIR_CONVERSIONS
        if wants_pair and count != 2:
            self.err((*path, "convert"), f"{src.convert} needs a list of two values")
        if not wants_pair and count != 1:
            self.err((*path, "convert"), f"{src.convert} takes one value, not {count}")

    def record(self, path: tuple[str | int, ...], kind: str, spec: RecordMap) -> None:
        model = RECORD_KINDS.get(kind)
        if model is None:
            self.err(path, f"unknown record kind {kind!r} (one of {', '.join(RECORD_KINDS)})")
            return
        if spec.table is not None and spec.table not in self.s.tables:
            self.err((*path, "table"), f"unknown table {spec.table!r}")
            return
        if spec.table is not None:
            self.filters((*path, "where"), spec.table, spec.where)
        fields = set(model.model_fields) - {"device"}
        for name, fspec in spec.fields.items():
            if name not in fields:
                self.err((*path, "fields", name), f"{model.__name__} has no field {name!r}")
            sources = fspec if isinstance(fspec, list) else [fspec]
            for i, src in enumerate(sources):
                where = (
                    (*path, "fields", name, i)
                    if isinstance(fspec, list)
                    else (*path, "fields", name)
                )
                self.source(where, src, spec.table)
        for name in spec.require:
            if name not in spec.fields:
                self.err((*path, "require"), f"{name!r} is not one of the record's fields")

    def run(self) -> list[tuple[tuple[str | int, ...], str]]:
        for kind, spec in self.s.records.items():
            if isinstance(spec, list):
                for i, one in enumerate(spec):
                    self.record(("snmp", "records", kind, i), kind, one)
            elif spec is not None:
                self.record(("snmp", "records", kind), kind, spec)
        return self.errors


def check_section(section: SnmpSection) -> list[tuple[tuple[str | int, ...], str]]:
    """Cross-reference problems of a merged section: (path in the profile, message)."""
    return _Checker(section).run()


def _chain(files: dict[str, tuple[YamlDoc, ProfileFile]], name: str) -> list[str]:
    out: list[str] = []
    for parent in files[name][1].extends:
        for n in _chain(files, parent):
            if n not in out:
                out.append(n)
    out.append(name)
    return out


def _where(
    files: dict[str, tuple[YamlDoc, ProfileFile]], name: str, path: tuple[str | int, ...]
) -> tuple[str, int | None]:
    """The file (and line) of the nearest file in the chain that defines ``path``."""
    for candidate in reversed(_chain(files, name)):
        doc = files[candidate][0]
        for depth in range(len(path), 2, -1):
            if path[:depth] in doc.lines:
                return doc.file, doc.line(path)
    doc = files[name][0]
    return doc.file, doc.line(path)


def load_snmp_profiles(folder: Path) -> dict[str, SnmpProfile]:
    """The SNMP profile of every platform in ``folder`` (keyed by inventory platform)."""
    files = load_profile_files(folder)
    problems: list[Problem] = []
    out: dict[str, SnmpProfile] = {}
    for name, (doc, profile) in files.items():
        if profile.platform is None:
            continue
        merged = resolve(files, name).get("snmp")
        if merged is None:
            continue
        try:
            section = SnmpSection.model_validate(merged)
        except ValidationError as exc:  # pragma: no cover - each file already validated
            problems.extend(
                Problem(doc.file, None, ".".join(map(str, e["loc"])), e["msg"])
                for e in exc.errors()
            )
            continue
        for path, message in check_section(section):
            file, line = _where(files, name, path)
            field = ".".join(str(p) for p in path)
            problems.append(Problem(file, line, field, f"{message} (profile {name})"))
        out[profile.platform] = SnmpProfile(name, profile.platform, section)
    if problems:
        raise DataFileError(problems, "collection profiles")
    return out
