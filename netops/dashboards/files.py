"""Reading dashboards (Grafana JSON) and alert rules (Prometheus YAML) and their PromQL."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from netops.errors import DataFileError, Problem


@dataclass(frozen=True)
class PanelQuery:
    dashboard: str
    panel: str
    ref: str
    expr: str
    instant: bool


@dataclass(frozen=True)
class Dashboard:
    path: Path
    uid: str
    title: str
    variables: tuple[str, ...]
    queries: tuple[PanelQuery, ...]
    data: dict[str, Any]


@dataclass(frozen=True)
class Rule:
    path: Path
    group: str
    name: str
    expr: str
    labels: dict[str, str]


def _panels(panels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for panel in panels:
        out.append(panel)
        out.extend(_panels(panel.get("panels", [])))  # collapsed rows keep theirs inside
    return out


def load_dashboards(folder: Path) -> list[Dashboard]:
    """Every ``*.json`` dashboard directly in ``folder`` (provisioning files are YAML)."""
    problems: list[Problem] = []
    out: list[Dashboard] = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            problems.append(Problem(str(path), getattr(exc, "lineno", None), "", str(exc)))
            continue
        for key in ("uid", "title", "panels"):
            if key not in data:
                problems.append(Problem(str(path), None, key, "missing"))
        if any(key not in data for key in ("uid", "title", "panels")):
            continue
        variables = tuple(v["name"] for v in data.get("templating", {}).get("list", []))
        if "datasource" not in variables:
            problems.append(Problem(str(path), None, "templating", "no ${datasource} variable"))
        queries = []
        for panel in _panels(data["panels"]):
            ds = (panel.get("datasource") or {}).get("uid")
            if panel.get("type") != "row" and ds != "${datasource}":
                problems.append(
                    Problem(
                        str(path),
                        None,
                        f"panel {panel.get('title')!r}",
                        f"datasource uid is {ds!r}, not ${{datasource}}",
                    )
                )
            for target in panel.get("targets", []):
                if target.get("expr"):
                    queries.append(
                        PanelQuery(
                            dashboard=data["uid"],
                            panel=panel.get("title", ""),
                            ref=target.get("refId", ""),
                            expr=target["expr"],
                            instant=bool(target.get("instant")),
                        )
                    )
        out.append(Dashboard(path, data["uid"], data["title"], variables, tuple(queries), data))
    uids = [d.uid for d in out]
    for uid in {u for u in uids if uids.count(u) > 1}:
        problems.append(Problem(str(folder), None, "uid", f"{uid!r} used by two dashboards"))
    if problems:
        raise DataFileError(problems, "dashboards")
    return out


def load_rules(path: Path) -> list[Rule]:
    """The alerting rules of a Prometheus rule file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Rule(path, group["name"], rule["alert"], rule["expr"], dict(rule.get("labels", {})))
        for group in data["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


_METRIC = re.compile(r"\b(netops_[a-z0-9_]+|process_[a-z0-9_]+|up)\b")
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')


def metric_names(expr: str) -> set[str]:
    """Metric names a PromQL expression reads (netops_*, process_*, up)."""
    return set(_METRIC.findall(_STRINGS.sub('""', expr)))


def grafana_variables(expr: str, values: dict[str, str] | None = None) -> str:
    """``expr`` with Grafana's variables replaced: ``$__rate_interval`` by a range, every
    dashboard variable by ``values`` or a match-all regex (panels use ``=~"$var"``)."""
    values = {"__rate_interval": "1m", "__interval": "15s", "__range": "1h", **(values or {})}
    return re.sub(r"\$\{?(\w+)\}?", lambda m: values.get(m.group(1), ".*"), expr)
