"""Compact, fast-to-build SNMP views for lab devices, and a bounded cache of them.

A province lab serves 15,900 devices of ~900 varbinds each. The agent's :class:`MibView`
encodes every OID of every view and keeps an OID index, which costs ~60 ms and ~500 KiB a
device: 15 minutes of CPU and 8 GB to build them all. :class:`LabView` is a
:class:`MibView` (same slots, same answers) built the lab's way:

- OIDs short enough to be shared between devices (IF-MIB, ENTITY-MIB, LLDP local ports,
  system) are interned, and their BER names encoded once per process;
- counters and uptime are :class:`Linear` providers (``int(rate * (t - since)) // div``,
  masked to the column's width) instead of one closure per varbind;
- GET uses bisect instead of a per-view OID index; equal OIDs keep the first entry.

:class:`ViewCache` keeps the most recently used views (``--views`` of ``netops lab up``);
an evicted view is rebuilt from the device's state on its next request.
"""

from __future__ import annotations

import bisect
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from netops.transports.snmp.agent import MibView
from netops.transports.snmp.ber import SEQUENCE, encode_oid, encode_value, tlv
from netops.transports.snmp.types import OID, Tag, Value

#: OIDs up to this length are interned and their names cached (IF-MIB ifXTable is 12 long)
SHARED_OID_LENGTH = 13
_INTERN: dict[OID, OID] = {}
_NAMES: dict[OID, bytes] = {}


MASK32 = (1 << 32) - 1
MASK64 = (1 << 64) - 1


class Linear(NamedTuple):
    """A value growing steadily: ``(int(rate * max(0, now - since)) // div) & mask``."""

    rate: float
    since: float
    div: int = 1
    mask: int = MASK64

    def __call__(self) -> int:
        return (int(self.rate * max(0.0, time.time() - self.since)) // self.div) & self.mask


def _name(oid: OID) -> tuple[OID, bytes]:
    if len(oid) > SHARED_OID_LENGTH:
        return oid, encode_oid(oid)
    shared = _INTERN.setdefault(oid, oid)
    name = _NAMES.get(shared)
    if name is None:
        name = _NAMES[shared] = encode_oid(shared)
    return shared, name


class LabView(MibView):
    """An ordered, pre-encoded view (see the module docstring); a drop-in :class:`MibView`.

    Dynamic entries live in ``_dyn`` (one slot per entry, None when static) as
    ``(name, tag, rate, since, div, mask)`` for :class:`Linear` values or
    ``(name, tag, callable)``; the parent's ``_dynamic`` and ``_index`` stay empty.
    """

    __slots__ = ("_dyn",)

    def __init__(self, entries: Iterable[tuple[OID, int, Any]]) -> None:
        items = sorted(entries, key=lambda item: item[0])  # stable: the first of equal OIDs wins
        oids: list[OID] = []
        encoded: list[bytes] = []
        dyn: list[tuple[Any, ...] | None] = []
        last: OID | None = None
        for oid, tag, value in items:
            if oid == last:
                continue
            last = oid
            shared, name = _name(oid)
            if type(value) is Linear:
                dyn.append((name, tag, *value))
                encoded.append(b"")
            elif callable(value):
                dyn.append((name, tag, value))
                encoded.append(b"")
            else:
                dyn.append(None)
                encoded.append(tlv(SEQUENCE, name + encode_value(tag, value)))
            oids.append(shared)
        self._oids = oids
        self._encoded = encoded
        self._dyn = dyn
        self._dynamic = {}
        self._index = {}  # not kept: GET bisects (a dict per view would double its size)

    def __contains__(self, oid: object) -> bool:
        return isinstance(oid, tuple) and self._find(oid) is not None

    @property
    def encoded(self) -> Sequence[bytes]:
        """Pre-encoded varbinds (empty for dynamic entries)."""
        return self._encoded

    def _find(self, oid: OID) -> int | None:
        i = bisect.bisect_left(self._oids, oid)
        return i if i < len(self._oids) and self._oids[i] == oid else None

    def varbind(self, i: int, device: object = None) -> bytes:
        """The encoded varbind of entry ``i``."""
        encoded = self._encoded[i]
        if encoded:
            return encoded
        d = self._dyn[i]
        assert d is not None
        if len(d) == 6:
            name, tag, rate, since, div, mask = d
            value = (int(rate * max(0.0, time.time() - since)) // div) & mask
        else:
            name, tag, fn = d
            value = fn()
        return tlv(SEQUENCE, name + encode_value(tag, value))

    def value(self, oid: OID) -> tuple[int, Value] | None:
        """The current ``(tag, value)`` at ``oid`` (None when absent). Not the hot path."""
        from netops.transports.snmp.ber import decode_varbinds

        i = self._find(oid)
        if i is None:
            return None
        data = self.varbind(i)
        vb = decode_varbinds(data, 0, len(data))[0]
        return vb.tag, vb.value

    def get(self, oid: OID, device: object = None) -> bytes:
        """GET: the varbind, or the noSuchObject/noSuchInstance exception."""
        i = self._find(oid)
        if i is not None:
            return self.varbind(i)
        parent = oid[:-1]
        j = bisect.bisect_left(self._oids, parent)
        exists = j < len(self._oids) and self._oids[j][: len(parent)] == parent and parent
        tag = Tag.NO_SUCH_INSTANCE if exists else Tag.NO_SUCH_OBJECT
        return tlv(SEQUENCE, encode_oid(oid) + bytes((tag, 0)))


class ViewCache:
    """The ``size`` most recently used views, by device name (0 = unbounded)."""

    def __init__(self, size: int = 0) -> None:
        self.size = size
        self._views: OrderedDict[str, MibView] = OrderedDict()
        self.builds = 0
        self.build_seconds = 0.0

    def get(self, name: str, build: Callable[[], MibView]) -> MibView:
        view = self._views.get(name)
        if view is not None:
            self._views.move_to_end(name)
            return view
        clock = time.process_time()
        view = build()
        self.build_seconds += time.process_time() - clock
        self.builds += 1
        self._views[name] = view
        if self.size and len(self._views) > self.size:
            self._views.popitem(last=False)
        return view

    def drop(self, names: Iterable[str] | None = None) -> None:
        """Forget the views of ``names`` (all when None): rebuilt on their next request."""
        if names is None:
            self._views.clear()
            return
        for name in names:
            self._views.pop(name, None)

    def __len__(self) -> int:
        return len(self._views)
