"""The 等保 device baseline MG-01..MG-14, per platform, read from running configurations.

Each check yields one finding per network device (linux hosts are out of scope: the
baseline is for network and boundary devices). A device without a collected
configuration gets NEEDS_EVIDENCE, never PASS. Where the configuration says nothing
and the platform default is known and compliant, the default is named in the evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from ipaddress import IPv4Network

from netops.compliance.checks import check
from netops.compliance.config import ConfigFacts, Line
from netops.compliance.config.facts import Acl
from netops.compliance.context import Context, unique
from netops.compliance.snapshot import RecordSet, first
from netops.inventory import Device, Role
from netops.models import (
    ConfigBackupStatus,
    DeviceVersion,
    Evidence,
    Finding,
    Interface,
    NtpStatus,
    RunningConfig,
    SystemInfo,
)

Judge = Callable[[Context, Device, ConfigFacts, RecordSet], Finding]


def _each(ctx: Context, check_id: str, judge: Judge) -> Iterator[Finding]:
    for device in ctx.inv.devices:
        if not ctx.is_network_device(device):
            continue
        parsed = ctx.facts(device.name)
        if parsed is None:
            why = ctx.parse_errors.get(device.name)
            yield ctx.not_collected(
                check_id,
                device.name,
                f"the configuration of {device.name} could not be read ({why})"
                if why
                else f"no running configuration collected from {device.name}",
            )
            continue
        yield judge(ctx, device, *parsed)


def _verdict(
    ctx: Context,
    check_id: str,
    device: Device,
    offences: list[Evidence],
    ok: str,
    bad: str,
    rs: RecordSet,
    good: list[Evidence] | None = None,
) -> Finding:
    if offences:
        return ctx.finding(check_id, "FAIL", device.name, bad, [device.name], offences)
    return ctx.finding(
        check_id, "PASS", device.name, ok, [device.name], good or [ctx.ev(rs, "config", ok)]
    )


# -- MG-01 -----------------------------------------------------------------------------------------
@check("MG-01")
def encrypted_management(ctx: Context) -> Iterator[Finding]:
    def judge(ctx: Context, device: Device, f: ConfigFacts, rs: RecordSet) -> Finding:
        bad: list[Evidence] = []
        if f.telnet_server:
            bad += [ctx.ev_config(rs, line) for line in f.telnet_lines if "undo" not in line.text]
        for vty in f.vtys:
            if vty.protocols is not None and "telnet" in vty.protocols:
                bad.append(ctx.ev_config(rs, vty.protocol_line))
        bad += [ctx.ev_config(rs, line) for line in f.http_plain_lines]
        if bad:
            return ctx.finding(
                "MG-01",
                "FAIL",
                device.name,
                "Telnet or plain HTTP management is enabled",
                [device.name],
                bad,
            )
        telnet_off = f.telnet_server is False or (f.platform == "hp_comware")
        vtys_ssh = bool(f.vtys) and all(v.protocols is not None for v in f.vtys)
        good = [ctx.ev_config(rs, line) for line in f.telnet_lines] + [
            ctx.ev_config(rs, v.protocol_line) for v in f.vtys if v.protocol_line
        ]
        if telnet_off or vtys_ssh:
            default = (
                " (Comware: Telnet server off by default)"
                if f.platform == "hp_comware" and f.telnet_server is None
                else ""
            )
            return ctx.finding(
                "MG-01",
                "PASS",
                device.name,
                "remote management over SSH only" + default,
                [device.name],
                good or [ctx.ev(rs, "config", "no telnet server line")],
            )
        return ctx.finding(
            "MG-01",
            "NEEDS_EVIDENCE",
            device.name,
            "Telnet is neither disabled nor excluded on the VTYs: the release default decides; make it explicit",
            [device.name],
            [ctx.ev_config(rs, v.line) for v in f.vtys] or [ctx.ev(rs, "config", "no VTY block")],
        )

    yield from _each(ctx, "MG-01", judge)


# -- MG-02 -----------------------------------------------------------------------------------------
def acl_problems(
    ctx: Context,
    f: ConfigFacts,
    rs: RecordSet,
    name: str | None,
    allowed: list[IPv4Network],
    what: str,
) -> list[Evidence]:
    """Why an ACL does not confine ``what`` to ``allowed`` (empty = it does)."""
    if name is None:
        return [ctx.ev(rs, "config", f"{what}: no ACL bound")]
    acl: Acl | None = f.acls.get(name)
    if acl is None:
        return [ctx.ev(rs, "config", f"{what}: ACL {name} is referenced but not defined")]
    permits = [r for r in acl.rules if r.action == "permit"]
    if not permits:
        return [ctx.ev_config(rs, acl.line, f"{acl.line.context()}\n(no permit rule)")]
    out = []
    for rule in permits:
        if rule.source is None:
            out.append(
                ctx.ev_config(rs, rule.line, f"{rule.line.context()}\n({what}: permits any source)")
            )
        elif not any(rule.source.subnet_of(p) for p in allowed):
            out.append(
                ctx.ev_config(
                    rs,
                    rule.line,
                    f"{rule.line.context()}\n({what}: {rule.source} is outside {', '.join(map(str, allowed))})",
                )
            )
    return out


def _vty_acls(f: ConfigFacts) -> list[tuple[str, str | None, Line | None]]:
    return [
        (f"VTY {' '.join(v.line.words[-2:])}", v.acl or f.ssh_acl, v.acl_line or f.ssh_acl_line)
        for v in f.vtys
    ]


@check("MG-02")
def management_sources(ctx: Context) -> Iterator[Finding]:
    def judge(ctx: Context, device: Device, f: ConfigFacts, rs: RecordSet) -> Finding:
        allowed = ctx.admin_prefixes(device)
        if not f.vtys:
            return ctx.finding(
                "MG-02",
                "NEEDS_EVIDENCE",
                device.name,
                "no VTY block in the configuration",
                [device.name],
                [ctx.ev(rs, "config", "no user-interface/line vty")],
            )
        bad: list[Evidence] = []
        good: list[Evidence] = []
        for what, acl, line in _vty_acls(f):
            problems = acl_problems(ctx, f, rs, acl, allowed, what)
            bad += problems
            if not problems and line is not None:
                good.append(ctx.ev_config(rs, line))
        if not bad and acl_names_ok(f):
            good += [
                ctx.ev_config(rs, f.acls[a].line, _acl_text(f.acls[a]))
                for a in {a for _, a, _ in _vty_acls(f) if a}
            ]
        return _verdict(
            ctx,
            "MG-02",
            device,
            unique(bad),
            f"management sessions only from {', '.join(map(str, allowed))}",
            "management access is not confined to the management prefixes",
            rs,
            good,
        )

    yield from _each(ctx, "MG-02", judge)


def acl_names_ok(f: ConfigFacts) -> bool:
    return all(a in f.acls for _, a, _ in _vty_acls(f) if a)


def _acl_text(acl: Acl) -> str:
    return "\n".join([acl.line.text] + [" " + r.line.text for r in acl.rules])


# -- MG-03 -----------------------------------------------------------------------------------------
@check("MG-03")
def lockout_and_timeout(ctx: Context) -> Iterator[Finding]:
    def judge(ctx: Context, device: Device, f: ConfigFacts, rs: RecordSet) -> Finding:
        cfg = ctx.cfg
        bad: list[Evidence] = []
        good: list[Evidence] = []
        default_on = f.platform in ("huawei_vrp", "huawei_usg")
        if f.login_lockout is False or (f.login_lockout is None and not default_on):
            text = (
                "\n".join(ln.context() for ln in f.login_lockout_lines)
                or "no failed-login lockout configured"
            )
            bad.append(
                ctx.ev(
                    rs,
                    "config",
                    text
                    + ("" if f.login_lockout_lines else f" ({f.platform} has none by default)"),
                )
            )
        else:
            good += [ctx.ev_config(rs, ln) for ln in f.login_lockout_lines] or [
                ctx.ev(
                    rs,
                    "config",
                    "local-aaa-user wrong-password at its default (on: 3 tries, 5 min block)",
                )
            ]
        if f.login_attempts is not None and f.login_attempts > cfg.login_attempts_max:
            bad.append(
                ctx.ev_config(
                    rs,
                    f.login_lockout_lines[-1],
                    f"{f.login_lockout_lines[-1].context()}\n({f.login_attempts} attempts > {cfg.login_attempts_max})",
                )
            )
        limit = cfg.idle_timeout_max_minutes * 60
        for vty in f.vtys:
            if vty.idle_seconds is None:
                good.append(
                    ctx.ev_config(
                        rs,
                        vty.line,
                        f"{vty.line.text}\n(idle-timeout not set: platform default 10 minutes)",
                    )
                )
                if limit < 600:
                    bad.append(
                        ctx.ev_config(
                            rs,
                            vty.line,
                            f"{vty.line.text}\n(default idle timeout 10 min > {cfg.idle_timeout_max_minutes:g} min)",
                        )
                    )
            elif vty.idle_seconds == 0:
                bad.append(
                    ctx.ev_config(
                        rs,
                        vty.idle_line,
                        f"{vty.idle_line.context() if vty.idle_line else ''}\n(sessions never time out)",
                    )
                )
            elif vty.idle_seconds > limit:
                bad.append(
                    ctx.ev_config(
                        rs,
                        vty.idle_line,
                        f"{vty.idle_line.context() if vty.idle_line else ''}\n({vty.idle_seconds / 60:g} min > {cfg.idle_timeout_max_minutes:g} min)",
                    )
                )
            elif vty.idle_line:
                good.append(ctx.ev_config(rs, vty.idle_line))
        return _verdict(
            ctx,
            "MG-03",
            device,
            bad,
            f"failed logins lock out; VTY idle timeout <= {cfg.idle_timeout_max_minutes:g} min",
            "failed-login handling or idle timeout missing or too lax",
            rs,
            good,
        )

    yield from _each(ctx, "MG-03", judge)


# -- MG-04 -----------------------------------------------------------------------------------------
@check("MG-04")
def password_storage(ctx: Context) -> Iterator[Finding]:
    def judge(ctx: Context, device: Device, f: ConfigFacts, rs: RecordSet) -> Finding:
        cfg = ctx.cfg
        bad: list[Evidence] = []
        for user in f.users:
            if user.storage in ("reversible", "plain"):
                bad.append(
                    ctx.ev_config(
                        rs,
                        user.storage_line,
                        f"{user.storage_line.context() if user.storage_line else user.name}\n(password stored {user.storage}: must be an irreversible hash)",
                    )
                )
        for storage, line in f.enable_secret_lines:
            if storage in ("reversible", "plain"):
                bad.append(
                    ctx.ev_config(rs, line, f"{line.context()}\n(enable password stored {storage})")
                )
        expiry = f.password_expiry_days
        if expiry is not None and (expiry == 0 or expiry > cfg.password_expiry_max_days):
            bad.append(
                ctx.ev_config(
                    rs,
                    f.password_expiry_line,
                    f"{f.password_expiry_line.context() if f.password_expiry_line else ''}\n(expiry {expiry or 'never'} > {cfg.password_expiry_max_days} days)",
                )
            )
        if bad:
            return ctx.finding(
                "MG-04",
                "FAIL",
                device.name,
                "reversible or plain passwords, or passwords that do not expire",
                [device.name],
                bad,
            )
        good = [ctx.ev_config(rs, u.storage_line) for u in f.users if u.storage_line][:5]
        if expiry is None:
            if f.aaa_login_uses_central:
                return ctx.finding(
                    "MG-04",
                    "NEEDS_EVIDENCE",
                    device.name,
                    "local passwords irreversible; administrators authenticate on central AAA: password expiry is the AAA server's, show its policy",
                    [device.name],
                    [*good, ctx.ev_config(rs, f.central_aaa_lines[0])],
                )
            return ctx.finding(
                "MG-04",
                "FAIL",
                device.name,
                "no password expiry configured",
                [device.name],
                [*good, ctx.ev(rs, "config", "no 'password expire' / 'password-control aging'")],
            )
        good.append(ctx.ev_config(rs, f.password_expiry_line))
        return ctx.finding(
            "MG-04",
            "PASS",
            device.name,
            f"passwords stored irreversibly, expire after {expiry} days",
            [device.name],
            good,
        )

    yield from _each(ctx, "MG-04", judge)


# -- MG-05 -----------------------------------------------------------------------------------------
@check("MG-05")
def accounts(ctx: Context) -> Iterator[Finding]:
    defaults = {n.lower() for n in ctx.cfg.default_account_names}

    def judge(ctx: Context, device: Device, f: ConfigFacts, rs: RecordSet) -> Finding:
        bad = [
            ctx.ev_config(
                rs,
                u.lines[0],
                "\n".join(ln.context() for ln in u.lines[:3]) + "\n(vendor default account name)",
            )
            for u in f.users
            if u.name.lower() in defaults and u.lines
        ]
        if f.users and all(u.admin for u in f.users) and not f.aaa_login_uses_central:
            bad.append(
                ctx.ev(
                    rs,
                    "config",
                    "every local user has full privileges: " + ", ".join(u.name for u in f.users),
                )
            )
        if bad:
            return ctx.finding(
                "MG-05",
                "FAIL",
                device.name,
                "default account present or no privilege separation",
                [device.name],
                bad,
            )
        users = (
            ", ".join(
                f"{u.name} ({u.role or f'level {u.level}' if u.level is not None else u.role or 'default level'})"
                for u in f.users
            )
            or "none"
        )
        return ctx.finding(
            "MG-05",
            "NEEDS_EVIDENCE",
            device.name,
            f"no default account; local users: {users}. Account ownership (no shared accounts) is shown by the account register",
            [device.name],
            [ctx.ev(rs, "config", f"local users: {users}")],
            severity="info",
        )

    yield from _each(ctx, "MG-05", judge)


# -- MG-06 -----------------------------------------------------------------------------------------
def only_from(ctx: Context, f: ConfigFacts, rs: RecordSet, prefixes: list[IPv4Network]) -> bool:
    return (
        bool(prefixes)
        and bool(f.vtys)
        and all(not acl_problems(ctx, f, rs, acl, prefixes, what) for what, acl, _ in _vty_acls(f))
    )


@check("MG-06")
def two_factor(ctx: Context) -> Iterator[Finding]:
    if ctx.level < 3:
        return

    def judge(ctx: Context, device: Device, f: ConfigFacts, rs: RecordSet) -> Finding:
        central = f.aaa_login_uses_central and bool(f.central_aaa_lines)
        bastion = only_from(ctx, f, rs, list(ctx.cfg.bastion_prefixes))
        ev = [ctx.ev_config(rs, ln) for ln in f.central_aaa_lines[:3]]
        if central and bastion:
            return ctx.finding(
                "MG-06",
                "PASS",
                device.name,
                "central AAA and sessions only from the bastion hosts (second factor)",
                [device.name],
                ev,
            )
        why = []
        if not central:
            why.append("administrators are not authenticated on central AAA")
        if not bastion:
            why.append(
                "sessions are not confined to the bastion hosts"
                if ctx.cfg.bastion_prefixes
                else "no bastion prefixes set (settings compliance.bastion_prefixes)"
            )
        return ctx.finding(
            "MG-06",
            "NEEDS_EVIDENCE",
            device.name,
            "; ".join(why) + ": show how the second factor is enforced",
            [device.name],
            ev or [ctx.ev(rs, "config", "no HWTACACS/RADIUS login")],
        )

    yield from _each(ctx, "MG-06", judge)


# -- MG-07 -----------------------------------------------------------------------------------------
@check("MG-07")
def snmp(ctx: Context) -> Iterator[Finding]:
    weak = {c.lower() for c in ctx.cfg.weak_snmp_communities}

    def judge(ctx: Context, device: Device, f: ConfigFacts, rs: RecordSet) -> Finding:
        s = f.snmp
        bad: list[Evidence] = []
        if (
            s.versions
            and s.versions & {"v1", "v2c"}
            and s.version_line
            and "community" not in s.version_line.text
        ):
            bad.append(
                ctx.ev_config(
                    rs,
                    s.version_line,
                    f"{s.version_line.context()}\n(SNMP {'/'.join(sorted(s.versions & {'v1', 'v2c'}))} has no encryption)",
                )
            )
        for c in s.communities:
            why = ["community (SNMPv1/v2c, clear text)"]
            if c.name and c.name.lower() in weak:
                why.append(f"well-known name '{c.name}'")
            if c.access == "write":
                why.append("write access")
            if not c.acl and not s.agent_acl:
                why.append("no ACL")
            bad.append(ctx.ev_config(rs, c.line, f"{c.line.context()}\n({'; '.join(why)})"))
        for g in s.groups:
            if g.security != "privacy":
                bad.append(
                    ctx.ev_config(rs, g.line, f"{g.line.context()}\n(v3 group without privacy)")
                )
            elif not g.acl and not s.agent_acl:
                bad.append(
                    ctx.ev_config(
                        rs, g.line, f"{g.line.context()}\n(no ACL on the group or the agent)"
                    )
                )
        if bad:
            return ctx.finding(
                "MG-07",
                "FAIL",
                device.name,
                "SNMP v1/v2c, a community, or a v3 group without privacy or ACL",
                [device.name],
                bad,
            )
        if not s.groups and not s.enabled_lines and not s.version_line:
            return ctx.finding(
                "MG-07",
                "PASS",
                device.name,
                "SNMP agent not configured",
                [device.name],
                [ctx.ev(rs, "config", "no snmp-agent / snmp-server lines")],
            )
        return ctx.finding(
            "MG-07",
            "PASS",
            device.name,
            "SNMPv3 with privacy and an ACL only",
            [device.name],
            [ctx.ev_config(rs, g.line) for g in s.groups]
            + ([ctx.ev_config(rs, s.version_line)] if s.version_line else []),
        )

    yield from _each(ctx, "MG-07", judge)


# -- MG-08 -----------------------------------------------------------------------------------------
@check("MG-08")
def logging(ctx: Context) -> Iterator[Finding]:
    cfg = ctx.cfg

    def judge(ctx: Context, device: Device, f: ConfigFacts, rs: RecordSet) -> Finding:
        mgmt = ctx.admin_prefixes(device)
        inside = [h for h in f.loghosts if any(h.address in p for p in mgmt)]
        if not inside:
            ev = [
                ctx.ev_config(
                    rs,
                    h.line,
                    f"{h.line.context()}\n({h.address} is outside {', '.join(map(str, mgmt))})",
                )
                for h in f.loghosts
            ]
            return ctx.finding(
                "MG-08",
                "FAIL",
                device.name,
                "no log host in the management prefix",
                [device.name],
                ev or [ctx.ev(rs, "config", "no info-center loghost / logging host")],
            )
        ev = [ctx.ev_config(rs, h.line) for h in inside]
        if cfg.log_retention_days is None:
            return ctx.finding(
                "MG-08",
                "NEEDS_EVIDENCE",
                device.name,
                f"logs go to {', '.join(str(h.address) for h in inside)}; retention >= {cfg.log_retention_min_days} days must be shown by the log server",
                [device.name],
                ev,
                severity="warning",
            )
        attest = Evidence(
            kind="attestation",
            source="settings",
            text=f"compliance.log_retention_days = {cfg.log_retention_days}",
        )
        if cfg.log_retention_days < cfg.log_retention_min_days:
            return ctx.finding(
                "MG-08",
                "FAIL",
                device.name,
                f"log retention {cfg.log_retention_days} days < {cfg.log_retention_min_days}",
                [device.name],
                [*ev, attest],
            )
        return ctx.finding(
            "MG-08",
            "PASS",
            device.name,
            f"logs go to {', '.join(str(h.address) for h in inside)}, kept {cfg.log_retention_days} days (attested)",
            [device.name],
            [*ev, attest],
        )

    yield from _each(ctx, "MG-08", judge)


# -- MG-09 -----------------------------------------------------------------------------------------
@check("MG-09")
def command_accounting(ctx: Context) -> Iterator[Finding]:
    def judge(ctx: Context, device: Device, f: ConfigFacts, rs: RecordSet) -> Finding:
        if f.command_accounting_lines:
            return ctx.finding(
                "MG-09",
                "PASS",
                device.name,
                "administrator commands accounted on the AAA server",
                [device.name],
                [ctx.ev_config(rs, ln) for ln in f.command_accounting_lines[:3]],
            )
        if ctx.cfg.bastion_records_sessions and only_from(
            ctx, f, rs, list(ctx.cfg.bastion_prefixes)
        ):
            return ctx.finding(
                "MG-09",
                "PASS",
                device.name,
                "sessions only from the bastion, which records them",
                [device.name],
                [
                    Evidence(
                        kind="attestation",
                        source="settings",
                        text="compliance.bastion_records_sessions = true",
                    )
                ],
            )
        return ctx.finding(
            "MG-09",
            "FAIL",
            device.name,
            "no command accounting and sessions not confined to a recording bastion",
            [device.name],
            [ctx.ev(rs, "config", "no command accounting / recording scheme")],
        )

    yield from _each(ctx, "MG-09", judge)


# -- MG-10 -----------------------------------------------------------------------------------------
@check("MG-10")
def ntp(ctx: Context) -> Iterator[Finding]:
    def judge(ctx: Context, device: Device, f: ConfigFacts, rs: RecordSet) -> Finding:
        if not f.ntp_servers:
            return ctx.finding(
                "MG-10",
                "FAIL",
                device.name,
                "no NTP server configured",
                [device.name],
                [ctx.ev(rs, "config", "no ntp-service unicast-server / ntp server")],
            )
        ev = [ctx.ev_config(rs, s.line) for s in f.ntp_servers]
        status_rs = ctx.snap.get("ntp", device.name)
        status = first(status_rs, NtpStatus)
        if status is None or status_rs is None:
            return ctx.finding(
                "MG-10",
                "NEEDS_EVIDENCE",
                device.name,
                "NTP configured; synchronisation state not collected",
                [device.name],
                ev,
                severity="info",
            )
        st = ctx.ev(
            status_rs,
            "ntp",
            f"synchronized={status.synchronized} stratum={status.stratum} reference={status.reference}",
        )
        if not status.synchronized or status.stratum == 16:
            return ctx.finding(
                "MG-10", "FAIL", device.name, "clock not synchronised", [device.name], [*ev, st]
            )
        return ctx.finding(
            "MG-10",
            "PASS",
            device.name,
            f"synchronised to {status.reference} (stratum {status.stratum})",
            [device.name],
            [*ev, st],
        )

    yield from _each(ctx, "MG-10", judge)


# -- MG-11 -----------------------------------------------------------------------------------------
@check("MG-11")
def access_ports(ctx: Context) -> Iterator[Finding]:
    limit = ctx.cfg.unused_port_days * 86400

    def judge(ctx: Context, device: Device, f: ConfigFacts, rs: RecordSet) -> Finding:
        linked = {
            end.interface
            for link in ctx.inv.links_of(device.name)
            for end in (link.a, link.b)
            if end.device == device.name
        }
        state: dict[str, Interface] = {}
        if_rs = ctx.snap.get("interface", device.name)
        if if_rs:
            state = {r.name: r for r in if_rs.records if isinstance(r, Interface)}
        sys_rs = ctx.snap.get("system", device.name)
        info = first(sys_rs, SystemInfo)
        uptime = info.uptime_seconds if info else None
        no_nac, unused = [], []
        ports = [
            i
            for i in f.interfaces
            if i.is_ethernet and i.mode == "access" and not i.shutdown and i.name not in linked
        ]
        for iface in ports:
            rec = state.get(iface.name)
            if (
                rec
                and if_rs
                and rec.admin_status == "up"
                and rec.oper_status not in ("up", None)
                and uptime is not None
                and rec.last_change_seconds is not None
                and uptime - rec.last_change_seconds > limit
            ):
                days = (uptime - rec.last_change_seconds) / 86400
                unused.append(
                    ctx.ev(
                        if_rs,
                        "interface",
                        f"{iface.name} admin up, oper {rec.oper_status} for {days:.0f} days",
                        interface=iface.name,
                    )
                )
            elif not iface.nac_lines:
                no_nac.append(
                    ctx.ev_config(
                        rs,
                        iface.line,
                        f"{iface.line.context()}\n(access port without 802.1X, MAC authentication or port security)",
                    )
                )
        bad = unused + no_nac
        if bad:
            parts = []
            if unused:
                parts.append(
                    f"{len(unused)} access port(s) up but unused for over {ctx.cfg.unused_port_days:g} days"
                )
            if no_nac:
                parts.append(f"{len(no_nac)} access port(s) without 802.1X/NAC/port security")
            more = (
                []
                if len(bad) <= 12
                else [ctx.ev(rs, "config", f"... and {len(bad) - 12} more ports")]
            )
            return ctx.finding(
                "MG-11", "FAIL", device.name, "; ".join(parts), [device.name], bad[:12] + more
            )
        return ctx.finding(
            "MG-11",
            "PASS",
            device.name,
            f"{len(ports)} access port(s) in use, all authenticated; unused ports shut",
            [device.name],
            [
                ctx.ev(
                    rs,
                    "config",
                    f"{len(f.interfaces)} interfaces read, {len(ports)} active access ports",
                )
            ],
        )

    for device in ctx.inv.devices:
        if device.role is not Role.ACCESS or not ctx.is_network_device(device):
            continue
        parsed = ctx.facts(device.name)
        if parsed is None:
            yield ctx.not_collected(
                "MG-11", device.name, f"no running configuration collected from {device.name}"
            )
        else:
            yield judge(ctx, device, *parsed)


# -- MG-12 -----------------------------------------------------------------------------------------
@check("MG-12")
def services(ctx: Context) -> Iterator[Finding]:
    def judge(ctx: Context, device: Device, f: ConfigFacts, rs: RecordSet) -> Finding:
        bad = [ctx.ev_config(rs, ln) for ln in f.ftp_server_lines + f.tftp_server_lines]
        return _verdict(
            ctx,
            "MG-12",
            device,
            bad,
            "FTP and TFTP servers off",
            "FTP or TFTP server enabled (record a justification as a waiver if it is needed)",
            rs,
        )

    yield from _each(ctx, "MG-12", judge)


# -- MG-13 -----------------------------------------------------------------------------------------
@check("MG-13")
def config_archived(ctx: Context) -> Iterator[Finding]:
    max_age = ctx.cfg.config_backup_max_age_days * 86400
    for device in ctx.inv.devices:
        if not ctx.is_network_device(device):
            continue
        name = device.name
        cfg_rs = ctx.snap.get("config", name)
        bk_rs = ctx.snap.get("config_backup", name)
        running = first(cfg_rs, RunningConfig)
        status = first(bk_rs, ConfigBackupStatus)
        bad: list[Evidence] = []
        good: list[Evidence] = []
        unknown: list[str] = []
        if running is not None and cfg_rs is not None:
            if running.saved_differs:
                bad.append(
                    ctx.ev(
                        cfg_rs,
                        "config",
                        "running configuration differs from the saved one (unsaved changes)",
                    )
                )
            elif running.saved_differs is False:
                good.append(ctx.ev(cfg_rs, "config", "running configuration saved"))
            else:
                unknown.append("whether the running configuration is saved")
        else:
            unknown.append("the running configuration")
        if status is not None and bk_rs is not None:
            if status.last_success is None:
                bad.append(
                    ctx.ev(
                        bk_rs,
                        "config_backup",
                        f"no successful backup ({status.error or 'never attempted'})",
                    )
                )
            else:
                age = (ctx.now - status.last_success).total_seconds()
                text = f"newest backup {status.last_success.isoformat()} ({age / 86400:.1f} days old), revision {status.revision or '-'}"
                (bad if age > max_age else good).append(ctx.ev(bk_rs, "config_backup", text))
        else:
            unknown.append("the config backup status")
        if bad:
            yield ctx.finding(
                "MG-13",
                "FAIL",
                name,
                "unsaved changes, or no config backup within "
                f"{ctx.cfg.config_backup_max_age_days:g} days",
                [name],
                bad + good,
            )
        elif unknown:
            yield ctx.finding(
                "MG-13",
                "NEEDS_EVIDENCE",
                name,
                "not collected: " + ", ".join(unknown),
                [name],
                good or [ctx.poll_evidence(name)],
                severity="info",
            )
        else:
            yield ctx.finding(
                "MG-13", "PASS", name, "configuration saved and archived", [name], good
            )


# -- MG-14 -----------------------------------------------------------------------------------------
@check("MG-14")
def software_version(ctx: Context) -> Iterator[Finding]:
    patterns = {p: [re.compile(x) for x in xs] for p, xs in ctx.cfg.vulnerable_versions.items()}
    for device in ctx.inv.devices:
        if not ctx.is_network_device(device):
            continue
        name = device.name
        rs = ctx.snap.get("version", name)
        version = first(rs, DeviceVersion)
        text = None
        if version is not None and rs is not None:
            text = (
                f"{version.vendor} {version.os} {version.version}"
                + (f" patch {version.patch}" if version.patch else "")
                + (f" on {version.model}" if version.model else "")
            )
            ev = ctx.ev(rs, "version", text)
        else:
            sys_rs = ctx.snap.get("system", name)
            info = first(sys_rs, SystemInfo)
            if info is None or sys_rs is None or not info.sys_descr:
                yield ctx.not_collected("MG-14", name, "software version not collected")
                continue
            text = info.sys_descr
            ev = ctx.ev(sys_rs, "system", text)
        hits = [p.pattern for p in patterns.get(device.platform.value, []) if p.search(text)]
        if hits:
            yield ctx.finding(
                "MG-14",
                "FAIL",
                name,
                f"runs a release listed as vulnerable ({', '.join(hits)})",
                [name],
                [ev],
                severity="major",
            )
        else:
            yield ctx.finding(
                "MG-14",
                "NEEDS_EVIDENCE",
                name,
                f"{text}: compare with the vendor's security advisories",
                [name],
                [ev],
            )
