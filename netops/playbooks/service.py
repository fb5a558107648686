"""Playbooks as the CLI and the API use them: list, prepare (validate), run, read the audit.

:meth:`PlaybookService.prepare` checks everything that can be checked without talking to a
device — the playbook exists, parameters parse, targets resolve inside the playbook's
filter, every target's platform is supported by every step, a commit that needs a reason
has one, a named interface exists in the device's backed-up configuration — and raises
:class:`~netops.errors.PlaybookRequestError` naming what is wrong. Only then does
:meth:`run` (or :meth:`start`, in a thread) open sessions.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from netops.credentials import Secrets, load_secrets
from netops.endpoints import DeviceEndpoints
from netops.errors import PlaybookNotFound, PlaybookRequestError
from netops.inventory import Device, Inventory
from netops.models import RunningConfig
from netops.models.playbooks import DeviceRunResult, PlaybookRun, RunMode
from netops.playbooks import bundles, configtree
from netops.playbooks.bundles import BundleWriter
from netops.playbooks.context import RunContext, device_values
from netops.playbooks.loader import LoadedPlaybook, load_playbooks
from netops.playbooks.params import parse_values, render_data
from netops.playbooks.runner import Runner, RunRequest
from netops.playbooks.session import SessionFactory, ssh_sessions
from netops.playbooks.targets import resolve_targets
from netops.settings import Settings
from netops.store import Store
from netops.store.playbooks import PlaybookAudit

_REASON = re.compile(r"[\x00-\x1f\x7f]")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


class PlaybookService:
    """Everything about playbooks over one inventory, store and settings."""

    def __init__(
        self,
        settings: Settings,
        inventory: Inventory,
        store: Store,
        *,
        endpoints: dict[str, DeviceEndpoints] | None = None,
        sessions: SessionFactory | None = None,
        playbooks: Mapping[str, LoadedPlaybook] | None = None,
        secrets: Secrets | None = None,
        background_workers: int = 4,
    ) -> None:
        self.settings = settings
        self.inventory = inventory
        self.store = store
        self.endpoints = endpoints
        self.audit = PlaybookAudit(store)
        self.audit.close_dead_runs(socket.gethostname(), _alive)
        self._playbooks = dict(playbooks) if playbooks is not None else None
        self._sessions = sessions
        self._secrets = secrets
        self._pool: ThreadPoolExecutor | None = None
        self._workers = background_workers
        self._futures: dict[str, Future[PlaybookRun]] = {}
        self._lock = threading.Lock()

    # -- playbooks ---------------------------------------------------------------------------------
    def playbooks(self) -> dict[str, LoadedPlaybook]:
        """Every playbook (loaded once; a broken folder is a DataFileError with every problem)."""
        if self._playbooks is None:
            self._playbooks = load_playbooks(self.settings.playbooks_dir)
        return self._playbooks

    def playbook(self, name: str) -> LoadedPlaybook:
        found = self.playbooks().get(name)
        if found is None:
            known = ", ".join(sorted(self.playbooks())) or "none"
            raise PlaybookNotFound(f"no playbook {name!r} (playbooks: {known})")
        return found

    # -- running -----------------------------------------------------------------------------------
    def prepare(
        self,
        name: str,
        *,
        targets: Sequence[str] = (),
        params: Mapping[str, Any] | None = None,
        commit: bool = False,
        reason: str | None = None,
        actor: str,
        source: str = "cli",
    ) -> RunRequest:
        """A validated run request; PlaybookRequestError before anything is sent otherwise."""
        playbook = self.playbook(name)
        spec = playbook.spec
        values = parse_values(spec.parameters, dict(params or {}), name)
        devices = resolve_targets(self.inventory, spec.targets, list(targets), name)
        reason = (reason or "").strip() or None
        if reason is not None and (_REASON.search(reason) or len(reason) > 500):
            raise PlaybookRequestError("reason", "a reason is one line of at most 500 characters")
        mode: RunMode = (
            "read_only" if spec.mode == "read_only" else ("commit" if commit else "dry_run")
        )
        if mode == "commit" and spec.commit.require_reason and reason is None:
            raise PlaybookRequestError(
                "reason", f"committing {name} needs a reason (--reason '...'): it goes in the audit"
            )
        problems = []
        for device in devices:
            for phase in ("pre_checks", "steps", "post_checks"):
                for step in playbook.phase(phase):
                    why = step.task.unsupported(device, step.args)
                    if why:
                        problems.append(f"{device.name}: {phase} {step.label}: {why}")
                        continue
                    try:  # every ${...} a step uses has a value for this device
                        render_data(step.spec.args, device_values(values, device, "-"))
                    except PlaybookRequestError as exc:
                        raise PlaybookRequestError(exc.parameter, f"{device.name}: {exc}") from None
        if problems:
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            raise PlaybookRequestError("targets", "; ".join(problems[:3]) + more)
        self._check_interfaces(playbook, devices, values)
        return RunRequest(
            playbook,
            tuple(devices),
            values,
            mode,
            actor,
            source,
            reason,
            tuple(targets),
        )

    def _check_interfaces(
        self, playbook: LoadedPlaybook, devices: Sequence[Device], values: Mapping[str, Any]
    ) -> None:
        """An interface parameter must exist in each device's backed-up config (when there is one)."""
        names = [n for n, v in values.items() if v.type == "interface"]
        if not names:
            return
        for device in devices:
            dialect = configtree.dialect_of(device.platform.value)
            stored = self.store.records("config", device.name)
            if dialect is None or not stored or not stored[0].records:
                continue
            record = stored[0].records[0]
            if not isinstance(record, RunningConfig):
                continue
            tree = configtree.parse(record.text, dialect)
            seen = device_values(values, device, "-")  # type: ignore[arg-type]
            for name in names:
                interface = seen[name].text()
                if tree.child(f"interface {interface}") is None:
                    when = f"{stored[0].collected_at:%Y-%m-%d %H:%M}Z"
                    raise PlaybookRequestError(
                        name,
                        f"{device.name} has no interface {interface} (its configuration backed up {when})",
                    )

    def _context(self, request: RunRequest, run_id: str) -> RunContext:
        settings = self.settings
        secrets = self._secrets or load_secrets(settings.secrets_file)
        sessions = self._sessions
        if sessions is None:
            from netops.collectors.ssh import cli_sections

            sections = cli_sections(settings.collectors_dir)
            sessions = ssh_sessions(self.inventory, settings, secrets, self.endpoints, sections)
        folder = settings.playbooks.resolved_bundle_dir(settings.state_dir)
        bundles.prune(folder, settings.playbooks.bundle_retention_days)
        return RunContext(
            run_id=run_id,
            playbook=request.playbook.name,
            inventory=self.inventory,
            settings=settings,
            store=self.store,
            sessions=sessions,
            values=request.values,
            mode=request.mode,
            actor=request.actor,
            secrets=secrets,
            endpoints=self.endpoints,
            bundle=BundleWriter(folder, run_id, request.playbook.name),
        )

    def run(
        self,
        request: RunRequest,
        *,
        run_id: str | None = None,
        progress: Callable[[DeviceRunResult], None] | None = None,
    ) -> PlaybookRun:
        """Run now, in this thread; the finished audit record."""
        run_id = run_id or new_run_id()
        runner = Runner(request, self._context(request, run_id), self.audit, progress=progress)
        return runner.execute()

    def start(self, request: RunRequest) -> PlaybookRun:
        """Start in the background; the audit record as it begins (status ``running``)."""
        run_id = new_run_id()
        runner = Runner(request, self._context(request, run_id), self.audit)
        begun = runner.begin()
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="playbook-run")
            self._futures[run_id] = self._pool.submit(runner.execute, begun)
        return begun

    def wait(self, run_id: str, timeout: float) -> PlaybookRun | None:
        """The finished record of a background run, or None if it is still going."""
        future = self._futures.get(run_id)
        if future is not None:
            try:
                future.result(timeout=timeout)
            except FutureTimeout:
                return None
            except Exception:  # recorded in the audit as a failed run
                pass
        return self.audit.get(run_id)

    def shutdown(self, wait: bool = True) -> None:
        """Let background runs finish (wait) before the process goes."""
        if self._pool is not None:
            self._pool.shutdown(wait=wait)

    # -- the audit ----------------------------------------------------------------------------------
    def runs(
        self,
        *,
        playbook: str | None = None,
        device: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[PlaybookRun]:
        return self.audit.runs(playbook=playbook, device=device, limit=limit, offset=offset)

    def run_record(self, run_id: str) -> PlaybookRun:
        found = self.audit.get(run_id)
        if found is None:
            raise PlaybookNotFound(f"no playbook run {run_id!r}")
        return found

    def bundle(self, run_id: str) -> Path:
        """The run's output bundle (tar.gz)."""
        run = self.run_record(run_id)
        if run.bundle is None:
            raise PlaybookNotFound(f"run {run_id} has no output bundle")
        path = self.settings.playbooks.resolved_bundle_dir(self.settings.state_dir) / run.bundle
        if not path.is_file():
            raise PlaybookNotFound(
                f"the bundle of run {run_id} is gone (kept {self.settings.playbooks.bundle_retention_days:g} days)"
            )
        return path

    def bundle_link(self, run: PlaybookRun) -> str | None:
        if run.bundle is None:
            return None
        base = (self.settings.playbooks.link_base or "").rstrip("/")
        return f"{base}/api/v1/playbook-runs/{run.id}/bundle"

    # -- Alertmanager ---------------------------------------------------------------------------------
    def alertmanager(self, payload: Mapping[str, Any], *, actor: str) -> dict[str, Any]:
        """Start the webhook playbook for the devices of the firing alerts in ``payload``.

        Devices come from an alert's ``device`` label (else its ``site`` label); a device
        collected by this playbook within ``webhook_cooldown_seconds`` is not collected again
        (an alert that re-fires every few minutes must not open a session each time).
        """
        from netops.playbooks.webhook import AlertmanagerPayload

        cfg = self.settings.playbooks
        message = AlertmanagerPayload.model_validate(payload)
        playbook = self.playbook(cfg.webhook_playbook)
        wanted: dict[str, str] = {}  # device -> alert name
        ignored: list[dict[str, str]] = []
        for alert in message.alerts:
            if alert.status != "firing":
                continue
            name = alert.labels.get("alertname", "alert")
            target = alert.labels.get("device") or (
                f"site:{alert.labels['site']}" if alert.labels.get("site") else None
            )
            if target is None:
                ignored.append({"alert": name, "why": "no device or site label"})
                continue
            try:
                devices = resolve_targets(
                    self.inventory, playbook.spec.targets, [target], playbook.name
                )
            except PlaybookRequestError as exc:
                ignored.append({"alert": name, "target": target, "why": str(exc)})
                continue
            for d in devices:
                wanted.setdefault(d.name, name)
        since = datetime.now(UTC) - timedelta(seconds=cfg.webhook_cooldown_seconds)
        recent = {
            name
            for run in self.audit.runs(playbook=playbook.name, limit=500)
            if run.started_at >= since
            for name in run.devices
        }
        fresh = [name for name in wanted if name not in recent]
        for name in wanted:
            if name in recent:
                ignored.append({"device": name, "why": "collected recently (webhook cooldown)"})
        for name in fresh[cfg.webhook_max_devices :]:
            ignored.append({"device": name, "why": f"more than {cfg.webhook_max_devices} devices"})
        fresh = fresh[: cfg.webhook_max_devices]
        runs: list[dict[str, Any]] = []
        if fresh:
            alerts = sorted({wanted[d] for d in fresh})
            params = {"alert": ",".join(alerts)} if "alert" in playbook.spec.parameters else {}
            request = self.prepare(
                playbook.name,
                targets=fresh,
                params=params,
                actor=actor,
                source="webhook",
                reason=f"Alertmanager: {', '.join(alerts)} firing"[:500],
            )
            begun = self.start(request)
            runs.append(
                {
                    "run_id": begun.id,
                    "devices": list(begun.devices),
                    "link": f"{(cfg.link_base or '').rstrip('/')}/api/v1/playbook-runs/{begun.id}",
                }
            )
        return {"runs": runs, "ignored": ignored}
