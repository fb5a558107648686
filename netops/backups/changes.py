"""Change events: a config that changed outside a playbook run is an event someone must look at.

Playbooks announce the changes they make with :func:`mark_playbook_change` (an event of
kind ``playbook.config_change``). When the next backup finds a device's config changed,
it looks for such a mark since the device's previous successful backup:

- a mark is there: ``config.expected_change`` (info), naming the playbook run(s);
- no mark: ``config.changed`` (warning): someone changed the device by hand, or worse.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from netops.models import Event
from netops.store import Store

PLAYBOOK_CHANGE = "playbook.config_change"
CHANGED = "config.changed"
EXPECTED_CHANGE = "config.expected_change"


def mark_playbook_change(
    store: Store,
    device: str,
    *,
    run_id: str,
    playbook: str,
    summary: str | None = None,
    time: datetime | None = None,
) -> None:
    """Record that playbook run ``run_id`` changed ``device``'s configuration (call after commit)."""
    store.add_events(
        [
            Event(
                time=time or datetime.now(UTC),
                kind=PLAYBOOK_CHANGE,
                device=device,
                severity="info",
                summary=summary or f"playbook {playbook} (run {run_id}) changed the configuration",
                details={"run_id": run_id, "playbook": playbook},
            )
        ]
    )


def playbook_marks(store: Store, devices: Iterable[str], since: datetime) -> dict[str, list[Event]]:
    """Playbook change marks per device since ``since`` (one query for the whole run)."""
    wanted = set(devices)
    marks: dict[str, list[Event]] = {}
    if not wanted:
        return marks
    for event in store.events(kind=PLAYBOOK_CHANGE, since=since, limit=1_000_000):
        if event.device in wanted:
            marks.setdefault(event.device, []).append(event)
    return marks


def change_event(
    device: str,
    *,
    time: datetime,
    revision: str,
    previous_revision: str | None,
    added: int,
    removed: int,
    marks: list[Event],
) -> Event:
    """The event for one changed config, expected (playbook) or not."""
    details = {
        "revision": revision,
        "previous_revision": previous_revision,
        "lines_added": added,
        "lines_removed": removed,
    }
    stat = f"+{added} -{removed} lines"
    if marks:
        runs = sorted({str(m.details.get("run_id")) for m in marks})
        playbooks = sorted({str(m.details.get("playbook")) for m in marks})
        return Event(
            time=time,
            kind=EXPECTED_CHANGE,
            device=device,
            severity="info",
            summary=f"config of {device} changed by playbook {', '.join(playbooks)} ({stat})",
            details={**details, "playbook_runs": runs},
        )
    return Event(
        time=time,
        kind=CHANGED,
        device=device,
        severity="warning",
        summary=f"config of {device} changed outside any playbook ({stat})",
        details=details,
    )
