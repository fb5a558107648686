"""Run a prepared playbook: per device pre-checks, steps, diff, commit, post-checks, rollback.

Per device, in order (a failure ends that device's work; other devices go on):

1. **pre-checks** — read-only; a failed one means nothing is sent;
2. **steps** — read steps run (show commands...); config steps *plan* commands;
3. **plan** — the running config is read, the candidate predicted, the diff shown;
   nothing to change means status ``unchanged`` and nothing is sent;
4. **dry-run** (default) — post-checks that read the config are evaluated on the
   predicted candidate; status ``dry_run``; nothing was sent;
5. **commit** — under a per-device lock: the running config is read again (the restore
   point; if it moved since step 3 nothing is sent), the lines are sent one by one, the
   device's real before/after diff recorded and the change marked for the backups;
   post-checks run on the device; a rejected line or a failed post-check triggers a
   **rollback**: the commands that turn the config back into the restore point are
   computed, sent, and the result verified (twice at most). A restore that does not
   bring the old config back is ``rollback_failed``: the audit, a critical event and a
   metric say so, with the lines still different;
6. passing post-checks: the config is saved (``commit.save``).

Then run-scope steps (one backup commit for all...) run over the devices still standing.
Commits stop starting new devices after ``stop_on_failure.max_failures`` failed devices
(the rest are ``skipped``); a dry-run and a read-only run always visit every device.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from netops.backups.changes import mark_playbook_change
from netops.collectors.masking import mask_secrets
from netops.errors import CredentialError, NetopsError, TransportError
from netops.inventory import Device
from netops.models import Event
from netops.models.playbooks import (
    FAILED_STATUSES,
    CheckResult,
    DeviceRunResult,
    DeviceStatus,
    PlaybookRun,
    RollbackResult,
    RunMode,
    StepResult,
)
from netops.playbooks import configtree
from netops.playbooks.context import DeviceContext, RunContext
from netops.playbooks.loader import LoadedPlaybook, Step
from netops.playbooks.params import Value
from netops.playbooks.session import ConfigRejected
from netops.playbooks.tasks import ConfigPlan
from netops.store.playbooks import PlaybookAudit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunRequest:
    """A validated run: nothing in it can fail for a reason known before contacting devices."""

    playbook: LoadedPlaybook
    devices: tuple[Device, ...]
    values: dict[str, Value]
    mode: RunMode
    actor: str
    source: str
    reason: str | None = None
    targets: tuple[str, ...] = ()

    def shown_parameters(self) -> dict[str, Any]:
        return {name: v.shown() for name, v in self.values.items()}


@dataclass
class _Device:
    """A device's result while it is being worked on."""

    device: str
    status: DeviceStatus = "failed"
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    changed: bool = False
    reason: str | None = None
    error: str | None = None
    commands: list[str] = field(default_factory=list)
    predicted_diff: str | None = None
    actual_diff: str | None = None
    checks: list[CheckResult] = field(default_factory=list)
    steps: list[StepResult] = field(default_factory=list)
    rollback: RollbackResult | None = None
    saved: bool | None = None
    #: The restore point of a commit (never serialized: it holds unmasked secrets).
    before: configtree.Node | None = field(default=None, repr=False)

    def fail(self, reason: str, error: str, status: DeviceStatus = "failed") -> None:
        self.status, self.reason, self.error = status, reason, error

    def result(self, mask: Callable[[str], str]) -> DeviceRunResult:
        return DeviceRunResult(
            device=self.device,
            status=self.status,
            changed=self.changed,
            reason=self.reason,
            error=mask(self.error) if self.error else None,
            started_at=self.started_at,
            finished_at=datetime.now(UTC),
            commands=tuple(self.commands),
            predicted_diff=self.predicted_diff,
            actual_diff=self.actual_diff,
            checks=tuple(self.checks),
            steps=tuple(self.steps),
            rollback=self.rollback,
            saved=self.saved,
        )


class _Abort(Exception):
    """Ends one device's work; the result already says why."""


@contextlib.contextmanager
def device_lock(folder: Path, device: str) -> Iterator[None]:
    """Only one committing run per device at a time (processes on this host)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{device}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _Locked from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _Locked(Exception):
    pass


class Runner:
    """Runs one :class:`RunRequest` in a :class:`RunContext`; the audit gets every step."""

    def __init__(
        self,
        request: RunRequest,
        ctx: RunContext,
        audit: PlaybookAudit | None = None,
        *,
        progress: Callable[[DeviceRunResult], None] | None = None,
    ) -> None:
        self.request = request
        self.ctx = ctx
        self.audit = audit
        self.progress = progress
        self.playbook = request.playbook
        secrets = [v.text() for v in request.values.values() if v.secret and v.text()]
        self._secrets = sorted(secrets, key=len, reverse=True)

    # -- masking ----------------------------------------------------------------------------------
    def mask(self, text: str) -> str:
        """Device secrets (masking rules) and secret parameters out of ``text``."""
        out = mask_secrets(text)
        for secret in self._secrets:
            out = out.replace(secret, "***")
        return out

    # -- the run ----------------------------------------------------------------------------------
    def begin(self) -> PlaybookRun:
        """The audit record of a run that starts now (written when there is an audit)."""
        r = self.request
        run = PlaybookRun(
            id=self.ctx.run_id,
            playbook=self.playbook.name,
            playbook_sha256=self.playbook.sha256,
            mode=r.mode,
            actor=r.actor,
            source=r.source,
            reason=r.reason,
            parameters=r.shown_parameters(),
            targets=r.targets,
            devices=tuple(d.name for d in r.devices),
            status="running",
            runner=f"{socket.gethostname()}:{os.getpid()}",
            started_at=datetime.now(UTC),
        )
        if self.audit is not None:
            self.audit.begin(run)
        return run

    def execute(self, run: PlaybookRun | None = None) -> PlaybookRun:
        """Run every device, then the run-wide steps; the finished audit record."""
        run = run or self.begin()
        error: str | None = None
        results: dict[str, DeviceRunResult] = {}
        try:
            results = self._devices()
            results = self._run_scope(results)
        except Exception as exc:  # the runner itself broke: say so in the audit, then raise
            log.exception("playbook run %s failed", run.id)
            error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            bundle = self.ctx.bundle.write() if self.ctx.bundle is not None else None
            ordered = tuple(results[d.name] for d in self.request.devices if d.name in results)
            counts = dict(sorted(Counter(r.status for r in ordered).items()))
            finished = run.model_copy(
                update={
                    "status": "failed" if error else _run_status(ordered),
                    "finished_at": datetime.now(UTC),
                    "counts": counts,
                    "error": self.mask(error) if error else None,
                    "bundle": bundle.name if bundle else None,
                    "results": ordered,
                }
            )
            if self.audit is not None:
                self.audit.finish(finished)
            self._events(finished)
        return finished

    def _devices(self) -> dict[str, DeviceRunResult]:
        devices = list(self.request.devices)
        stop_after = self.playbook.spec.stop_on_failure.max_failures
        stoppable = self.request.mode == "commit" and stop_after > 0
        workers = max(
            1, min(self.playbook.spec.concurrency, self.ctx.settings.playbooks.max_concurrency)
        )
        results: dict[str, DeviceRunResult] = {}
        failures = 0
        pending: set[Future[DeviceRunResult]] = set()
        queue = list(devices)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="playbook") as pool:
            while queue or pending:
                while (
                    queue and len(pending) < workers and not (stoppable and failures >= stop_after)
                ):
                    pending.add(pool.submit(self._device, queue.pop(0)))
                if not pending:
                    break
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    result = future.result()
                    results[result.device] = result
                    failures += result.status in FAILED_STATUSES
                    self._done(result)
        for device in queue:  # never started: the run stopped
            skipped = DeviceRunResult(
                device=device.name,
                status="skipped",
                reason="stopped",
                error=f"not started: the run stopped after {failures} failed device(s) (stop_on_failure.max_failures={stop_after})",
            )
            results[device.name] = skipped
            self._done(skipped)
        return results

    def _done(self, result: DeviceRunResult) -> None:
        if self.audit is not None:  # as soon as it is known: a crash keeps what happened
            self.audit.device_done(self.ctx.run_id, result)
        if self.progress is not None:
            self.progress(result)

    def _run_scope(self, results: dict[str, DeviceRunResult]) -> dict[str, DeviceRunResult]:
        steps = [s for s in self.playbook.phase("steps") if s.task.scope == "run"]
        if not steps:
            return results
        out = dict(results)
        for step in steps:
            standing = [
                d
                for d in self.request.devices
                if out[d.name].status not in FAILED_STATUSES | {"skipped"}
            ]
            if not standing:
                break
            outcomes = step.task.run_all(self.ctx, standing, step.args)
            for device in standing:
                outcome = outcomes.get(device.name)
                before = out[device.name]
                if outcome is None:
                    continue
                result = StepResult(
                    task=step.task.name,
                    name=step.spec.name,
                    ok=outcome.ok,
                    summary=self.mask(outcome.summary),
                    data=outcome.data,
                )
                update: dict[str, Any] = {"steps": (*before.steps, result)}
                if not outcome.ok:
                    update.update(
                        status="failed",
                        reason=outcome.reason or "error",
                        error=self.mask(outcome.summary),
                    )
                out[device.name] = before.model_copy(update=update)
        if self.audit is not None:
            for done in out.values():
                self.audit.device_done(self.ctx.run_id, done)
        return out

    # -- one device -------------------------------------------------------------------------------
    def _device(self, device: Device) -> DeviceRunResult:
        res = _Device(device.name)
        dctx = DeviceContext(self.ctx, device)
        try:
            self._work(dctx, res)
        except _Abort:
            pass
        except (TransportError, CredentialError) as exc:
            reason = exc.reason if isinstance(exc, TransportError) else "auth"
            if res.changed and res.before is not None and res.rollback is None:
                self._rollback(
                    dctx,
                    res,
                    res.before,
                    f"the session failed during the change: {exc}",
                    fresh_session=True,
                )
            else:
                res.fail(reason, str(exc))
        except NetopsError as exc:
            res.fail("error", str(exc))
        except Exception as exc:  # a bug must cost this device, not the run
            log.exception("playbook %s on %s", self.playbook.name, device.name)
            res.fail("error", f"{type(exc).__name__}: {exc}")
        finally:
            with contextlib.suppress(Exception):
                dctx.close()
        return res.result(self.mask)

    def _check(self, dctx: DeviceContext, res: _Device, step: Step) -> bool:
        outcome = step.task.check(dctx, step.args)  # tasks render their ${...} per device
        res.checks.append(
            CheckResult(
                phase=dctx.phase,
                task=step.task.name,
                name=step.spec.name,
                ok=outcome.ok,
                message=self.mask(outcome.message),
            )
        )
        return outcome.ok is not False

    def _checks(self, dctx: DeviceContext, res: _Device, phase: str) -> str | None:
        """Run a phase's checks; the first failure's message, or None."""
        dctx.phase = phase  # type: ignore[assignment]
        failed = None
        for step in self.playbook.phase(phase):  # type: ignore[arg-type]
            if not self._check(dctx, res, step) and failed is None:
                failed = (
                    f"{phase[:-1].replace('_', '-')} {step.label} failed: {res.checks[-1].message}"
                )
                if phase == "pre_checks":
                    break
        return failed

    def _work(self, dctx: DeviceContext, res: _Device) -> None:
        mode = self.request.mode
        failed = self._checks(dctx, res, "pre_checks")
        if failed:
            res.fail("check", failed)
            raise _Abort
        dctx.phase = "steps"
        planned: list[configtree.ConfigCommand] = []
        for step in self.playbook.phase("steps"):
            if step.task.scope == "run":
                continue
            if step.task.kind == "read":
                outcome = step.task.run(dctx, step.args)
                res.steps.append(
                    StepResult(
                        task=step.task.name,
                        name=step.spec.name,
                        ok=outcome.ok,
                        summary=self.mask(outcome.summary),
                        data=outcome.data,
                    )
                )
                if not outcome.ok:
                    res.fail(outcome.reason or "error", f"{step.label}: {outcome.summary}")
                    raise _Abort
            else:
                plan: ConfigPlan = step.task.plan(dctx, step.args)
                planned.extend(plan.commands)
                res.steps.append(
                    StepResult(
                        task=step.task.name,
                        name=step.spec.name,
                        ok=True,
                        summary=self.mask(plan.summary),
                        data=plan.data,
                    )
                )
        if mode == "read_only":
            res.status = "ok"
            return
        self._change(dctx, res, planned)

    def _change(
        self, dctx: DeviceContext, res: _Device, planned: list[configtree.ConfigCommand]
    ) -> None:
        dialect = dctx.dialect
        assert dialect is not None
        name = dctx.device.name
        lines = configtree.cli_lines(planned, dialect)
        res.commands = [self.mask(line) for line in lines]
        base_text = dctx.running_config()
        base = configtree.parse(base_text, dialect)
        candidate = configtree.apply(base, planned, dialect)
        res.predicted_diff = self.mask(
            configtree.unified_diff(base, candidate, dialect, name, ("running", "candidate"))
        )
        nothing_to_do = configtree.differences(base, candidate) == ([], [])
        if self.request.mode == "dry_run" or nothing_to_do:
            # a dry-run checks the prediction; a commit with nothing to send checks the device
            dctx.candidate = candidate if self.request.mode == "dry_run" else None
            failed = self._checks(dctx, res, "post_checks")
            if failed:
                what = (
                    "the device already is as planned, but"
                    if nothing_to_do
                    else "the planned change"
                )
                res.fail("check", f"{what} would not pass: {failed}")
            else:
                res.status = "unchanged" if nothing_to_do else "dry_run"
            if nothing_to_do:
                res.commands = []
            return
        try:
            with device_lock(self.ctx.settings.state_dir / "locks", name):
                self._commit(dctx, res, base, lines)
        except _Locked:
            res.fail("locked", "another playbook run is changing this device; nothing was sent")

    def _commit(
        self, dctx: DeviceContext, res: _Device, base: configtree.Node, lines: list[str]
    ) -> None:
        dialect = dctx.dialect
        assert dialect is not None
        name = dctx.device.name
        before_text = dctx.running_config(fresh=True)
        before = configtree.parse(before_text, dialect)
        res.before = before
        if configtree.differences(base, before) != ([], []):
            res.fail(
                "changed", "the running config changed while the run planned; nothing was sent"
            )
            return
        trigger: str | None = None
        try:
            res.changed = True  # from here on, the device may be changed
            dctx.session().send_config(lines)
        except ConfigRejected as exc:
            trigger = f"{exc} (after {exc.accepted} accepted line(s))"
        self._mark(name, "commit")
        after = configtree.parse(dctx.running_config(fresh=True), dialect)
        res.actual_diff = self.mask(
            configtree.unified_diff(before, after, dialect, name, ("before", "after"))
        )
        res.changed = configtree.differences(before, after) != ([], [])
        if trigger is None:
            dctx.candidate = None
            trigger = self._checks(dctx, res, "post_checks")
        if trigger is not None:
            self._rollback(dctx, res, before, trigger)
            return
        res.status = "committed"
        if self.playbook.spec.commit.save:
            try:
                dctx.session().save()
                res.saved = True
            except (TransportError, NetopsError) as exc:
                res.saved = False
                res.error = f"the change is live but was not saved: {exc}"

    def _rollback(
        self,
        dctx: DeviceContext,
        res: _Device,
        before: configtree.Node,
        trigger: str,
        *,
        fresh_session: bool = False,
    ) -> None:
        """Restore the pre-change config; verify it; say exactly how it went."""
        dialect = dctx.dialect
        assert dialect is not None
        sent: list[str] = []
        errors: list[str] = []
        residual: tuple[list[str], list[str]] = ([], [])
        ok = False
        for attempt in range(2):
            try:
                session = dctx.new_session() if attempt or fresh_session else dctx.session()
                current = configtree.parse(session.running_config(), dialect)
                commands = configtree.restore_commands(current, before, dialect)
                if commands:
                    lines = configtree.cli_lines(commands, dialect)
                    outcome = session.send_config(lines, stop_on_error=False)
                    sent += [self.mask(line) for line in lines]
                    errors += [self.mask(f"{c}: {e}") for c, e in outcome.errors]
                final = configtree.parse(session.running_config(), dialect)
                residual = configtree.differences(final, before)
                ok = residual == ([], [])
            except (TransportError, NetopsError) as exc:
                errors.append(self.mask(f"restore attempt {attempt + 1}: {exc}"))
                continue
            if ok:
                break
        self._mark(dctx.device.name, "rollback")
        res.rollback = RollbackResult(
            ok=ok,
            trigger=self.mask(trigger),
            commands=tuple(sent),
            errors=tuple(errors),
            residual=tuple(self.mask(f"-{x}") for x in residual[1])
            + tuple(self.mask(f"+{x}") for x in residual[0]),
        )
        if ok:
            res.changed = False
            res.fail("rolled_back", f"rolled back: {trigger}", "rolled_back")
        else:
            res.changed = True
            res.fail(
                "rollback_failed",
                f"ROLLBACK FAILED, the device is left changed: {trigger}",
                "rollback_failed",
            )

    def _mark(self, device: str, what: str) -> None:
        """Tell the config backups this change is the playbook's (not an unknown hand)."""
        try:
            mark_playbook_change(
                self.ctx.store,
                device,
                run_id=self.ctx.run_id,
                playbook=self.playbook.name,
                summary=f"playbook {self.playbook.name} (run {self.ctx.run_id}, {what}) by {self.request.actor}",
            )
        except Exception:  # the change happened either way; the audit still has it
            log.exception("could not mark the playbook change on %s", device)

    def _events(self, run: PlaybookRun) -> None:
        events = []
        now = datetime.now(UTC)
        for r in run.results:
            if r.status == "rollback_failed":
                events.append(
                    Event(
                        time=now,
                        kind="playbook.rollback_failed",
                        device=r.device,
                        severity="critical",
                        summary=f"playbook {run.playbook} (run {run.id}) left {r.device} changed: the rollback did not restore its config",
                        details={"run_id": run.id, "playbook": run.playbook},
                    )
                )
        if run.mode == "commit":
            changed = sorted(r.device for r in run.results if r.status == "committed")
            events.append(
                Event(
                    time=now,
                    kind="playbook.commit",
                    severity="info" if run.status == "ok" else "warning",
                    summary=f"playbook {run.playbook} (run {run.id}) by {run.actor}: {run.status}, committed on {len(changed)} device(s)",
                    details={
                        "run_id": run.id,
                        "playbook": run.playbook,
                        "reason": run.reason,
                        "counts": run.counts,
                    },
                )
            )
        if events:
            try:
                self.ctx.store.add_events(events)
            except Exception:
                log.exception("could not record the events of run %s", run.id)


def _run_status(results: tuple[DeviceRunResult, ...]) -> str:
    statuses = {r.status for r in results}
    if "rollback_failed" in statuses:
        return "rollback_failed"
    bad = sum(r.status in FAILED_STATUSES | {"skipped"} for r in results)
    if bad == 0:
        return "ok"
    return "failed" if bad == len(results) else "partial"
