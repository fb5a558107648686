"""Time series to an InfluxDB v2 write API (``influxdb-client``), batched, retried, never blocking.

Off unless ``settings.influx.url`` is set. Points (line protocol):

- ``netops_interface,device=D,interface=I oper_up=1i,admin_up=1i,in_octets=..i,
  out_octets=..i,in_errors=..i,out_errors=..i,in_bps=..,out_bps=..,speed_bps=..i``
- ``netops_health,device=D,entity=E cpu_percent=..,memory_percent=..,temperature_celsius=..``
- ``netops_poll,device=D,transport=snmp ok=1i,duration_seconds=..,overran=0i``

``influxdb-client``'s batching write API sends from its own thread with exponential
back-off retries; :meth:`InfluxWriter.write_poll` only queues. At most
``max_buffer`` points wait: beyond that new points are dropped and counted
(``dropped``) rather than letting memory grow while the server is away.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from netops.collectors.snmp_poller import DevicePoll
from netops.models import EntityHealth, Interface
from netops.settings import InfluxSettings

log = logging.getLogger(__name__)


def _escape_tag(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ")


def _field(value: Any) -> str:
    if isinstance(value, bool):
        return "1i" if value else "0i"
    if isinstance(value, int):
        return f"{value}i"
    return repr(float(value))


def _line(measurement: str, tags: dict[str, str], fields: dict[str, Any], ns: int) -> str | None:
    kept = {k: v for k, v in fields.items() if v is not None}
    if not kept:
        return None
    tag_text = ",".join(f"{k}={_escape_tag(v)}" for k, v in sorted(tags.items()) if v)
    field_text = ",".join(f"{k}={_field(v)}" for k, v in kept.items())
    return f"{measurement},{tag_text} {field_text} {ns}"


def poll_lines(poll: DevicePoll) -> list[str]:
    """The line-protocol points of one device poll."""
    ns = int((poll.result.started_at.timestamp() + poll.result.duration_seconds) * 1_000_000_000)
    lines: list[str | None] = [
        _line(
            "netops_poll",
            {"device": poll.device, "transport": poll.result.transport},
            {
                "ok": poll.result.ok,
                "duration_seconds": poll.result.duration_seconds,
                "overran": poll.result.overran,
            },
            ns,
        )
    ]
    for iface in poll.records.get("interface", []):
        assert isinstance(iface, Interface)
        lines.append(
            _line(
                "netops_interface",
                {"device": poll.device, "interface": iface.name},
                {
                    "oper_up": None if iface.oper_status is None else iface.oper_status == "up",
                    "admin_up": None if iface.admin_status is None else iface.admin_status == "up",
                    "in_octets": iface.in_octets,
                    "out_octets": iface.out_octets,
                    "in_errors": iface.in_errors,
                    "out_errors": iface.out_errors,
                    "in_bps": iface.in_bps,
                    "out_bps": iface.out_bps,
                    "speed_bps": iface.speed_bps,
                },
                ns,
            )
        )
    for health in poll.records.get("health", []):
        assert isinstance(health, EntityHealth)
        lines.append(
            _line(
                "netops_health",
                {"device": poll.device, "entity": health.entity_name or str(health.entity_index)},
                {
                    "cpu_percent": health.cpu_percent,
                    "memory_percent": health.memory_percent,
                    "temperature_celsius": health.temperature_celsius,
                },
                ns,
            )
        )
    return [line for line in lines if line is not None]


class InfluxWriter:
    """Queue points for the server; the client library batches and retries in its thread."""

    def __init__(self, settings: InfluxSettings) -> None:
        from influxdb_client import InfluxDBClient, WriteOptions

        if not settings.url:
            raise ValueError("influx.url is not set")
        self.settings = settings
        self.dropped = 0
        self.written = 0
        self.failed = 0
        self._pending = 0
        self._lock = threading.Lock()
        self._client = InfluxDBClient(
            url=settings.url, token=settings.token.get_secret_value() or ":", org=settings.org
        )
        self._api = self._client.write_api(
            write_options=WriteOptions(
                batch_size=settings.batch_size,
                flush_interval=int(settings.flush_interval * 1000),
                retry_interval=1_000,
                max_retries=settings.retries,
                max_retry_delay=30_000,
                exponential_base=2,
            ),
            success_callback=self._done,
            error_callback=self._failed,
            retry_callback=self._retry,
        )

    def _count(self, data: Any) -> int:
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
        return text.count("\n") + 1 if text else 0

    def _done(self, _conf: Any, data: Any) -> None:
        n = self._count(data)
        with self._lock:
            self._pending -= n
            self.written += n

    def _failed(self, _conf: Any, data: Any, exc: Exception) -> None:
        n = self._count(data)
        with self._lock:
            self._pending -= n
            self.failed += n
        log.warning("InfluxDB write of %d points failed for good: %s", n, exc)

    def _retry(self, _conf: Any, _data: Any, exc: Exception) -> None:
        log.info("InfluxDB write failed, retrying: %s", exc)

    def write_lines(self, lines: list[str]) -> None:
        if not lines:
            return
        with self._lock:
            if self._pending + len(lines) > self.settings.max_buffer:
                self.dropped += len(lines)
                return
            self._pending += len(lines)
        self._api.write(bucket=self.settings.bucket, org=self.settings.org, record=lines)

    def write_poll(self, poll: DevicePoll) -> None:
        self.write_lines(poll_lines(poll))

    def flush(self) -> None:
        self._api.flush()

    def close(self) -> None:
        """Send what is queued (bounded by the retry policy), then stop."""
        self._api.close()
        self._client.close()
