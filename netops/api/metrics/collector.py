"""The scrape-time collector: each subsystem's ``families(store, inventory)``, one line each.

A source that raises is skipped for that scrape and counted in
``netops_metrics_source_errors_total{source}``; the rest of the scrape still answers. A
family name yielded twice (two sources claiming one metric) keeps the first and is
logged, so the exposition stays valid.

``/metrics`` writes the registry with :func:`~netops.api.metrics.exposition.render` (the
bytes ``generate_latest`` would write, much faster) through :class:`Exposition`, which
lets one scrape render at a time: a scrape that arrives while another renders waits for
that render and answers with it, and a render younger than ``api.metrics_reuse_seconds``
is served again (two Prometheus servers of an HA pair scraping together cost one render).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.registry import Collector

from netops import __version__
from netops.api import views
from netops.api.metrics import inventory as inventory_metrics
from netops.api.metrics import records as records_metrics
from netops.api.metrics import redundancy as redundancy_metrics
from netops.api.metrics.exposition import Kept, render
from netops.backups import metrics as backups_metrics
from netops.collectors import metrics as collection_metrics
from netops.compliance import metrics as compliance_metrics
from netops.dbha import metrics as dbha_metrics
from netops.inventory import Inventory
from netops.playbooks import metrics as playbook_metrics
from netops.scheduler import metrics as scheduler_metrics
from netops.store import Store

if TYPE_CHECKING:
    from netops.api.deps import AppState

log = logging.getLogger(__name__)

Families = Callable[[Store, Inventory], Iterable[Metric]]

#: Every subsystem's metric families, in the order they are scraped (one line each).
SOURCES: dict[str, Families] = {
    "backups": backups_metrics.families,
    "compliance": compliance_metrics.families,
    "dbha": dbha_metrics.families,
    "inventory": inventory_metrics.families,
    "records": records_metrics.families,
    "redundancy": redundancy_metrics.families,
    "playbooks": playbook_metrics.families,
    # SNMP collection last: only what the sources above do not give (poll failures by
    # reason, cycle time, traps received); its other families are the same names as
    # records' and redundancy's, and theirs are the ones served
    "collection": collection_metrics.stat_families,
}


class NetopsCollector(Collector):
    """Yields every source's families plus netops' own (build info, scrape health)."""

    def __init__(self, state: AppState, sources: dict[str, Families] | None = None) -> None:
        self.state = state
        self.sources = SOURCES if sources is None else sources
        self.errors: Counter[str] = Counter()
        self._warned: set[str] = set()

    def collect(self) -> Iterable[Metric]:
        seen: set[str] = set()
        durations = GaugeMetricFamily(
            "netops_metrics_source_duration_seconds",
            "Time the last scrape spent in each metrics source",
            labels=["source"],
        )
        produced: list[tuple[str, list[Metric]]] = []
        with views.shared_snapshots():  # every source reads the store's state once per scrape
            for name, families in self.sources.items():
                start = time.perf_counter()
                try:
                    produced.append((name, list(families(self.state.store, self.state.inventory))))
                except Exception:
                    log.exception("metrics source %s failed", name)
                    self.errors[name] += 1
                durations.add_metric([name], time.perf_counter() - start)
        for name, families_of_source in produced:
            for family in families_of_source:
                if family.name in seen:
                    if family.name not in self._warned:
                        log.warning(
                            "metric %s produced twice; %s's copy dropped", family.name, name
                        )
                        self._warned.add(family.name)
                    continue
                seen.add(family.name)
                yield family
        if self.state.scheduler is not None:
            yield from scheduler_metrics.families(self.state.scheduler)
        build = InfoMetricFamily("netops_build", "The running netops", labels=["version"])
        build.add_metric([__version__], {})
        yield build
        errors = CounterMetricFamily(
            "netops_metrics_source_errors",
            "Scrapes where a metrics source failed",
            labels=["source"],
        )
        for name in self.sources:
            errors.add_metric([name], self.errors[name])
        yield errors
        yield durations


class Exposition:
    """The text ``/metrics`` answers with: one render at a time, reused for a few seconds."""

    def __init__(self, registry: CollectorRegistry, reuse_seconds: float = 0.0) -> None:
        self.registry = registry
        self.reuse_seconds = reuse_seconds
        self._lock = threading.Lock()
        self._last: tuple[float, bytes] | None = None
        self._kept: Kept = {}  # families' text from the last render (see render_text)
        self.renders = 0

    def get(self) -> bytes:
        asked = time.monotonic()
        with self._lock:  # a scrape arriving mid-render waits for it and takes its result
            last = self._last
            if last is not None and (last[0] >= asked or asked - last[0] < self.reuse_seconds):
                return last[1]
            with _no_gc_pauses():
                text = render(self.registry.collect(), self._kept)
            self.renders += 1
            self._last = (time.monotonic(), text)
            return text


@contextlib.contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """No cyclic garbage collection while a render runs.

    A province render makes millions of small objects (decoded records, rows, text) while
    the caches hold over a million more; each full collection the allocations trigger
    walks them all (measured: 4 s of a 13 s first render). What a render makes holds no
    cycles and is freed by reference counting; cyclic garbage of other threads waits for
    the next collection after it.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build_registry(state: AppState) -> CollectorRegistry:
    """A registry of its own per app (never the global one): netops' families + process."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(NetopsCollector(state))
    ProcessCollector(registry=registry)
    return registry
