"""BD-, AR- and BK- checks: pass, fail, and the edge that tempts a false positive."""

from __future__ import annotations

from datetime import timedelta

from netops.compliance import Snapshot
from netops.models import (
    ConfigBackupStatus,
    DbBackup,
    DbNodeStatus,
    EntityHealth,
    FirewallRule,
    HaState,
    Interface,
    PollResult,
    SystemInfo,
)
from tests.compliance.helpers import Run, edit_config, failing, one, replace
from tests.compliance.synthetic import NOW

FW = "edge-fw-1"


def rules(snap: Snapshot, *items: FirewallRule) -> None:
    snap.add(FW, "firewall_rule", list(items), NOW, "ssh")


def rule(position: int, name: str, action: str = "permit", **kw: object) -> FirewallRule:
    return FirewallRule(device=FW, name=name, position=position, action=action, **kw)  # type: ignore[arg-type]


# -- BD -------------------------------------------------------------------------------------------
def test_bd01_default_permit_from_records_fails(clean: Snapshot, run: Run) -> None:
    rules(
        clean,
        rule(1, "web", source_zones=("trust",), services=("http",)),
        rule(2, "default", is_default=True),
    )
    f = one(run(clean, "BD-01"), FW)
    assert f.verdict == "FAIL" and "default action permit" in f.evidence[0].text


def test_bd01_specific_rules_with_default_deny_pass(clean: Snapshot, run: Run) -> None:
    rules(
        clean,
        rule(1, "web", source_addresses=("10.0.0.0/10",), services=("http",)),
        rule(2, "default", action="deny", is_default=True),
    )
    assert one(run(clean, "BD-01"), FW).verdict == "PASS"


def test_bd01_disabled_any_any_is_not_active(clean: Snapshot, run: Run) -> None:
    rules(clean, rule(1, "old", enabled=False), rule(2, "default", action="deny", is_default=True))
    assert one(run(clean, "BD-01"), FW).verdict == "PASS"


def test_bd02_any_service_shadowed_and_unused(clean: Snapshot, run: Run) -> None:
    rules(
        clean,
        rule(1, "wide", source_zones=("trust",), source_addresses=("10.0.0.0/10",)),
        rule(
            2,
            "narrow",
            source_zones=("trust",),
            source_addresses=("10.0.64.0/24",),
            services=("https",),
        ),
        rule(3, "idle", source_zones=("dmz",), services=("ssh",), hit_count=0),
    )
    f = one(run(clean, "BD-02"), FW)
    notes = " ".join(e.text for e in f.evidence)
    assert (
        f.verdict == "FAIL"
        and "permits any service" in notes
        and "shadowed by rule 'wide'" in notes
        and "no hits in 90 days" in notes
    )


def test_bd02_zero_hits_on_a_fresh_box_is_not_unused(clean: Snapshot, run: Run) -> None:
    replace(clean, FW, "system", SystemInfo(device=FW, uptime_seconds=86400.0))
    rules(clean, rule(1, "idle", source_zones=("dmz",), services=("ssh",), hit_count=0))
    assert one(run(clean, "BD-02"), FW).verdict == "PASS"


def test_bd03_internet_rule_without_ips(clean: Snapshot, run: Run) -> None:
    edit_config(clean, FW, lambda t: t.replace("  profile ips default\n", ""))
    assert one(run(clean, "BD-03"), FW).verdict == "FAIL"
    # outbound trust->untrust web rule without IPS is not Internet-facing: the clean twin passes
    assert one(run(clean, "BD-03"), "edge-fw-2").verdict == "PASS"


def test_bd04_ssid_landing_in_public_vrf(clean: Snapshot, run: Run) -> None:
    wlan = "wlan\n ssid-profile name guest\n  ssid Gov-Guest\n vap-profile name guest\n  service-vlan vlan-id 100\n  ssid-profile guest\n#\nreturn"
    edit_config(clean, "core-1", lambda t: t.replace("return", wlan))
    f = run(clean, "BD-04")
    assert [(x.verdict, x.target) for x in f] == [("FAIL", "core-1 SSID Gov-Guest")]


# -- AR -------------------------------------------------------------------------------------------
def test_ar01_member_down_and_split_brain(clean: Snapshot, run: Run) -> None:
    clean.add_poll(
        PollResult(
            device="core-2",
            transport="snmp",
            ok=False,
            reason="timeout",
            started_at=NOW,
            duration_seconds=2.0,
        )
    )
    clean.add_poll(
        PollResult(
            device="core-2",
            transport="ssh",
            ok=False,
            reason="timeout",
            started_at=NOW,
            duration_seconds=2.0,
        )
    )
    f = one(run(clean, "AR-01"), "core-pair")
    assert (f.verdict, f.severity) == ("FAIL", "major")
    replace(
        clean,
        "edge-fw-2",
        "ha_state",
        HaState(device="edge-fw-2", mechanism="hrp", role="active", peer_role="active"),
    )
    f2 = one(run(clean, "AR-01"), "edge-fw-pair")
    assert (f2.verdict, f2.severity) == ("FAIL", "critical")


def test_ar01_one_transport_failing_is_not_down(clean: Snapshot, run: Run) -> None:
    clean.add_poll(
        PollResult(
            device="core-2",
            transport="ssh",
            ok=False,
            reason="auth",
            started_at=NOW,
            duration_seconds=1.0,
        )
    )
    assert one(run(clean, "AR-01"), "core-pair").verdict == "PASS"


def test_ar01_database_two_primaries(clean: Snapshot, run: Run) -> None:
    replace(
        clean,
        "dc-db-2",
        "db_node",
        DbNodeStatus(device="dc-db-2", engine="postgresql", reachable=True, role="primary"),
    )
    f = one(run(clean, "AR-01"), "dc-db")
    assert (f.verdict, f.severity) == ("FAIL", "critical") and "split brain" in f.summary


def test_ar02_hot_link_and_cpu(clean: Snapshot, run: Run) -> None:
    replace(clean, "core-1", "health", EntityHealth(device="core-1", cpu_percent=93.0))
    assert one(run(clean, "AR-02"), "core-1").verdict == "FAIL"
    replace(
        clean,
        "agg-renmin",
        "interface",
        Interface(device="agg-renmin", name="GigabitEthernet0/0/1", speed_bps=10**9, in_bps=8.5e8),
    )
    assert one(run(clean, "AR-02"), "agg-renmin").verdict == "FAIL"


def test_ar03_unknown_vrf_and_outside_plan_but_border_router_exempt(
    clean: Snapshot, run: Run
) -> None:
    replace(
        clean,
        "agg-renmin",
        "interface",
        Interface(device="agg-renmin", name="Vlanif300", addresses=("10.0.70.1/24",), vrf="GUEST"),
    )
    replace(
        clean,
        "edge-br-1",
        "interface",
        Interface(device="edge-br-1", name="GigabitEthernet0/0/0", addresses=("203.0.113.2/30",)),
    )
    f = run(clean, "AR-03")
    assert [x.target for x in failing(f)] == ["agg-renmin"]
    assert not [x for x in f if x.target == "edge-br-1"]


# -- BK -------------------------------------------------------------------------------------------
def test_bk01_stale_never_and_missing(clean: Snapshot, run: Run) -> None:
    replace(
        clean,
        "core-1",
        "config_backup",
        ConfigBackupStatus(device="core-1", last_success=NOW - timedelta(hours=30)),
    )
    replace(
        clean,
        "core-2",
        "config_backup",
        ConfigBackupStatus(device="core-2", last_attempt=NOW, error="auth failed"),
    )
    clean.sets[:] = [
        s for s in clean.sets if not (s.device == "agg-renmin" and s.kind == "config_backup")
    ]
    clean.__post_init__()
    f = run(clean, "BK-01")
    assert (one(f, "core-1").verdict, one(f, "core-2").verdict, one(f, "agg-renmin").verdict) == (
        "FAIL",
        "FAIL",
        "NEEDS_EVIDENCE",
    )
    assert "auth failed" in one(f, "core-2").evidence[0].text
    assert not [
        x for x in f if x.target == "dc-db-1"
    ]  # servers are not under the device-config policy


def test_bk02_failed_newest_does_not_count_and_old_manual_fails(clean: Snapshot, run: Run) -> None:
    replace(
        clean,
        "dc-db",
        "db_backup",
        DbBackup(
            device="dc-db",
            tool="pgbackrest",
            label="a1",
            trigger="automatic",
            finished_at=NOW - timedelta(hours=30),
        ),
        DbBackup(
            device="dc-db",
            tool="pgbackrest",
            label="a2",
            trigger="automatic",
            finished_at=NOW - timedelta(hours=2),
            ok=False,
            error="archive timeout",
        ),
        DbBackup(
            device="dc-db",
            tool="pgbackrest",
            label="m1",
            trigger="manual",
            finished_at=NOW - timedelta(days=8),
        ),
    )
    f = one(run(clean, "BK-02"), "dc-db")
    assert f.verdict == "FAIL" and "automatic" in f.summary and "manual" in f.summary


def test_bk03_restore_test_age(clean: Snapshot, run: Run) -> None:
    from netops.models import DbBackupVerification

    assert one(run(clean, "BK-03"), "dc-db").verdict == "NEEDS_EVIDENCE"
    old = DbBackupVerification(
        device="dc-db",
        tool="pgbackrest",
        label="x",
        started_at=NOW - timedelta(days=9),
        finished_at=NOW - timedelta(days=9),
        ok=True,
        duration_seconds=9.0,
    )
    clean.add("dc-db", "db_verify", [old], NOW, "sql")
    assert one(run(clean, "BK-03"), "dc-db").verdict == "FAIL"
    fresh = old.model_copy(update={"finished_at": NOW - timedelta(hours=5)})
    failed = old.model_copy(
        update={"finished_at": NOW - timedelta(hours=1), "ok": False, "error": "restore failed"}
    )
    clean.add("dc-db", "db_verify", [fresh], NOW, "sql")
    assert one(run(clean, "BK-03"), "dc-db").verdict == "PASS"
    clean.add("dc-db", "db_verify", [fresh, failed], NOW, "sql")
    f = one(run(clean, "BK-03"), "dc-db")
    assert f.verdict == "FAIL" and "restore failed" in f.summary  # a failing newest test is news
