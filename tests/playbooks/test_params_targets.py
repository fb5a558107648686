"""Typed parameters, templates and target resolution: every refusal names what is wrong."""

from __future__ import annotations

from ipaddress import IPv4Network

import pytest

from netops.errors import PlaybookRequestError
from netops.inventory import Inventory, Platform, Role
from netops.playbooks.params import (
    ParameterSpec,
    Value,
    canonical_interface,
    check_reference,
    parse_values,
    references,
    render,
)
from netops.playbooks.schema import TargetFilter
from netops.playbooks.targets import resolve_targets

SPECS = {
    "port": ParameterSpec(type="interface", description="p", required=True),
    "count": ParameterSpec(type="integer", description="n", min=1, max=10, default=3),
    "on": ParameterSpec(type="boolean", description="b", default=False),
    "level": ParameterSpec(type="choice", description="c", choices=("low", "high"), default="low"),
    "net": ParameterSpec(type="ipv4_network", description="n", default="10.250.0.0/15"),
    "host": ParameterSpec(type="ipv4", description="h", default="10.250.1.10"),
    "checks": ParameterSpec(type="list", description="l", pattern=r"MG-\d\d", default="MG-01"),
    "note": ParameterSpec(type="string", description="s", max_length=20),
    "key": ParameterSpec(type="string", description="k", secret=True),
}


def test_values_parse_with_defaults() -> None:
    values = parse_values(
        SPECS, {"port": "GE0/0/5", "count": "7", "on": "yes", "checks": "MG-01, MG-03"}, "p"
    )
    assert values["port"].value == "GE0/0/5"
    assert values["count"].value == 7 and values["on"].value is True
    assert values["checks"].value == ("MG-01", "MG-03") and values["checks"].text() == "MG-01,MG-03"
    assert values["net"].value == IPv4Network("10.250.0.0/15")
    assert (
        values["net"].text("wildcard") == "0.1.255.255"
        and values["net"].text("netmask") == "255.254.0.0"
    )
    assert "note" not in values and "key" not in values
    assert parse_values(SPECS, {"port": "G1", "key": "s3cret"}, "p")["key"].shown() == "***"


@pytest.mark.parametrize(
    ("given", "parameter", "why"),
    [
        ({}, "port", "needs parameter 'port'"),
        ({"port": "GE0/0/5", "colour": "red"}, "colour", "has no parameter 'colour'"),
        ({"port": "GE 0/0/5"}, "port", "not an interface name"),
        ({"port": "GE0/0/5\nundo aaa"}, "port", "control characters"),
        ({"port": "G1", "note": "why?"}, "note", "'?'"),
        ({"port": "G1", "note": "x" * 21}, "note", "at most 20"),
        ({"port": "G1", "count": "11"}, "count", "at most 10"),
        ({"port": "G1", "count": "two"}, "count", "expected an integer"),
        ({"port": "G1", "on": "maybe"}, "on", "true or false"),
        ({"port": "G1", "level": "mid"}, "level", "not one of low, high"),
        ({"port": "G1", "net": "10.250.0.1/15"}, "net", "not an IPv4 network"),
        ({"port": "G1", "host": "10.250.1.300"}, "host", "not an IPv4 address"),
        ({"port": "G1", "checks": "MG-01,BD-1"}, "checks", "does not match"),
    ],
)
def test_bad_values_are_refused_by_name(given: dict[str, str], parameter: str, why: str) -> None:
    with pytest.raises(PlaybookRequestError, match=why) as caught:
        parse_values(SPECS, given, "p")
    assert caught.value.parameter == parameter


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"type": "choice"}, "needs 'choices'"),
        ({"type": "integer", "default": "x"}, "expected an integer"),
        ({"type": "string", "min": 1}, "integer parameters only"),
        ({"type": "string", "pattern": "("}, "not a regular expression"),
        ({"type": "string", "required": True, "default": "x"}, "no default"),
    ],
)
def test_parameter_declarations_are_checked(kwargs: dict[str, object], why: str) -> None:
    with pytest.raises(ValueError, match=why):
        ParameterSpec(description="d", **kwargs)  # type: ignore[arg-type]


def test_templates_and_references() -> None:
    values = {
        "net": Value(IPv4Network("10.250.0.0/15"), "ipv4_network"),
        "pw": Value("s", "string", True),
    }
    assert render("rule 5 permit source ${net.address} ${net.wildcard}", values) == (
        "rule 5 permit source 10.250.0.0 0.1.255.255"
    )
    assert render("password ${pw}", values, masked=True) == "password ***"
    assert references("a ${x} b ${y.z} $1c$hash$") == [("x", None), ("y", "z")]
    assert check_reference("device", None, SPECS) is None
    assert "not a parameter" in (check_reference("nope", None, SPECS) or "")
    assert "no attribute 'mask'" in (check_reference("net", "mask", SPECS) or "")
    with pytest.raises(PlaybookRequestError, match="no value"):
        render("${note}", values)


@pytest.mark.parametrize(
    ("typed", "dialect", "full"),
    [
        ("GE0/0/5", "vrp", "GigabitEthernet0/0/5"),
        ("XGE0/0/1", "vrp", "XGigabitEthernet0/0/1"),
        ("Eth-Trunk1", "vrp", "Eth-Trunk1"),
        ("GigabitEthernet0/0/5", "vrp", "GigabitEthernet0/0/5"),
        ("GE1/0/5", "comware", "GigabitEthernet1/0/5"),
        ("XGE1/0/49", "comware", "Ten-GigabitEthernet1/0/49"),
        ("Gi1/0/5", "ios", "GigabitEthernet1/0/5"),
        ("gig1/0/5", "ios", "GigabitEthernet1/0/5"),
        ("Te1/1/1", "ios", "TenGigabitEthernet1/1/1"),
        ("10GE1/0/1", "vrp", "10GE1/0/1"),
        ("eth0", None, "eth0"),
    ],
)
def test_interface_names_as_devices_print_them(typed: str, dialect: str | None, full: str) -> None:
    assert canonical_interface(typed, dialect) == full


# -- targets -------------------------------------------------------------------------------------
ACCESS_NET = TargetFilter(
    roles=(Role.ACCESS,), platforms=(Platform.HUAWEI_VRP, Platform.HP_COMWARE)
)


def test_targets_resolve_names_sites_and_kinds(reference: Inventory) -> None:
    first = resolve_targets(reference, ACCESS_NET, ["acc-jiefang-01"], "p")
    assert [d.name for d in first] == ["acc-jiefang-01"]
    site = resolve_targets(reference, TargetFilter(), ["site:street-jiefang"], "p")
    assert [d.name for d in site] == ["agg-jiefang"]
    by_role = resolve_targets(reference, ACCESS_NET, ["role:access"], "p")
    assert by_role and all(
        d.role is Role.ACCESS and d.platform is not Platform.CISCO_IOS for d in by_role
    )
    pair = resolve_targets(reference, TargetFilter(), [f"pair:{reference.ha_pairs[0].name}"], "p")
    assert {d.name for d in pair} == set(reference.ha_pairs[0].members)
    union = resolve_targets(
        reference, TargetFilter(), ["acc-jiefang-02", "acc-jiefang-01", "acc-jiefang-01"], "p"
    )
    assert [d.name for d in union] == ["acc-jiefang-01", "acc-jiefang-02"]  # inventory order, once
    assert len(resolve_targets(reference, ACCESS_NET, [], "p")) == len(by_role)


@pytest.mark.parametrize(
    ("filter_", "targets", "why"),
    [
        (
            TargetFilter(),
            ["acc-jiefang-1"],
            "unknown device or site 'acc-jiefang-1' \\(did you mean",
        ),
        (TargetFilter(), ["colour:red"], "unknown target kind 'colour'"),
        (TargetFilter(), ["role:router"], "unknown role 'router'"),
        (TargetFilter(), ["zone:nowhere"], "unknown zone"),
        (ACCESS_NET, ["core-1"], "core-1 is not a target of p: role core is not one of access"),
        (ACCESS_NET, ["dc-db-1"], "not a target of p"),
        (ACCESS_NET, ["role:core"], "none of which p may run on"),
        (TargetFilter(require_explicit=True), [], "needs at least one target"),
        (TargetFilter(max_devices=2), ["role:access"], "at most 2 device"),
    ],
)
def test_bad_targets_are_refused(
    reference: Inventory, filter_: TargetFilter, targets: list[str], why: str
) -> None:
    with pytest.raises(PlaybookRequestError, match=why) as caught:
        resolve_targets(reference, filter_, targets, "p")
    assert caught.value.parameter == "targets"
