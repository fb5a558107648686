"""The ``snmp:`` section of a collection profile: what to fetch and how it maps to records.

A profile names **tables** (walked: an index layout and columns, each column a numeric
OID without the index) and **scalars** (fetched with one GET), then says per record
kind (``netops.models.RECORD_KINDS``) how each record field is filled::

    snmp:
      scalars:
        sysUpTime: 1.3.6.1.2.1.1.3.0
      tables:
        ifTable:
          index: [{name: if_index, type: integer}]
          columns: {ifDescr: 1.3.6.1.2.1.2.2.1.2, ifOperStatus: 1.3.6.1.2.1.2.2.1.8}
      records:
        interface:
          table: ifTable                  # one record per row
          fields:
            if_index: {index: if_index}
            name: [{column: ifName}, {column: ifDescr}]   # first value that is not empty
            oper_status: {column: ifOperStatus, convert: enum, enum: {1: up, 2: down}}

A field's value comes from exactly one **source**: a ``column`` of the row (or of
another table at an explicit ``key``), a part of the row's ``index``, a ``scalar``, a
``const``, a ``lookup`` (rows of another table that match this one), an
``aggregate`` over a table, or a ``percent`` of two sources. Its value is then
turned into the field's type by one of the named :data:`CONVERSIONS` - a fixed set,
never expressions in strings. Everything is checked when the profile loads: unknown
tables, columns, index parts, record kinds, record fields and conversions are errors
with file, line and field.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_OID = re.compile(r"^\d+(\.\d+)+$")

#: The conversions a field may name (implemented in :mod:`netops.collectors.convert`).
Conversion = Literal[
    "auto",  # int stays int, OCTET STRING -> text, OID -> dotted text, IpAddress -> dotted quad
    "text",  # OCTET STRING -> text (UTF-8, trailing NULs and blanks dropped)
    "int",
    "float",
    "hex",  # bytes -> lower-case hex digits
    "mac",  # 6 bytes (or text MAC) -> aa:bb:cc:dd:ee:ff
    "ip",  # 4/16 bytes, IpAddress or text -> address text
    "timeticks_seconds",  # hundredths of a second -> seconds
    "mbps_to_bps",  # ifHighSpeed (Mbit/s) -> bit/s; 0 -> empty (fall back to ifSpeed)
    "enum",  # integer -> name through the field's ``enum`` map (unknown -> empty)
    "truth_value",  # SNMPv2-TC TruthValue: 1 -> true, 2 -> false
    "counter_bits",  # the column's type: Counter64 -> 64, Counter32 -> 32
    "ip_prefix",  # (address, netmask or prefix length) -> a.b.c.d/len
    "route_target",  # RFC 4364 8-byte RD/RT (or its text form) -> asn:nn or ip:nn
    "lldp_chassis_id",  # (lldpChassisIdSubtype, id) -> MAC, address or text by subtype
    "lldp_port_id",  # (lldpPortIdSubtype, id) -> MAC, address or text by subtype
    "oid_last",  # OID value -> its last sub-identifier (e.g. a prefix length in a row pointer)
    "nonzero",  # 0 or empty -> empty (treat "not supported" as missing)
]

IndexType = Literal["integer", "ipv4", "string", "implied_string", "inet_address", "oid", "mac"]
Function = Literal["mean", "max", "min", "sum", "count", "first"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_oid(value: str) -> str:
    text = str(value).strip().lstrip(".")
    if not _OID.match(text):
        raise ValueError(f"not a numeric OID: {value!r}")
    return text


class IndexPart(_Strict):
    """One component of a table's INDEX clause, in order (SMI encoding rules)."""

    name: str
    type: IndexType = Field(
        description="integer (1 sub-id), ipv4 (4), mac (6), string/oid (length-prefixed), "
        "implied_string (rest of the index), inet_address (InetAddressType + length-prefixed bytes)"
    )


class Table(_Strict):
    """A conceptual table: walked column by column, rows keyed by the index suffix."""

    index: list[IndexPart] = Field(min_length=1)
    columns: dict[str, str] = Field(min_length=1, description="column name -> column OID")

    @field_validator("columns")
    @classmethod
    def _oids(cls, value: dict[str, str]) -> dict[str, str]:
        return {name: _check_oid(oid) for name, oid in value.items()}


class ValueFilter(_Strict):
    """Keep a row when its raw value is ``in`` the list, or is ``not_in`` it."""

    in_: list[int | str] | None = Field(None, alias="in")
    not_in: list[int | str] | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one(self) -> ValueFilter:
        if (self.in_ is None) == (self.not_in is None):
            raise ValueError("give exactly one of 'in' and 'not_in'")
        return self


class KeyPart(_Strict):
    """One index sub-part of an explicit key: this row's index part or column, or a constant."""

    index: str | None = None
    column: str | None = None
    const: int | None = None

    @model_validator(mode="after")
    def _one(self) -> KeyPart:
        if sum(x is not None for x in (self.index, self.column, self.const)) != 1:
            raise ValueError("give exactly one of 'index', 'column', 'const'")
        return self


class Lookup(_Strict):
    """Rows of another table whose ``match`` names equal this row's; take one or all of them.

    With ``then``, each matching row is looked up again in a further table (its ``match``
    names this matching row's index parts or columns), e.g. VRF -> ifIndex -> ifName.
    """

    table: str
    match: dict[str, str] = Field(
        default_factory=dict,
        description="their index part or column -> this row's index part or column (empty: all)",
    )
    take: str | list[str] | None = Field(
        None, description="their index part or column (a list: a tuple); not with 'then'"
    )
    where: dict[str, ValueFilter] = Field(default_factory=dict)
    many: bool = Field(False, description="all matching rows as a list (else the first)")
    then: Lookup | None = None

    @model_validator(mode="after")
    def _take(self) -> Lookup:
        if (self.take is None) == (self.then is None):
            raise ValueError("give exactly one of 'take' and 'then'")
        return self


class Aggregate(_Strict):
    """One value from every row of a table (e.g. the mean of hrProcessorLoad)."""

    table: str
    column: str
    function: Function
    where: dict[str, ValueFilter] = Field(default_factory=dict)


class Percent(_Strict):
    """A percentage from two of ``used``, ``free`` and ``total`` (e.g. memory pools)."""

    used: Source | None = None
    free: Source | None = None
    total: Source | None = None

    @model_validator(mode="after")
    def _two(self) -> Percent:
        if sum(x is not None for x in (self.used, self.free, self.total)) != 2:
            raise ValueError("give exactly two of 'used', 'free', 'total'")
        return self


class Source(_Strict):
    """Where one field value comes from, and how it is converted."""

    column: str | list[str] | None = Field(
        None, description="A column (a list: a tuple of columns) of this row, or at ``key``"
    )
    key: list[KeyPart] | None = Field(None, description="Index to read ``column`` at")
    index: str | list[str] | None = Field(None, description="An index part (a list: a tuple)")
    scalar: str | list[str] | None = Field(None, description="A scalar (a list: a tuple)")
    const: int | float | str | bool | None = None
    lookup: Lookup | None = None
    aggregate: Aggregate | None = None
    percent: Percent | None = None
    convert: Conversion = "auto"
    enum: dict[int, str] | None = None
    scale: float | None = Field(None, description="Multiply a numeric value (after convert)")
    ignore: list[int | str] | None = Field(
        None, description="Raw values that mean 'not supported' (e.g. 65535), read as empty"
    )

    @model_validator(mode="after")
    def _one(self) -> Source:
        given = [
            name
            for name in ("column", "index", "scalar", "const", "lookup", "aggregate", "percent")
            if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of column, index, scalar, const, lookup, aggregate, percent"
                + (f" (got {', '.join(given)})" if given else "")
            )
        if self.key is not None and self.column is None:
            raise ValueError("'key' goes with 'column'")
        if (self.convert == "enum") != (self.enum is not None):
            raise ValueError("'convert: enum' and an 'enum' map go together")
        return self


FieldSpec = Source | list[Source]


class RecordMap(_Strict):
    """How to build records of one kind: one per ``table`` row, or one per device."""

    table: str | None = Field(None, description="One record per row; omitted: one per device")
    where: dict[str, ValueFilter] = Field(
        default_factory=dict, description="Keep only rows whose raw values pass"
    )
    fields: dict[str, FieldSpec] = Field(min_length=1)
    require: list[str] = Field(
        default_factory=list, description="Fields that must have a value, else the row is skipped"
    )


class SnmpSection(_Strict):
    """A profile's ``snmp:`` section (merged over its ``extends`` parents)."""

    scalars: dict[str, str] = Field(default_factory=dict, description="name -> full OID (.0)")
    tables: dict[str, Table] = Field(default_factory=dict)
    records: dict[str, RecordMap | list[RecordMap] | None] = Field(
        default_factory=dict,
        description="record kind -> mapping, or several whose records add up (null: not polled)",
    )

    def mappings(self) -> list[tuple[str, RecordMap]]:
        """Every enabled (kind, mapping), several per kind when a list is given."""
        out: list[tuple[str, RecordMap]] = []
        for kind, spec in self.records.items():
            if spec is None:
                continue
            out.extend((kind, m) for m in (spec if isinstance(spec, list) else [spec]))
        return out

    @field_validator("scalars")
    @classmethod
    def _oids(cls, value: dict[str, str]) -> dict[str, str]:
        return {name: _check_oid(oid) for name, oid in value.items()}


Percent.model_rebuild()
Lookup.model_rebuild()
Source.model_rebuild()
