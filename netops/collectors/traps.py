"""SNMP trap receiver: notifications become events, stored, counted, optionally alerted.

Known traps (SNMPv2-MIB / IF-MIB, RFC 3418 / RFC 2863): coldStart, warmStart, linkDown,
linkUp, authenticationFailure. Others are stored as ``trap.other`` with their OID, and
counted under ``trap="other"`` (labels stay bounded). The sending device is found by its
address: the inventory's management address, or the endpoints file's SNMP host.

With ``traps.alertmanager_url`` set, linkDown/coldStart/warmStart/authenticationFailure are
POSTed to Alertmanager's ``/api/v2/alerts`` (alertname ``SnmpTrap<Name>``); a linkUp
resolves the matching linkDown alert at once, the others end after
``traps.alert_resolve_seconds``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from netops.credentials import load_secrets
from netops.endpoints import load_endpoints
from netops.inventory import Inventory, load_inventory
from netops.models import Event
from netops.models.findings import Severity
from netops.settings import Settings
from netops.store import Store
from netops.store.stats import update_stats
from netops.transports.snmp.trap import TrapDecoder, TrapError, TrapMessage, listen
from netops.transports.snmp.types import OID, Tag, VarBind, format_oid
from netops.transports.snmp.usm import UsmUser

log = logging.getLogger(__name__)

TRAPS_RECEIVED = "traps_received"
TRAPS_REFUSED = "traps_refused"

#: trap OID -> (name, severity)
KNOWN_TRAPS: dict[OID, tuple[str, Severity]] = {
    (1, 3, 6, 1, 6, 3, 1, 1, 5, 1): ("coldStart", "warning"),
    (1, 3, 6, 1, 6, 3, 1, 1, 5, 2): ("warmStart", "warning"),
    (1, 3, 6, 1, 6, 3, 1, 1, 5, 3): ("linkDown", "major"),
    (1, 3, 6, 1, 6, 3, 1, 1, 5, 4): ("linkUp", "info"),
    (1, 3, 6, 1, 6, 3, 1, 1, 5, 5): ("authenticationFailure", "warning"),
}
_ALERTING = {"coldStart", "warmStart", "linkDown", "authenticationFailure"}
_IF_INDEX = (1, 3, 6, 1, 2, 1, 2, 2, 1, 1)
_IF_DESCR = (1, 3, 6, 1, 2, 1, 2, 2, 1, 2)
_IF_NAME = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1)
_IF_ADMIN = (1, 3, 6, 1, 2, 1, 2, 2, 1, 7)
_IF_OPER = (1, 3, 6, 1, 2, 1, 2, 2, 1, 8)
_STATUS = {1: "up", 2: "down", 3: "testing", 4: "unknown", 5: "dormant", 6: "notPresent",
           7: "lowerLayerDown"}  # fmt: skip


def _value(vb: VarBind) -> Any:
    if isinstance(vb.value, bytes):
        if vb.tag == Tag.IP_ADDRESS and len(vb.value) == 4:
            return ".".join(str(b) for b in vb.value)
        return vb.value.decode("utf-8", "replace")
    if isinstance(vb.value, tuple):
        return format_oid(vb.value)
    return vb.value


def _column(vbs: tuple[VarBind, ...], column: OID) -> tuple[VarBind | None, OID]:
    n = len(column)
    for vb in vbs:
        if vb.oid[:n] == column and len(vb.oid) > n:
            return vb, vb.oid[n:]
    return None, ()


def device_by_address(inv: Inventory, endpoints: dict[str, Any] | None) -> dict[str, str]:
    """Address -> device name (endpoints file hosts win: in the lab many share 127.x)."""
    out = {str(d.mgmt_address): d.name for d in inv.devices}
    for name, entry in (endpoints or {}).items():
        snmp = getattr(entry, "snmp", None)
        if snmp is not None and snmp.host not in ("127.0.0.1", "localhost", "::1"):
            out[snmp.host] = name
    return out


def to_event(message: TrapMessage, devices: dict[str, str]) -> tuple[Event, str]:
    """The event for one notification, and its bounded trap label."""
    name, severity = KNOWN_TRAPS.get(message.trap_oid, ("other", "info"))
    address = message.agent_address or message.source[0]
    device = devices.get(address)
    details: dict[str, Any] = {
        "trap_oid": format_oid(message.trap_oid),
        "source": message.source[0],
        "version": message.version,
        "uptime_seconds": None if message.uptime is None else message.uptime / 100.0,
        "varbinds": {format_oid(vb.oid): _value(vb) for vb in message.varbinds},
    }
    if message.user:
        details["user"] = message.user
    summary = f"{name} from {device or address}"
    if name in ("linkDown", "linkUp"):
        index_vb, _ = _column(message.varbinds, _IF_INDEX)
        admin, suffix = _column(message.varbinds, _IF_ADMIN)
        oper, _ = _column(message.varbinds, _IF_OPER)
        if_index: Any = index_vb.value if index_vb is not None else (suffix[0] if suffix else None)
        descr, _ = _column(message.varbinds, _IF_NAME)
        if descr is None:
            descr, _ = _column(message.varbinds, _IF_DESCR)
        interface = _value(descr) if descr is not None else None
        details.update(
            {
                "if_index": if_index,
                "interface": interface,
                "admin_status": _STATUS.get(admin.value)
                if admin and isinstance(admin.value, int)
                else None,
                "oper_status": _STATUS.get(oper.value)
                if oper and isinstance(oper.value, int)
                else None,
            }
        )
        summary += (
            f": {interface or f'ifIndex {if_index!s}'} {'down' if name == 'linkDown' else 'up'}"
        )
    elif name == "other":
        summary += f" ({format_oid(message.trap_oid)})"
    event = Event(
        time=datetime.now(UTC),
        kind=f"trap.{name}",
        device=device,
        severity=severity,
        summary=summary,
        details=details,
    )
    return event, name


def alert_for(event: Event, resolve_after: float) -> dict[str, Any] | None:
    """The Alertmanager alert (API v2) an event raises or resolves, if any."""
    name = event.kind.removeprefix("trap.")
    if name not in _ALERTING and name != "linkUp":
        return None
    interface = event.details.get("interface") or (
        str(event.details["if_index"]) if event.details.get("if_index") is not None else ""
    )
    labels = {
        "alertname": "SnmpTrapLinkDown"
        if name in ("linkDown", "linkUp")
        else f"SnmpTrap{name[0].upper()}{name[1:]}",
        "device": event.device or event.details.get("source", ""),
        "severity": "warning" if event.severity in ("info", "warning") else "critical",
        "source": "netops-traps",
    }
    if name in ("linkDown", "linkUp"):
        labels["interface"] = interface
        if name == "linkUp":
            labels["severity"] = "critical"  # same label set as the linkDown it resolves
    ends = event.time if name == "linkUp" else event.time + timedelta(seconds=resolve_after)
    return {
        "labels": labels,
        "annotations": {"summary": event.summary},
        "startsAt": event.time.isoformat(),
        "endsAt": ends.isoformat(),
    }


class TrapHandler:
    """Turns accepted notifications into stored, counted (and alerted) events, in batches."""

    def __init__(
        self,
        store: Store,
        devices: dict[str, str],
        alertmanager_url: str | None = None,
        resolve_after: float = 300.0,
        on_event: Callable[[Event], None] | None = None,
    ) -> None:
        self.store = store
        self.devices = devices
        self.alertmanager_url = alertmanager_url
        self.resolve_after = resolve_after
        self.on_event = on_event
        self._pending: list[tuple[Event, str]] = []
        self._refused: dict[str, int] = {}
        self.received = 0

    def message(self, message: TrapMessage) -> None:
        event, label = to_event(message, self.devices)
        self._pending.append((event, label))
        self.received += 1
        if self.on_event is not None:
            self.on_event(event)

    def refused(self, error: TrapError) -> None:
        self._refused[error.reason] = self._refused.get(error.reason, 0) + 1

    async def flush(self) -> None:
        """Write pending events and counters (off the loop), push alerts."""
        pending, self._pending = self._pending, []
        refused, self._refused = self._refused, {}
        if not pending and not refused:
            return
        counts: dict[str, int] = {}
        for _, label in pending:
            counts[label] = counts.get(label, 0) + 1

        def write() -> None:
            if pending:
                self.store.add_events([e for e, _ in pending])
            update_stats(
                self.store,
                add=[(TRAPS_RECEIVED, {"trap": k}, float(v)) for k, v in counts.items()]
                + [(TRAPS_REFUSED, {"reason": k}, float(v)) for k, v in refused.items()],
            )

        await asyncio.to_thread(write)
        if self.alertmanager_url:
            alerts = [a for e, _ in pending if (a := alert_for(e, self.resolve_after))]
            if alerts:
                await self._push(alerts)

    async def _push(self, alerts: list[dict[str, Any]]) -> None:
        import httpx

        url = self.alertmanager_url.rstrip("/") + "/api/v2/alerts"  # type: ignore[union-attr]
        try:
            async with httpx.AsyncClient(timeout=5.0) as client:
                response = await client.post(url, json=alerts)
                response.raise_for_status()
        except httpx.HTTPError as exc:
            log.warning("pushing %d trap alerts to %s failed: %s", len(alerts), url, exc)


def trap_users(settings: Settings, inv: Inventory) -> list[UsmUser]:
    """The SNMPv3 users traps may come from: the named auth profiles' users and keys."""
    secrets = load_secrets(settings.secrets_file)
    users = []
    for name in settings.traps.auth_profiles:
        profile = inv.auth_profile_by_name.get(name)
        if profile is None or profile.snmp is None or profile.snmp.user is None:
            raise ValueError(f"traps.auth_profiles: {name!r} is not an SNMPv3 auth profile")
        users.append(
            UsmUser(
                profile.snmp.user,
                profile.snmp.auth_protocol,
                secrets.require(name, "auth_key") if profile.snmp.auth_protocol else None,
                profile.snmp.priv_protocol,
                secrets.require(name, "priv_key") if profile.snmp.priv_protocol else None,
            )
        )
    return users


async def serve(
    settings: Settings,
    inv: Inventory,
    host: str,
    port: int,
    stop: asyncio.Event,
    endpoints: dict[str, Any] | None = None,
    ready: Callable[[tuple[str, int]], None] | None = None,
) -> None:
    """Receive until ``stop`` is set; flush events every 0.5 s."""
    communities = [c.get_secret_value() for c in settings.traps.communities] or None
    decoder = TrapDecoder(communities=communities, users=trap_users(settings, inv))
    store = Store.from_settings(settings)
    handler = TrapHandler(
        store,
        device_by_address(inv, endpoints),
        settings.traps.alertmanager_url,
        settings.traps.alert_resolve_seconds,
    )
    transport = await listen(host, port, decoder, handler.message, handler.refused)
    if ready is not None:
        ready(transport.get_extra_info("sockname"))
    try:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=0.5)
            await handler.flush()
    finally:
        transport.close()
        await handler.flush()
        store.close()


def run_receiver(
    settings: Settings, inventory: Path, host: str, port: int, endpoints: Path | None
) -> None:
    """``netops traps``: run until SIGINT/SIGTERM."""
    inv = load_inventory(inventory)
    eps = load_endpoints(endpoints) if endpoints else None

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(
            settings,
            inv,
            host,
            port,
            stop,
            eps,
            ready=lambda addr: log.warning("receiving traps on %s:%s", addr[0], addr[1]),
        )

    asyncio.run(main())
