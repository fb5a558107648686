"""Loading playbooks/: the shipped ones load, and every kind of mistake is reported as
file:line: field: why — never a skipped file."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from typer.testing import CliRunner

from netops.cli.main import app
from netops.errors import DataFileError
from netops.inventory import Inventory
from netops.playbooks.loader import check_against, load_playbooks
from netops.playbooks.tasks import TASKS
from tests.conftest import REFERENCE
from tests.playbooks.conftest import SHIPPED

SHIPPED_NAMES = {"backup-now", "collect-diagnostics", "shutdown-port"}

GOOD = """\
name: good
description: fine
mode: change
parameters:
  interface: {type: interface, required: true, description: port}
steps:
  - task: config
    args:
      lines:
        huawei_vrp: |
          interface ${interface}
           shutdown
"""


def test_shipped_playbooks_load_and_name_registered_tasks(reference: Inventory) -> None:
    playbooks = load_playbooks(SHIPPED)
    assert set(playbooks) >= SHIPPED_NAMES
    for playbook in playbooks.values():
        for phase in ("pre_checks", "steps", "post_checks"):
            for step in playbook.phase(phase):  # type: ignore[arg-type]
                assert step.spec.task in TASKS
        assert check_against(playbook, reference) == []
        assert len(playbook.sha256) == 64
    shutdown = playbooks["shutdown-port"]
    assert shutdown.changes_config and shutdown.spec.commit.require_reason
    assert shutdown.spec.targets.require_explicit and shutdown.spec.targets.max_devices == 1


def test_every_registered_task_is_documented() -> None:
    for task in TASKS.values():
        assert task.description and task.kind in ("read", "config", "check")
        assert task.Args.model_config.get("extra") == "forbid"


def _problems(tmp_path: Path, text: str, name: str = "bad") -> list[str]:
    (tmp_path / f"{name}.yaml").write_text(dedent(text))
    with pytest.raises(DataFileError) as caught:
        load_playbooks(tmp_path)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD.replace("name: good", "name: bad") + "colour: red\n",
            "bad.yaml:13: colour: Extra inputs are not permitted",
        ),
        (GOOD, "bad.yaml:1: name: must be 'bad', the file's name"),
        (
            GOOD.replace("name: good", "name: bad").replace("task: config", "task: frobnicate"),
            "bad.yaml:7: steps[0].task: unknown task 'frobnicate' (registered: ",
        ),
        (
            GOOD.replace("name: good", "name: bad").replace("mode: change", "mode: read_only"),
            "bad.yaml:7: steps[0].task: config changes configurations: not allowed in a read_only playbook",
        ),
        (
            GOOD.replace("name: good", "name: bad").replace("huawei_vrp:", "junos:"),
            "bad.yaml:10: steps[0].args.lines.junos: Input should be",
        ),
        (
            GOOD.replace("name: good", "name: bad").replace("${interface}", "${port}"),
            "bad.yaml:10: steps[0].args.lines.huawei_vrp: ${port} is not a parameter of this playbook",
        ),
        (
            GOOD.replace("name: good", "name: bad").replace("type: interface", "type: colour"),
            "bad.yaml:5: parameters.interface.type: Input should be",
        ),
        (
            GOOD.replace("name: good", "name: bad")
            .replace("interface: {", "Interface: {")
            .replace("${interface}", "${Interface}"),
            "parameters: Value error, parameter name 'Interface'",
        ),
        (
            GOOD.replace("name: good", "name: bad")
            + "pre_checks:\n  - task: config\n    args: {lines: {}}\n",
            "bad.yaml:14: pre_checks[0].task: config is a config task; pre_checks takes check tasks",
        ),
        (
            GOOD.replace("name: good", "name: bad")
            .replace("mode: change", "mode: read_only")
            .replace("task: config", "task: reachable")
            .replace(
                "    args:\n      lines:\n        huawei_vrp: |\n          interface ${interface}\n           shutdown\n",
                "",
            ),
            "steps[0].task: reachable is a check task; steps takes read or config tasks",
        ),
        (
            "name: bad\ndescription: x\nmode: read_only\nsteps:\n  - task: commands\n    args: {commands: {huawei_vrp: [reboot]}}\n",
            "bad.yaml:6: steps[0].args.commands: Value error, 'reboot' is not a read-only command on huawei_vrp",
        ),
        (
            "name: bad\ndescription: x\nmode: read_only\nsteps:\n  - task: commands\n    args: {commands: {linux: ['cat /proc/meminfo; rm -rf /']}}\n",
            "no shell metacharacters",
        ),
        (
            "name: bad\ndescription: x\nmode: read_only\nsteps:\n  - task: backup_configs\n  - task: commands\n    args: {commands: {linux: [uptime]}}\n",
            "bad.yaml:6: steps[1]: commands works per device: put it before the run-wide steps",
        ),
        (
            "name: bad\ndescription: x\nmode: change\nsteps:\n  - task: backup_configs\n",
            "bad.yaml:3: mode: a change playbook needs a config step",
        ),
        (
            "name: bad\ndescription: x\nmode: read_only\nsteps: []\n",
            "bad.yaml:4: steps: Tuple should have at least 1 item",
        ),
        (
            "name: bad\ndescription: x\nmode: read_only\nsteps:\n  - task: commands\n    args: {commands: {linux: [uptime]}}\n  - task: commands\n    args: {commands: {linux: [uptime]}, keep: nowhere}\n",
            "bad.yaml:8: steps[1].args.keep: Input should be 'bundle' or 'none'",
        ),
        (
            "name: bad\ndescription: x\nmode: read_only\nmode: change\nsteps: []\n",
            "bad.yaml:4: mode: duplicate key 'mode' (first at line 3)",
        ),
        ("name: bad\n  description: [x\n", "bad.yaml:2: YAML syntax error"),
        ("- just\n- a list\n", "bad.yaml:1: a playbook is a mapping"),
    ],
)
def test_mistakes_are_reported_with_file_line_and_field(
    tmp_path: Path, text: str, expected: str
) -> None:
    problems = _problems(tmp_path, text)
    assert any(expected in p for p in problems), problems


def test_all_problems_of_all_files_at_once(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "name: a\ndescription: x\nmode: sideways\nsteps: [{task: commands}]\n"
    )
    (tmp_path / "b.yaml").write_text(
        GOOD.replace("name: good", "name: b").replace("config", "nope")
    )
    with pytest.raises(DataFileError) as caught:
        load_playbooks(tmp_path)
    files = {p.file.rsplit("/", 1)[-1] for p in caught.value.problems}
    assert files == {"a.yaml", "b.yaml"}
    assert str(caught.value).startswith(f"{len(caught.value.problems)} problems in playbooks")


def test_targets_naming_unknown_inventory_objects(tmp_path: Path, reference: Inventory) -> None:
    (tmp_path / "good.yaml").write_text(
        GOOD + "targets: {sites: [atlantis], names: [core-1, core-9]}\n"
    )
    playbook = load_playbooks(tmp_path)["good"]
    problems = [str(p) for p in check_against(playbook, reference)]
    assert len(problems) == 2 and "'atlantis' is not in inventory" in problems[0]


def test_cli_list_show_tasks_validate(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {
        "NETOPS_STATE_DIR": str(tmp_path),
        "NETOPS_INVENTORY": str(REFERENCE),
        "NETOPS_PLAYBOOKS_DIR": str(SHIPPED),
    }
    listed = runner.invoke(app, ["playbook", "list", "--json"], env=env)
    assert (
        listed.exit_code == 0
        and {p["name"] for p in __import__("json").loads(listed.output)} >= SHIPPED_NAMES
    )
    shown = runner.invoke(app, ["playbook", "show", "shutdown-port"], env=env)
    assert shown.exit_code == 0 and "--param interface=<interface> (required)" in shown.output
    assert runner.invoke(app, ["playbook", "show", "nope"], env=env).exit_code != 0
    tasks = runner.invoke(app, ["playbook", "tasks", "--json"], env=env)
    assert {t["task"] for t in __import__("json").loads(tasks.output)} == set(TASKS)
    assert runner.invoke(app, ["playbook", "validate"], env=env).exit_code == 0
    (tmp_path / "pb").mkdir()
    (tmp_path / "pb" / "x.yaml").write_text("name: x\n")
    broken = runner.invoke(
        app, ["playbook", "validate"], env={**env, "NETOPS_PLAYBOOKS_DIR": str(tmp_path / "pb")}
    )
    assert broken.exit_code == 1
