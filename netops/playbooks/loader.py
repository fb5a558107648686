"""Load ``playbooks/*.yaml``: strict schema, every step's task and arguments checked.

Every problem of every file is collected and reported as ``file:line: field: why``; one bad
playbook makes the folder fail to load (a skipped playbook would look like a missing one).
Beyond the schema:

- the file name is the playbook's name;
- every step names a registered task, of the kind its place allows (checks in
  ``pre_checks``/``post_checks``, read and config tasks in ``steps``, config tasks only in
  ``mode: change`` playbooks, which need at least one);
- each step's ``args`` pass the task's own schema;
- every ``${name}`` refers to a declared parameter or a built-in, with a valid attribute;
- run-scope steps come after the device steps (the order in the file is the order of work).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from netops.errors import DataFileError, Problem
from netops.inventory import Inventory
from netops.playbooks.params import check_reference, references
from netops.playbooks.schema import PHASES, Phase, Playbook, StepSpec
from netops.playbooks.tasks import TASKS, Task, TaskArgs
from netops.yamlfile import YamlDoc, dotted, load_yaml

_KINDS: dict[str, tuple[str, ...]] = {
    "pre_checks": ("check",),
    "steps": ("read", "config"),
    "post_checks": ("check",),
}


@dataclass(frozen=True)
class Step:
    """One step of a loaded playbook: its task and validated (not yet rendered) arguments."""

    phase: Phase
    index: int
    spec: StepSpec
    task: Task
    args: TaskArgs

    @property
    def label(self) -> str:
        return self.spec.name or self.task.name


@dataclass(frozen=True)
class LoadedPlaybook:
    """A playbook as loaded: schema, steps with their tasks, and the file it came from."""

    spec: Playbook
    file: str
    sha256: str
    text: str
    steps: dict[str, tuple[Step, ...]]

    @property
    def name(self) -> str:
        return self.spec.name

    def phase(self, phase: Phase) -> tuple[Step, ...]:
        return self.steps.get(phase, ())

    @property
    def changes_config(self) -> bool:
        return self.spec.mode == "change"


def _walk_strings(
    data: Any, path: tuple[str | int, ...]
) -> list[tuple[tuple[str | int, ...], str]]:
    if isinstance(data, str):
        return [(path, data)]
    if isinstance(data, dict):
        return [x for k, v in data.items() for x in _walk_strings(v, (*path, str(k)))]
    if isinstance(data, list):
        return [x for i, v in enumerate(data) for x in _walk_strings(v, (*path, i))]
    return []


def _problems(doc: YamlDoc, base: tuple[str | int, ...], exc: ValidationError) -> list[Problem]:
    out = []
    for error in exc.errors():
        loc = (*base, *(p for p in error["loc"] if p != "[key]"))  # a dict key's own error
        out.append(Problem(doc.file, doc.line(loc), dotted(loc), error["msg"]))
    return out


def parse_playbook(
    doc: YamlDoc, text: str, stem: str
) -> tuple[LoadedPlaybook | None, list[Problem]]:
    """One playbook from a parsed file; the problems found (None when any)."""
    problems: list[Problem] = []
    if not isinstance(doc.data, dict):
        return None, [Problem(doc.file, 1, "", "a playbook is a mapping (name, description, ...)")]
    try:
        spec = Playbook.model_validate(doc.data)
    except ValidationError as exc:
        return None, _problems(doc, (), exc)
    if spec.name != stem:
        problems.append(
            Problem(doc.file, doc.line(("name",)), "name", f"must be {stem!r}, the file's name")
        )
    steps: dict[str, tuple[Step, ...]] = {}
    config_steps = 0
    seen_run_scope = False
    for phase in PHASES:
        built: list[Step] = []
        for i, step in enumerate(getattr(spec, phase)):
            where: tuple[str | int, ...] = (phase, i)
            task = TASKS.get(step.task)
            if task is None:
                known = ", ".join(sorted(TASKS))
                problems.append(
                    Problem(
                        doc.file,
                        doc.line((*where, "task")),
                        dotted((*where, "task")),
                        f"unknown task {step.task!r} (registered: {known})",
                    )
                )
                continue
            if task.kind not in _KINDS[phase]:
                allowed = " or ".join(_KINDS[phase])
                problems.append(
                    Problem(
                        doc.file,
                        doc.line((*where, "task")),
                        dotted((*where, "task")),
                        f"{step.task} is a {task.kind} task; {phase} takes {allowed} tasks",
                    )
                )
                continue
            if task.kind == "config":
                config_steps += 1
                if spec.mode != "change":
                    problems.append(
                        Problem(
                            doc.file,
                            doc.line((*where, "task")),
                            dotted((*where, "task")),
                            f"{step.task} changes configurations: not allowed in a read_only playbook",
                        )
                    )
            if phase == "steps":
                if task.scope == "run":
                    seen_run_scope = True
                elif seen_run_scope:
                    problems.append(
                        Problem(
                            doc.file,
                            doc.line(where),
                            dotted(where),
                            f"{step.task} works per device: put it before the run-wide steps",
                        )
                    )
            for path, value in _walk_strings(step.args, (*where, "args")):
                for name, attribute in references(value):
                    why = check_reference(name, attribute, spec.parameters)
                    if why:
                        problems.append(Problem(doc.file, doc.line(path), dotted(path), why))
            try:
                args = task.Args.model_validate(step.args)
            except ValidationError as exc:
                problems.extend(_problems(doc, (*where, "args"), exc))
                continue
            built.append(Step(phase, i, step, task, args))
        steps[phase] = tuple(built)
    if spec.mode == "change" and config_steps == 0:
        problems.append(
            Problem(doc.file, doc.line(("mode",)), "mode", "a change playbook needs a config step")
        )
    if problems:
        return None, problems
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedPlaybook(spec, doc.file, digest, text, steps), []


def load_playbooks(folder: Path) -> dict[str, LoadedPlaybook]:
    """Every playbook in ``folder`` by name; DataFileError with every problem of every file."""
    if not folder.is_dir():
        raise DataFileError(
            [Problem(str(folder), None, "", "no such playbooks folder")], "playbooks"
        )
    problems: list[Problem] = []
    out: dict[str, LoadedPlaybook] = {}
    for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
        doc = load_yaml(path, problems)
        if doc is None:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:  # pragma: no cover - load_yaml read it a moment ago
            problems.append(Problem(str(path), None, "", f"cannot read: {exc}"))
            continue
        loaded, found = parse_playbook(doc, text, path.stem)
        problems.extend(found)
        if loaded is not None:
            out[loaded.name] = loaded
    if problems:
        raise DataFileError(problems, "playbooks")
    return out


def check_against(playbook: LoadedPlaybook, inventory: Inventory) -> list[Problem]:
    """Target filters naming sites, zones or devices the inventory does not have."""
    t = playbook.spec.targets
    problems = []
    for field, names, known in (
        ("sites", t.sites, inventory.site_by_name),
        ("zones", t.zones, inventory.zone_by_name),
        ("names", t.names, inventory.device_by_name),
    ):
        for name in names:
            if name not in known:
                problems.append(
                    Problem(
                        playbook.file,
                        None,
                        f"targets.{field}",
                        f"{name!r} is not in inventory {inventory.source}",
                    )
                )
    return problems
