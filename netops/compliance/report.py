"""The audit report: one self-contained HTML page an assessor can read and print.

Every control grouped by 等保 clause, with the verdict of each target, the evidence
(what, where, when collected), the remediation, first-seen times from the history,
and every waiver (live, expired, unused). No scripts, fonts or images from outside.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from jinja2 import Environment, select_autoescape

from netops import __version__
from netops.compliance.catalogue import CATALOGUE, CLAUSES
from netops.compliance.engine import ComplianceRun
from netops.models import SEVERITY_ORDER, Finding

_VERDICT_ORDER = {"FAIL": 0, "NEEDS_EVIDENCE": 1, "WAIVED": 2, "PASS": 3}
PASS_NAMES_SHOWN = 200
#: NEEDS_EVIDENCE findings shown in full per check; the rest are listed by target (a
#: province has tens of thousands: MG-14 alone is one per device)
NEEDS_SHOWN = 40

TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>等保合规检查报告 — {{ run.network }}</title>
<style>
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #111; font-size: 13px; }
h1 { font-size: 22px; margin-bottom: .2em; } h2 { font-size: 17px; border-bottom: 2px solid #333; margin-top: 1.6em; }
h3 { font-size: 14px; margin: 1.2em 0 .3em; }
table { border-collapse: collapse; width: 100%; margin: .4em 0; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
pre { margin: 0; white-space: pre-wrap; font-family: "DejaVu Sans Mono", monospace; font-size: 11.5px; }
.v { font-weight: bold; padding: 1px 6px; border-radius: 3px; color: #fff; white-space: nowrap; }
.v-FAIL { background: #b00020; } .v-PASS { background: #1b7a2e; } .v-NEEDS_EVIDENCE { background: #b26a00; } .v-WAIVED { background: #555; }
.finding { border: 1px solid #999; margin: .6em 0; padding: .4em .6em; page-break-inside: avoid; }
.meta { color: #444; } .pass-list { color: #333; font-size: 12px; }
.summary td.num { text-align: right; }
@media print { body { margin: 1cm; } h2 { page-break-before: auto; } a { color: inherit; text-decoration: none; } }
</style>
</head>
<body>
<h1>网络安全等级保护合规检查报告 / Compliance report</h1>
<p class="meta" id="header">
  网络 Network: <b>{{ run.network }}</b> ·
  等保级别 Protection level: <b>第{{ "三" if run.level == 3 else "二" }}级 (level {{ run.level }})</b> ·
  检查时间 Run: {{ run.started_at|ts }} – {{ run.finished_at|ts }} ·
  数据采集 Data collected: {{ run.collected_from|ts }} – {{ run.collected_to|ts }}<br>
  Inventory: {{ run.inventory }} · netops {{ version }}
</p>

<h2 id="summary">结论汇总 Summary</h2>
<table class="summary">
<tr><th>Verdict</th><th>Findings</th><th>critical</th><th>major</th><th>warning</th><th>info</th></tr>
{% for verdict in verdicts %}
<tr><td><span class="v v-{{ verdict }}">{{ verdict }}</span></td><td class="num" id="count-{{ verdict }}">{{ totals[verdict] }}</td>
{% for sev in ["critical", "major", "warning", "info"] %}<td class="num">{{ by_sev[(verdict, sev)] }}</td>{% endfor %}</tr>
{% endfor %}
</table>
{% if run.errors %}<p><b>Checks that failed to run (their verdicts are missing):</b></p><ul>{% for e in run.errors %}<li>{{ e }}</li>{% endfor %}</ul>{% endif %}

<h2>控制点 Controls</h2>
<table>
<tr><th>Clause</th><th>Check</th><th>Title</th><th>FAIL</th><th>NEEDS_EVIDENCE</th><th>WAIVED</th><th>PASS</th></tr>
{% for clause in clauses %}{% for c in clause.checks %}
<tr><td>{{ c.info.clause }}</td><td><a href="#{{ c.info.id }}">{{ c.info.id }}</a></td><td>{{ c.info.title }}</td>
<td>{{ c.counts.FAIL }}</td><td>{{ c.counts.NEEDS_EVIDENCE }}</td><td>{{ c.counts.WAIVED }}</td><td>{{ c.counts.PASS }}</td></tr>
{% endfor %}{% endfor %}
</table>

{% for clause in clauses %}
<h2 id="clause-{{ clause.key }}">{{ clause.key if clause.key != "isolation" else "隔离" }} — {{ clause.title }}</h2>
{% for c in clause.checks %}
<h3 id="{{ c.info.id }}">{{ c.info.id }} {{ c.info.title }} <span class="meta">({{ c.info.clause }}; default severity {{ c.info.severity }}{% if c.info.min_level == 3 %}; level 3 only{% endif %})</span></h3>
{% if c.not_run %}<p class="meta">Not required at protection level {{ run.level }}.</p>{% endif %}
{% for f in c.shown %}
<div class="finding" id="f-{{ f.check_id }}-{{ loop.index }}">
<p><span class="v v-{{ f.verdict }}">{{ f.verdict }}</span> <b>{{ f.severity }}</b> · <b>{{ f.target }}</b>
{% if f.devices %} · devices: {{ f.devices|join(", ") }}{% endif %}
{% if first_seen.get((f.check_id, f.target)) %} · first seen {{ first_seen[(f.check_id, f.target)]|ts }}{% endif %}</p>
<p>{{ f.summary }}</p>
{% if f.waiver %}<p><b>Waiver:</b> {{ f.waiver.reason }} — owner {{ f.waiver.owner }}, expires {{ f.waiver.expires|ts }}{% if f.waiver.expires < run.finished_at %} <b>(expired)</b>{% endif %}</p>{% endif %}
{% if f.remediation and f.verdict != "PASS" %}<p><b>整改 Remediation:</b> {{ f.remediation }}</p>{% endif %}
{% if f.evidence %}
<table><tr><th>Evidence</th><th>Device</th><th>Source</th><th>Collected</th><th>Entry</th></tr>
{% for e in f.evidence %}<tr><td>{{ e.kind }}</td><td>{{ e.device or "" }}</td><td>{{ e.source }}</td><td>{{ e.collected_at|ts }}</td><td><pre>{{ e.text }}{% if e.data.get("line") %}   (line {{ e.data["line"] }}){% endif %}</pre></td></tr>{% endfor %}
</table>
{% endif %}
</div>
{% endfor %}
{% if c.more_needs %}
<p class="pass-list"><span class="v v-NEEDS_EVIDENCE">NEEDS_EVIDENCE</span> {{ c.more_needs|length }} more target(s), same check: {{ c.more_needs[:pass_names]|join(", ") }}{% if c.more_needs|length > pass_names %} … and {{ c.more_needs|length - pass_names }} more (netops check --json lists them with evidence){% endif %}</p>
{% endif %}
{% if c.passed %}
<p class="pass-list"><span class="v v-PASS">PASS</span> {{ c.passed|length }} target(s): {{ c.passed[:pass_names]|join(", ") }}{% if c.passed|length > pass_names %} … and {{ c.passed|length - pass_names }} more (netops check --json --all lists them with evidence){% endif %}</p>
{% endif %}
{% endfor %}
{% endfor %}

<section id="waivers"><h2>豁免 Waivers</h2>
{% if waivers %}
<table><tr><th>Check</th><th>Target</th><th>Reason</th><th>Owner</th><th>Expires</th><th>Status</th></tr>
{% for w, status in waivers %}<tr><td>{{ w.check_id }}</td><td>{{ w.target }}</td><td>{{ w.reason }}</td><td>{{ w.owner }}</td><td>{{ w.expires|ts }}</td><td>{{ status }}</td></tr>{% endfor %}
</table>
{% else %}<p>No waivers.</p>{% endif %}
</section>

<h2 id="imports">导入的身份快照 Imported identity snapshots (IS-02)</h2>
{% if run.identity_imports %}
<table><tr><th>Network</th><th>Name</th><th>Exported</th><th>Signing key</th><th>Sightings</th><th>File</th></tr>
{% for i in run.identity_imports %}<tr><td>{{ i.network }}</td><td>{{ i.network_name }}</td><td>{{ i.exported_at }}</td><td>{{ i.key_id }}</td><td>{{ i.sightings }}</td><td>{{ i.file }}</td></tr>{% endfor %}
</table>
{% else %}<p>None: IS-02 compares the data this instance collected itself.</p>{% endif %}
<p class="meta">PASS: proven by the evidence. FAIL: the evidence shows a violation. NEEDS_EVIDENCE: the collected data cannot prove the control; the assessor needs the evidence named. WAIVED: a FAIL accepted by the named owner until the expiry.</p>
</body>
</html>
"""


def _ts(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S %Z")
    return str(value)


def render_html(
    run: ComplianceRun,
    first_seen: dict[tuple[str, str], datetime] | None = None,
    stored_counts: dict[str, dict[str, int]] | None = None,
) -> str:
    """The report of a run; ``stored_counts`` (check -> verdict -> n) replaces the counts
    when the findings come from the history, which keeps no PASS findings."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["ts"] = _ts
    template = env.from_string(TEMPLATE)
    by_check: dict[str, list[Finding]] = {}
    for f in run.findings:
        by_check.setdefault(f.check_id, []).append(f)
    ran = {f.check_id for f in run.findings}
    clauses = []
    for key, title in CLAUSES.items():
        checks = []
        for info in CATALOGUE.values():
            head = (
                info.clause
                if info.clause == "isolation"
                else ".".join(info.clause.split()[0].split(".")[:4])
            )
            if head != key:
                continue
            findings = by_check.get(info.id, [])
            counts: Counter[str] = Counter(f.verdict for f in findings)
            ordered = sorted(
                (f for f in findings if f.verdict != "PASS"),
                key=lambda f: (_VERDICT_ORDER[f.verdict], -SEVERITY_ORDER[f.severity], f.target),
            )
            needs = [f for f in ordered if f.verdict == "NEEDS_EVIDENCE"]
            shown = [f for f in ordered if f.verdict != "NEEDS_EVIDENCE"] + needs[:NEEDS_SHOWN]
            more_needs = sorted(f.target for f in needs[NEEDS_SHOWN:])
            checks.append(
                {
                    "info": info,
                    "counts": {
                        v: (
                            stored_counts.get(info.id, {}) if stored_counts is not None else counts
                        ).get(v, 0)
                        for v in _VERDICT_ORDER
                    },
                    "shown": shown,
                    "more_needs": more_needs,
                    "passed": sorted(f.target for f in findings if f.verdict == "PASS"),
                    "not_run": info.id not in ran and info.min_level > run.level,
                }
            )
        if checks:
            clauses.append({"key": key, "title": title, "checks": checks})
    waivers: list[tuple[Any, str]] = []
    for f in run.findings:
        if f.waiver is not None:
            status = "applied" if f.verdict == "WAIVED" else "expired: finding is FAIL again"
            waivers.append((f.waiver, status))
    waivers += [
        (w, "unused: no failing finding matches it (remove it?)") for w in run.unused_waivers
    ]
    totals: dict[str, int] = dict(run.verdicts())
    if stored_counts is not None:
        totals = {}
        for per_check in stored_counts.values():
            for verdict, n in per_check.items():
                totals[verdict] = totals.get(verdict, 0) + n
    by_sev: Counter[tuple[str, str]] = Counter((f.verdict, f.severity) for f in run.findings)
    return template.render(
        run=run,
        version=__version__,
        verdicts=list(_VERDICT_ORDER),
        totals={v: totals.get(v, 0) for v in _VERDICT_ORDER},
        by_sev={(v, s): by_sev.get((v, s), 0) for v in _VERDICT_ORDER for s in SEVERITY_ORDER},
        clauses=clauses,
        waivers=waivers,
        first_seen=first_seen or {},
        pass_names=PASS_NAMES_SHOWN,
    )
