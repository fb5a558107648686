"""The lab end to end: one lab of the reference network, real clients against it.

netmiko with the real device types, ntc-templates' real TextFSM templates, net-snmp's
snmpbulkwalk/snmpget (v2c and v3 authPriv); faults flip on and off at run time; lab down
leaves no process behind.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from netmiko import ConnectHandler
from ntc_templates.parse import parse_output

from netops.inventory import Inventory
from netops.lab import control
from tests.conftest import REFERENCE, require


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    endpoints = tmp_path_factory.mktemp("lab") / "endpoints.json"
    status = control.up(REFERENCE, endpoints, snmp_version="3", db="off")
    try:
        data = json.loads(endpoints.read_text())
        yield {"endpoints": endpoints, "status": status, "ep": data}
    finally:
        pid = control.down(endpoints)
        assert (
            not Path(f"/proc/{pid}").exists()
            or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
        )


def _ssh(lab: dict[str, Any], device: str, device_type: str) -> Any:
    e = lab["ep"][device]["ssh"]
    return ConnectHandler(
        device_type=device_type,
        host=e["host"],
        port=e["port"],
        username=e["username"],
        password=e["password"],
    )


def _walk(lab: dict[str, Any], device: str, oid: str, v2c: bool = False) -> list[str]:
    require("snmpbulkwalk")
    e = lab["ep"][device]["snmp"]
    auth = (
        ["-v2c", "-c", "netops-lab"]
        if v2c
        else [
            "-v3",
            "-l",
            "authPriv",
            "-u",
            e["user"],
            "-a",
            "SHA",
            "-A",
            e["auth_key"],
            "-x",
            "AES",
            "-X",
            e["priv_key"],
        ]
    )
    out = subprocess.run(
        [
            "snmpbulkwalk",
            *auth,
            "-On",
            "-Oq",
            "-t",
            "2",
            "-r",
            "0",
            f"{e['host']}:{e['port']}",
            oid,
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if "Timeout" in out.stderr:
        raise TimeoutError(out.stderr.strip())
    return [line for line in out.stdout.splitlines() if line.strip()]


def _parse(platform: str, command: str, text: str) -> list[dict[str, Any]]:
    return list(parse_output(platform=platform, command=command, data=text))


PLATFORM_COMMANDS = [
    (
        "core-1",
        "huawei",
        "huawei_vrp",
        [
            "display version",
            "display lldp neighbor",
            "display ip vpn-instance",
            "display arp all",
            "display interface brief",
        ],
        [
            "display ip vpn-instance verbose",
            "display ip routing-table vpn-instance ZW_PUBLIC",
            "display current-configuration",
        ],
    ),
    (
        "agg-jiefang",
        "huawei_vrpv8",
        "huawei_vrp",
        ["display version", "display lldp neighbor", "display arp all", "display interface brief"],
        ["display ip routing-table"],
    ),
    (
        "acc-jiefang-02",
        "hp_comware",
        "hp_comware",
        [
            "display lldp neighbor-information list",
            "display ip routing-table",
            "display arp",
            "display interface brief",
        ],
        ["display version", "display current-configuration"],
    ),
    (
        "edge-br-1",
        "cisco_ios",
        "cisco_ios",
        [
            "show version",
            "show ip route",
            "show ip arp",
            "show ip interface brief",
            "show lldp neighbors detail",
        ],
        ["show running-config"],
    ),
    (
        "edge-fw-1",
        "huawei",
        "huawei_vrp",
        ["display version", "display lldp neighbor"],
        ["display security-policy rule all", "display hrp state"],
    ),
]


@pytest.mark.parametrize(("device", "device_type", "ntc", "parsed", "plain"), PLATFORM_COMMANDS)
def test_netmiko_and_ntc_templates(
    lab: dict[str, Any],
    reference: Inventory,
    device: str,
    device_type: str,
    ntc: str,
    parsed: list[str],
    plain: list[str],
) -> None:
    with _ssh(lab, device, device_type) as conn:
        assert device in conn.find_prompt()
        for command in parsed:
            rows = _parse(ntc, command, conn.send_command(command))
            assert rows, f"{command} parsed to nothing"
        for command in plain:
            out = conn.send_command(command)
            assert out.strip() and "Error" not in out.splitlines()[0], (command, out[:200])
        if "lldp" in " ".join(parsed):
            cmd = next(c for c in parsed if "lldp" in c)
            rows = _parse(ntc, cmd, conn.send_command(cmd))
            names = {r.get("neighbor_name") for r in rows}
            expected = {reference.peer(link, device) for link in reference.links_of(device)}
            assert names == expected


def test_linux_server_commands(lab: dict[str, Any]) -> None:
    with _ssh(lab, "dc-db-1", "linux") as conn:
        assert "[netops@dc-db-1 ~]$" in conn.find_prompt()
        addrs = json.loads(conn.send_command("ip -j addr"))
        assert {"lo", "eth0", "eth1"} <= {a["ifname"] for a in addrs}
        assert "10.1.8.10" in json.dumps(addrs)  # the pair's service address sits on the primary
        assert "command not found" in conn.send_command("frobnicate")


def test_unknown_command_errors_as_the_platform_prints_them(lab: dict[str, Any]) -> None:
    with _ssh(lab, "core-1", "huawei") as conn:
        out = conn.send_command("display frobnicate", expect_string=r"<core-1>")
        assert "Error: Unrecognized command found at '^' position." in out
        assert "^" in out.splitlines()[0]
    with _ssh(lab, "edge-br-1", "cisco_ios") as conn:
        assert "% Invalid input detected at '^' marker." in conn.send_command("show frobnicate")


def test_config_commands_change_the_running_config(lab: dict[str, Any]) -> None:
    with _ssh(lab, "acc-jiefang-01", "huawei") as conn:
        conn.send_config_set(["interface GigabitEthernet0/0/9", "description provisioned-by-test"])
        config = conn.send_command("display current-configuration")
        block = config.split("interface GigabitEthernet0/0/9\n", 1)[1].split("#", 1)[0]
        # VRP prints the description first, before the unused port's shutdown
        assert block.splitlines() == [" description provisioned-by-test", " shutdown"]
        # undo typed line by line (netmiko's send_config_set waits 2 s per mode check on VRP)
        for line, prompt in (
            ("system-view", r"\]"),
            ("interface GigabitEthernet0/0/9", r"GigabitEthernet0/0/9\]"),
            ("undo description", r"\]"),
            ("return", r">"),
        ):
            conn.send_command(line, expect_string=prompt)
        assert "provisioned-by-test" not in conn.send_command("display current-configuration")


def test_paging_until_disabled(lab: dict[str, Any]) -> None:
    """Before ``screen-length 0 temporary`` long output stops at ``---- More ----``."""
    import paramiko

    e = lab["ep"]["core-1"]["ssh"]
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(
        e["host"],
        port=e["port"],
        username=e["username"],
        password=e["password"],
        look_for_keys=False,
        allow_agent=False,
    )
    try:
        chan = client.invoke_shell()
        chan.settimeout(5)
        chan.send("display current-configuration\n")
        data = b""
        while b"---- More ----" not in data:
            data += chan.recv(65536)
        chan.send("q")
    finally:
        client.close()


def test_snmp_v3_and_v2c_lldp_agrees_with_inventory(
    lab: dict[str, Any], reference: Inventory
) -> None:
    for device in ("core-1", "agg-jiefang", "acc-jiefang-02", "edge-fw-1"):
        names = {
            line.split(" ", 1)[1].strip('"')
            for line in _walk(lab, device, "1.0.8802.1.1.2.1.4.1.1.9")
        }
        expected = {reference.peer(link, device) for link in reference.links_of(device)}
        assert names == expected, device
    v2c = _walk(lab, "core-1", "1.0.8802.1.1.2.1.4.1.1.7", v2c=True)
    assert len(v2c) == len(reference.links_of("core-1"))


def test_snmp_mibs_present(lab: dict[str, Any]) -> None:
    assert _walk(lab, "core-1", "1.3.6.1.2.1.10.166.11.1.2.3.1.4")  # VRF route targets on the PE
    assert _walk(lab, "core-1", "1.3.6.1.4.1.2011.5.25.31.1.1.1.1.5")  # Huawei CPU
    assert _walk(lab, "acc-jiefang-02", "1.3.6.1.4.1.25506.2.6.1.1.1.1.6")  # H3C CPU
    assert _walk(lab, "edge-br-1", "1.3.6.1.4.1.9.9.109.1.1.1.1.8")  # Cisco CPU
    assert _walk(lab, "dc-db-1", "1.3.6.1.2.1.25.3.3.1.2")  # HOST-RESOURCES
    hc1 = int(_walk(lab, "core-1", "1.3.6.1.2.1.31.1.1.1.6.1")[0].split()[-1])
    import time

    time.sleep(0.3)
    hc2 = int(_walk(lab, "core-1", "1.3.6.1.2.1.31.1.1.1.6.1")[0].split()[-1])
    assert hc2 > hc1  # 64-bit counters grow


def _oper(lab: dict[str, Any], device: str, if_index: int) -> str:
    return _walk(lab, device, f"1.3.6.1.2.1.2.2.1.8.{if_index}")[0].split()[-1]


def test_uplink_fault_flips_both_ends_and_clears(lab: dict[str, Any]) -> None:
    ep = lab["endpoints"]
    before = set(_walk(lab, "core-1", "1.0.8802.1.1.2.1.4.1.1.9"))
    reply = control.request(ep, {"op": "fault-add", "kind": "uplink-down", "device": "agg-renmin"})
    fault = reply["faults"][0]
    try:
        assert _oper(lab, "agg-renmin", 1) == "2"
        assert _oper(lab, "agg-renmin", 2) == "1"  # the other uplink stays up
        after = set(_walk(lab, "core-1", "1.0.8802.1.1.2.1.4.1.1.9"))
        assert {line.split()[-1].strip('"') for line in before - after} == {"agg-renmin"}
        assert not after - before
    finally:
        control.request(ep, {"op": "fault-clear", "id": fault["id"]})
    assert _oper(lab, "agg-renmin", 1) == "1"


def test_device_down_and_snmp_timeout(lab: dict[str, Any]) -> None:
    ep = lab["endpoints"]
    fault = control.request(
        ep, {"op": "fault-add", "kind": "device-down", "device": "acc-renmin-01"}
    )["faults"][0]
    try:
        with pytest.raises(TimeoutError):
            _walk(lab, "acc-renmin-01", "1.3.6.1.2.1.1.5")
        assert _walk(lab, "acc-renmin-02", "1.3.6.1.2.1.1.5")  # the neighbour still answers
    finally:
        control.request(ep, {"op": "fault-clear", "id": fault["id"]})
    assert _walk(lab, "acc-renmin-01", "1.3.6.1.2.1.1.5")


def test_config_faults_show_in_config_and_cli(lab: dict[str, Any]) -> None:
    ep = lab["endpoints"]
    faults = [
        control.request(ep, {"op": "fault-add", "kind": kind, "device": "core-2"})["faults"][0]
        for kind in ("rt-leak", "cross-vrf-route", "telnet-on", "idle-timeout-0")
    ]
    with _ssh(lab, "core-2", "huawei") as conn:
        verbose = conn.send_command("display ip vpn-instance verbose ZW_PUBLIC")
        assert "  Import VPN Targets : 65000:10 65000:90" in verbose
        config = conn.send_command("display current-configuration")
        assert (
            "ip route-static vpn-instance ZW_PUBLIC 0.0.0.0 0.0.0.0 vpn-instance ZW_INTERNET"
            in config
        )
        assert "\ntelnet server enable" in config and " idle-timeout 0 0" in config
        assert "TELNET IPv4 server                       :Enable" in conn.send_command(
            "display telnet server status"
        )
        for f in faults:
            control.request(ep, {"op": "fault-clear", "id": f["id"]})
    with _ssh(lab, "core-2", "huawei") as conn:
        config = conn.send_command("display current-configuration")
        assert "65000:90 import" not in config.split("ip vpn-instance ZW_PUBLIC")[1].split("#")[0]
        assert "undo telnet server enable" in config and " idle-timeout 0 0" not in config


def test_scenario_isolation_breach(lab: dict[str, Any]) -> None:
    ep = lab["endpoints"]
    faults = control.request(ep, {"op": "scenario", "name": "isolation-breach"})["faults"]
    try:
        kinds = {f["kind"] for f in faults}
        assert kinds == {
            "rogue-lldp",
            "rt-leak",
            "cross-vrf-route",
            "intranet-default-route",
            "foreign-arp",
        }
        rogue = next(f for f in faults if f["kind"] == "rogue-lldp")
        names = {
            line.split()[-1].strip('"')
            for line in _walk(lab, rogue["device"], "1.0.8802.1.1.2.1.4.1.1.9")
        }
        assert any(
            not n.startswith("in-") for n in names
        )  # an extranet neighbour on an intranet switch
    finally:
        control.request(ep, {"op": "fault-clear"})
    assert control.request(ep, {"op": "fault-list"})["faults"] == []


def test_lab_down_leaves_no_process(tmp_path: Path) -> None:
    small = tmp_path / "ep.json"
    status = control.up(REFERENCE, small, db="off")
    pid = status["pid"]
    assert Path(f"/proc/{pid}").exists()
    control.down(small)
    alive = (
        Path(f"/proc/{pid}").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    )
    assert not alive
    assert not (tmp_path / "ep.json.lab.json").exists()


def test_database_faults_without_a_real_pair(lab: dict[str, Any]) -> None:
    """--db off: the faults are recorded, say so, and split brain still moves the service address."""
    ep = lab["endpoints"]
    assert lab["status"]["databases"] == "off (--db off)"
    assert "postgres" not in lab["ep"]["dc-db-1"]

    def vip_on(device: str) -> bool:
        with _ssh(lab, device, "linux") as conn:
            addrs = json.loads(conn.send_command("ip -j addr show"))
        eth1 = next(a for a in addrs if a["ifname"] == "eth1")
        return "10.1.8.10" in {i["local"] for i in eth1["addr_info"]}

    assert vip_on("dc-db-1") and not vip_on("dc-db-2")
    fault = control.request(ep, {"op": "fault-add", "kind": "db-split-brain"})["faults"][0]
    try:
        assert fault["device"] == "dc-db-2" and "no real database pair" in fault["detail"]
        assert vip_on("dc-db-1") and vip_on("dc-db-2")
    finally:
        control.request(ep, {"op": "fault-clear", "id": fault["id"]})
    assert not vip_on("dc-db-2")


def _snmpget(lab: dict[str, Any], device: str, community: str, oid: str) -> str:
    require("snmpget")
    e = lab["ep"][device]["snmp"]
    out = subprocess.run(
        [
            "snmpget",
            "-v2c",
            "-c",
            community,
            "-Oqv",
            "-t",
            "1",
            "-r",
            "0",
            f"{e['host']}:{e['port']}",
            oid,
        ],
        capture_output=True,
        text=True,
        timeout=10,
    )
    return out.stdout.strip() if out.returncode == 0 else f"error: {out.stderr.strip()}"


def test_community_public_drift_makes_the_agent_answer_public(lab: dict[str, Any]) -> None:
    ep = lab["endpoints"]
    device = "acc-jiefang-03"
    assert "Timeout" in _snmpget(lab, device, "public", "1.3.6.1.2.1.1.5.0")
    fault = control.request(ep, {"op": "fault-add", "kind": "community-public", "device": device})[
        "faults"
    ][0]
    try:
        assert _snmpget(lab, device, "public", "1.3.6.1.2.1.1.5.0") == f'"{device}"'
        assert "Timeout" in _snmpget(lab, "acc-jiefang-04", "public", "1.3.6.1.2.1.1.5.0")
    finally:
        control.request(ep, {"op": "fault-clear", "id": fault["id"]})
    assert "Timeout" in _snmpget(lab, device, "public", "1.3.6.1.2.1.1.5.0")
    assert _snmpget(lab, device, "netops-lab", "1.3.6.1.2.1.1.5.0") == f'"{device}"'


def test_full_bulkwalk_returns_every_oid_of_the_view_in_order(
    lab: dict[str, Any], reference: Inventory
) -> None:
    """snmpbulkwalk of .1 gets exactly the view (lexicographic, no gap, no duplicate).

    A bare ``snmpbulkwalk HOST`` walks mib-2 (1.3.6.1.2.1) only, and multi-line strings
    (sysDescr) print on several lines: that is why a line count of such a walk is lower
    than the view's size.
    """
    from netops.lab import mib
    from netops.lab.state import build_lab
    from netops.lab.view import LabView

    fresh = build_lab(reference)  # the clean lab is deterministic: same OIDs as the running one
    view = LabView(mib.build_view(fresh, fresh.devices["core-1"]))
    expected = [".".join(map(str, o)) for o in view.oids]
    lines = _walk(lab, "core-1", ".1", v2c=True)
    walked = [line.split(" ", 1)[0].lstrip(".") for line in lines if line.startswith(".")]
    assert walked[-1] == walked[-2]  # net-snmp prints the endOfMibView marker on the last OID
    assert walked[:-1] == expected
    mib2 = _walk(lab, "core-1", "1.3.6.1.2.1", v2c=True)
    assert len([x for x in mib2 if x.startswith(".")]) == sum(
        1 for o in expected if o.startswith("1.3.6.1.2.1.")
    )


def test_vrp_and_usg_formats_as_the_real_platforms_print_them(
    lab: dict[str, Any], reference: Inventory
) -> None:
    """Layouts checked against vendor samples; the collectors' own parsers read them."""
    from netops.collectors.parsers.firewall import huawei_hrp_state
    from netops.collectors.parsers.vrf import huawei_vpn_instance_verbose

    with _ssh(lab, "core-1", "huawei") as conn:
        verbose = conn.send_command("display ip vpn-instance verbose")
    lines = verbose.splitlines()
    reference_vrfs = reference.vrfs_on("core-1")
    assert lines[0] == f" Total VPN-Instances configured : {len(reference_vrfs)}"
    assert "  Vrf Status : UP" in lines and "  Label policy: label per route" in lines
    vrfs = {v["name"]: v for v in huawei_vpn_instance_verbose(verbose)}
    assert vrfs["ZW_PUBLIC"]["rd"] == "65000:10"
    assert "65000:10" in vrfs["ZW_PUBLIC"]["import_targets"]
    assert all(v["interfaces"] for v in vrfs.values())
    with _ssh(lab, "edge-fw-1", "huawei") as conn:
        policy = conn.send_command("display security-policy rule all")
        hrp = conn.send_command("display hrp state")
    rows = policy.splitlines()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \+08:00", rows[0])
    assert rows[1].startswith("Total:") and rows[2].startswith("RULE ID  RULE NAME")
    assert rows[-2].split() == ["0", "default", "enable", "deny", "0"]
    assert huawei_hrp_state(hrp)[0]["role"] == "active"


DIAGNOSTICS = [
    (
        "agg-jiefang",
        "huawei",
        [
            "display device",
            "display cpu-usage",
            "display memory-usage",
            "display temperature all",
            "display alarm active",
            "display ip interface brief",
            "display ip routing-table statistics",
            "display logbuffer",
            "display trapbuffer",
            "display clock",
        ],
        {"display device"},
    ),
    (
        "acc-jiefang-02",
        "hp_comware",
        [
            "display clock",
            "display device",
            "display cpu-usage",
            "display memory",
            "display environment",
            "display ip interface brief",
            "display logbuffer",
            "display trapbuffer",
        ],
        {"display clock"},
    ),
    (
        "edge-br-1",
        "cisco_ios",
        [
            "show clock",
            "show processes cpu sorted",
            "show memory statistics",
            "show environment all",
            "show inventory",
            "show interfaces",
            "show lldp neighbors",
            "show logging",
        ],
        {
            "show clock",
            "show processes cpu sorted",
            "show inventory",
            "show interfaces",
            "show lldp neighbors",
            "show logging",
        },
    ),
]


@pytest.mark.parametrize(("device", "device_type", "commands", "templated"), DIAGNOSTICS)
def test_on_call_diagnostics_commands(
    lab: dict[str, Any],
    reference: Inventory,
    device: str,
    device_type: str,
    commands: list[str],
    templated: set[str],
) -> None:
    """What a collect-diagnostics playbook sends: every command answers, templates parse."""
    ntc = {"huawei": "huawei_vrp"}.get(device_type, device_type)
    with _ssh(lab, device, device_type) as conn:
        for command in commands:
            out = conn.send_command(command)
            assert out.strip(), command
            assert "Unrecognized command" not in out and "Invalid input" not in out, command
            if command in templated:
                rows = _parse(ntc, command, out)
                assert rows, f"{command} parsed to nothing"
                if command == "show lldp neighbors":
                    expected = {reference.peer(link, device) for link in reference.links_of(device)}
                    assert {r["neighbor_name"] for r in rows} == expected
