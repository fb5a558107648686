"""Collection details the recorded cases do not show one by one: refused commands, interface
names, value rewrites, the interface-to-VRF binding, Comware 5 version lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from netops.collectors.cli import CliSection
from netops.collectors.normalize import full_interface_name, rewrite
from netops.collectors.parsers.version import comware_version
from netops.collectors.ssh import cli_sections, records_from

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sections() -> dict[str, CliSection]:
    return cli_sections(ROOT / "collectors")


@pytest.mark.parametrize(
    ("platform", "name", "full"),
    [
        ("hp_comware", "GE1/0/1", "GigabitEthernet1/0/1"),
        ("hp_comware", "XGE1/0/47", "Ten-GigabitEthernet1/0/47"),
        ("hp_comware", "M-GE0/0/0", "M-GigabitEthernet0/0/0"),
        ("hp_comware", "Vlan99", "Vlan-interface99"),
        ("hp_comware", "Vlan-interface99", "Vlan-interface99"),
        ("hp_comware", "RAGG40", "Route-Aggregation40"),
        ("cisco_ios", "Gi0/0/1", "GigabitEthernet0/0/1"),
        ("cisco_ios", "Te1/1/1", "TenGigabitEthernet1/1/1"),
        ("cisco_ios", "Vlan10", "Vlan10"),
        ("huawei_vrp", "GE0/2/13.203", "GigabitEthernet0/2/13.203"),
        ("huawei_vrp", "XGE1/0/1", "XGigabitEthernet1/0/1"),
        ("huawei_vrp", "40GE1/0/1", "40GE1/0/1"),
        ("huawei_vrp", "Eth-Trunk1.201", "Eth-Trunk1.201"),
    ],
)
def test_interface_names(
    sections: dict[str, CliSection], platform: str, name: str, full: str
) -> None:
    assert full_interface_name(name, sections[platform].interface_names) == full


def test_rewrite_first_whole_match_wins() -> None:
    rules = {"-": "local", ".*": "dynamic"}
    assert rewrite("-", rules) == "local" and rewrite("12", rules) == "dynamic"
    assert rewrite("GigabitEthernet4/0/4(10G)", {r"(.+)\(\d+G\)": r"\1"}) == "GigabitEthernet4/0/4"
    assert rewrite("x-y", {"x": "nope"}) == "x-y"  # a partial match does not count


def test_refused_command_fails_its_kind_only(sections: dict[str, CliSection]) -> None:
    outputs = {
        "display version": "H3C Comware Software, Version 7.1.070, Release 6328P03\n"
        "H3C S5130S-28S-EI uptime is 1 weeks, 2 days, 3 hours, 4 minutes\n",
        "display lldp neighbor-information verbose": "              ^\n"
        " % Unrecognized command found at '^' position.\n",
    }
    collected = records_from(
        "acc-1", sections["hp_comware"], lambda c: outputs.get(c, ""), ["lldp", "version"]
    )
    assert collected.errors["lldp"].startswith("rejected: the device refused")
    assert "Unrecognized command" in collected.errors["lldp"]
    assert "lldp" not in collected.records
    assert collected.records["version"][0].model == "S5130S-28S-EI"  # type: ignore[attr-defined]


def test_interfaces_get_their_vrf(sections: dict[str, CliSection]) -> None:
    outputs = {
        "display ip vpn-instance verbose": (
            " Total VPN-Instances configured      : 1\n\n"
            " VPN-Instance Name and ID : ZW_PUBLIC, 1\n"
            "  Interfaces : Vlanif100, GigabitEthernet0/0/3\n"
            " Address family ipv4\n"
            "  Route Distinguisher : 65000:10\n"
            "  Export VPN Targets :  65000:10\n"
            "  Import VPN Targets :  65000:10\n"
        ),
        "display interface brief": (
            "Interface                   PHY   Protocol  InUti OutUti   inErrors  outErrors\n"
            "GigabitEthernet0/0/3        up    up           0%     0%          0          0\n"
            "GigabitEthernet0/0/4        up    up           0%     0%          0          0\n"
            "Vlanif100                   up    up           --     --          0          0\n"
        ),
    }
    collected = records_from(
        "core-1", sections["huawei_vrp"], lambda c: outputs.get(c, ""), ["interface", "vrf"]
    )
    bound = {i.name: i.vrf for i in collected.records["interface"]}  # type: ignore[attr-defined]
    assert bound == {
        "GigabitEthernet0/0/3": "ZW_PUBLIC",
        "GigabitEthernet0/0/4": None,
        "Vlanif100": "ZW_PUBLIC",
    }


def test_comware5_long_model_line() -> None:
    [v] = comware_version(
        "HP Comware Platform Software\n"
        "Comware Software, Version 5.20.105, Release 1808P21\n"
        "Copyright (c) 2010-2014 Hewlett-Packard Development Company, L.P.\n"
        "HP A5800-24G-SFP Switch with 1 Interface Slot uptime is 24 weeks, 4 days, 7 hours, 19 minutes\n"
    )
    assert (v["vendor"], v["model"], v["version"]) == (
        "HP",
        "A5800-24G-SFP",
        "5.20.105 Release 1808P21",
    )
    assert v["uptime"] == "24 weeks, 4 days, 7 hours, 19 minutes"
