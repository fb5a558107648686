"""Boundary controls: BD-01 default deny / no any-any, BD-02 minimal rules, BD-03 IPS on
Internet-facing rules, BD-04 wireless behind a controlled boundary.

Firewall rules come from the collected policy (FirewallRule records), else from the
USG configuration's ``security-policy`` block.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from netops.compliance.checks import check
from netops.compliance.context import Context, ipv4_network
from netops.compliance.snapshot import RecordSet, first
from netops.inventory import Device, Role, ZoneKind
from netops.models import Evidence, Finding, FirewallRule, SystemInfo, Verdict


@dataclass(frozen=True)
class Rule:
    rule: FirewallRule
    rs: RecordSet
    line_text: str | None = None
    line_no: int | None = None

    def text(self) -> str:
        r = self.rule

        def f(values: tuple[str, ...]) -> str:
            return ",".join(values) if values else "any"

        return (
            f"rule {r.position} '{r.name}': {r.action} {f(r.source_zones)} -> {f(r.destination_zones)} "
            f"src {f(r.source_addresses)} dst {f(r.destination_addresses)} service {f(r.services)}"
            + (f" profiles {', '.join(r.profiles)}" if r.profiles else "")
            + ("" if r.enabled else " (disabled)")
            + (f" hits {r.hit_count}" if r.hit_count is not None else "")
        )

    def evidence(self, ctx: Context, note: str = "") -> Evidence:
        text = self.line_text or self.text()
        extra = {} if self.line_no is None else {"line": self.line_no}
        return ctx.ev(
            self.rs,
            "rule",
            text + (f"\n({note})" if note else ""),
            rule=self.rule.name,
            position=self.rule.position,
            **extra,
        )


def _any(values: tuple[str, ...]) -> bool:
    return not values or any(v.lower() == "any" for v in values)


def policy(ctx: Context, device: str) -> tuple[list[Rule], Rule | None] | None:
    """(rules in order, the default rule) of a firewall; None when nothing was collected."""
    rs = ctx.snap.get("firewall_rule", device)
    if rs is not None and rs.records:
        rules = sorted(
            (r for r in rs.records if isinstance(r, FirewallRule)), key=lambda r: r.position
        )
        default = next((Rule(r, rs) for r in rules if r.is_default), None)
        return [Rule(r, rs) for r in rules if not r.is_default], default
    parsed = ctx.facts(device)
    if parsed is None:
        return None
    facts, crs = parsed
    out = []
    for p in facts.policy_rules:
        rule = FirewallRule(
            device=device,
            name=p.name,
            position=p.position,
            action=p.action or "deny",
            source_zones=tuple(p.source_zones),
            destination_zones=tuple(p.destination_zones),
            source_addresses=tuple(p.source_addresses),
            destination_addresses=tuple(p.destination_addresses),
            services=tuple(p.services),
            profiles=tuple(p.profiles),
            enabled=p.enabled,
        )
        block = "\n".join([p.line.context(), *("  " + c.text for c in p.line.children)])
        out.append(Rule(rule, crs, block, p.line.number))
    default = None
    if facts.policy_default is not None:
        action, line = facts.policy_default
        default = Rule(
            FirewallRule(
                device=device, name="default", position=len(out) + 1, action=action, is_default=True
            ),
            crs,
            line.context(),
            line.number,
        )
    return out, default


def _firewalls(ctx: Context) -> Iterator[Device]:
    for device in ctx.inv.devices:
        if device.role is Role.FIREWALL:
            yield device


def any_any(rule: Rule) -> bool:
    r = rule.rule
    return (
        r.enabled
        and r.action == "permit"
        and all(_any(v) for v in (r.source_addresses, r.destination_addresses, r.services))
    )


@check("BD-01")
def default_deny(ctx: Context) -> Iterator[Finding]:
    for device in _firewalls(ctx):
        found = policy(ctx, device.name)
        if found is None:
            yield ctx.not_collected("BD-01", device.name, "no security policy collected")
            continue
        rules, default = found
        bad = [
            r.evidence(ctx, "permits any source to any destination, any service")
            for r in rules
            if any_any(r)
        ]
        if default is not None and default.rule.action == "permit":
            bad.append(default.evidence(ctx, "default action permit"))
        if bad:
            yield ctx.finding(
                "BD-01",
                "FAIL",
                device.name,
                "any/any permit rule or default permit",
                [device.name],
                bad,
            )
        else:
            how = (
                default.evidence(ctx)
                if default is not None
                else ctx.ev(
                    rules[0].rs
                    if rules
                    else ctx.snap.get("config", device.name) or _no_rs(device.name),
                    "rule",
                    "no default action configured: USG default deny",
                )
            )
            yield ctx.finding(
                "BD-01",
                "PASS",
                device.name,
                f"{len(rules)} rules, none any/any permit; default deny",
                [device.name],
                [how],
            )


def _no_rs(device: str) -> RecordSet:
    from datetime import UTC, datetime

    return RecordSet(device, "firewall_rule", "none", datetime.now(UTC), ())


def _covers(a: tuple[str, ...], b: tuple[str, ...], addresses: bool = False) -> bool:
    """Does match set ``a`` include everything ``b`` matches?"""
    if _any(a):
        return True
    if _any(b):
        return False
    if not addresses:
        return set(b) <= set(a)
    nets_a = [ipv4_network(x) for x in a]
    for x in b:
        nb = ipv4_network(x)
        if x in a:
            continue
        if nb is None or not any(na is not None and nb.subnet_of(na) for na in nets_a):
            return False
    return True


def shadowed_by(earlier: Rule, later: Rule) -> bool:
    e, r = earlier.rule, later.rule
    return (
        e.enabled
        and _covers(e.source_zones, r.source_zones)
        and _covers(e.destination_zones, r.destination_zones)
        and _covers(e.source_addresses, r.source_addresses, True)
        and _covers(e.destination_addresses, r.destination_addresses, True)
        and _covers(e.services, r.services)
    )


@check("BD-02")
def minimal_rules(ctx: Context) -> Iterator[Finding]:
    for device in _firewalls(ctx):
        found = policy(ctx, device.name)
        if found is None:
            yield ctx.not_collected("BD-02", device.name, "no security policy collected")
            continue
        rules, _ = found
        sys_rs = ctx.snap.get("system", device.name)
        info = first(sys_rs, SystemInfo)
        uptime = info.uptime_seconds if info else None
        bad: list[Evidence] = []
        active = [r for r in rules if r.rule.enabled]
        for i, rule in enumerate(active):
            if any_any(rule):
                continue  # BD-01 reports it
            r = rule.rule
            if r.action == "permit" and _any(r.services):
                bad.append(rule.evidence(ctx, "permits any service"))
            shadow = next((e for e in active[:i] if not any_any(e) and shadowed_by(e, rule)), None)
            if shadow is not None:
                bad.append(
                    rule.evidence(ctx, f"never matches: shadowed by rule '{shadow.rule.name}'")
                )
            if (
                r.hit_count == 0
                and uptime is not None
                and uptime >= ctx.cfg.rule_unused_days * 86400
            ):
                bad.append(rule.evidence(ctx, f"no hits in {uptime / 86400:.0f} days of uptime"))
        if bad:
            yield ctx.finding(
                "BD-02",
                "FAIL",
                device.name,
                f"{len(bad)} rule(s) too broad, shadowed or unused",
                [device.name],
                bad,
            )
        else:
            yield ctx.finding(
                "BD-02",
                "PASS",
                device.name,
                f"{len(active)} active rules name their services; none shadowed or unused",
                [device.name],
                [r.evidence(ctx) for r in active[:3]],
            )


@check("BD-03")
def ips_profiles(ctx: Context) -> Iterator[Finding]:
    facing = {z.lower() for z in ctx.cfg.internet_zone_names}
    markers = [m.lower() for m in ctx.cfg.ips_profile_markers]
    for device in _firewalls(ctx):
        found = policy(ctx, device.name)
        if found is None:
            yield ctx.not_collected("BD-03", device.name, "no security policy collected")
            continue
        rules, _ = found
        internet = [
            r
            for r in rules
            if r.rule.enabled
            and r.rule.action == "permit"
            and not any_any(r)
            and any(z.lower() in facing for z in r.rule.source_zones)
        ]
        bad = [
            r.evidence(ctx, "Internet-facing permit without an IPS profile")
            for r in internet
            if not any(m in p.lower() for p in r.rule.profiles for m in markers)
        ]
        if bad:
            yield ctx.finding(
                "BD-03",
                "FAIL",
                device.name,
                f"{len(bad)} Internet-facing permit rule(s) without IPS",
                [device.name],
                bad,
            )
        elif internet:
            yield ctx.finding(
                "BD-03",
                "PASS",
                device.name,
                f"{len(internet)} Internet-facing permit rule(s), all with an IPS profile (signature currency: see the IPS console)",
                [device.name],
                [r.evidence(ctx) for r in internet[:5]],
            )
        else:
            yield ctx.finding(
                "BD-03",
                "PASS",
                device.name,
                "no permit rule from an Internet-facing zone",
                [device.name],
                [
                    ctx.ev_inventory(
                        f"Internet-facing zones: {', '.join(sorted(facing))}", device.name
                    )
                ],
            )


@check("BD-04")
def wireless(ctx: Context) -> Iterator[Finding]:
    configs = 0
    services = 0
    for device in ctx.inv.devices:
        parsed = ctx.facts(device.name)
        if parsed is None:
            continue
        configs += 1
        facts, rs = parsed
        for svc in facts.wlan_services:
            services += 1
            target = f"{device.name} SSID {svc.ssid or svc.name}"
            ev = [ctx.ev_config(rs, svc.line)]
            if svc.vlan is None:
                yield ctx.finding(
                    "BD-04",
                    "NEEDS_EVIDENCE",
                    target,
                    "wireless service without a service VLAN in the configuration",
                    [device.name],
                    ev,
                )
                continue
            vlan_if = next(
                (
                    i
                    for i in facts.interfaces
                    if i.name.lower()
                    in (f"vlanif{svc.vlan}", f"vlan-interface{svc.vlan}", f"vlan{svc.vlan}")
                ),
                None,
            )
            if vlan_if is None:
                yield ctx.finding(
                    "BD-04",
                    "NEEDS_EVIDENCE",
                    target,
                    f"service VLAN {svc.vlan} is routed elsewhere: show where it enters a zone",
                    [device.name],
                    ev,
                )
                continue
            ev.append(ctx.ev_config(rs, vlan_if.line))
            zone = ctx.zone_of_vrf.get(vlan_if.vrf or "")
            if ctx.zone_kind(zone) in (ZoneKind.PUBLIC, ZoneKind.DEDICATED):
                yield ctx.finding(
                    "BD-04",
                    "FAIL",
                    target,
                    f"SSID {svc.ssid or svc.name} lands directly in {vlan_if.vrf} (zone {zone}) without a firewall",
                    [device.name],
                    ev,
                )
            else:
                yield ctx.finding(
                    "BD-04",
                    "PASS",
                    target,
                    f"SSID lands in {vlan_if.vrf or 'the global table'}, not a public or department VRF",
                    [device.name],
                    ev,
                )
    if not services:
        verdict: Verdict = "PASS" if configs else "NEEDS_EVIDENCE"
        yield ctx.finding(
            "BD-04",
            verdict,
            "wireless",
            f"no wireless service in {configs} collected configurations",
            (),
            [ctx.ev_inventory(f"{configs} configurations read")],
        )
