"""The catalogue of checks: stable IDs, the 等保 clause each proves, severity and remedy.

IDs follow shared/DOMAIN.md §3-4 (IS- isolation, MG- device baseline, BD- boundary,
AR- architecture/redundancy) plus BK- for backup freshness. Every ID here is
implemented by a check function and documented in docs/compliance-checks.md; a test
keeps the three in step. Clause numbers are those of GB/T 22239-2019 level 3
(chapter 8); ``min_level`` says from which protection level a control is required.
"""

from __future__ import annotations

from dataclasses import dataclass

from netops.models import Severity


@dataclass(frozen=True)
class CheckInfo:
    id: str
    title: str
    family: str
    clause: str
    clause_title: str
    severity: Severity
    remediation: str
    min_level: int = 2


#: clause -> its heading in GB/T 22239-2019 (level 3), for grouping the audit report
CLAUSES: dict[str, str] = {
    "isolation": "涉密网络物理隔离 / 区域隔离 (保密法, 中办发〔2002〕17号: intranet isolation, zone separation)",
    "8.1.2.1": "安全通信网络 / 网络架构 (network architecture)",
    "8.1.3.1": "安全区域边界 / 边界防护 (boundary protection)",
    "8.1.3.2": "安全区域边界 / 访问控制 (access control)",
    "8.1.3.3": "安全区域边界 / 入侵防范 (intrusion prevention)",
    "8.1.3.5": "安全区域边界 / 安全审计 (boundary audit)",
    "8.1.4.1": "安全计算环境 / 身份鉴别 (identification and authentication)",
    "8.1.4.2": "安全计算环境 / 访问控制 (access control)",
    "8.1.4.3": "安全计算环境 / 安全审计 (security audit)",
    "8.1.4.4": "安全计算环境 / 入侵防范 (intrusion prevention)",
    "8.1.4.9": "安全计算环境 / 数据备份恢复 (backup and recovery)",
    "8.1.5.4": "安全管理中心 / 集中管控 (centralised control)",
    "8.1.10": "安全运维管理 / 配置管理 (configuration management)",
}


def _c(
    id: str,
    title: str,
    family: str,
    clause: str,
    severity: Severity,
    remediation: str,
    min_level: int = 2,
) -> CheckInfo:
    head = clause if clause == "isolation" else ".".join(clause.split()[0].split(".")[:4])
    return CheckInfo(id, title, family, clause, CLAUSES[head], severity, remediation, min_level)


CATALOGUE: dict[str, CheckInfo] = {
    c.id: c
    for c in (
        # -- isolation (DOMAIN §4) -----------------------------------------------------------
        _c(
            "IS-01",
            "Physical edges stay inside their zone",
            "isolation",
            "isolation",
            "critical",
            "Unplug the link, or declare the port as a sanctioned crossing (firewall, GAP, VPN "
            "gateway) between zones allowed to meet; nothing may ever connect to the intranet.",
        ),
        _c(
            "IS-02",
            "No identity seen in both the intranet and the extranet",
            "isolation",
            "isolation",
            "critical",
            "Find the machine (chassis ID, serial, MAC or address in the evidence) and remove it "
            "from one of the two networks: one machine, one network (一机两网 is forbidden).",
        ),
        _c(
            "IS-03",
            "Addresses stay inside their zone's allocation",
            "isolation",
            "8.1.2.1 d",
            "major",
            "Re-address the interface or find the host behind the foreign ARP entry; an address "
            "of another zone inside this VRF means traffic is crossing zones.",
        ),
        _c(
            "IS-04",
            "Route-target graph closed per zone",
            "isolation",
            "8.1.2.1 d",
            "critical",
            "Remove the foreign import route target from the VPN instance, or declare an approved "
            "route-target interconnect between the two zones in the inventory.",
        ),
        _c(
            "IS-05",
            "No explicit route leaks between VPN instances",
            "isolation",
            "8.1.3.1 a",
            "critical",
            "Remove the cross-VRF / public static route, import-rib or route-replicate: zones "
            "meet only through the firewall.",
        ),
        _c(
            "IS-06",
            "Default routes: none in the intranet, via the firewall in the extranet",
            "isolation",
            "8.1.3.1 a",
            "critical",
            "Delete routes to non-intranet space from intranet devices; point extranet VRFs' "
            "default route at the firewall.",
        ),
        _c(
            "IS-07",
            "Every Internet-to-extranet path crosses firewall + IPS",
            "isolation",
            "8.1.3.1 a",
            "critical",
            "Remove the bypass (link, route or leak in the evidence) so the Internet reaches the "
            "extranet only through the firewall and IPS.",
        ),
        _c(
            "IS-08",
            "Forwarding walk from the Internet edge reaches the firewall first",
            "isolation",
            "8.1.3.1 a",
            "major",
            "Fix the routing so traffic from the Internet edge toward extranet prefixes is "
            "forwarded to the firewall before any other device.",
        ),
        # -- device baseline (DOMAIN §3) -----------------------------------------------------
        _c(
            "MG-01",
            "Remote management is encrypted (no Telnet, no plain HTTP)",
            "baseline",
            "8.1.4.1 c",
            "major",
            "undo telnet server enable; on every VTY 'protocol inbound ssh' (H3C: same; Cisco "
            "'transport input ssh'); use the HTTPS server only.",
        ),
        _c(
            "MG-02",
            "Management access restricted to management addresses",
            "baseline",
            "8.1.4.4 c",
            "major",
            "Bind an ACL permitting only the management/bastion prefixes to every VTY ('acl N "
            "inbound', Cisco 'access-class N in') and to the SSH server.",
        ),
        _c(
            "MG-03",
            "Failed-login lockout and idle timeout",
            "baseline",
            "8.1.4.1 b",
            "major",
            "Keep 'local-aaa-user wrong-password' on (H3C 'password-control login-attempt', Cisco "
            "'login block-for'); set 'idle-timeout' to at most the policy's minutes.",
        ),
        _c(
            "MG-04",
            "Passwords stored irreversibly and expire",
            "baseline",
            "8.1.4.1 a",
            "major",
            "Use 'password irreversible-cipher' (H3C 'password hash', Cisco 'secret 9'); set a "
            "password expiry ('password expire N', 'password-control aging N').",
        ),
        _c(
            "MG-05",
            "No default accounts; privileges separated",
            "baseline",
            "8.1.4.2",
            "major",
            "Delete or rename vendor default accounts; give operators less than level 15; keep "
            "the account register showing each account's owner.",
        ),
        _c(
            "MG-06",
            "Two-factor administration through central AAA and the bastion",
            "baseline",
            "8.1.4.1 d",
            "warning",
            "Authenticate administrators on HWTACACS/RADIUS and admit management sessions only "
            "from the bastion hosts (which hold the second factor).",
            min_level=3,
        ),
        _c(
            "MG-07",
            "SNMP v3 with privacy only, behind an ACL",
            "baseline",
            "8.1.4.1 c",
            "major",
            "snmp-agent sys-info version v3; delete every community; v3 groups 'privacy' with "
            "an ACL of the NMS addresses.",
        ),
        _c(
            "MG-08",
            "Logs sent to the central log server and kept six months",
            "baseline",
            "8.1.5.4 d",
            "major",
            "info-center loghost <log server in the management zone>; have the log server's "
            "owner attest retention >= 180 days (settings compliance.log_retention_days).",
        ),
        _c(
            "MG-09",
            "Administrator commands accounted",
            "baseline",
            "8.1.4.3 a",
            "warning",
            "Enable HWTACACS command accounting (Huawei 'cmd recording-scheme', H3C 'accounting "
            "command hwtacacs-scheme', Cisco 'aaa accounting commands 15'), or record sessions "
            "on the bastion.",
        ),
        _c(
            "MG-10",
            "Clock synchronised by NTP",
            "baseline",
            "8.1.4.3 b",
            "warning",
            "ntp-service unicast-server <NTP server in the management zone>; check that the "
            "device reaches it.",
        ),
        _c(
            "MG-11",
            "Unused access ports shut; used ones authenticated",
            "baseline",
            "8.1.4.4 b",
            "warning",
            "Shut access ports that have been down for long; enable 802.1X, MAC authentication "
            "or port security on the ones in use.",
        ),
        _c(
            "MG-12",
            "Unneeded services (FTP, TFTP) off",
            "baseline",
            "8.1.4.4 b",
            "warning",
            "undo ftp server enable (and TFTP); if a service is needed, record the "
            "justification as a waiver with an owner and an expiry.",
        ),
        _c(
            "MG-13",
            "Configuration saved and archived",
            "baseline",
            "8.1.10",
            "warning",
            "Save the running configuration; make sure the daily config backup of this device "
            "succeeds.",
        ),
        _c(
            "MG-14",
            "Software version checked against vendor advisories",
            "baseline",
            "8.1.4.4 e",
            "info",
            "Compare the running version and patch with the vendor's security advisories; list "
            "vulnerable releases in settings compliance.vulnerable_versions.",
        ),
        # -- boundary ------------------------------------------------------------------------
        _c(
            "BD-01",
            "Firewall default deny, no any/any permit",
            "boundary",
            "8.1.3.2 a",
            "critical",
            "Replace the any-to-any permit with rules naming sources, destinations and services; "
            "set the default action to deny.",
        ),
        _c(
            "BD-02",
            "Firewall rules minimal and specific",
            "boundary",
            "8.1.3.2 b",
            "warning",
            "Name the services of any-service rules; delete shadowed rules and rules with no "
            "hits for the review period.",
        ),
        _c(
            "BD-03",
            "Internet-facing permit rules carry an IPS profile",
            "boundary",
            "8.1.3.3 a",
            "major",
            "Reference an IPS (and AV) profile in every permit rule from the Internet-facing "
            "zones.",
        ),
        _c(
            "BD-04",
            "Wireless enters through a controlled boundary",
            "boundary",
            "8.1.3.1 d",
            "major",
            "Put each SSID's service VLAN in a dedicated wireless zone behind the firewall, not "
            "directly in a public or department VRF.",
        ),
        # -- architecture and redundancy -----------------------------------------------------
        _c(
            "AR-01",
            "Key paths redundant: dual uplinks, healthy HA pairs",
            "redundancy",
            "8.1.2.1 e",
            "major",
            "Restore the failed uplink or HA member (see the evidence for which) so no key path "
            "depends on a single link or device.",
        ),
        _c(
            "AR-02",
            "Capacity: CPU, memory and links below the policy ratio",
            "redundancy",
            "8.1.2.1 a",
            "warning",
            "Find the load behind the hot device or link; plan an upgrade if the 30-day p95 "
            "stays above the policy ratio.",
        ),
        _c(
            "AR-03",
            "Every L3 interface belongs to a zone of the IP plan",
            "redundancy",
            "8.1.2.1 c",
            "warning",
            "Bind the interface to the VRF of its zone and number it from that zone's "
            "allocation, or correct the inventory's IP plan.",
        ),
        # -- backups -------------------------------------------------------------------------
        _c(
            "BK-01",
            "Device configuration backups within policy",
            "backup",
            "8.1.4.9 a",
            "major",
            "Find why the config backup fails (the error is in the evidence) and run one now "
            "('netops backup run').",
        ),
        _c(
            "BK-02",
            "Database backups (automatic and manual) within policy",
            "backup",
            "8.1.4.9 a",
            "major",
            "Run the missing database backup and fix the schedule; the newest successful "
            "backup of each kind must be younger than the policy allows.",
        ),
        _c(
            "BK-03",
            "Database restore verified within policy",
            "backup",
            "8.1.4.9 a",
            "warning",
            "Run a restore test of the newest backup and record it.",
        ),
    )
}


def clause_for(check_id: str) -> str:
    return CATALOGUE[check_id].clause
