"""``/metrics``: one collector yielding, at scrape time, every subsystem's metric families."""

from __future__ import annotations

from netops.api.metrics.collector import SOURCES, Exposition, NetopsCollector, build_registry

__all__ = ["SOURCES", "Exposition", "NetopsCollector", "build_registry"]
