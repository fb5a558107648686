"""Pre- and post-checks: the configuration holds (or lacks) lines; a command's output; login works.

In a dry-run the post-checks that read the configuration are evaluated on the *predicted*
candidate (a plan that would not pass its own post-checks shows up before anything is
sent); those that need the changed device answer "not evaluated".
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import field_validator

from netops.errors import PlaybookError, TransportError
from netops.inventory import Device, Platform
from netops.playbooks import configtree
from netops.playbooks.context import DeviceContext
from netops.playbooks.params import canonical_interface, render
from netops.playbooks.session import PLATFORM_CLI, probe
from netops.playbooks.tasks import register
from netops.playbooks.tasks.base import CheckOutcome, Task, TaskArgs

_NOT_LIVE = "not evaluated: needs the changed device (dry-run)"


def _regex(value: str | None) -> str | None:
    if value is not None and "${" not in value:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
    return value


class ConfigContainsArgs(TaskArgs):
    view: str | tuple[str, ...] | None = None
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    match: Literal["exact", "prefix", "regex"] = "exact"
    view_must_exist: bool = True


def _matches(line: str, wanted: str, how: str) -> bool:
    if how == "exact":
        return line == wanted
    if how == "prefix":
        return line == wanted or line.startswith(wanted + " ")
    return re.search(wanted, line) is not None


@register
class ConfigContains(Task):
    name = "config_contains"
    description = "The configuration (in a view) has every 'present' line and no 'absent' line"
    kind = "check"
    Args = ConfigContainsArgs

    def unsupported(self, device: Device, args: ConfigContainsArgs) -> str | None:
        if configtree.dialect_of(device.platform.value) is None:
            return f"no configuration checks on {device.platform.value} devices"
        return None

    def check(self, ctx: DeviceContext, args: ConfigContainsArgs) -> CheckOutcome:
        values = ctx.values
        path = [args.view] if isinstance(args.view, str) else list(args.view or ())
        path = [" ".join(render(p, values).split()) for p in path]
        node: configtree.Node | None = ctx.config_tree()
        for header in path:
            node = node.child(header) if node is not None else None
        where = " > ".join(path) if path else "global view"
        said = "(predicted) " if ctx.evaluating_prediction else ""
        if node is None:
            if args.view_must_exist:
                return CheckOutcome(False, f"{said}no '{where}' in the configuration")
            node = configtree.Node("")
        lines = [c.line for c in node.children]
        missing = [
            w
            for w in (" ".join(render(p, values).split()) for p in args.present)
            if not any(_matches(line, w, args.match) for line in lines)
        ]
        found = [
            line
            for w in (" ".join(render(a, values).split()) for a in args.absent)
            for line in lines
            if _matches(line, w, args.match)
        ]
        if missing or found:
            parts = []
            if missing:
                parts.append("missing " + ", ".join(repr(m) for m in missing))
            if found:
                parts.append("has " + ", ".join(repr(f) for f in found))
            return CheckOutcome(False, f"{said}{where}: {'; '.join(parts)}")
        return CheckOutcome(True, f"{said}{where}: as expected")


class CommandOutputArgs(TaskArgs):
    command: dict[Platform, str]
    matches: str | None = None
    not_matches: str | None = None

    _check_matches = field_validator("matches", "not_matches")(_regex)


@register
class CommandOutput(Task):
    name = "command_output"
    description = "A show/display command's output matches 'matches' and not 'not_matches'"
    kind = "check"
    Args = CommandOutputArgs

    def unsupported(self, device: Device, args: CommandOutputArgs) -> str | None:
        from netops.playbooks.tasks.commands import read_only_problem

        if device.platform not in args.command:
            return f"no command for platform {device.platform.value}"
        return read_only_problem(device.platform.value, args.command[device.platform])

    def check(self, ctx: DeviceContext, args: CommandOutputArgs) -> CheckOutcome:
        from netops.playbooks.tasks.commands import read_only_problem

        if ctx.evaluating_prediction:
            return CheckOutcome(None, _NOT_LIVE)
        values = ctx.values
        command = render(args.command[ctx.device.platform], values)
        problem = read_only_problem(ctx.platform, command)
        if problem:
            return CheckOutcome(False, problem)
        output = ctx.session().send(command)
        if args.matches and not re.search(render(args.matches, values), output, re.M):
            return CheckOutcome(False, f"{command}: no match for {args.matches!r}")
        if args.not_matches:
            bad = re.search(render(args.not_matches, values), output, re.M)
            if bad:
                return CheckOutcome(False, f"{command}: has {bad.group(0).strip()!r}")
        return CheckOutcome(True, f"{command}: as expected")


class ReachableArgs(TaskArgs):
    new_session: bool = True


@register
class Reachable(Task):
    name = "reachable"
    description = "A login and a harmless command work (post-check: in a NEW session)"
    kind = "check"
    Args = ReachableArgs

    def check(self, ctx: DeviceContext, args: ReachableArgs) -> CheckOutcome:
        if ctx.evaluating_prediction:
            return CheckOutcome(None, _NOT_LIVE)
        fresh = args.new_session and ctx.phase == "post_checks"
        try:
            session = ctx.new_session() if fresh else ctx.session()
            probe(session, ctx.platform)
        except (TransportError, PlaybookError) as exc:
            return CheckOutcome(False, f"cannot work on the device: {exc}")
        command = PLATFORM_CLI.get(ctx.platform, PLATFORM_CLI["huawei_vrp"]).probe
        return CheckOutcome(True, f"{'new ' if fresh else ''}session ok ({command})")


class NotLinkedArgs(TaskArgs):
    interface: str


@register
class InterfaceNotLinked(Task):
    name = "interface_not_linked"
    description = (
        "The interface is not an end of a link the inventory declares (never shut an uplink)"
    )
    kind = "check"
    Args = NotLinkedArgs

    def check(self, ctx: DeviceContext, args: NotLinkedArgs) -> CheckOutcome:
        wanted = render(args.interface, ctx.values)
        dialect = ctx.dialect
        for link in ctx.run.inventory.links_of(ctx.device.name):
            for end in (link.a, link.b):
                if end.device != ctx.device.name:
                    continue
                if canonical_interface(end.interface, dialect) == wanted:
                    return CheckOutcome(
                        False,
                        f"{wanted} is the inventory link {link}"
                        + (f" ({link.description})" if link.description else ""),
                    )
        return CheckOutcome(True, f"{wanted} is not a declared link")


class FindingArgs(TaskArgs):
    interface: str
    checks: tuple[str, ...] = ("IS-01",)
    required: bool = False


@register
class IsolationFinding(Task):
    name = "isolation_finding"
    description = (
        "An open isolation finding (IS-01) names this port (either end): its evidence is audited"
    )
    kind = "check"
    Args = FindingArgs

    def check(self, ctx: DeviceContext, args: FindingArgs) -> CheckOutcome:
        from netops.store.findings import FindingHistory

        wanted = render(args.interface, ctx.values)
        name = ctx.device.name
        for tracked in FindingHistory(ctx.run.store).open_findings():
            f = tracked.finding
            if f.check_id not in args.checks or f.verdict != "FAIL":
                continue
            for ev in f.evidence:  # this end's LLDP, or the far end's naming this port
                here = (ev.device, ev.data.get("local_interface"))
                there = (ev.data.get("remote_system_name"), ev.data.get("remote_port_id"))
                if any(
                    who == name and port and canonical_interface(str(port), ctx.dialect) == wanted
                    for who, port in (here, there)
                ):
                    return CheckOutcome(
                        True,
                        f"{f.check_id} open since {tracked.first_seen:%Y-%m-%d %H:%M}Z: {f.summary} [{ev.text}]",
                    )
        message = f"no open {'/'.join(args.checks)} finding names {name} {wanted}"
        return CheckOutcome(False if args.required else None, message)
