"""The one input of the checks: the network's records as collected, with where and when.

A :class:`Snapshot` holds, per (device, record kind), the records of the latest
collection with their source (snmp, ssh, sql...) and collection time, the poll
results, and any identity snapshots imported from the other network (IS-02). It is
built from the :class:`~netops.store.Store` or from a JSON file (``netops snapshot
save``), so a compliance run can be repeated on exactly the data an assessor saw.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from netops.errors import SnapshotError
from netops.models import RECORD_KINDS, PollResult, Record

FORMAT = "netops-snapshot/1"

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class RecordSet:
    """The latest records of one kind for one device."""

    device: str
    kind: str
    source: str
    collected_at: datetime
    records: tuple[Record, ...]


def first(rs: RecordSet | None, cls: type[R]) -> R | None:
    """The first record of type ``cls`` in ``rs``; None when there is none or no ``rs``."""
    if rs is None:
        return None
    return next((r for r in rs.records if isinstance(r, cls)), None)


@dataclass(frozen=True)
class Sighting:
    """An identity as seen in the other network's data (from an imported identity snapshot)."""

    kind: str  # chassis_id, serial, mac, address
    value: str
    device: str
    where: str
    source: str
    collected_at: datetime | None


@dataclass(frozen=True)
class ImportedIdentities:
    """A verified identity snapshot from the other network's netops instance."""

    network: str  # intranet / extranet: which side it describes
    network_name: str
    exported_at: datetime
    key_id: str
    file: str
    sightings: tuple[Sighting, ...]


@dataclass
class Snapshot:
    """Records by kind and device, poll results, imported identities, and when it was taken."""

    sets: list[RecordSet] = field(default_factory=list)
    poll_results: list[PollResult] = field(default_factory=list)
    identities: list[ImportedIdentities] = field(default_factory=list)
    taken_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        self._index: dict[str, dict[str, RecordSet]] = {}
        for rs in self.sets:
            self._index.setdefault(rs.kind, {})[rs.device] = rs
        self._polls: dict[str, list[PollResult]] = {}
        for result in self.poll_results:
            self._polls.setdefault(result.device, []).append(result)

    # -- reading ------------------------------------------------------------------------------
    def get(self, kind: str, device: str) -> RecordSet | None:
        return self._index.get(kind, {}).get(device)

    def records(self, kind: str, device: str) -> tuple[Record, ...]:
        rs = self.get(kind, device)
        return rs.records if rs else ()

    def of_kind(self, kind: str) -> list[RecordSet]:
        return list(self._index.get(kind, {}).values())

    def each(self, kind: str) -> Iterator[tuple[RecordSet, Record]]:
        """Every record of ``kind`` with the set (device, source, time) it came from."""
        for rs in self._index.get(kind, {}).values():
            for record in rs.records:
                yield rs, record

    def devices(self, kind: str | None = None) -> set[str]:
        if kind is not None:
            return set(self._index.get(kind, {}))
        return {d for sets in self._index.values() for d in sets} | set(self._polls)

    def polls(self, device: str) -> list[PollResult]:
        return self._polls.get(device, [])

    def kinds(self) -> list[str]:
        return sorted(self._index)

    # -- building -----------------------------------------------------------------------------
    def add(
        self,
        device: str,
        kind: str,
        records: Iterable[Record],
        collected_at: datetime,
        source: str,
    ) -> None:
        """Add (or replace) the records of one kind for one device."""
        if kind not in RECORD_KINDS:
            raise SnapshotError(f"unknown record kind {kind!r}")
        rs = RecordSet(device, kind, source, collected_at, tuple(records))
        old = self._index.get(kind, {}).get(device)
        if old is not None:
            self.sets.remove(old)
        self.sets.append(rs)
        self._index.setdefault(kind, {})[device] = rs

    def add_poll(self, result: PollResult) -> None:
        self.poll_results.append(result)
        self._polls.setdefault(result.device, []).append(result)

    @classmethod
    def from_store(cls, store: Any) -> Snapshot:
        """Everything the store holds now (``store``: a :class:`netops.store.Store`)."""
        sets = [
            RecordSet(s.device, s.kind, s.source, s.collected_at, tuple(s.records))
            for kind in RECORD_KINDS
            for s in store.records(kind)
        ]
        return cls(sets=sets, poll_results=list(store.poll_results()))

    # -- files --------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "taken_at": self.taken_at.isoformat(),
            "records": [
                {
                    "device": rs.device,
                    "kind": rs.kind,
                    "source": rs.source,
                    "collected_at": rs.collected_at.isoformat(),
                    "records": [r.model_dump(mode="json", exclude={"device"}) for r in rs.records],
                }
                for rs in sorted(self.sets, key=lambda s: (s.device, s.kind))
            ],
            "poll_results": [p.model_dump(mode="json") for p in self.poll_results],
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def from_json(cls, data: Any, where: str = "snapshot") -> Snapshot:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SnapshotError(f"{where}: not a netops snapshot (expected format {FORMAT!r})")
        try:
            taken_at = _aware(datetime.fromisoformat(data["taken_at"]))
            sets = []
            for i, entry in enumerate(data.get("records", [])):
                kind = entry["kind"]
                model = RECORD_KINDS.get(kind)
                if model is None:
                    raise SnapshotError(f"{where}: records[{i}]: unknown record kind {kind!r}")
                device = entry["device"]
                sets.append(
                    RecordSet(
                        device,
                        kind,
                        entry["source"],
                        _aware(datetime.fromisoformat(entry["collected_at"])),
                        tuple(
                            model.model_validate({**r, "device": device}) for r in entry["records"]
                        ),
                    )
                )
            polls = [PollResult.model_validate(p) for p in data.get("poll_results", [])]
        except (KeyError, TypeError, ValueError, ValidationError) as exc:
            raise SnapshotError(f"{where}: invalid snapshot: {exc}") from None
        return cls(sets=sets, poll_results=polls, taken_at=taken_at)

    @classmethod
    def load(cls, path: Path) -> Snapshot:
        return cls.from_json(read_json(path, "snapshot"), str(path))


def read_json(path: Path, what: str | None = None) -> Any:
    """A JSON file's content; a SnapshotError naming the file (and line) when it cannot be."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        reading = f"cannot read {what}" if what else "cannot read"
        raise SnapshotError(f"{path}: {reading}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"time {value.isoformat()} has no time zone")
    return value.astimezone(UTC)
