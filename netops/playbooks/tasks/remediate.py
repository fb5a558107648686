"""``remediate_baseline`` and ``baseline_passes``: config lines that fix failed MG- findings.

The checks come from the compliance engine (:mod:`netops.compliance`), evaluated on the
device's *live* running configuration (masked) together with its other stored records, so
the plan answers to the device as it is now, not as it was at the last backup:

- ``checks: failed`` (the default): every catalogued check the playbook has lines for that
  FAILs on this device; waived findings are left alone;
- ``checks: MG-01,MG-03``: exactly those (already passing ones plan nothing).

The lines per check and platform are data in the playbook (reviewed like the rest of it).
``baseline_passes`` re-evaluates the same checks on the predicted candidate (dry-run) or on
the changed device (commit): a remediation that would not make its checks PASS fails its
post-check — in a dry-run before anything is sent, in a commit it is rolled back.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pydantic import Field, field_validator

from netops.collectors.masking import mask_secrets
from netops.errors import PlaybookError
from netops.inventory import Device, Platform
from netops.models import Finding, RunningConfig
from netops.playbooks import configtree
from netops.playbooks.context import DeviceContext
from netops.playbooks.params import render
from netops.playbooks.tasks import register
from netops.playbooks.tasks.base import CheckOutcome, ConfigPlan, Task, TaskArgs

_ID = re.compile(r"^[A-Z]{2}-\d{2}$")
_MEMO = "remediate_baseline.checks"


class Remediation(TaskArgs):
    title: str
    lines: dict[Platform, str]


class RemediateArgs(TaskArgs):
    checks: str = Field("failed", description="'failed', or check IDs (MG-01,MG-03), or ${param}")
    remediations: dict[str, Remediation] = Field(min_length=1)

    @field_validator("remediations")
    @classmethod
    def _ids(cls, value: dict[str, Remediation]) -> dict[str, Remediation]:
        from netops.compliance.catalogue import CATALOGUE

        for check in value:
            if check not in CATALOGUE:
                raise ValueError(f"{check!r} is not a catalogued check")
        return value


def evaluate(ctx: DeviceContext, config_text: str, checks: list[str]) -> dict[str, Finding]:
    """The compliance verdicts of ``checks`` for this device, with ``config_text`` as its config."""
    from netops.compliance.engine import run_checks
    from netops.compliance.snapshot import RecordSet, Snapshot

    device = ctx.device.name
    now = datetime.now(UTC)
    store = ctx.run.store
    sets = [
        RecordSet(s.device, s.kind, s.source, s.collected_at, tuple(s.records))
        for s in store.device_records(device).values()
        if s.kind != "config"
    ]
    config = RunningConfig(device=device, text=mask_secrets(config_text))
    sets.append(RecordSet(device, "config", "ssh", now, (config,)))
    snapshot = Snapshot(sets=sets, poll_results=store.poll_results(device=device))
    run = run_checks(ctx.run.inventory, snapshot, ctx.run.settings, now=now, only=checks)
    return {f.check_id: f for f in run.findings if f.target == device}


def _requested(text: str, known: list[str]) -> list[str] | None:
    """None for 'failed', else the check IDs asked for."""
    if text.strip().lower() == "failed":
        return None
    wanted = [c.strip().upper() for c in text.split(",") if c.strip()]
    bad = [c for c in wanted if not _ID.match(c)]
    if bad:
        raise PlaybookError(f"not check IDs: {', '.join(bad)}")
    return wanted


@register
class RemediateBaseline(Task):
    name = "remediate_baseline"
    description = (
        "Config lines (per check and platform) that fix the device's failed baseline checks"
    )
    kind = "config"
    Args = RemediateArgs

    def unsupported(self, device: Device, args: RemediateArgs) -> str | None:
        if configtree.dialect_of(device.platform.value) is None:
            return f"netops does not change the configuration of {device.platform.value} devices"
        return None

    def plan(self, ctx: DeviceContext, args: RemediateArgs) -> ConfigPlan:
        dialect = ctx.dialect
        assert dialect is not None
        with_lines = [c for c, r in args.remediations.items() if ctx.device.platform in r.lines]
        asked = _requested(render(args.checks, ctx.values), list(args.remediations))
        unknown = [c for c in asked or [] if c not in args.remediations]
        considered = [c for c in (asked or list(args.remediations)) if c in args.remediations]
        verdicts = evaluate(ctx, ctx.running_config(), considered) if considered else {}
        failing = [c for c in considered if c in verdicts and verdicts[c].verdict == "FAIL"]
        fix = [c for c in failing if c in with_lines]
        manual = [c for c in failing if c not in with_lines] + unknown
        commands: list[configtree.ConfigCommand] = []
        for check in fix:
            text = render(args.remediations[check].lines[ctx.device.platform], ctx.values)
            commands += configtree.snippet_commands(text, dialect)
        ctx.memo[_MEMO] = fix
        parts = [f"fixes {', '.join(fix)}" if fix else "nothing to fix"]
        if manual:
            parts.append(f"no lines here for {', '.join(manual)} (manual)")
        passing = [c for c in considered if c in verdicts and verdicts[c].verdict == "PASS"]
        if passing:
            parts.append(f"already passing: {', '.join(passing)}")
        return ConfigPlan(
            commands,
            "; ".join(parts),
            {
                "fix": fix,
                "manual": manual,
                "verdicts": {c: f.verdict for c, f in verdicts.items()},
                "findings": {c: verdicts[c].summary for c in failing},
            },
        )


class BaselinePassesArgs(TaskArgs):
    checks: str = Field("remediated", description="'remediated' (what the plan fixes) or IDs")


@register
class BaselinePasses(Task):
    name = "baseline_passes"
    description = (
        "The baseline checks a remediation planned to fix PASS (on the prediction or the device)"
    )
    kind = "check"
    Args = BaselinePassesArgs

    def check(self, ctx: DeviceContext, args: BaselinePassesArgs) -> CheckOutcome:
        text = render(args.checks, ctx.values).strip()
        checks = (
            list(ctx.memo.get(_MEMO, []))
            if text.lower() == "remediated"
            else [c.strip().upper() for c in text.split(",") if c.strip()]
        )
        if not checks:
            return CheckOutcome(True, "no check to verify")
        dialect = ctx.dialect
        assert dialect is not None
        config = (
            configtree.render(ctx.candidate, dialect)
            if ctx.evaluating_prediction and ctx.candidate is not None
            else ctx.running_config(fresh=True)
        )
        verdicts = evaluate(ctx, config, checks)
        said = "(predicted) " if ctx.evaluating_prediction else ""
        bad = [
            f"{c} {verdicts[c].verdict}: {verdicts[c].summary}"
            for c in checks
            if c in verdicts and verdicts[c].verdict != "PASS"
        ]
        if bad:
            return CheckOutcome(False, said + "; ".join(bad))
        return CheckOutcome(True, f"{said}{', '.join(checks)} PASS")
