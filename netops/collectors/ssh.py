"""SSH collection: run a platform's ``cli:`` commands on a device and turn the text into records.

Transport and parsing are apart: :func:`records_from` takes any ``send(command) -> text``
(a live :class:`~netops.transports.ssh.SshSession`, or a replay of recorded outputs), so
the same code is tested on fixtures and runs against devices. A device that fails is a
:class:`~netops.models.PollResult` with its reason; one record kind that fails to parse
(or whose command the device refuses, see the profile's ``errors``) makes the poll
``partial`` and keeps the others.

Records of one kind that describe the same thing are merged (:data:`MERGE_KEYS`): H3C
Comware's ``display arp`` lists every entry, those of VPN instances included, and
``display arp vpn-instance X`` lists X's again -- merged on (ip, mac, interface), the
entry keeps the VRF the per-VPN listing gave it and appears once. When a device's VRFs
and interfaces are both collected, each interface gets the VRF it is bound to.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from netops.collectors.cli import CliCommand, CliSection
from netops.collectors.masking import mask_secrets
from netops.collectors.normalize import expand_interfaces, map_row
from netops.collectors.parsers import PARSERS
from netops.collectors.profiles import load_profile_files, resolve
from netops.collectors.targets import ssh_target
from netops.credentials import Secrets
from netops.endpoints import DeviceEndpoints
from netops.errors import CredentialError, DataFileError, NetopsError, Problem, TransportError
from netops.inventory import Device, Inventory
from netops.models import RECORD_KINDS, PollResult, Record
from netops.settings import SshSettings
from netops.transports.ssh import SshSession

log = logging.getLogger(__name__)

Send = Callable[[str], str]

#: Records of these kinds that share the key are one record (later commands fill gaps).
MERGE_KEYS: dict[str, tuple[str, ...]] = {
    "vrf": ("name",),
    "interface": ("name",),
    "route": ("vrf", "prefix", "next_hop", "protocol", "next_hop_vrf"),
    "arp": ("ip", "mac", "interface"),
}
#: How many leading lines of an output are searched for the platform's error messages.
_ERROR_LINES = 3


# -- profiles ---------------------------------------------------------------------------------
def cli_sections(folder: Path) -> dict[str, CliSection]:
    """``{platform: CliSection}`` for every profile with a platform and a ``cli:`` section."""
    files = load_profile_files(folder)
    sections: dict[str, CliSection] = {}
    problems: list[Problem] = []
    for name, (doc, profile) in files.items():
        if profile.platform is None:
            continue
        merged = resolve(files, name).get("cli")
        if not merged:
            continue
        try:
            section = CliSection.model_validate(merged)
        except ValidationError as exc:
            problems.extend(
                Problem(doc.file, doc.line(("cli",)), "cli", e["msg"]) for e in exc.errors()
            )
            continue
        if section.device_type is None:
            problems.append(
                Problem(
                    doc.file, doc.line(("cli",)), "cli.device_type", "missing (own or inherited)"
                )
            )
            continue
        sections[profile.platform] = section
    if problems:
        raise DataFileError(problems, "profiles")
    return sections


# -- parsing ----------------------------------------------------------------------------------
def parse(command: CliCommand, text: str, command_line: str | None = None) -> list[dict[str, Any]]:
    """Rows of record fields from one command's output."""
    if command.parser is not None:
        rows = PARSERS[command.parser](text)
    else:
        from ntc_templates.parse import parse_output

        assert command.textfsm is not None
        rows = parse_output(
            platform=command.textfsm, command=command_line or command.command, data=text
        )
    return [map_row(row, command.fields, command.constants, command.values) for row in rows]


def _merge(kind: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = MERGE_KEYS.get(kind)
    if keys is None:
        return rows
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(row.get(k) for k in keys)
        if key not in merged:
            merged[key] = dict(row)
            continue
        into = merged[key]
        for name, value in row.items():
            if isinstance(value, list) and isinstance(into.get(name), list):
                into[name] = list(dict.fromkeys([*into[name], *value]))
            elif into.get(name) in (None, [], ()) and value not in (None, [], ()):
                into[name] = value
    return list(merged.values())


@dataclass
class Collected:
    """Records of one device by kind, plus the kinds that failed and why."""

    records: dict[str, list[Record]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def records_from(
    device: str,
    cli: CliSection,
    send: Send,
    kinds: Iterable[str] | None = None,
    *,
    mask_key: bytes | None = None,
) -> Collected:
    """Run ``cli``'s commands through ``send`` and build the records (``vrf`` first).

    ``mask_key``: the installation's masking key (keyed placeholders in ``config``).
    """
    wanted = list(kinds) if kinds is not None else list(cli.records)
    order = sorted(wanted, key=lambda k: (k != "vrf", wanted.index(k)))
    out = Collected()
    vrfs: list[str] = []
    for kind in order:
        commands = cli.records.get(kind)
        if commands is None:
            continue
        try:
            rows = _run_kind(kind, commands, send, vrfs, cli, mask_key)
        except TransportError as exc:
            out.errors[kind] = f"{exc.reason}: {exc}"
            if exc.reason in ("timeout", "refused", "unreachable", "auth"):
                for rest in order[order.index(kind) + 1 :]:
                    out.errors.setdefault(rest, "skipped: the session failed")
                break
            continue
        except Exception as exc:  # a parser bug on odd output fails one kind, not the poll
            log.warning("%s: parsing %s failed: %s", device, kind, type(exc).__name__)
            out.errors[kind] = f"malformed: {type(exc).__name__}: {exc}"
            continue
        model = RECORD_KINDS[kind]
        built: list[Record] = []
        bad = []
        for row in rows:
            try:
                built.append(model.model_validate({**row, "device": device}))
            except ValidationError as exc:
                bad.append(f"{exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}")
        if bad:
            out.errors[kind] = f"malformed: {len(bad)} row(s) rejected, first: {bad[0]}"
        out.records[kind] = built
        if kind == "vrf":
            vrfs = [getattr(r, "name", "") for r in built]
    _bind_interfaces(out)
    return out


def _bind_interfaces(out: Collected) -> None:
    """Interface records get the VRF whose ``interfaces`` list names them."""
    bound = {
        iface: getattr(vrf, "name", None)
        for vrf in out.records.get("vrf", [])
        for iface in getattr(vrf, "interfaces", ())
    }
    if not bound or "interface" not in out.records:
        return
    out.records["interface"] = [
        r.model_copy(update={"vrf": bound[name]})
        if (name := getattr(r, "name", None)) in bound and getattr(r, "vrf", None) is None
        else r
        for r in out.records["interface"]
    ]


def refusal(text: str, errors: list[str]) -> str | None:
    """The line of ``text`` (among its first few) that says the device refused the command."""
    if not errors:
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()][:_ERROR_LINES]
    for line in lines:
        if any(re.search(regex, line) for regex in errors):
            return line
    return None


def config_fetcher(
    inv: Inventory,
    sections: dict[str, CliSection],
    settings: SshSettings,
    secrets: Secrets,
    endpoints: dict[str, DeviceEndpoints] | None = None,
    mask_key: bytes | None = None,
) -> Callable[[Device], str]:
    """``fetch(device) -> masked running config`` over SSH, for config backups."""

    def fetch(device: Device) -> str:
        cli = sections.get(device.platform.value)
        if cli is None or "config" not in cli.records:
            raise TransportError(
                "error", f"no cli 'config' record for platform {device.platform.value}"
            )
        with open_session(inv, device, cli, settings, secrets, endpoints) as session:
            collected = records_from(device.name, cli, session.send, ["config"], mask_key=mask_key)
        if "config" in collected.errors:
            reason, _, message = collected.errors["config"].partition(": ")
            raise TransportError(reason if reason else "error", message or reason)
        records = collected.records.get("config", [])
        if not records:
            raise TransportError("malformed", "the device returned no configuration")
        return str(getattr(records[0], "text", ""))

    return fetch


def _run_kind(
    kind: str,
    commands: list[CliCommand],
    send: Send,
    vrfs: list[str],
    cli: CliSection,
    mask_key: bytes | None = None,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    texts: list[str] = []
    for command in commands:
        if kind == "vrf" and command.foreach:  # names found by this kind's earlier commands
            vrfs = list(dict.fromkeys(r["name"] for r in rows if r.get("name")))
        runs = (
            [(v, command.command.format(vrf=v)) for v in vrfs]
            if command.foreach
            else [(None, command.command)]
        )
        for vrf, line in runs:
            text = send(line)
            refused = refusal(text, cli.errors)
            if refused is not None:
                raise TransportError("rejected", f"the device refused {line!r}: {refused}")
            if kind == "config":
                texts.extend(r["text"] for r in parse(command, text, line) if r.get("text"))
                continue
            for row in parse(command, text, line):
                expand_interfaces(kind, row, cli.interface_names)
                if (
                    vrf is not None
                    and "vrf" in RECORD_KINDS[kind].model_fields
                    and not row.get("vrf")
                ):
                    row["vrf"] = vrf
                rows.append(row)
    if kind == "config":
        if not texts:
            return []
        return [{"text": mask_secrets("\n".join(texts), mask_key)}]
    return _merge(kind, rows)


# -- devices ----------------------------------------------------------------------------------
@dataclass
class DevicePoll:
    """One device's SSH collection: its records and the poll result."""

    device: str
    collected: Collected
    result: PollResult


def open_session(
    inv: Inventory,
    device: Device,
    cli: CliSection,
    settings: SshSettings,
    secrets: Secrets,
    endpoints: dict[str, DeviceEndpoints] | None = None,
) -> SshSession:
    """A (not yet connected) session to ``device`` with its platform's device type."""
    target = ssh_target(inv, device, secrets, endpoints)
    return SshSession(
        target,
        cli.device_type,
        timeout=settings.timeout,
        command_timeout=settings.command_timeout,
        known_hosts=settings.known_hosts,
    )


def poll_device(
    device: Device,
    cli: CliSection,
    session: Callable[[], SshSession],
    kinds: Iterable[str] | None = None,
    mask_key: bytes | None = None,
) -> DevicePoll:
    """Collect one device; every failure ends up in the PollResult, never raised."""
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    collected = Collected()
    reason: str | None = None
    error: str | None = None
    try:
        with session() as s:
            collected = records_from(device.name, cli, s.send, kinds, mask_key=mask_key)
    except TransportError as exc:
        reason, error = exc.reason, str(exc)
    except CredentialError as exc:
        reason, error = "auth", str(exc)
    except NetopsError as exc:
        reason, error = "error", str(exc)
    except Exception as exc:
        log.exception("ssh collection of %s failed unexpectedly", device.name)
        reason, error = "error", f"{type(exc).__name__}: {exc}"
    if reason is None and collected.errors:
        reason = "partial"
        error = "; ".join(f"{k}: {v}" for k, v in sorted(collected.errors.items()))
    result = PollResult(
        device=device.name,
        transport="ssh",
        ok=reason is None,
        reason=reason,
        error=mask_secrets(error) if error else None,
        started_at=started,
        duration_seconds=time.perf_counter() - t0,
        record_counts={k: len(v) for k, v in collected.records.items()},
    )
    return DevicePoll(device.name, collected, result)


def poll_devices(
    inv: Inventory,
    devices: Sequence[Device],
    sections: dict[str, CliSection],
    settings: SshSettings,
    secrets: Secrets,
    endpoints: dict[str, DeviceEndpoints] | None = None,
    kinds: Iterable[str] | None = None,
    progress: Callable[[DevicePoll], None] | None = None,
    mask_key: bytes | None = None,
) -> list[DevicePoll]:
    """Collect many devices, ``settings.concurrency`` sessions at a time."""
    wanted = list(kinds) if kinds is not None else None

    def one(device: Device) -> DevicePoll:
        cli = sections.get(device.platform.value)
        if cli is None:
            now = datetime.now(UTC)
            return DevicePoll(
                device.name,
                Collected(),
                PollResult(
                    device=device.name,
                    transport="ssh",
                    ok=False,
                    reason="error",
                    error=f"no cli profile for platform {device.platform.value}",
                    started_at=now,
                    duration_seconds=0.0,
                ),
            )
        poll = poll_device(
            device,
            cli,
            lambda: open_session(inv, device, cli, settings, secrets, endpoints),
            wanted,
            mask_key,
        )
        if progress is not None:
            progress(poll)
        return poll

    with ThreadPoolExecutor(max_workers=max(1, settings.concurrency)) as pool:
        return list(pool.map(one, devices))
