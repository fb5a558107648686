"""Every validation error names file, line, field and why; all problems are reported at once."""

from __future__ import annotations

from pathlib import Path

from tests.inventory.helpers import edited, find, line_of, problems_of

AGG = "devices/aggregation.yaml"
CORE = "devices/core.yaml"


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    root = edited(tmp_path, {"sites.yaml": [("", "- name: broken\n  kind: [access\n")]})
    (problem,) = [p for p in problems_of(root) if "syntax" in p.message]
    assert problem.file.endswith("sites.yaml")
    assert problem.line is not None and problem.line >= line_of(root / "sites.yaml", "name: broken")


def test_unknown_field(tmp_path: Path) -> None:
    root = edited(
        tmp_path, {AGG: [("  model: S5731-H24T4XC\n", "  model: S5731-H24T4XC\n  colour: blue\n")]}
    )
    problem = find(problems_of(root), AGG, "devices[agg-jiefang].colour", "unknown field")
    assert problem.line == line_of(root / AGG, "colour: blue")


def test_unknown_references(tmp_path: Path) -> None:
    root = edited(
        tmp_path,
        {
            AGG: [("site: street-jiefang", "site: street-jeifang")],
            CORE: [("vrf: ZW_PUBLIC", "vrf: ZW_PUBLlC")],
            "zones.yaml": [("zone: internet\n", "zone: internett\n")],
            "devices/edge.yaml": [("a: edge-br-1:", "a: edge-br-9:")],
        },
    )
    problems = problems_of(root)
    site = find(problems, AGG, "devices[agg-jiefang].site", "unknown site 'street-jeifang'")
    assert site.line == line_of(root / AGG, "street-jeifang")
    find(problems, CORE, "devices[core-1].interfaces[0].vrf", "unknown VRF 'ZW_PUBLlC'")
    find(problems, "zones.yaml", "vrfs[ZW_INTERNET].zone", "unknown zone 'internett'")
    link = find(problems, "devices/edge.yaml", "links[0].a", "unknown device 'edge-br-9'")
    assert link.line == line_of(root / "devices/edge.yaml", "edge-br-9")


def test_duplicate_name_and_address(tmp_path: Path) -> None:
    root = edited(
        tmp_path,
        {
            AGG: [
                ("name: agg-renmin", "name: agg-jiefang"),
                ("mgmt_address: 10.250.2.18", "mgmt_address: 10.250.2.16"),
            ],
        },
    )
    problems = problems_of(root)
    dup_name = [p for p in problems if "duplicate name agg-jiefang" in p.message]
    assert len(dup_name) == 1 and dup_name[0].field == "devices[agg-jiefang].name"
    dup_addr = find(
        problems, AGG, "devices[agg-zhongshan].mgmt_address", "duplicate address 10.250.2.16"
    )
    assert dup_addr.line == line_of(root / AGG, "mgmt_address: 10.250.2.16") + 12


def test_address_outside_its_zone(tmp_path: Path) -> None:
    root = edited(tmp_path, {AGG: [("mgmt_address: 10.250.2.16", "mgmt_address: 10.9.2.16")]})
    problem = find(
        problems_of(root), AGG, "devices[agg-jiefang].mgmt_address", "outside its zone's prefixes"
    )
    assert "management: 10.250.0.0/15" in problem.message


def test_intranet_device_managed_from_extranet_space(tmp_path: Path) -> None:
    root = edited(
        tmp_path,
        {"devices/intranet.yaml": [("mgmt_address: 172.16.16.2", "mgmt_address: 10.250.2.200")]},
    )
    problem = find(
        problems_of(root),
        "devices/intranet.yaml",
        "devices[in-acc-1].mgmt_address",
        "outside its zone's prefixes",
    )
    assert "intranet" in problem.message


def test_aggregation_not_dual_homed(tmp_path: Path) -> None:
    root = edited(
        tmp_path, {AGG: [("b: core-2:GigabitEthernet3/0/1", "b: core-1:GigabitEthernet3/0/1")]}
    )
    problem = find(
        problems_of(root), AGG, "devices[agg-jiefang].name", "not dual-homed to both cores"
    )
    assert "uplinks reach: core-1" in problem.message


def test_uplinks_outside_one_redundancy_group(tmp_path: Path) -> None:
    root = edited(
        tmp_path, {AGG: [("redundancy_group: agg-jiefang-uplinks", "redundancy_group: other")]}
    )
    find(problems_of(root), AGG, "links[0].redundancy_group", "must share one redundancy_group")


def test_link_joining_the_intranet_to_the_extranet(tmp_path: Path) -> None:
    rogue = "- a: in-acc-1:GigabitEthernet1/0/9\n  b: agg-jiefang:GigabitEthernet0/0/30\n"
    root = edited(tmp_path, {"devices/intranet.yaml": [("", rogue)]})
    problem = find(
        problems_of(root), "devices/intranet.yaml", "links[3]", "would join the intranet (in-acc-1)"
    )
    assert problem.line == line_of(root / "devices/intranet.yaml", "in-acc-1:GigabitEthernet1/0/9")


def test_zone_crossing_to_the_intranet_is_refused(tmp_path: Path) -> None:
    crossing = "- zones: [intranet, public]\n  via: [isolation_gateway]\n"
    root = edited(tmp_path, {"zones.yaml": [("zone_crossings:\n", "zone_crossings:\n" + crossing)]})
    find(problems_of(root), "zones.yaml", "zone_crossings[0].zones", "physically isolated")


def test_secret_like_field_and_value(tmp_path: Path) -> None:
    root = edited(
        tmp_path,
        {
            AGG: [("  model: S5731-H24T4XC\n", "  model: S5731-H24T4XC\n  community: public\n")],
            CORE: [("model: S12708", "model: '%^%#x!5T4l0z%^%#'")],
        },
    )
    problems = problems_of(root)
    key = find(problems, AGG, "devices[agg-jiefang].community", "looks like a secret")
    assert key.line == line_of(root / AGG, "community: public")
    find(problems, CORE, "devices[core-1].model", "looks like a secret")
    assert not any(p.field.endswith("community") and "unknown field" in p.message for p in problems)


def test_route_target_import_across_zones(tmp_path: Path) -> None:
    root = edited(
        tmp_path,
        {
            "zones.yaml": [
                ("import_targets: ['65000:10']", "import_targets: ['65000:10', '65000:90']")
            ]
        },
    )
    problem = find(
        problems_of(root),
        "zones.yaml",
        "vrfs[ZW_PUBLIC].import_targets[1]",
        "exported by VRF ZW_INTERNET",
    )
    assert "zone internet" in problem.message


def test_unquoted_route_distinguisher_explained(tmp_path: Path) -> None:
    root = edited(tmp_path, {"zones.yaml": [("rd: '65000:10'", "rd: 65000:10")]})
    find(
        problems_of(root),
        "zones.yaml",
        "vrfs[ZW_PUBLIC].rd",
        "write route distinguishers and targets in quotes",
    )


def test_ha_pair_member_with_wrong_role(tmp_path: Path) -> None:
    root = edited(
        tmp_path,
        {
            "devices/datacentre.yaml": [
                ("members: [dc-db-1, dc-db-2]", "members: [dc-db-1, dc-app-1]")
            ]
        },
    )
    find(
        problems_of(root),
        "devices/datacentre.yaml",
        "ha_pairs[dc-db].members[1]",
        "a database pair needs db_server",
    )


def test_database_policy_needs_weekly_manual_backups(tmp_path: Path) -> None:
    root = edited(
        tmp_path, {"policies.yaml": [("    max_age_hours: 168", "    max_age_hours: 720")]}
    )
    find(
        problems_of(root),
        "policies.yaml",
        "backup_policies[databases].manual.max_age_hours",
        "at least weekly",
    )


def test_duplicate_yaml_key_and_unknown_section(tmp_path: Path) -> None:
    root = edited(
        tmp_path,
        {
            AGG: [("  role: aggregation\n", "  role: aggregation\n  role: access\n")],
            "extra.yaml": [("", "routers:\n- name: x\n")],
        },
    )
    problems = problems_of(root)
    find(problems, AGG, "devices[0].role", "duplicate key 'role'")
    find(problems, "extra.yaml", "routers", "unknown section")


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    root = edited(
        tmp_path,
        {
            AGG: [
                ("model: S5731-H24T4XC", "model: S5731-H24T4XC\n  colour: blue"),
                ("mgmt_address: 10.250.2.17", "mgmt_address: 10.9.9.9"),
            ],
            "devices/access.yaml": [("site: comm-jiefang-01", "site: nowhere")],
            "devices/intranet.yaml": [
                ("", "- a: in-acc-2:GigabitEthernet1/0/9\n  b: core-1:GigabitEthernet9/0/1\n")
            ],
        },
    )
    problems = problems_of(root)
    assert {p.file.rsplit("/", 1)[-1] for p in problems} == {
        "aggregation.yaml",
        "access.yaml",
        "intranet.yaml",
    }
    assert len(problems) == 4, "\n".join(map(str, problems))


def test_a_device_failing_its_schema_causes_no_cascade(tmp_path: Path) -> None:
    """core-1 is broken: the 13 aggregation points are not also reported as single-homed."""
    root = edited(tmp_path, {CORE: [("model: S12708", "model: S12708\n  colour: blue")]})
    problems = problems_of(root)
    assert [p.field for p in problems] == ["devices[core-1].colour"]


def test_missing_inventory_path(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path / "nope")
    assert "no such inventory" in problem.message
