"""The runner's decisions, on stand-in devices (see fakes.py for why these are not the lab)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from netops.inventory import Inventory
from netops.playbooks import PlaybookService, configtree
from netops.playbooks.runner import device_lock
from tests.playbooks.conftest import vrp_access
from tests.playbooks.fakes import BASE_VRP, FakeNetwork, FakeSession

Make = Callable[..., PlaybookService]


def _run(service: PlaybookService, targets: list[str], commit: bool = False, **params: str):  # type: ignore[no-untyped-def]
    request = service.prepare(
        "set-description",
        targets=targets,
        params={"interface": "GE0/0/5", **params},
        commit=commit,
        actor="tester@host",
    )
    return service.run(request)


def test_dry_run_sends_nothing_and_shows_lines_and_diff(
    make_service: Make, network: FakeNetwork, reference: Inventory
) -> None:
    name = vrp_access(reference, 1)[0]
    device = network.device(name)
    before = device.config
    run = _run(make_service(), [name])
    r = run.results[0]
    assert (run.mode, run.status, r.status) == ("dry_run", "ok", "dry_run")
    assert device.sent == [] and device.saves == 0 and device.config == before
    assert r.commands == ("interface GigabitEthernet0/0/5", "description set-by-test")
    assert "+ description set-by-test" in (r.predicted_diff or "")
    assert r.actual_diff is None and not r.changed
    post = {c.name or c.task: c for c in r.checks if c.phase == "post_checks"}
    assert post["the description is set"].ok is True
    assert post["the description is set"].message.startswith("(predicted)")
    assert post["reachable"].ok is None  # needs the changed device


def test_commit_sends_checks_saves_and_marks_the_change(
    make_service: Make, network: FakeNetwork, reference: Inventory
) -> None:
    service = make_service()
    name = vrp_access(reference, 1)[0]
    run = _run(service, [name], commit=True)
    r = run.results[0]
    device = network.device(name)
    assert (run.status, r.status, r.saved, r.changed) == ("ok", "committed", True, True)
    assert device.sent == ["interface GigabitEthernet0/0/5", "description set-by-test"]
    assert device.saves == 1
    assert "description set-by-test" in device.config
    assert "+ description set-by-test" in (r.actual_diff or "")
    assert all(c.ok for c in r.checks), r.checks
    marks = service.store.events(kind="playbook.config_change", device=name)
    assert marks and marks[0].details["run_id"] == run.id
    assert service.store.events(kind="playbook.commit")[0].details["run_id"] == run.id


def test_nothing_to_change_sends_nothing(
    make_service: Make, network: FakeNetwork, reference: Inventory
) -> None:
    name = vrp_access(reference, 1)[0]
    device = network.device(name)
    device.config = device.config.replace(
        "interface GigabitEthernet0/0/5\n",
        "interface GigabitEthernet0/0/5\n description set-by-test\n",
    )
    run = _run(make_service(), [name], commit=True)
    assert run.results[0].status == "unchanged" and run.status == "ok"
    assert device.sent == [] and run.results[0].commands == ()


def test_a_rejected_line_rolls_back_what_was_accepted(
    make_service: Make, network: FakeNetwork, reference: Inventory
) -> None:
    name = vrp_access(reference, 1)[0]
    device = network.device(name, reject=(r"^description",))
    before = configtree.parse(device.config, "vrp")
    run = _run(make_service(), [name], commit=True)
    r = run.results[0]
    assert (r.status, run.status, r.changed) == ("rolled_back", "failed", False)
    assert r.rollback is not None and r.rollback.ok
    assert "rejected 'description set-by-test'" in r.rollback.trigger
    assert configtree.differences(configtree.parse(device.config, "vrp"), before) == ([], [])
    assert device.saves == 0


def test_a_failed_post_check_rolls_back(
    make_service: Make, network: FakeNetwork, reference: Inventory
) -> None:
    failing = """\
    name: bad-post-check
    description: A change whose post-check cannot pass.
    mode: change
    steps:
      - task: config
        args: {lines: {huawei_vrp: "interface GigabitEthernet0/0/5\\n description oops\\n"}}
    post_checks:
      - task: config_contains
        name: wants something else
        args: {view: interface GigabitEthernet0/0/5, present: [shutdown]}
    """
    service = make_service(failing)
    name = vrp_access(reference, 1)[0]
    device = network.device(name)
    original = device.config
    run = service.run(service.prepare("bad-post-check", targets=[name], commit=True, actor="t"))
    r = run.results[0]
    assert r.status == "rolled_back" and r.rollback is not None and r.rollback.ok
    assert "wants something else" in r.rollback.trigger
    assert r.rollback.commands == ("interface GigabitEthernet0/0/5", "undo description")
    assert "+ description oops" in (r.actual_diff or "")  # what the commit did, before rollback
    assert configtree.differences(
        configtree.parse(device.config, "vrp"), configtree.parse(original, "vrp")
    ) == ([], [])
    # the dry-run of the same playbook already says the plan would fail its post-check
    dry = service.run(service.prepare("bad-post-check", targets=[name], actor="t"))
    assert dry.results[0].status == "failed" and "would not pass" in (dry.results[0].error or "")


def test_a_restore_that_does_not_restore_is_loud(
    make_service: Make, network: FakeNetwork, reference: Inventory
) -> None:
    service = make_service()
    name = vrp_access(reference, 1)[0]
    network.device(name, reject=(), ignore_negations=True)
    failing = """\
    name: add-then-fail
    description: Adds a line, then a post-check fails; the device ignores undo.
    mode: change
    steps:
      - task: config
        args: {lines: {huawei_vrp: "interface GigabitEthernet0/0/5\\n description left-behind\\n"}}
    post_checks:
      - task: config_contains
        args: {view: interface GigabitEthernet0/0/5, present: [shutdown]}
    """
    service = make_service(failing)
    run = service.run(service.prepare("add-then-fail", targets=[name], commit=True, actor="t"))
    r = run.results[0]
    assert (r.status, run.status, r.changed) == ("rollback_failed", "rollback_failed", True)
    assert r.rollback is not None and not r.rollback.ok
    assert any("description left-behind" in x for x in r.rollback.residual)
    assert "ROLLBACK FAILED" in (r.error or "")
    critical = service.store.events(kind="playbook.rollback_failed")
    assert critical and critical[0].device == name and critical[0].severity == "critical"


def test_a_session_lost_mid_change_is_restored_through_a_new_one(
    make_service: Make, network: FakeNetwork, reference: Inventory
) -> None:
    two_lines = """\
    name: two-lines
    description: Two config lines.
    mode: change
    steps:
      - task: config
        args: {lines: {huawei_vrp: "interface GigabitEthernet0/0/5\\n description one\\n shutdown\\n"}}
    """
    service = make_service(two_lines)
    name = vrp_access(reference, 1)[0]
    device = network.device(name, drop_after_lines=2)
    original = device.config
    run = service.run(service.prepare("two-lines", targets=[name], commit=True, actor="t"))
    r = run.results[0]
    assert r.status == "rolled_back", r
    assert "session failed during the change" in (r.rollback.trigger if r.rollback else "")
    assert configtree.differences(
        configtree.parse(device.config, "vrp"), configtree.parse(original, "vrp")
    ) == ([], [])


def test_failed_pre_check_sends_nothing(
    make_service: Make, network: FakeNetwork, reference: Inventory
) -> None:
    name = vrp_access(reference, 1)[0]
    device = network.device(name)
    service = make_service()
    run = service.run(
        service.prepare(
            "set-description",
            targets=[name],
            params={"interface": "GE0/0/9"},  # no such interface block
            commit=True,
            actor="t",
        )
    )
    r = run.results[0]
    assert r.status == "failed" and r.reason == "check"
    assert "no 'interface GigabitEthernet0/0/9'" in (r.error or "")
    assert device.sent == []


def test_commits_stop_after_failures_dry_runs_visit_everyone(
    make_service: Make, network: FakeNetwork, reference: Inventory
) -> None:
    names = vrp_access(reference, 4)
    network.device(names[0], unreachable=True)
    service = make_service()
    run = _run(service, names, commit=True)
    statuses = [r.status for r in run.results]
    assert statuses == ["failed", "skipped", "skipped", "skipped"]
    assert run.results[0].reason == "timeout"
    assert "stop_on_failure.max_failures=1" in (run.results[1].error or "")
    assert all(network.device(n).sent == [] for n in names[1:])
    dry = _run(service, names)
    assert [r.status for r in dry.results] == ["failed", "dry_run", "dry_run", "dry_run"]
    assert dry.status == "partial"


def test_concurrency_is_bounded(
    make_service: Make, network: FakeNetwork, reference: Inventory
) -> None:
    names = vrp_access(reference, 6)
    for n in names:
        network.device(n, delay=0.05)
    wide = """\
    name: wide
    description: Reads on many devices at once.
    mode: read_only
    steps:
      - task: commands
        args: {commands: {huawei_vrp: [display version, display clock, display version]}}
    concurrency: 3
    """
    service = make_service(wide)
    run = service.run(service.prepare("wide", targets=names, actor="t"))
    assert run.status == "ok" and len(run.results) == 6
    assert FakeSession.most_open == 3


def test_secrets_never_reach_the_audit(
    make_service: Make, network: FakeNetwork, reference: Inventory
) -> None:
    user = """\
    name: add-user
    description: A local user whose password is a secret parameter.
    mode: change
    parameters:
      password: {type: string, secret: true, required: true, description: the password}
    steps:
      - task: config
        args:
          lines:
            huawei_vrp: |
              aaa
               local-user ops02 password irreversible-cipher ${password}
    """
    name = vrp_access(reference, 1)[0]
    service = make_service(user)
    run = service.run(
        service.prepare(
            "add-user", targets=[name], params={"password": "Pa55w0rd-xyz"}, commit=True, actor="t"
        )
    )
    assert run.results[0].status == "committed"
    assert "Pa55w0rd-xyz" in network.device(name).config  # it did reach the device
    stored = service.run_record(run.id)
    dumped = stored.model_dump_json()
    assert "Pa55w0rd-xyz" not in dumped
    assert stored.parameters["password"] == "***"
    assert (
        stored.results[0].commands[-1] == "local-user ops02 password irreversible-cipher <masked>"
    )
    assert "$1c$SECRETHASH$" not in dumped  # the device's own secrets, masked in diffs
    assert "irreversible-cipher" in (stored.results[0].actual_diff or "")


def test_a_locked_device_is_not_touched(
    make_service: Make, network: FakeNetwork, reference: Inventory
) -> None:
    name = vrp_access(reference, 1)[0]
    service = make_service()
    with device_lock(service.settings.state_dir / "locks", name):
        run = _run(service, [name], commit=True)
    assert run.results[0].reason == "locked" and network.device(name).sent == []


def test_a_config_that_moves_between_plan_and_commit_is_not_touched(
    make_service: Make, network: FakeNetwork, reference: Inventory
) -> None:
    name = vrp_access(reference, 1)[0]
    device = network.device(name, change_on_read=2)  # the second read (restore point) differs
    run = _run(make_service(), [name], commit=True)
    r = run.results[0]
    assert r.status == "failed" and r.reason == "changed" and device.sent == []


def test_the_audit_holds_every_run_and_detects_tampering(
    make_service: Make, network: FakeNetwork, reference: Inventory
) -> None:
    service = make_service()
    name = vrp_access(reference, 1)[0]
    dry = _run(service, [name])
    committed = service.run(
        service.prepare(
            "set-description",
            targets=[name],
            params={"interface": "GE0/0/5", "text": "x1"},
            commit=True,
            reason="ticket 42",
            actor="zhang@noc",
            source="api",
        )
    )
    listed = service.runs()
    assert [r.id for r in listed] == [committed.id, dry.id]
    record = service.run_record(committed.id)
    assert (record.actor, record.source, record.mode, record.reason) == (
        "zhang@noc",
        "api",
        "commit",
        "ticket 42",
    )
    assert record.parameters == {"interface": "GE0/0/5", "text": "x1"}
    assert record.devices == (name,) and record.targets == (name,)
    assert record.playbook_sha256 == service.playbook("set-description").sha256
    assert record.results[0].actual_diff and record.results[0].commands
    assert record.started_at <= (record.finished_at or record.started_at)
    assert service.runs(device=name, playbook="set-description")
    assert service.audit.verify() == []
    from netops.store.playbooks import PlaybookRunRow

    with service.store.session.begin() as s:
        row = s.get(PlaybookRunRow, committed.id)
        assert row is not None
        row.reason = "nothing to see"
    problems = service.audit.verify()
    assert len(problems) == 1 and committed.id in problems[0]


@pytest.mark.parametrize("base", [BASE_VRP.format(name="x")])
def test_stand_in_applies_and_renders(base: str) -> None:
    """The stand-in itself keeps a parseable config (guards the fixtures above)."""
    tree = configtree.parse(base, "vrp")
    assert tree.child("interface GigabitEthernet0/0/5") is not None


def test_metrics_from_the_audit_trail(
    make_service: Make, network: FakeNetwork, reference: Inventory
) -> None:
    from netops.playbooks.metrics import families

    failing = """\
    name: add-then-fail
    description: Adds a line, then a post-check fails; the device ignores undo.
    mode: change
    steps:
      - task: config
        args: {lines: {huawei_vrp: "interface GigabitEthernet0/0/5\\n description left-behind\\n"}}
    post_checks:
      - task: config_contains
        args: {view: interface GigabitEthernet0/0/5, present: [shutdown]}
    """
    service = make_service(failing)
    name = vrp_access(reference, 1)[0]
    network.device(name, ignore_negations=True)
    _run(service, [name])
    service.run(service.prepare("add-then-fail", targets=[name], commit=True, actor="t"))

    def samples() -> dict[tuple[str, tuple[str, ...]], float]:
        return {
            (s.name, tuple(sorted(s.labels.values()))): s.value
            for f in families(service.store, reference)
            for s in f.samples
        }

    got = samples()
    assert got[("netops_playbook_runs_total", ("dry_run", "ok", "set-description"))] == 1
    assert got[("netops_playbook_runs_total", ("add-then-fail", "commit", "rollback_failed"))] == 1
    assert got[("netops_playbook_device_left_changed", (name,))] == 1
    assert ("netops_playbook_last_run_timestamp_seconds", ("dry_run", "set-description")) in got
    network.device(name).ignore_negations = False
    assert _run(service, [name], commit=True).status == "ok"  # a later commit on the device
    assert ("netops_playbook_device_left_changed", (name,)) not in samples()


def test_runs_a_dead_process_left_open_are_closed_as_interrupted(
    make_service: Make, reference: Inventory
) -> None:
    import socket
    from datetime import UTC, datetime

    from netops.models.playbooks import PlaybookRun

    service = make_service()
    here = socket.gethostname()
    for run_id, runner in (
        ("dead01", f"{here}:999999999"),
        ("alive01", f"{here}:1"),
        ("else01", "other-host:5"),
    ):
        service.audit.begin(
            PlaybookRun(
                id=run_id,
                playbook="set-description",
                playbook_sha256="0" * 64,
                mode="commit",
                actor="t",
                source="cli",
                status="running",
                started_at=datetime.now(UTC),
                runner=runner,
            )
        )
    again = PlaybookService(service.settings, reference, service.store)
    statuses = {r.id: r.status for r in again.runs()}
    assert statuses == {"dead01": "interrupted", "alive01": "running", "else01": "running"}
    assert "half-changed" in (again.run_record("dead01").error or "")


def test_runs_finishing_at_once_keep_one_intact_chain(make_service: Make) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from datetime import UTC, datetime

    from netops.models.playbooks import PlaybookRun
    from netops.store.playbooks import PlaybookAudit

    service = make_service()
    runs = [
        PlaybookRun(
            id=f"c{i:02d}",
            playbook="set-description",
            playbook_sha256="0" * 64,
            mode="dry_run",
            actor="t",
            source="api",
            status="running",
            started_at=datetime.now(UTC),
        )
        for i in range(12)
    ]
    audits = [PlaybookAudit(service.store) for _ in range(3)]  # several writers
    for run in runs:
        audits[0].begin(run)
    done = [r.model_copy(update={"status": "ok", "finished_at": datetime.now(UTC)}) for r in runs]
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda ir: audits[ir[0] % 3].finish(ir[1]), enumerate(done)))
    assert {r.status for r in service.runs()} == {"ok"}
    assert service.audit.verify() == []
