"""Turn fetched SNMP data into records, as a profile's ``snmp:`` section says (pure functions).

``plan(section)`` says what to fetch (scalars, and per table only the columns some record
uses); ``Fetched.build`` sorts the answers into rows (the OID suffix after a column is
the row's index, split into named parts by the table's INDEX layout); ``map_records``
builds the records. A value that does not fit is a *problem* naming the record, row and
field - the row is skipped, the rest of the device's records are kept.
"""

from __future__ import annotations

import ipaddress
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from netops.collectors.convert import CELL_CONVERTERS, Cell, convert
from netops.collectors.snmp_schema import (
    IndexPart,
    KeyPart,
    Lookup,
    Percent,
    RecordMap,
    SnmpSection,
    Source,
    Table,
    ValueFilter,
)
from netops.models import RECORD_KINDS, Record
from netops.transports.snmp.types import OID, Tag, VarBind, parse_oid

#: Conversions that take a list of two values.
PAIR_CONVERSIONS = frozenset({"ip_prefix", "lldp_chassis_id", "lldp_port_id"})
_EMPTY_TAGS = frozenset({Tag.NO_SUCH_OBJECT, Tag.NO_SUCH_INSTANCE, Tag.END_OF_MIB_VIEW, Tag.NULL})


# -- index layouts ------------------------------------------------------------------------------
def _take_string(suffix: OID, pos: int, implied: bool) -> tuple[bytes, int]:
    if implied:
        return bytes(suffix[pos:]), len(suffix)
    n = suffix[pos]
    part = suffix[pos + 1 : pos + 1 + n]
    if len(part) != n:
        raise ValueError("index shorter than its length prefix")
    return bytes(part), pos + 1 + n


def parse_index(layout: Sequence[IndexPart], suffix: OID) -> dict[str, Cell]:
    """Split a row's OID suffix into its named index parts (raises ValueError if it does not fit)."""
    if len(suffix) == len(layout) and all(p.type == "integer" for p in layout):
        return {p.name: Cell(Tag.INTEGER, v) for p, v in zip(layout, suffix, strict=True)}
    out: dict[str, Cell] = {}
    pos = 0
    for part in layout:
        if pos >= len(suffix):
            raise ValueError(f"index {suffix} too short for {part.name}")
        kind = part.type
        start = pos
        if kind == "integer":
            out[part.name] = Cell(Tag.INTEGER, suffix[pos])
            pos += 1
        elif kind == "ipv4":
            out[part.name] = Cell(Tag.IP_ADDRESS, bytes(suffix[pos : pos + 4]))
            pos += 4
        elif kind == "mac":
            out[part.name] = Cell(Tag.OCTET_STRING, bytes(suffix[pos : pos + 6]))
            pos += 6
        elif kind in ("string", "implied_string"):
            value, pos = _take_string(suffix, pos, kind == "implied_string")
            out[part.name] = Cell(Tag.OCTET_STRING, value)
        elif kind == "oid":
            n = suffix[pos]
            out[part.name] = Cell(Tag.OBJECT_IDENTIFIER, tuple(suffix[pos + 1 : pos + 1 + n]))
            pos += 1 + n
        else:  # inet_address: InetAddressType, then a length-prefixed InetAddress
            _addr_type = suffix[pos]
            value, pos = _take_string(suffix, pos + 1, False)
            out[part.name] = Cell(
                Tag.IP_ADDRESS if len(value) == 4 else Tag.OCTET_STRING, bytes(value)
            )
        if kind in ("ipv4", "mac", "inet_address") and any(b > 255 for b in suffix[start:pos]):
            raise ValueError(f"index {suffix}: {part.name} has a sub-identifier above 255")
    if pos != len(suffix):
        raise ValueError(f"index {suffix} longer than its layout")
    return out


# -- what to fetch ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    """What one poll of a device fetches: scalars by GET, columns by walk (per table)."""

    scalars: dict[str, OID]
    tables: dict[str, dict[str, OID]]  # table -> column name -> column OID

    @property
    def varbinds_hint(self) -> int:
        return len(self.scalars) + sum(len(c) for c in self.tables.values())


def _used_names(section: SnmpSection) -> tuple[set[str], set[str], set[str]]:
    """Tables, columns and scalars some enabled record uses."""
    tables: set[str] = set()
    columns: set[str] = set()
    scalars: set[str] = set()

    def names(value: str | list[str] | None) -> list[str]:
        return [] if value is None else [value] if isinstance(value, str) else list(value)

    def where(filters: Mapping[str, ValueFilter]) -> None:
        columns.update(filters)

    def lookup(spec: Lookup) -> None:
        tables.add(spec.table)
        columns.update(spec.match)
        columns.update(spec.match.values())
        columns.update(names(spec.take))
        where(spec.where)
        if spec.then is not None:
            lookup(spec.then)

    def source(src: Source) -> None:
        columns.update(names(src.column))
        scalars.update(names(src.scalar))
        for k in src.key or []:
            if k.column:
                columns.add(k.column)
        if src.lookup is not None:
            lookup(src.lookup)
        if src.aggregate is not None:
            tables.add(src.aggregate.table)
            columns.add(src.aggregate.column)
            where(src.aggregate.where)
        if src.percent is not None:
            for sub in (src.percent.used, src.percent.free, src.percent.total):
                if sub is not None:
                    source(sub)

    for _kind, record in section.mappings():
        if record.table:
            tables.add(record.table)
        where(record.where)
        for spec in record.fields.values():
            for src in spec if isinstance(spec, list) else [spec]:
                source(src)
    return tables, columns, scalars


def plan(section: SnmpSection) -> Plan:
    """The scalars and table columns the enabled records of ``section`` need."""
    tables, columns, scalars = _used_names(section)
    wanted: dict[str, dict[str, OID]] = {}
    for name, table in section.tables.items():
        cols = {c: parse_oid(oid) for c, oid in table.columns.items() if c in columns}
        if cols or name in tables:
            if not cols:  # a table used only for its index: walk its first column
                first = next(iter(table.columns))
                cols = {first: parse_oid(table.columns[first])}
            wanted[name] = cols
    return Plan({s: parse_oid(section.scalars[s]) for s in sorted(scalars)}, wanted)


# -- fetched data -------------------------------------------------------------------------------
@dataclass
class Row:
    suffix: OID
    index: dict[str, Cell]
    columns: dict[str, Cell] = field(default_factory=dict)

    def get(self, name: str) -> Cell | None:
        return self.index.get(name) or self.columns.get(name)


@dataclass
class TableData:
    name: str
    layout: tuple[str, ...]  # index types, to join tables of the same layout
    rows: dict[OID, Row] = field(default_factory=dict)
    _by: dict[tuple[str, ...], dict[tuple[Any, ...], list[Row]]] = field(default_factory=dict)

    def rows_by(self, names: tuple[str, ...]) -> dict[tuple[Any, ...], list[Row]]:
        """Rows grouped by the raw values of ``names`` (index parts or columns), cached."""
        if names not in self._by:
            groups: dict[tuple[Any, ...], list[Row]] = {}
            for row in self.rows.values():
                cells = [row.get(n) for n in names]
                if any(c is None for c in cells):
                    continue
                groups.setdefault(tuple(_key(c) for c in cells if c is not None), []).append(row)
            self._by[names] = groups
        return self._by[names]


_COLUMN_NAMES: dict[int, tuple[Table, dict[OID, str]]] = {}


def _column_names(table: Table) -> dict[OID, str]:
    """Column OID -> column name of a profile table (parsed once per table object)."""
    cached = _COLUMN_NAMES.get(id(table))
    if cached is None or cached[0] is not table:
        cached = (table, {parse_oid(oid): c for c, oid in table.columns.items()})
        _COLUMN_NAMES[id(table)] = cached
    return cached[1]


def _key(cell: Cell) -> Any:
    return cell.value


@dataclass
class Fetched:
    """Answers of one poll, sorted into scalars and table rows."""

    scalars: dict[str, Cell]
    tables: dict[str, TableData]
    problems: list[str] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        section: SnmpSection,
        scalars: Mapping[str, VarBind] | None = None,
        walks: Mapping[str, Mapping[OID, Sequence[VarBind]]] | None = None,
    ) -> Fetched:
        """From GET answers by scalar name and walk answers by table and column OID."""
        rows: dict[str, dict[OID, dict[OID, Cell]]] = {}
        for table_name, by_column in (walks or {}).items():
            rows[table_name] = {}
            for column_oid, varbinds in by_column.items():
                n = len(column_oid)
                cells = rows[table_name][column_oid] = {}
                for vb in varbinds:
                    oid = vb[0]
                    # a client only returns OIDs under the column; checked anyway (replays)
                    if len(oid) > n and oid[:n] == column_oid:
                        cells[oid[n:]] = Cell(vb[1], vb[2])
        return cls.from_rows(section, scalars, rows)

    @classmethod
    def from_rows(
        cls,
        section: SnmpSection,
        scalars: Mapping[str, VarBind] | None = None,
        walks: Mapping[str, Mapping[OID, Mapping[OID, Cell]]] | None = None,
    ) -> Fetched:
        """From GET answers by scalar name and walked rows by table, column OID and index
        suffix (what :meth:`SnmpClient.walk_rows` returns)."""
        problems: list[str] = []
        out_scalars = {
            name: Cell(vb.tag, vb.value)
            for name, vb in (scalars or {}).items()
            if vb.tag not in _EMPTY_TAGS
        }
        tables: dict[str, TableData] = {}
        empty = _EMPTY_TAGS
        for table_name, by_column in (walks or {}).items():
            table = section.tables[table_name]
            names = _column_names(table)
            layout = table.index
            data = TableData(table_name, tuple(p.type for p in layout))
            rows = data.rows
            bad: set[OID] = set()
            for column_oid, cells in by_column.items():
                column = names.get(column_oid)
                if column is None:
                    continue
                for suffix, cell in cells.items():
                    if cell[0] in empty:
                        continue
                    row = rows.get(suffix)
                    if row is None:
                        if suffix in bad:
                            continue
                        try:
                            row = Row(suffix, parse_index(layout, suffix))
                        except (ValueError, IndexError) as exc:
                            bad.add(suffix)
                            problems.append(f"{table_name}: row skipped: {exc}")
                            continue
                        rows[suffix] = row
                    row.columns[column] = cell
            tables[table_name] = data
        return cls(out_scalars, tables, problems)

    @classmethod
    def from_walk(cls, section: SnmpSection, varbinds: Iterable[VarBind]) -> Fetched:
        """From one recorded walk holding everything (tests, offline replays)."""
        by_oid = {vb.oid: vb for vb in varbinds}
        ordered = sorted(by_oid)
        scalars = {
            name: by_oid[parse_oid(oid)]
            for name, oid in section.scalars.items()
            if parse_oid(oid) in by_oid
        }
        walks: dict[str, dict[OID, list[VarBind]]] = {}
        for table_name, table in section.tables.items():
            cols: dict[OID, list[VarBind]] = {}
            for oid_text in table.columns.values():
                column = parse_oid(oid_text)
                n = len(column)
                cols[column] = [by_oid[o] for o in ordered if o[:n] == column and len(o) > n]
            walks[table_name] = cols
        return cls.build(section, scalars, walks)


# -- mapping ------------------------------------------------------------------------------------
class _Many(list[Any]):
    """Every value a ``many: true`` lookup found."""


class _Skip(Exception):
    """A row that does not become a record (a required field is empty)."""


def _passes(cell: Cell | None, flt: ValueFilter) -> bool:
    if cell is None:
        return flt.not_in is not None
    value: Any = cell.value
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    allowed = flt.in_ if flt.in_ is not None else flt.not_in or []
    hit = value in allowed or str(value) in {str(a) for a in allowed}
    return hit if flt.in_ is not None else not hit


def _filtered(rows: Iterable[Row], filters: Mapping[str, ValueFilter]) -> list[Row]:
    return [r for r in rows if all(_passes(r.get(n), f) for n, f in filters.items())]


def _ignored(raw: Any, ignore: list[int | str]) -> bool:
    if isinstance(raw, Cell):
        return _passes(raw, ValueFilter(in_=ignore))
    return False


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == () or value == []


class _Mapper:
    def __init__(self, section: SnmpSection, fetched: Fetched) -> None:
        self.section = section
        self.fetched = fetched
        self.column_table = {c: t for t, table in section.tables.items() for c in table.columns}
        self._compiled: dict[int, list[tuple[str, list[Callable[[Row | None], Any]]]]] = {}

    # a cell of this row, of a same-layout table at the same index, or at an explicit key
    def _column(self, row: Row | None, table: str | None, name: str) -> Cell | None:
        if row is not None and (cell := row.columns.get(name)) is not None:
            return cell
        owner = self.column_table.get(name)
        if row is None or table is None or owner is None:
            return None
        data = self.fetched.tables.get(owner)
        if data is None:
            return None
        other = data.rows.get(row.suffix)
        return other.columns.get(name) if other else None

    def _at_key(self, row: Row | None, name: str, key: Sequence[KeyPart]) -> Cell | None:
        owner = self.column_table[name]
        data = self.fetched.tables.get(owner)
        if data is None:
            return None
        values: list[Any] = []
        for part in key:
            if part.const is not None:
                values.append(part.const)
                continue
            cell = row.get(part.index or part.column or "") if row else None
            if cell is None:
                return None
            values.append(_key(cell))
        layout = [p.name for p in self.section.tables[owner].index]
        rows = data.rows_by(tuple(layout[: len(values)])).get(tuple(values), [])
        return rows[0].columns.get(name) if rows else None

    def _lookup(self, row: Row | None, spec: Lookup) -> list[Any]:
        data = self.fetched.tables.get(spec.table)
        if data is None:
            return []
        if spec.match:
            ours = []
            for name in spec.match.values():
                cell = row.get(name) if row else None
                if cell is None:
                    return []
                ours.append(_key(cell))
            candidates = data.rows_by(tuple(spec.match)).get(tuple(ours), [])
        else:
            candidates = list(data.rows.values())
        candidates = _filtered(candidates, spec.where)
        results: list[Any] = []
        for match in candidates:
            if spec.then is not None:
                results.extend(self._lookup(match, spec.then))
            elif isinstance(spec.take, list):
                cells = [match.get(n) for n in spec.take]
                if all(c is not None for c in cells):
                    results.append([c for c in cells if c is not None])
            elif spec.take is not None and (cell := match.get(spec.take)) is not None:
                results.append(cell)
            if results and not spec.many:
                break
        return results

    def _raw(self, row: Row | None, table: str | None, src: Source) -> Any:
        """The raw value(s) of a source: a Cell, a list of cells, or a list of those (many)."""
        if src.column is not None:
            names = [src.column] if isinstance(src.column, str) else src.column
            cells = [
                self._at_key(row, n, src.key) if src.key else self._column(row, table, n)
                for n in names
            ]
            if any(c is None for c in cells):
                return None
            return cells[0] if isinstance(src.column, str) else cells
        if src.index is not None:
            parts = [src.index] if isinstance(src.index, str) else src.index
            found = [row.index.get(p) for p in parts] if row else [None]
            if any(c is None for c in found):
                return None
            return found[0] if isinstance(src.index, str) else found
        if src.scalar is not None:
            names = [src.scalar] if isinstance(src.scalar, str) else src.scalar
            cells = [self.fetched.scalars.get(n) for n in names]
            if any(c is None for c in cells):
                return None
            return cells[0] if isinstance(src.scalar, str) else cells
        if src.lookup is not None:
            found = self._lookup(row, src.lookup)
            if src.lookup.many:
                return _Many(found)
            return found[0] if found else None
        raise AssertionError("handled by value()")

    def _aggregate(self, src: Source) -> Any:
        spec = src.aggregate
        assert spec is not None
        data = self.fetched.tables.get(spec.table)
        if data is None:
            return None
        rows = _filtered(data.rows.values(), spec.where)
        values = [
            c.value
            for r in rows
            if (c := r.columns.get(spec.column)) is not None and c.value is not None
        ]
        numbers = [v for v in values if isinstance(v, int)]
        if spec.function == "count":
            return len(values)
        if spec.function == "first":
            first = next((r.columns.get(spec.column) for r in rows), None)
            return convert(src.convert, first, src.enum) if first else None
        if not numbers:
            return None
        if spec.function == "mean":
            return statistics.fmean(numbers)
        if spec.function == "max":
            return max(numbers)
        if spec.function == "min":
            return min(numbers)
        return sum(numbers)

    def _percent(self, row: Row | None, table: str | None, spec: Percent) -> float | None:
        def num(src: Source | None) -> float | None:
            if src is None:
                return None
            value = self.value(row, table, src)
            return float(value) if isinstance(value, int | float) else None

        used, free, total = num(spec.used), num(spec.free), num(spec.total)
        if spec.used is not None and spec.free is not None:
            if used is None or free is None:
                return None
            total, free = used + free, None
        if total is None or total <= 0:
            return None
        if used is None:
            if free is None:
                return None
            used = total - free
        return round(100.0 * used / total, 2)

    def value(self, row: Row | None, table: str | None, src: Source) -> Any:
        if src.const is not None:
            return src.const
        if src.aggregate is not None:
            return self._scale(self._aggregate(src), src)
        if src.percent is not None:
            return self._percent(row, table, src.percent)
        raw = self._raw(row, table, src)
        if raw is None:
            return None
        if src.ignore is not None and _ignored(raw, src.ignore):
            return None
        if isinstance(raw, _Many):
            items = [convert(src.convert, r, src.enum) for r in raw]
            return tuple(self._scale(i, src) for i in items if not _empty(i))
        return self._scale(convert(src.convert, raw, src.enum), src)

    @staticmethod
    def _scale(value: Any, src: Source) -> Any:
        if src.scale is not None and isinstance(value, int | float) and not isinstance(value, bool):
            scaled = value * src.scale
            return int(scaled) if float(scaled).is_integer() and isinstance(value, int) else scaled
        return value

    def getter(self, src: Source, table: str | None) -> Callable[[Row | None], Any]:
        """A compiled reader for ``src``: plain columns and index parts skip the generic path."""
        fast = CELL_CONVERTERS.get(src.convert)
        simple = fast is not None and src.scale is None and src.ignore is None and src.key is None
        enum = src.enum
        if simple and isinstance(src.column, str) and fast is not None:
            name, conv = src.column, fast
            owner = self.column_table.get(name)

            def column(row: Row | None) -> Any:
                if row is None:
                    return None
                cell = row.columns.get(name)
                if cell is None:
                    if owner is None or owner == table:
                        return None
                    if (data := self.fetched.tables.get(owner)) is None:
                        return None
                    other = data.rows.get(row.suffix)
                    if other is None or (cell := other.columns.get(name)) is None:
                        return None
                return conv(cell, enum)

            return column
        if simple and isinstance(src.index, str) and fast is not None:
            part, conv = src.index, fast

            def index(row: Row | None) -> Any:
                cell = row.index.get(part) if row is not None else None
                return None if cell is None else conv(cell, enum)

            return index
        look = src.lookup
        if (
            look is not None
            and fast is not None
            and isinstance(look.take, str)
            and look.then is None
            and src.scale is None
            and src.ignore is None
        ):
            return self._lookup_getter(look, look.take, fast, enum)
        return lambda row: self.value(row, table, src)

    def _lookup_getter(
        self,
        look: Lookup,
        take: str,
        conv: Callable[[Cell, Mapping[int, str] | None], Any],
        enum: Mapping[int, str] | None,
    ) -> Callable[[Row | None], Any]:
        theirs = tuple(look.match)
        ours = tuple(look.match.values())
        filters = look.where
        many = look.many

        def lookup(row: Row | None) -> Any:
            data = self.fetched.tables.get(look.table)
            if data is None:
                return () if many else None
            if theirs:
                if row is None:
                    return () if many else None
                key = []
                for name in ours:
                    cell = row.index.get(name) or row.columns.get(name)
                    if cell is None:
                        return () if many else None
                    key.append(cell.value)
                candidates: Sequence[Row] = data.rows_by(theirs).get(tuple(key), ())
            else:
                candidates = tuple(data.rows.values())
            found = []
            for match in candidates:
                if filters and not all(_passes(match.get(n), f) for n, f in filters.items()):
                    continue
                cell = match.index.get(take) or match.columns.get(take)
                if cell is None:
                    continue
                value = conv(cell, enum)
                if not many:
                    return value
                if value is not None and value != "" and value != ():
                    found.append(value)
            return tuple(found) if many else None

        return lookup

    def compiled(self, spec: RecordMap) -> list[tuple[str, list[Callable[[Row | None], Any]]]]:
        key = id(spec)
        if key not in self._compiled:
            self._compiled[key] = [
                (
                    name,
                    [self.getter(src, spec.table) for src in (f if isinstance(f, list) else [f])],
                )
                for name, f in spec.fields.items()
            ]
        return self._compiled[key]

    def record_values(
        self, kind: str, spec: RecordMap, row: Row | None, where: str, problems: list[str]
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, getters in self.compiled(spec):
            for get in getters:
                try:
                    value = get(row)
                except (ValueError, TypeError, ArithmeticError) as exc:
                    problems.append(f"{kind}{where}: {name}: {exc}")
                    value = None
                if value is not None and value != "" and value != ():
                    values[name] = value
                    break
        for name in spec.require:
            if name not in values:
                raise _Skip(name)
        return values


_MAPPERS: dict[int, tuple[SnmpSection, _Mapper]] = {}


def _mapper_for(section: SnmpSection) -> _Mapper:
    """One mapper per profile section: its compiled field readers are reused poll after poll."""
    cached = _MAPPERS.get(id(section))
    if cached is None or cached[0] is not section:
        cached = (section, _Mapper(section, Fetched({}, {})))
        _MAPPERS[id(section)] = cached
    return cached[1]


def _row_label(suffix: OID) -> str:
    return "[" + ".".join(map(str, suffix)) + "]"


def map_records(
    section: SnmpSection,
    fetched: Fetched,
    device: str,
    kinds: Iterable[str] | None = None,
) -> tuple[dict[str, list[Record]], list[str]]:
    """Records by kind for ``device``, and the problems met (rows skipped, values refused).

    ``kinds`` limits mapping to those kinds (e.g. only those whose tables were fetched).
    """
    mapper = _mapper_for(section)
    mapper.fetched = fetched
    problems = list(fetched.problems)
    out: dict[str, list[Record]] = {}
    wanted = set(kinds) if kinds is not None else None
    for kind, spec in section.mappings():
        if wanted is not None and kind not in wanted:
            continue
        model = RECORD_KINDS[kind]
        records = out.setdefault(kind, [])
        if spec.table is None:
            rows: list[tuple[str, Row | None]] = [("", None)]
        else:
            data = fetched.tables.get(spec.table)
            items = list(data.rows.items()) if data else []
            kept = _filtered([r for _, r in items], spec.where)
            keep = {id(r) for r in kept}
            rows = [(_row_label(s), r) for s, r in items if id(r) in keep]
        for where, row in rows:
            try:
                values = mapper.record_values(kind, spec, row, where, problems)
            except _Skip:
                continue
            try:
                records.append(model.model_validate({"device": device, **values}))
            except ValidationError as exc:
                first = exc.errors()[0]
                loc = ".".join(str(p) for p in first["loc"])
                problems.append(f"{kind}{where}: {loc}: {first['msg']} (row skipped)")
    return out, problems


def format_ip(value: bytes) -> str:
    """Packed 4/16 bytes as an address (helper for callers holding index parts)."""
    return str(ipaddress.ip_address(value))


__all__ = ["Fetched", "Plan", "Table", "map_records", "parse_index", "plan"]
