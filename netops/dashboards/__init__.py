"""The dashboards folder: Grafana dashboards and Prometheus alert rules, read and checked.

``load_dashboards`` reads every dashboard JSON and ``load_rules`` every alert rule, each
with the PromQL it runs, so tests (and ``netops dashboards check``) can prove that every
panel and rule uses metrics netops exports and returns data from a real Prometheus.
"""

from __future__ import annotations

from netops.dashboards.files import (
    Dashboard,
    PanelQuery,
    Rule,
    grafana_variables,
    load_dashboards,
    load_rules,
    metric_names,
)

__all__ = [
    "Dashboard",
    "PanelQuery",
    "Rule",
    "grafana_variables",
    "load_dashboards",
    "load_rules",
    "metric_names",
]
