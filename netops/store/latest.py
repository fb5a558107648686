"""A read cache of the latest state for the API and ``/metrics``: decode only what changed.

A province holds ~16,000 record sets per kind; decoding all of them on every scrape or
request costs seconds. :class:`LatestCache` asks the database only for a small token per
row (row id, collection time, source, size of the JSON) and fetches and decodes just the
rows whose token moved since its last read; every other row is the object it already
holds. Poll results are cached the same way (row id, start, duration, outcome).

Writers stamp every save with the time it was collected (a poll, a backup, a DB check), so
a changed set has a new token; a set rewritten with the same time and the same JSON size
would be missed until its next save (no collector does that).

One cache per :class:`~netops.store.Store` (:func:`latest_cache`); it is thread-safe, and
what it returns is shared: callers must not mutate it.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, cast, func, select, type_coerce

from netops.models import RECORD_KINDS, PollResult, Record
from netops.store.state import Store, StoredRecords
from netops.store.tables import LatestRecords, PollStatus

#: Above this share of changed rows, one query reads the whole kind (not device by device).
_BULK_SHARE = 0.25
_CHUNK = 500

#: A poll result's key, and the token that changes whenever it is saved again
_POLL_KEY = (PollStatus.device, PollStatus.transport)
_POLL_TOKEN = (
    PollStatus.id,
    type_coerce(PollStatus.started_at, String),
    PollStatus.duration_seconds,
    PollStatus.ok,
    PollStatus.overran,
    PollStatus.reason,
    func.length(cast(PollStatus.record_counts, Text)),
    func.length(PollStatus.error),
)


def _queries(query: Any, device: Any, devices: list[str], bulk: bool) -> list[Any]:
    """``query`` whole (a bulk read, the caller filters), or once per chunk of ``devices``."""
    if bulk:
        return [query]
    return [
        query.where(device.in_(devices[i : i + _CHUNK])) for i in range(0, len(devices), _CHUNK)
    ]


class Row:
    """One (device, kind) record set as stored: JSON dicts, typed records on demand."""

    __slots__ = ("_typed", "collected_at", "data", "device", "kind", "memo", "source")

    def __init__(
        self, device: str, kind: str, source: str, collected_at: datetime, data: list[Any]
    ) -> None:
        self.device = device
        self.kind = kind
        self.source = source
        self.collected_at = collected_at
        self.data: list[dict[str, Any]] = data if isinstance(data, list) else []
        self._typed: StoredRecords | None = None
        #: What readers derive from this row (rendered metrics...): it goes with the row
        self.memo: dict[str, Any] = {}

    @property
    def typed(self) -> StoredRecords:
        """The records as models (validated once, then kept with the row)."""
        if self._typed is None:
            model = RECORD_KINDS[self.kind]
            self._typed = StoredRecords(
                self.device,
                self.kind,
                self.source,
                self.collected_at,
                [model.model_validate(d) for d in self.data],
            )
        return self._typed


Token = tuple[Any, ...]


class LatestCache:
    """The latest records and poll results of a store, refreshed by what changed."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._rows: dict[str, dict[str, tuple[Token, Row]]] = {}
        self._polls: dict[tuple[str, str], tuple[Token, PollResult]] = {}
        self.decoded = 0  # rows decoded since the cache was made (tests, benchmarks)
        #: What readers derive from the cached state and keep with it (rendered metrics...)
        self.memo: dict[str, Any] = {}

    # -- records ------------------------------------------------------------------------------
    def rows(self, kind: str) -> dict[str, Row]:
        """Every device's latest row of ``kind``, by device name (sorted)."""
        return self.kinds([kind])[kind]

    def kinds(self, kinds: Sequence[str]) -> dict[str, dict[str, Row]]:
        """The rows of several kinds, refreshed with one token query."""
        for kind in kinds:
            if kind not in RECORD_KINDS:
                raise ValueError(f"unknown record kind {kind!r}")
        with self._lock:
            tokens: dict[str, dict[str, Token]] = {k: {} for k in kinds}
            query = select(
                LatestRecords.kind,
                LatestRecords.device,
                LatestRecords.id,
                type_coerce(LatestRecords.collected_at, String),
                LatestRecords.source,
                func.length(cast(LatestRecords.data, Text)),
            ).where(LatestRecords.kind.in_(list(kinds)))
            with self.store.engine.connect() as c:
                for kind, device, *token in c.execute(query):
                    tokens[kind][device] = tuple(token)
            return {kind: self._refresh(kind, tokens[kind]) for kind in kinds}

    def typed(self, kind: str) -> list[StoredRecords]:
        """Like ``Store.records(kind)``: typed records of every device, sorted by device."""
        return [row.typed for row in self.rows(kind).values()]

    def _refresh(self, kind: str, tokens: dict[str, Token]) -> dict[str, Row]:
        held = self._rows.get(kind, {})
        changed = [d for d, t in tokens.items() if d not in held or held[d][0] != t]
        fresh: dict[str, tuple[Token, Row]] = {}
        if changed:
            fresh = self._fetch(kind, changed, bulk=len(changed) > _BULK_SHARE * len(tokens))
        rows: dict[str, tuple[Token, Row]] = {}
        for device in sorted(tokens):
            got = fresh.get(device) or held.get(device)
            if got is not None:
                rows[device] = got
        self._rows[kind] = rows
        return {device: row for device, (_, row) in rows.items()}

    def _fetch(self, kind: str, devices: list[str], bulk: bool) -> dict[str, tuple[Token, Row]]:
        columns = (
            LatestRecords.device,
            LatestRecords.id,
            type_coerce(LatestRecords.collected_at, String),
            LatestRecords.source,
            func.length(cast(LatestRecords.data, Text)),
            LatestRecords.collected_at,
            LatestRecords.data,
        )
        base = select(*columns).where(LatestRecords.kind == kind)
        queries = _queries(base, LatestRecords.device, devices, bulk)
        wanted = set(devices)
        out: dict[str, tuple[Token, Row]] = {}
        with self.store.engine.connect() as c:
            for query in queries:
                for device, rid, stamp, source, size, collected_at, data in c.execute(query):
                    if device in wanted:
                        token = (rid, stamp, source, size)
                        out[device] = (token, Row(device, kind, source, collected_at, data))
        self.decoded += len(out)
        return out

    # -- poll results ---------------------------------------------------------------------------
    def poll_results(self) -> list[PollResult]:
        """Every latest poll result, sorted by device and transport (``Store.poll_results``)."""
        with self._lock:
            query = select(*_POLL_KEY, *_POLL_TOKEN)
            with self.store.engine.connect() as c:
                tokens = {(r[0], r[1]): tuple(r[2:]) for r in c.execute(query)}
            held = self._polls
            changed = [k for k, t in tokens.items() if k not in held or held[k][0] != t]
            if changed:
                fresh = self._fetch_polls(changed, bulk=len(changed) > _BULK_SHARE * len(tokens))
            else:
                fresh = {}
            polls: dict[tuple[str, str], tuple[Token, PollResult]] = {}
            for key in sorted(tokens):
                got = fresh.get(key) or held.get(key)
                if got is not None:
                    polls[key] = got
            self._polls = polls
            return [result for _, result in polls.values()]

    def _fetch_polls(
        self, keys: list[tuple[str, str]], bulk: bool
    ) -> dict[tuple[str, str], tuple[Token, PollResult]]:
        query = select(
            *_POLL_KEY,
            *_POLL_TOKEN,
            PollStatus.started_at,
            PollStatus.error,
            PollStatus.record_counts,
        )
        devices = sorted({d for d, _ in keys})
        queries = _queries(query, PollStatus.device, devices, bulk)
        wanted = set(keys)
        out: dict[tuple[str, str], tuple[Token, PollResult]] = {}
        with self.store.engine.connect() as c:
            for q in queries:
                for row in c.execute(q):
                    device, transport = row[0], row[1]
                    if (device, transport) not in wanted:
                        continue
                    ok, overran, reason = row[5], row[6], row[7]
                    out[(device, transport)] = (
                        tuple(row[2:10]),
                        PollResult(
                            device=device,
                            transport=transport,
                            ok=ok,
                            reason=reason,
                            error=row[11],
                            started_at=row[10],
                            duration_seconds=row[4],
                            overran=overran,
                            record_counts=row[12] or {},
                        ),
                    )
        return out


_caches: weakref.WeakKeyDictionary[Store, LatestCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def latest_cache(store: Store) -> LatestCache:
    """The store's cache (made on first use, dropped with the store)."""
    with _caches_lock:
        cache = _caches.get(store)
        if cache is None:
            cache = _caches[store] = LatestCache(store)
        return cache


def records_of(rows: Iterable[Row]) -> list[Record]:
    """Every typed record of ``rows``, in order."""
    return [r for row in rows for r in row.typed.records]
