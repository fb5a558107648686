"""MG-01..MG-14 per platform: pass, fail, and the edge that tempts a false positive."""

from __future__ import annotations

from datetime import timedelta
from ipaddress import IPv4Network

from netops.compliance import Snapshot
from netops.models import ConfigBackupStatus, DeviceVersion, Interface, NtpStatus, RunningConfig
from netops.settings import ComplianceSettings
from tests.compliance.helpers import Run, append, edit_config, failing, one, replace
from tests.compliance.synthetic import NOW

VRP, COMWARE, IOS, USG = "acc-jiefang-01", "acc-jiefang-02", "agg-gongyuan", "edge-fw-1"


def verdict(run: Run, snap: Snapshot, check: str, device: str, **kw: object) -> str:
    return one(run(snap, check, **kw), device).verdict  # type: ignore[arg-type]


def test_baseline_clean_passes_on_every_platform(clean: Snapshot, run: Run) -> None:
    for check in ("MG-01", "MG-02", "MG-03", "MG-07", "MG-09", "MG-10", "MG-12", "MG-13"):
        for device in (VRP, COMWARE, IOS, USG):
            assert verdict(run, clean, check, device) == "PASS", (check, device)


def test_linux_hosts_are_out_of_scope(clean: Snapshot, run: Run) -> None:
    assert not [f for f in run(clean, "MG-01") if f.target.startswith(("dc-", "ofc-srv"))]


def test_mg01_comware_telnet_and_ios_vty_transport(clean: Snapshot, run: Run) -> None:
    edit_config(
        clean,
        COMWARE,
        lambda t: t.replace(" ssh server enable", " telnet server enable\n ssh server enable"),
    )
    edit_config(clean, IOS, lambda t: t.replace(" transport input ssh", " transport input all"))
    f = run(clean, "MG-01")
    assert one(f, COMWARE).verdict == one(f, IOS).verdict == "FAIL"
    assert one(f, IOS).evidence[0].text == "line vty 0 4\n transport input all"


def test_mg01_implicit_release_default_is_needs_evidence(clean: Snapshot, run: Run) -> None:
    edit_config(
        clean,
        VRP,
        lambda t: t.replace("undo telnet server enable\n", "").replace(
            " protocol inbound ssh\n", ""
        ),
    )
    assert verdict(run, clean, "MG-01", VRP) == "NEEDS_EVIDENCE"


def test_mg02_acl_any_or_outside_or_missing(clean: Snapshot, run: Run) -> None:
    edit_config(
        clean,
        VRP,
        lambda t: t.replace(
            " rule 5 permit source 10.250.1.0 0.0.0.255\n rule 100 deny",
            " rule 5 permit source 10.250.1.0 0.0.0.255\n rule 7 permit source 192.168.1.0 0.0.0.255\n rule 100 deny",
            1,
        ),
    )
    f = one(run(clean, "MG-02"), VRP)
    assert f.verdict == "FAIL" and "192.168.1.0/24 is outside" in f.evidence[0].text
    edit_config(clean, IOS, lambda t: t.replace(" access-class MGMT-ONLY in\n", ""))
    assert verdict(run, clean, "MG-02", IOS) == "FAIL"
    edit_config(
        clean,
        COMWARE,
        lambda t: t.replace(
            " rule 100 deny\n#\nacl basic 2002", " rule 10 permit\n#\nacl basic 2002"
        ),
    )
    assert verdict(run, clean, "MG-02", COMWARE) == "FAIL"


def test_mg02_bastion_prefix_is_allowed(clean: Snapshot, run: Run) -> None:
    edit_config(
        clean,
        VRP,
        lambda t: t.replace(
            " rule 100 deny", " rule 7 permit source 192.168.9.8 0.0.0.7\n rule 100 deny", 1
        ),
    )
    bastion = ComplianceSettings(bastion_prefixes=[IPv4Network("192.168.9.0/28")])
    assert verdict(run, clean, "MG-02", VRP, settings=bastion) == "PASS"


def test_mg03_lockout_off_and_idle_zero(clean: Snapshot, run: Run) -> None:
    edit_config(
        clean,
        VRP,
        lambda t: t.replace(
            " local-aaa-user wrong-password retry-interval 5 retry-time 3 block-time 15",
            " undo local-aaa-user wrong-password",
        ),
    )
    assert verdict(run, clean, "MG-03", VRP) == "FAIL"
    edit_config(clean, IOS, lambda t: t.replace(" exec-timeout 10 0", " exec-timeout 0 0"))
    assert verdict(run, clean, "MG-03", IOS) == "FAIL"
    edit_config(
        clean,
        COMWARE,
        lambda t: t.replace(" password-control enable\n", "").replace(
            " password-control login-attempt 3 exceed lock-time 15\n", ""
        ),
    )
    assert verdict(run, clean, "MG-03", COMWARE) == "FAIL"


def test_mg03_vrp_default_lockout_and_timeout_pass(clean: Snapshot, run: Run) -> None:
    edit_config(
        clean,
        VRP,
        lambda t: t.replace(
            " local-aaa-user wrong-password retry-interval 5 retry-time 3 block-time 15\n", ""
        ).replace(" idle-timeout 10 0\n", ""),
    )
    f = one(run(clean, "MG-03"), VRP)
    assert f.verdict == "PASS" and any("default" in e.text for e in f.evidence)


def test_mg04_reversible_and_no_expiry(clean: Snapshot, run: Run) -> None:
    edit_config(
        clean,
        VRP,
        lambda t: t.replace(
            "local-user ops01 password irreversible-cipher ******",
            "local-user ops01 password cipher ******",
        ),
    )
    assert verdict(run, clean, "MG-04", VRP) == "FAIL"
    edit_config(clean, COMWARE, lambda t: t.replace(" password-control aging 90\n", ""))
    assert verdict(run, clean, "MG-04", COMWARE) == "NEEDS_EVIDENCE"  # central AAA sets the policy
    edit_config(
        clean,
        IOS,
        lambda t: t.replace(
            "username ops01 privilege 3 secret 9 ******",
            "username ops01 privilege 3 password 7 0822455D0A16",
        ),
    )
    assert verdict(run, clean, "MG-04", IOS) == "FAIL"


def test_mg05_default_account_fails_otherwise_needs_the_register(clean: Snapshot, run: Run) -> None:
    assert verdict(run, clean, "MG-05", VRP) == "NEEDS_EVIDENCE"
    edit_config(clean, VRP, lambda t: t.replace("local-user ops01", "local-user admin"))
    assert verdict(run, clean, "MG-05", VRP) == "FAIL"


def test_mg06_only_at_level_3_and_needs_bastion(clean: Snapshot, run: Run) -> None:
    assert verdict(run, clean, "MG-06", VRP) == "NEEDS_EVIDENCE"
    bastion = ComplianceSettings(bastion_prefixes=[IPv4Network("10.250.1.0/24")])
    assert verdict(run, clean, "MG-06", VRP, settings=bastion) == "PASS"


def test_mg06_not_run_at_level_2(clean: Snapshot, reference, run: Run) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace as dc_replace

    inv = dc_replace(
        reference, network=reference.network.model_copy(update={"protection_level": 2})
    )
    assert run(clean, "MG-06", inventory=inv) == []


def test_mg07_community_and_v3_without_privacy(clean: Snapshot, run: Run) -> None:
    edit_config(
        clean,
        IOS,
        lambda t: t.replace(
            "snmp-server group NMS v3 priv read ISO access MGMT-ONLY",
            "snmp-server community public RO MGMT-ONLY",
        ),
    )
    f = one(run(clean, "MG-07"), IOS)
    assert f.verdict == "FAIL" and "well-known name 'public'" in f.evidence[0].text
    edit_config(
        clean,
        VRP,
        lambda t: t.replace(
            "snmp-agent group v3 NMS privacy", "snmp-agent group v3 NMS authentication"
        ),
    )
    assert verdict(run, clean, "MG-07", VRP) == "FAIL"


def test_mg07_ciphered_community_still_fails(clean: Snapshot, run: Run) -> None:
    edit_config(
        clean,
        VRP,
        lambda t: t.replace(
            "snmp-agent sys-info version v3",
            "snmp-agent sys-info version v3\nsnmp-agent community read cipher %^%#q1w2e3%^%# acl 2002",
        ),
    )
    assert verdict(run, clean, "MG-07", VRP) == "FAIL"


def test_mg08_loghost_outside_management_fails_and_attested_retention_passes(
    clean: Snapshot, run: Run
) -> None:
    assert verdict(run, clean, "MG-08", VRP) == "NEEDS_EVIDENCE"
    assert (
        verdict(run, clean, "MG-08", VRP, settings=ComplianceSettings(log_retention_days=365))
        == "PASS"
    )
    assert (
        verdict(run, clean, "MG-08", VRP, settings=ComplianceSettings(log_retention_days=90))
        == "FAIL"
    )
    edit_config(
        clean,
        VRP,
        lambda t: t.replace("info-center loghost 10.250.1.10", "info-center loghost 10.0.9.10"),
    )
    assert verdict(run, clean, "MG-08", VRP) == "FAIL"


def test_mg09_no_accounting_unless_bastion_records(clean: Snapshot, run: Run) -> None:
    edit_config(
        clean,
        VRP,
        lambda t: t.replace(" cmd recording-scheme rec\n", "").replace(
            "  recording-mode hwtacacs tac\n", ""
        ),
    )
    assert verdict(run, clean, "MG-09", VRP) == "FAIL"
    bastion = ComplianceSettings(
        bastion_prefixes=[IPv4Network("10.250.1.0/24")], bastion_records_sessions=True
    )
    assert verdict(run, clean, "MG-09", VRP, settings=bastion) == "PASS"


def test_mg10_unsynchronised_and_not_collected(clean: Snapshot, run: Run) -> None:
    replace(clean, VRP, "ntp", NtpStatus(device=VRP, synchronized=False, stratum=16))
    assert verdict(run, clean, "MG-10", VRP) == "FAIL"
    clean.sets[:] = [s for s in clean.sets if not (s.device == COMWARE and s.kind == "ntp")]
    clean.__post_init__()
    assert verdict(run, clean, "MG-10", COMWARE) == "NEEDS_EVIDENCE"


def test_mg11_port_without_nac_and_long_unused_port(clean: Snapshot, run: Run) -> None:
    edit_config(clean, VRP, lambda t: t.replace(" dot1x enable\n", "", 1))
    f = one(run(clean, "MG-11"), VRP)
    assert f.verdict == "FAIL" and "GigabitEthernet0/0/5" in f.evidence[0].text
    append(
        clean,
        COMWARE,
        "interface",
        Interface(
            device=COMWARE,
            name="GigabitEthernet1/0/6",
            admin_status="up",
            oper_status="down",
            last_change_seconds=3600.0,
        ),
    )
    f2 = one(run(clean, "MG-11"), COMWARE)
    assert f2.verdict == "FAIL" and "for 90 days" in f2.evidence[0].text


def test_mg11_uplinks_and_shut_ports_are_not_access_ports(clean: Snapshot, run: Run) -> None:
    # GigabitEthernet0/0/24 is shut; the uplink has no NAC by design; both fine
    f = one(run(clean, "MG-11"), VRP)
    assert f.verdict == "PASS" and "2 access port(s)" in f.summary


def test_mg12_ftp_on(clean: Snapshot, run: Run) -> None:
    edit_config(clean, VRP, lambda t: t.replace("undo ftp server enable", "ftp server enable"))
    assert verdict(run, clean, "MG-12", VRP) == "FAIL"


def test_mg13_unsaved_and_old_backup(clean: Snapshot, run: Run) -> None:
    rs = clean.get("config", VRP)
    assert rs is not None and isinstance(rs.records[0], RunningConfig)
    replace(clean, VRP, "config", rs.records[0].model_copy(update={"saved_differs": True}))
    assert verdict(run, clean, "MG-13", VRP) == "FAIL"
    replace(
        clean,
        IOS,
        "config_backup",
        ConfigBackupStatus(device=IOS, last_success=NOW - timedelta(days=9)),
    )
    assert verdict(run, clean, "MG-13", IOS) == "FAIL"


def test_mg14_vulnerable_version_from_settings(clean: Snapshot, run: Run) -> None:
    assert verdict(run, clean, "MG-14", VRP) == "NEEDS_EVIDENCE"
    replace(
        clean,
        VRP,
        "version",
        DeviceVersion(device=VRP, vendor="huawei", os="VRP", version="V200R019C10SPC500"),
    )
    bad = ComplianceSettings(vulnerable_versions={"huawei_vrp": [r"V200R019C10SPC[0-5]\d\d"]})
    assert verdict(run, clean, "MG-14", VRP, settings=bad) == "FAIL"


def test_missing_config_is_needs_evidence_never_pass(clean: Snapshot, run: Run) -> None:
    clean.sets[:] = [s for s in clean.sets if not (s.device == VRP and s.kind == "config")]
    clean.__post_init__()
    for check in ("MG-01", "MG-02", "MG-07", "MG-12"):
        assert verdict(run, clean, check, VRP) == "NEEDS_EVIDENCE"
    assert failing(run(clean, "MG-01")) == []
