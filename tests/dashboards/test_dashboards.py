"""Dashboards load in Grafana's own schema (grafana-foundation-sdk), keep their uids, use the
${datasource} variable, and provision from dashboards/provisioning/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.cog.plugins import register_default_plugins
from grafana_foundation_sdk.models.dashboard import Dashboard as SdkDashboard
from grafana_foundation_sdk.models.dashboard import RowPanel

from netops.dashboards import grafana_variables, load_dashboards, metric_names
from netops.errors import DataFileError
from tests.conftest import ROOT

DASHBOARDS = ROOT / "dashboards"
#: uids are links people bookmark and alerts point at: they never change.
STABLE_UIDS = {
    "overview.json": "netops-overview",
    "aggregation.json": "netops-aggregation",
    "core.json": "netops-core",
    "security.json": "netops-security",
    "datacentre.json": "netops-datacentre",
    "compliance.json": "netops-compliance",
    "self.json": "netops-self",
}


def test_the_dashboards_and_their_uids() -> None:
    assert {d.path.name: d.uid for d in load_dashboards(DASHBOARDS)} == STABLE_UIDS


@pytest.mark.parametrize("name", sorted(STABLE_UIDS))
def test_dashboard_loads_in_grafanas_schema(name: str) -> None:
    register_default_plugins()
    data = json.loads((DASHBOARDS / name).read_text())
    dashboard = SdkDashboard.from_json(data)
    assert dashboard.uid == STABLE_UIDS[name]
    assert dashboard.templating.list_val is not None
    variables = {v.name: v for v in dashboard.templating.list_val}
    assert variables["datasource"].type_val == "datasource"
    panels = [p for p in dashboard.panels or [] if not isinstance(p, RowPanel)]
    assert panels
    cells: set[tuple[int, int]] = set()
    for panel in panels:
        assert panel.title, name
        assert panel.datasource is not None and panel.datasource.uid == "${datasource}"
        assert panel.targets, f"{name}: {panel.title} has no query"
        for target in panel.targets:
            assert type(target).__name__ == "Dataquery", f"{panel.title}: not a Prometheus query"
        grid = panel.grid_pos
        assert grid is not None and grid.x + grid.w <= 24
        for x in range(grid.x, grid.x + grid.w):
            for y in range(grid.y, grid.y + grid.h):
                assert (x, y) not in cells, f"{name}: {panel.title} overlaps another panel"
                cells.add((x, y))
    # what Grafana would save back is still the same dashboard
    saved = json.loads(json.dumps(dashboard, cls=JSONEncoder))
    assert saved["uid"] == dashboard.uid
    assert len(saved["panels"]) == len(data["panels"])
    exprs = [t["expr"] for p in data["panels"] for t in p.get("targets", [])]
    assert [t["expr"] for p in saved["panels"] for t in p.get("targets", [])] == exprs


def test_every_panel_and_variable_query_reads_netops_metrics() -> None:
    for dashboard in load_dashboards(DASHBOARDS):
        for q in dashboard.queries:
            assert metric_names(q.expr), f"{dashboard.uid}/{q.panel}: reads no netops metric"
            assert "$" not in grafana_variables(q.expr)
        for var in dashboard.data["templating"]["list"]:
            if var["type"] == "query":
                assert metric_names(var["query"]["query"]), var["name"]


def test_compliance_rows_link_to_the_evidence_in_the_api() -> None:
    compliance = next(d for d in load_dashboards(DASHBOARDS) if d.uid == "netops-compliance")
    links = [
        link["url"]
        for panel in compliance.data["panels"]
        for link in panel.get("fieldConfig", {}).get("defaults", {}).get("links", [])
    ]
    assert any(
        u.startswith("/api/v1/compliance?") and "${__data.fields.check_id}" in u for u in links
    )


def test_provisioning_files() -> None:
    datasources = yaml.safe_load((DASHBOARDS / "provisioning/datasources/netops.yml").read_text())
    assert datasources["datasources"][0]["type"] == "prometheus"
    providers = yaml.safe_load((DASHBOARDS / "provisioning/dashboards/netops.yml").read_text())
    assert providers["providers"][0]["type"] == "file"
    assert providers["providers"][0]["options"]["path"]


def test_a_broken_dashboard_is_an_error_not_a_skip(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"uid": "x", "title": "A", "panels": [')
    (tmp_path / "b.json").write_text(
        json.dumps(
            {
                "uid": "y",
                "title": "B",
                "templating": {"list": []},
                "panels": [{"type": "stat", "title": "p", "datasource": {"uid": "abc"}}],
            }
        )
    )
    with pytest.raises(DataFileError) as caught:
        load_dashboards(tmp_path)
    text = str(caught.value)
    assert "a.json" in text and "no ${datasource} variable" in text and "'abc'" in text
