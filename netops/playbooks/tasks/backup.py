"""``backup_configs``: back up the targets' running configurations now, as one history commit.

Exactly what ``netops backup configs`` and the scheduled backup run
(:func:`netops.backups.service.backup_devices`): secrets masked, one commit for the run,
per-device status and poll results, change events (a change a playbook made and marked is
``config.expected_change``, not a warning).
"""

from __future__ import annotations

from collections.abc import Sequence

from netops.backups.service import backup_devices
from netops.errors import HistoryError
from netops.inventory import Device
from netops.playbooks.context import RunContext
from netops.playbooks.tasks import register
from netops.playbooks.tasks.base import StepOutcome, Task, TaskArgs


class BackupArgs(TaskArgs):
    pass


@register
class BackupConfigs(Task):
    name = "backup_configs"
    description = "Back up the running configuration of every target now (one history commit)"
    kind = "read"
    scope = "run"
    Args = BackupArgs

    def run_all(
        self, ctx: RunContext, devices: Sequence[Device], args: BackupArgs
    ) -> dict[str, StepOutcome]:
        try:
            run = backup_devices(ctx.settings, ctx.inventory, ctx.store, devices, ctx.endpoints)
        except HistoryError as exc:
            return {d.name: StepOutcome(False, str(exc), reason="error") for d in devices}
        out: dict[str, StepOutcome] = {}
        revision = (run.revision or "")[:12] or None
        for o in run.outcomes:
            if o.ok:
                state = "new" if o.new else ("changed" if o.changed else "unchanged")
                out[o.device] = StepOutcome(
                    True,
                    f"backed up ({state}, {o.size_bytes} bytes) at revision {revision}",
                    {"revision": run.revision, "state": state, "size_bytes": o.size_bytes},
                )
            else:
                out[o.device] = StepOutcome(
                    False, f"backup failed: {o.error}", {"revision": None}, reason=o.reason
                )
        return out
