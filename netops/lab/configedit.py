"""Edit a running configuration the way a device's config mode does.

Config commands arrive one at a time inside a view (``[core-1-vpn-instance-X]``,
``(config-if)#``); :func:`apply` adds, replaces or removes (``undo``/``no``) lines in
the block of that view, creating blocks on first entry. The edited text is the new
running config, so everything derived from it (SNMP, CLI, faults) follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VIEWS = {
    "vrp": [
        r"^interface \S+$",
        r"^ip vpn-instance \S+$",
        r"^ipv4-family( unicast)?$",
        r"^user-interface ",
        r"^aaa$",
        r"^acl (number )?\d+$",
        r"^security-policy$",
        r"^rule name \S+$",
        r"^hwtacacs-server template \S+$",
        r"^bgp \d+$",
        r"^firewall zone \S+$",
        r"^ipv4-family vpn",
        r"^local-aaa-user password policy",
        r"^(authentication|authorization|accounting|recording)-scheme \S+$",
        r"^domain \S+$",
    ],
    "comware": [
        r"^interface \S+$",
        r"^ip vpn-instance \S+$",
        r"^line (vty|con|class) ",
        r"^acl (basic|advanced|number) \d+$",
        r"^hwtacacs scheme \S+$",
        r"^domain \S+$",
        r"^local-user \S+",
        r"^role name \S+$",
        r"^vlan \d+$",
    ],
    "ios": [
        r"^interface \S+$",
        r"^line (vty|con) ",
        r"^vrf definition \S+$",
        r"^ip vrf \S+$",
        r"^ip access-list (standard|extended) \S+$",
        r"^router \S+",
        r"^address-family ",
        r"^aaa group server ",
        r"^tacacs server \S+$",
    ],
}

#: Commands with one value per block: a new one replaces the old (by leading words).
_SINGLE = {
    "vrp": [
        "sysname",
        "description",
        "ip address",
        "ip binding vpn-instance",
        "idle-timeout",
        "protocol inbound",
        "authentication-mode",
        "route-distinguisher",
        "action",
        "snmp-agent sys-info version",
        "port link-type",
        "user privilege level",
        "set priority",
    ],
    "comware": [
        "sysname",
        "description",
        "ip address",
        "ip binding vpn-instance",
        "idle-timeout",
        "protocol inbound",
        "authentication-mode",
        "route-distinguisher",
        "snmp-agent sys-info version",
        "port link-type",
    ],
    "ios": [
        "hostname",
        "description",
        "ip address",
        "exec-timeout",
        "transport input",
        "access-class",
        "vrf forwarding",
        "rd",
    ],
}


def dialect_of(platform: str) -> str:
    return {"hp_comware": "comware", "cisco_ios": "ios"}.get(platform, "vrp")


def is_view(dialect: str, command: str) -> bool:
    return any(re.match(p, command) for p in _VIEWS[dialect])


@dataclass
class _Scope:
    start: int  # index of the header line (-1 for top level)
    end: int  # index after the last line of the block
    child_indent: int


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_sep(line: str) -> bool:
    s = line.strip()
    return s in ("#", "!") or s.startswith("!") or s in ("return", "end")


def _block_end(lines: list[str], start: int) -> int:
    base = _indent(lines[start])
    i = start + 1
    while i < len(lines):
        line = lines[i]
        if line.strip() and not _is_sep(line) and _indent(line) > base:
            i += 1
            continue
        break
    return i


def _tail(lines: list[str]) -> int:
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].strip() in ("return", "end"):
            return i
    return len(lines)


def _top_indent(dialect: str) -> int:
    return 1 if dialect == "comware" else 0


def _find_scope(lines: list[str], dialect: str, path: list[str], create: bool) -> _Scope | None:
    scope = _Scope(-1, _tail(lines), _top_indent(dialect))
    for depth, header in enumerate(path):
        want_indent = 0 if depth == 0 else scope.child_indent
        found = None
        lo = 0 if scope.start < 0 else scope.start + 1
        for i in range(lo, scope.end):
            if lines[i].strip() == header and (depth == 0 or _indent(lines[i]) == want_indent):
                found = i
                break
        if found is None:
            if not create:
                return None
            sep = "!" if dialect == "ios" else "#"
            if depth == 0:
                at = _tail(lines)
                lines[at:at] = [header, sep]
                found = at
            else:
                at = scope.end
                lines[at:at] = [" " * want_indent + header]
                found = at
        scope = _Scope(found, _block_end(lines, found), _indent(lines[found]) + 1)
    return scope


def _key(dialect: str, line: str) -> str | None:
    for k in _SINGLE[dialect]:
        if line == k or line.startswith(k + " "):
            return k
    return None


def apply(text: str, dialect: str, path: list[str], command: str) -> str:
    """The config text after ``command`` was entered in the view ``path``."""
    lines = text.splitlines()
    command = " ".join(command.split())
    scope = _find_scope(lines, dialect, path, create=True)
    assert scope is not None
    indent = " " * (scope.child_indent if path else _top_indent(dialect))
    neg = "no " if dialect == "ios" else "undo "
    lo = scope.start + 1 if path else 0
    hi = scope.end

    def members() -> list[int]:
        want = len(indent)
        return [
            i
            for i in range(lo, hi)
            if lines[i].strip() and not _is_sep(lines[i]) and _indent(lines[i]) == want
        ]

    if command.startswith(neg):
        target = command[len(neg) :]
        doomed = [
            i
            for i in members()
            if lines[i].strip() == target
            or (lines[i].strip().startswith(target + " ") and _key(dialect, target) is not None)
        ]
        removed = 0
        for i in sorted(doomed, reverse=True):
            end = _block_end(lines, i)
            del lines[i:end]
            removed += end - i
        hi -= removed
        if not path and target.endswith("enable") and dialect != "ios":
            at = _tail(lines)
            lines[at:at] = [indent + command, "#"]
        return "\n".join(lines) + "\n"

    existing = members()
    for i in existing:
        if lines[i].strip() == neg + command:
            del lines[i]
            hi -= 1
            existing = members()
            break
    if any(lines[i].strip() == command for i in existing):
        return "\n".join(lines) + "\n"
    key = _key(dialect, command)
    if key is not None:
        for i in existing:
            if _key(dialect, lines[i].strip()) == key:
                lines[i] = indent + command
                return "\n".join(lines) + "\n"
    if path:
        lines[hi:hi] = [indent + command]
        if _canonical_first(path, command):
            # the platforms print an interface's description first (after Comware's
            # "port link-mode"), whatever order it was typed in: parsers rely on it
            first = [i for i in existing if not lines[i].strip().startswith("port link-mode")]
            if first:
                del lines[hi]
                lines[first[0] : first[0]] = [indent + command]
    else:
        at = _tail(lines)
        lines[at:at] = [indent + command, "!" if dialect == "ios" else "#"]
    return "\n".join(lines) + "\n"


def _canonical_first(path: list[str], command: str) -> bool:
    return path[-1].startswith("interface ") and command.startswith("description ")


def enter_view(text: str, dialect: str, path: list[str], header: str) -> str:
    """Create the block ``header`` under ``path`` if it does not exist yet."""
    lines = text.splitlines()
    _find_scope(lines, dialect, [*path, " ".join(header.split())], create=True)
    return "\n".join(lines) + "\n"


def block_text(text: str, dialect: str, path: list[str]) -> str:
    """The lines of the block at ``path`` (``display this``)."""
    lines = text.splitlines()
    scope = _find_scope(lines, dialect, path, create=False)
    if scope is None or scope.start < 0:
        return ""
    return "\n".join(lines[scope.start : scope.end]) + "\n"
