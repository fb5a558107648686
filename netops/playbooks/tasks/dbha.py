"""``db_failover_readiness``: read-only — could the standby of a database pair take over now?

The pair is collected live (:func:`netops.dbha.collect.collect_db_pairs`, as
``netops db status`` does; the records land in the store) and judged with the database HA
verdicts. Ready means: exactly one primary (DB-HA-01), the standby streams from it
(DB-HA-02), its lag is within ``dbha.lag_max_seconds`` / ``lag_max_bytes`` (DB-HA-03), its
replay is not paused, it is on the primary's timeline, and the service address is not
somewhere wrong (DB-HA-04 not FAIL). A stale or failed backup (DB-BK-01/03) is a warning,
or blocking with ``require_backup: true``. Each device's step says ready or not and why;
the run fails when a pair is not ready, so scripts can ask before a planned switchover.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field, field_validator

from netops.dbha.checks import database_pairs
from netops.dbha.collect import PairReport, collect_db_pairs
from netops.errors import NetopsError
from netops.inventory import Device, HaPair, Inventory
from netops.playbooks.context import RunContext
from netops.playbooks.params import BOOL_WORDS, Value, render
from netops.playbooks.tasks import register
from netops.playbooks.tasks.base import StepOutcome, Task, TaskArgs

_REQUIRED = ("DB-HA-01", "DB-HA-02", "DB-HA-03")


class ReadinessArgs(TaskArgs):
    require_backup: bool | str = Field(False, description="true/false, or a ${parameter}")

    @field_validator("require_backup")
    @classmethod
    def _flag(cls, value: bool | str) -> bool | str:
        if isinstance(value, str) and "${" not in value and value.lower() not in BOOL_WORDS:
            raise ValueError(f"expected true, false or a ${{parameter}}, got {value!r}")
        return value

    def required(self, values: dict[str, Value]) -> bool:
        if isinstance(self.require_backup, bool):
            return self.require_backup
        return BOOL_WORDS.get(render(self.require_backup, values).strip().lower(), False)


def _pair_of(inventory: Inventory, device: str) -> HaPair | None:
    return next((p for p in database_pairs(inventory) if device in p.members), None)


def readiness(report: PairReport, require_backup: bool) -> tuple[bool, list[str], list[str]]:
    """(ready, blocking reasons, warnings) of one collected pair."""
    verdicts = {f.check_id: f for f in report.findings}
    blocking: list[str] = []
    warnings: list[str] = []
    for check in _REQUIRED:
        f = verdicts.get(check)
        if f is None or f.verdict != "PASS":
            blocking.append(
                f"{check} {f.verdict if f else 'missing'}: {f.summary if f else 'not judged'}"
            )
    address = verdicts.get("DB-HA-04")
    if address is not None and address.verdict == "FAIL":
        blocking.append(f"DB-HA-04 FAIL: {address.summary}")
    elif address is not None and address.verdict != "PASS":
        warnings.append(f"DB-HA-04 {address.verdict}: {address.summary}")
    primaries = [n for n in report.nodes if n.reachable and n.role == "primary"]
    for node in report.nodes:
        if node.role != "standby" or not node.reachable:
            continue
        if node.replay_paused:
            blocking.append(f"{node.device}: WAL replay is paused")
        if len(primaries) == 1 and node.timeline != primaries[0].timeline:
            blocking.append(
                f"{node.device}: timeline {node.timeline}, the primary is on {primaries[0].timeline}"
            )
    for check in ("DB-BK-01", "DB-BK-03"):
        f = verdicts.get(check)
        if f is not None and f.verdict == "FAIL":
            (blocking if require_backup else warnings).append(f"{check} FAIL: {f.summary}")
    return not blocking, blocking, warnings


@register
class DbFailoverReadiness(Task):
    name = "db_failover_readiness"
    description = (
        "Read-only: collect a database pair now and say whether its standby could take over"
    )
    kind = "read"
    scope = "run"
    Args = ReadinessArgs

    def unsupported(self, device: Device, args: ReadinessArgs) -> str | None:
        return None  # checked against the run's inventory in run_all (a device may be in no pair)

    def run_all(
        self, ctx: RunContext, devices: Sequence[Device], args: ReadinessArgs
    ) -> dict[str, StepOutcome]:
        out: dict[str, StepOutcome] = {}
        pairs: dict[str, HaPair] = {}
        for d in devices:
            pair = _pair_of(ctx.inventory, d.name)
            if pair is None:
                out[d.name] = StepOutcome(
                    False, "not a member of a database HA pair", reason="error"
                )
            else:
                pairs[pair.name] = pair
        if not pairs:
            return out
        try:
            reports = collect_db_pairs(
                ctx.inventory, ctx.settings, ctx.endpoints, store=ctx.store, pairs=sorted(pairs)
            )
        except NetopsError as exc:
            for d in devices:
                out.setdefault(d.name, StepOutcome(False, str(exc), reason="error"))
            return out
        for report in reports:
            ready, blocking, warnings = readiness(report, args.required(ctx.values))
            nodes = {n.device: n for n in report.nodes}
            standbys = [n.device for n in report.nodes if n.role == "standby" and n.reachable]
            data = {
                "pair": report.pair,
                "ready": ready,
                "blocking": blocking,
                "warnings": warnings,
                "verdicts": {f.check_id: f.verdict for f in report.findings},
            }
            for name in pairs[report.pair].members:
                if name not in {d.name for d in devices}:
                    continue
                node = nodes.get(name)
                role = node.role if node and node.reachable else "unreachable"
                if ready:
                    lag = (
                        f"lag {node.lag_seconds or 0:g} s / {node.lag_bytes or 0} B"
                        if node and role == "standby"
                        else ""
                    )
                    summary = (
                        f"{role}: ready to take over ({lag})"
                        if role == "standby"
                        else f"{role}: its standby {', '.join(standbys)} is ready to take over"
                    )
                else:
                    summary = f"{role}: pair {report.pair} NOT ready: " + "; ".join(blocking)
                if warnings:
                    summary += " (warnings: " + "; ".join(warnings) + ")"
                out[name] = StepOutcome(
                    ready, summary, {**data, "role": role}, reason=None if ready else "check"
                )
        return out
