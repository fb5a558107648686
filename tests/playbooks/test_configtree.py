"""Config trees on configurations in the platforms' own formats (the recorded configs of the
masking tests: VRP, USG, Comware, IOS as the devices print them; DOMAIN.md's VRP snippet)."""

from __future__ import annotations

import itertools
import random

import pytest

from netops.playbooks import configtree as ct
from tests.conftest import ROOT

RECORDED = ROOT / "tests" / "backups" / "masking"
CASES = [
    ("huawei_vrp", "vrp"),
    ("huawei_usg", "vrp"),
    ("hp_comware", "comware"),
    ("cisco_ios", "ios"),
]

DOMAIN_SNIPPET = """\
ip vpn-instance ZW_PUBLIC
 ipv4-family
  route-distinguisher 65000:10
  vpn-target 65000:10 export-extcommunity
interface Vlanif210
 ip binding vpn-instance ZW_PUBLIC
undo telnet server enable
stelnet server enable
ssh server acl 2001
acl number 2001
 rule 5 permit source 10.250.2.0 0.0.0.15
user-interface vty 0 4
 acl 2001 inbound
 authentication-mode aaa
 protocol inbound ssh
 idle-timeout 10 0
"""


def _text(platform: str) -> str:
    return (RECORDED / platform / "config.txt").read_text()


@pytest.mark.parametrize(("platform", "dialect"), CASES)
def test_recorded_configs_parse_render_and_parse_back(platform: str, dialect: ct.Dialect) -> None:
    tree = ct.parse(_text(platform), dialect)
    assert len(list(tree.walk())) > 10
    again = ct.parse(ct.render(tree, dialect), dialect)
    assert ct.differences(tree, again) == ([], [])


def test_vrp_views_and_noise() -> None:
    tree = ct.parse(
        "!Software Version V200R019\n#\nsysname a\n#\n" + DOMAIN_SNIPPET + "#\nreturn\n", "vrp"
    )
    tops = [c.line for c in tree.children]
    assert (
        tops[0] == "sysname a" and "return" not in tops and not any(t.startswith("!") for t in tops)
    )
    vty = tree.child("user-interface vty 0 4")
    assert vty is not None and [c.line for c in vty.children][-1] == "idle-timeout 10 0"
    vpn = tree.child("ip vpn-instance ZW_PUBLIC")
    assert vpn is not None
    family = vpn.child("ipv4-family")
    assert family is not None and family.child("route-distinguisher 65000:10") is not None


def test_comware_global_lines_after_a_separator_are_global() -> None:
    tree = ct.parse(_text("hp_comware"), "comware")
    assert tree.child("sysname acc-jiefang-01") is not None
    assert tree.child("password-control enable") is not None
    scheme = tree.child("radius scheme rad1")
    assert scheme is not None and scheme.child("primary authentication 10.250.1.5") is not None
    vty = tree.child("line vty 0 63")
    assert vty is not None and vty.child("protocol inbound ssh") is not None


def test_ios_banner_and_noise() -> None:
    text = (
        "Building configuration...\n\nCurrent configuration : 120 bytes\n!\nhostname r1\n"
        "banner motd ^C\nAuthorised use only\n ! not a separator\n^C\n!\nline vty 0 4\n"
        " transport input ssh\n!\nend\n"
    )
    tree = ct.parse(text, "ios")
    assert [c.line for c in tree.children] == ["hostname r1", "banner motd ^C", "line vty 0 4"]
    banner = tree.child("banner motd ^C")
    assert banner is not None and banner.children[0].line == "Authorised use only"


def test_snippet_commands_and_the_lines_sent() -> None:
    cmds = ct.snippet_commands(
        "interface GigabitEthernet0/0/5\n shutdown\nuser-interface vty 0 4\n idle-timeout 5 0\nundo telnet server enable\n",
        "vrp",
    )
    assert ct.cli_lines(cmds, "vrp") == [
        "interface GigabitEthernet0/0/5",
        "shutdown",
        "quit",
        "user-interface vty 0 4",
        "idle-timeout 5 0",
        "quit",
        "undo telnet server enable",
    ]
    nested = ct.snippet_commands(
        "ip vpn-instance X\n ipv4-family\n  route-distinguisher 1:1\nsysname y\n", "vrp"
    )
    assert ct.cli_lines(nested, "ios")[-3:] == ["exit", "exit", "sysname y"]


@pytest.mark.parametrize(
    ("dialect", "base", "snippet", "added", "removed"),
    [
        (
            "vrp",
            "interface G1\n description old\n#",
            "interface G1\n description new",
            ["interface G1 > description new"],
            ["interface G1 > description old"],
        ),
        (
            "vrp",
            "interface G1\n shutdown\n#",
            "interface G1\n undo shutdown",
            [],
            ["interface G1 > shutdown"],
        ),
        (
            "vrp",
            "telnet server enable\n#",
            "undo telnet server enable",
            [],
            ["telnet server enable"],
        ),
        ("vrp", "sysname a\n#", "undo telnet server enable", ["undo telnet server enable"], []),
        (
            "vrp",
            "undo telnet server enable\n#",
            "telnet server enable",
            [],
            ["undo telnet server enable"],
        ),
        (
            "vrp",
            "acl number 2001\n rule 5 permit source 1.1.1.0 0.0.0.255\n#",
            "acl number 2001\n undo rule 5",
            [],
            ["acl number 2001 > rule 5 permit source 1.1.1.0 0.0.0.255"],
        ),
        (
            "vrp",
            "user-interface vty 0 4\n acl 2001 inbound\n#",
            "user-interface vty 0 4\n undo acl inbound",
            [],
            ["user-interface vty 0 4 > acl 2001 inbound"],
        ),
        (
            "ios",
            "interface Gi1\n no ip address\n!",
            "interface Gi1\n ip address 10.0.0.1 255.255.255.0",
            ["interface Gi1 > ip address 10.0.0.1 255.255.255.0"],
            ["interface Gi1 > no ip address"],
        ),
        ("ios", "ip http server\n!", "no ip http server", [], ["ip http server"]),
        ("ios", "hostname r1\n!", "no ip http server", ["no ip http server"], []),
        (
            "comware",
            " sysname a\n#\nline vty 0 63\n idle-timeout 10 0\n#",
            "line vty 0 63\n idle-timeout 0 0",
            ["line vty 0 63 > idle-timeout 0 0"],
            ["line vty 0 63 > idle-timeout 10 0"],
        ),
    ],
)
def test_prediction_follows_the_config_mode_rules(
    dialect: ct.Dialect, base: str, snippet: str, added: list[str], removed: list[str]
) -> None:
    before = ct.parse(base, dialect)
    after = ct.apply(before, ct.snippet_commands(snippet, dialect), dialect)
    only_before, only_after = ct.differences(before, after)
    assert (only_after, only_before) == (added, removed)


@pytest.mark.parametrize(("platform", "dialect"), CASES)
def test_restore_undoes_random_changes(platform: str, dialect: ct.Dialect) -> None:
    """Whatever a change did (lines added, removed, replaced, views created), the restore
    commands bring the original back within the two passes the runner allows (it reads the
    config again after a pass) — checked by applying them with the same rules."""
    original = ct.parse(_text(platform), dialect)
    entries = [(p, line) for p, line in original.walk()]
    neg = ct.negation(dialect)
    rng = random.Random(platform)
    for _ in range(25):
        commands = []
        for path, line in rng.sample(entries, 4):
            commands.append(ct.ConfigCommand(path, ct.negate(dialect, line)))
        commands += [
            ct.ConfigCommand((), "interface LoopBack9", True),
            ct.ConfigCommand(("interface LoopBack9",), "description test"),
            ct.ConfigCommand((), f"{neg}ntp-service enable" if dialect != "ios" else "no ntp"),
        ]
        changed = ct.apply(original, commands, dialect)
        assert ct.differences(original, changed) != ([], [])
        back = changed
        for _pass in range(2):
            restore = ct.restore_commands(back, original, dialect)
            back = ct.apply(back, restore, dialect)
            if ct.differences(back, original) == ([], []):
                break
        assert ct.differences(back, original) == ([], []), ct.cli_lines(restore, dialect)


def test_restore_sets_single_values_back_and_removes_new_views() -> None:
    before = ct.parse(
        "interface G1\n description old\n#\nuser-interface vty 0 4\n idle-timeout 10 0\n#", "vrp"
    )
    after = ct.parse(
        "interface G1\n description new\n#\ninterface LoopBack9\n description x\n#\nuser-interface vty 0 4\n idle-timeout 0 0\n#",
        "vrp",
    )
    lines = ct.cli_lines(ct.restore_commands(after, before, "vrp"), "vrp")
    assert lines == [
        "undo interface LoopBack9",
        "interface G1",
        "description old",
        "quit",
        "user-interface vty 0 4",
        "idle-timeout 10 0",
    ]


def test_differences_ignore_order_within_a_view_but_count_duplicates() -> None:
    a = ct.parse("acl number 1\n rule 5 permit\n rule 10 deny\n#", "vrp")
    b = ct.parse("acl number 1\n rule 10 deny\n rule 5 permit\n#", "vrp")
    assert ct.differences(a, b) == ([], [])
    assert ct.unified_diff(a, a, "vrp", "x", ("a", "b")) == ""


def test_dialects_of_platforms() -> None:
    assert [
        ct.dialect_of(p) for p in ("huawei_vrp", "huawei_usg", "hp_comware", "cisco_ios", "linux")
    ] == [
        "vrp",
        "vrp",
        "comware",
        "ios",
        None,
    ]
    assert list(itertools.islice(ct.parse("", "vrp").walk(), 1)) == []
