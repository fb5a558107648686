"""Run the checks: every catalogued check over one snapshot, waivers applied, in one result."""

from __future__ import annotations

import gc
import time
import traceback
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from netops.compliance.catalogue import CATALOGUE
from netops.compliance.checks import CHECKS
from netops.compliance.context import Context
from netops.compliance.snapshot import Snapshot
from netops.inventory import Inventory
from netops.models import SEVERITY_ORDER, Finding, Waiver
from netops.settings import ComplianceSettings, Settings


@dataclass
class ComplianceRun:
    """The outcome of one run: findings (waivers applied) and what the waivers did."""

    network: str
    level: int
    inventory: str
    started_at: datetime
    finished_at: datetime
    findings: list[Finding]
    unused_waivers: list[Waiver] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    collected_from: datetime | None = None
    collected_to: datetime | None = None
    identity_imports: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> Counter[tuple[str, str, str]]:
        """(check_id, severity, verdict) -> number of findings."""
        return Counter((f.check_id, f.severity, f.verdict) for f in self.findings)

    def verdicts(self) -> Counter[str]:
        return Counter(f.verdict for f in self.findings)

    def failing(self, at_least: str = "info") -> list[Finding]:
        """FAIL findings of severity ``at_least`` or worse."""
        floor = SEVERITY_ORDER[at_least]
        return [
            f for f in self.findings if f.verdict == "FAIL" and SEVERITY_ORDER[f.severity] >= floor
        ]

    def to_json(self, include_pass: bool = False) -> dict[str, Any]:
        shown = [f for f in self.findings if include_pass or f.verdict != "PASS"]
        per_check: dict[str, Counter[str]] = {}
        for (check_id, _severity, verdict), n in self.counts().items():
            per_check.setdefault(check_id, Counter())[verdict] += n
        return {
            "network": self.network,
            "protection_level": self.level,
            "inventory": self.inventory,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "collected_from": self.collected_from.isoformat() if self.collected_from else None,
            "collected_to": self.collected_to.isoformat() if self.collected_to else None,
            "summary": dict(sorted(self.verdicts().items())),
            "checks": {
                cid: {"title": info.title, "clause": info.clause, **per_check.get(cid, {})}
                for cid, info in CATALOGUE.items()
            },
            "findings": [f.model_dump(mode="json") for f in shown],
            "unused_waivers": [w.model_dump(mode="json") for w in self.unused_waivers],
            "errors": self.errors,
            "identity_imports": self.identity_imports,
        }


def run_checks(
    inventory: Inventory,
    snapshot: Snapshot,
    settings: Settings | ComplianceSettings | None = None,
    now: datetime | None = None,
    only: Iterable[str] | None = None,
) -> ComplianceRun:
    """Run every check (or ``only`` those IDs) and apply the inventory's waivers. Pure: no I/O."""
    cfg = (
        settings.compliance
        if isinstance(settings, Settings)
        else (settings or ComplianceSettings())
    )
    started = datetime.now(UTC)
    now = now or started
    ctx = Context(inventory, snapshot, cfg, now)
    wanted = list(only) if only is not None else list(CATALOGUE)
    unknown = [c for c in wanted if c not in CHECKS]
    if unknown:
        raise KeyError(f"unknown check ID(s): {', '.join(unknown)} (known: {', '.join(CHECKS)})")
    findings: list[Finding] = []
    errors: list[str] = []
    timings: dict[str, float] = {}
    # a run makes hundreds of thousands of small objects and no reference cycles to speak
    # of: the cyclic collector would only walk them again and again
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for check_id in wanted:
            t0 = time.perf_counter()
            try:
                findings.extend(CHECKS[check_id](ctx))
            except Exception as exc:  # a bug in one check must not hide the others' verdicts
                where = traceback.extract_tb(exc.__traceback__)[-1]
                message = f"{check_id}: {type(exc).__name__}: {exc} ({where.filename.rsplit('/', 1)[-1]}:{where.lineno})"
                errors.append(message)
                findings.append(
                    ctx.finding(
                        check_id,
                        "NEEDS_EVIDENCE",
                        "check",
                        f"the check itself failed ({message}); its verdicts are missing",
                        severity="major",
                    )
                )
            timings[check_id] = time.perf_counter() - t0
    finally:
        if gc_was_enabled:
            gc.enable()
    applied, unused = apply_waivers(findings, _waivers(inventory), now)
    times = [rs.collected_at for rs in snapshot.sets]
    return ComplianceRun(
        network=inventory.network.name,
        level=inventory.network.protection_level,
        inventory=inventory.source,
        started_at=started,
        finished_at=datetime.now(UTC),
        findings=applied,
        unused_waivers=unused,
        errors=errors,
        timings=timings,
        collected_from=min(times) if times else None,
        collected_to=max(times) if times else None,
        identity_imports=[
            {
                "network": i.network,
                "network_name": i.network_name,
                "exported_at": i.exported_at.isoformat(),
                "key_id": i.key_id,
                "file": i.file,
                "sightings": len(i.sightings),
            }
            for i in snapshot.identities
        ],
    )


def _waivers(inventory: Inventory) -> list[Waiver]:
    return [
        Waiver(
            check_id=w.check_id,
            target=w.target,
            reason=w.reason,
            owner=w.owner,
            expires=w.expires,
        )
        for w in inventory.waivers
    ]


def apply_waivers(
    findings: list[Finding], waivers: list[Waiver], now: datetime
) -> tuple[list[Finding], list[Waiver]]:
    """FAIL / NEEDS_EVIDENCE findings a live waiver covers become WAIVED; an expired waiver
    leaves the verdict as it is and says so. Returns the findings and the waivers no
    failing finding used (stale: the finding passes now, or the target is gone)."""
    by_key = {(w.check_id, w.target): w for w in waivers}
    used: set[tuple[str, str]] = set()
    out: list[Finding] = []
    for f in findings:
        w = by_key.get((f.check_id, f.target))
        if w is None or f.verdict == "PASS":
            out.append(f)
            continue
        used.add((w.check_id, w.target))
        if w.expires > now:
            out.append(
                f.model_copy(
                    update={
                        "verdict": "WAIVED",
                        "waiver": w,
                        "summary": f"{f.summary} [was {f.verdict}; waived by {w.owner} until {w.expires.date().isoformat()}: {w.reason}]",
                    }
                )
            )
        else:
            out.append(
                f.model_copy(
                    update={
                        "waiver": w,
                        "summary": f"{f.summary} [waiver by {w.owner} expired {w.expires.date().isoformat()}]",
                    }
                )
            )
    unused = [w for key, w in by_key.items() if key not in used]
    return out, unused
