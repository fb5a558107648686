"""Read and write the latest state. One :class:`Store` per process; thread-safe sessions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from netops.models import RECORD_KINDS, Event, PollResult, Record
from netops.settings import Settings
from netops.store.db import create_tables, make_engine, session_factory
from netops.store.tables import EventRow, LatestRecords, PollStatus


@dataclass(frozen=True)
class StoredRecords:
    """Records of one kind for one device, with when and how they were collected."""

    device: str
    kind: str
    source: str
    collected_at: datetime
    records: list[Record]


class Store:
    """The latest state of the network as netops last saw it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        create_tables(self.engine)
        self.session = session_factory(self.engine)

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        return cls(settings.resolved_database_url)

    def close(self) -> None:
        self.engine.dispose()

    # -- records ------------------------------------------------------------------------------
    def replace_records(
        self, device: str, kind: str, records: Sequence[Record], collected_at: datetime, source: str
    ) -> None:
        """Make ``records`` the latest of ``kind`` for ``device`` (an empty list clears it)."""
        self.save_many([(device, kind, records, collected_at, source)])

    def save_many(self, batch: Iterable[tuple[str, str, Sequence[Record], datetime, str]]) -> None:
        """Replace several (device, kind) record sets in one transaction.

        Existing rows are read with one query per 500 devices (not one per set): a
        15,000-device backup run saves its statuses in seconds, not minutes.
        """
        items = list(batch)
        for _, kind, _, _, _ in items:
            if kind not in RECORD_KINDS:
                raise ValueError(f"unknown record kind {kind!r}")
        with self.session.begin() as s, s.no_autoflush:
            existing: dict[tuple[str, str], LatestRecords] = {}
            devices = sorted({device for device, *_ in items})
            kinds = sorted({kind for _, kind, *_ in items})
            for i in range(0, len(devices), 500):
                query = select(LatestRecords).where(
                    LatestRecords.device.in_(devices[i : i + 500]), LatestRecords.kind.in_(kinds)
                )
                existing.update({(r.device, r.kind): r for r in s.scalars(query)})
            for device, kind, records, collected_at, source in items:
                data = [r.model_dump(mode="json") for r in records]
                row = existing.get((device, kind))
                if row is None:
                    row = LatestRecords(
                        device=device,
                        kind=kind,
                        source=source,
                        collected_at=collected_at,
                        data=data,
                    )
                    s.add(row)
                    existing[(device, kind)] = row
                else:
                    row.source, row.collected_at, row.data = source, collected_at, data

    def records(self, kind: str, device: str | None = None) -> list[StoredRecords]:
        """Latest records of ``kind`` (for one device, or all), typed."""
        model = RECORD_KINDS[kind]
        query = select(LatestRecords).where(LatestRecords.kind == kind)
        if device is not None:
            query = query.where(LatestRecords.device == device)
        with self.session() as s:
            rows = s.scalars(query.order_by(LatestRecords.device)).all()
        return [
            StoredRecords(
                r.device,
                r.kind,
                r.source,
                r.collected_at,
                [model.model_validate(d) for d in r.data],
            )
            for r in rows
        ]

    def device_records(self, device: str) -> dict[str, StoredRecords]:
        """Every kind of latest record for one device."""
        with self.session() as s:
            rows = s.scalars(select(LatestRecords).where(LatestRecords.device == device)).all()
        return {
            r.kind: StoredRecords(
                r.device,
                r.kind,
                r.source,
                r.collected_at,
                [RECORD_KINDS[r.kind].model_validate(d) for d in r.data],
            )
            for r in rows
            if r.kind in RECORD_KINDS
        }

    def forget_device(self, device: str) -> None:
        with self.session.begin() as s:
            s.execute(delete(LatestRecords).where(LatestRecords.device == device))
            s.execute(delete(PollStatus).where(PollStatus.device == device))

    # -- poll results ----------------------------------------------------------------------------
    def save_poll_results(self, results: Iterable[PollResult]) -> None:
        items = list(results)
        with self.session.begin() as s, s.no_autoflush:
            existing: dict[tuple[str, str], PollStatus] = {}
            devices = sorted({r.device for r in items})
            for i in range(0, len(devices), 500):
                query = select(PollStatus).where(PollStatus.device.in_(devices[i : i + 500]))
                existing.update({(r.device, r.transport): r for r in s.scalars(query)})
            for result in items:
                values: dict[str, Any] = result.model_dump(
                    exclude={"device", "transport", "warnings"}
                )
                row = existing.get((result.device, result.transport))
                if row is None:
                    row = PollStatus(device=result.device, transport=result.transport, **values)
                    s.add(row)
                    existing[(result.device, result.transport)] = row
                else:
                    for key, value in values.items():
                        setattr(row, key, value)

    def poll_results(
        self, device: str | None = None, transport: str | None = None
    ) -> list[PollResult]:
        query = select(PollStatus)
        if device is not None:
            query = query.where(PollStatus.device == device)
        if transport is not None:
            query = query.where(PollStatus.transport == transport)
        with self.session() as s:
            rows = s.scalars(query.order_by(PollStatus.device, PollStatus.transport)).all()
        return [
            PollResult(
                device=r.device,
                transport=r.transport,
                ok=r.ok,
                reason=r.reason,
                error=r.error,
                started_at=r.started_at,
                duration_seconds=r.duration_seconds,
                overran=r.overran,
                record_counts=r.record_counts or {},
            )
            for r in rows
        ]

    # -- events ------------------------------------------------------------------------------------
    def add_events(self, events: Iterable[Event]) -> None:
        with self.session.begin() as s:
            s.add_all(EventRow(**e.model_dump()) for e in events)

    def events(
        self,
        *,
        kind: str | None = None,
        device: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Event]:
        """Newest first; ``kind`` matches a prefix (``trap`` matches ``trap.linkDown``)."""
        query = select(EventRow)
        if kind:
            query = query.where(EventRow.kind.startswith(kind))
        if device:
            query = query.where(EventRow.device == device)
        if since:
            query = query.where(EventRow.time >= since)
        query = query.order_by(EventRow.time.desc(), EventRow.id.desc()).limit(limit).offset(offset)
        with self.session() as s:
            rows = s.scalars(query).all()
        return [
            Event(
                time=r.time,
                kind=r.kind,
                device=r.device,
                severity=r.severity,
                summary=r.summary,
                details=r.details,
            )
            for r in rows
        ]
