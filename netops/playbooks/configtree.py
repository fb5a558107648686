"""Hierarchical device configurations: parse, apply config commands, diff, and restore.

The three CLI families netops changes (Huawei VRP and USG, H3C Comware, Cisco IOS) print
their running configuration as blocks: a view header (``interface GigabitEthernet0/0/5``,
``user-interface vty 0 4``, ``line vty 0 4``) followed by its lines indented by one space
per level, blocks separated by ``#`` (VRP, Comware) or ``!`` (IOS). Comware indents global
lines by one space too (`` sysname X`` after ``#``), which is why a separator resets the
nesting here rather than indentation alone.

What this module does with that:

- :func:`parse` turns a configuration (or a config snippet) into a :class:`Node` tree,
  dropping what is not configuration (banners of ``display current-configuration``,
  ``!Last configuration was updated at ...``, ``Building configuration...``, separators);
- :func:`snippet_commands` turns an indented snippet from a playbook into the commands
  typed in config mode, each with the view it belongs to; :func:`cli_lines` adds the
  ``quit``/``exit`` between views exactly as they will be sent;
- :func:`apply` predicts the candidate configuration those commands produce (the dry-run
  diff when no NAPALM driver can compute one; see ``netops.playbooks`` README);
- :func:`restore_commands` computes the commands that turn one configuration back into
  another (the rollback of a commit), and :func:`differences` says whether two
  configurations are the same, ignoring order inside a block.

Prediction follows the platforms' config-mode rules for the common cases: ``undo``/``no``
removes the command it names (and anything it prefixes: ``undo rule 5``), a command with
one value per view (``description``, ``idle-timeout``...) replaces the old value, and a
device displays only what differs from its defaults: negating a global command that is not
displayed displays the negation (``undo telnet server enable``), while a command that
cancels a displayed opposite (``telnet server enable`` after ``undo telnet server enable``)
leaves neither. Which state is the default differs by platform and release, so this is a
prediction: after a commit the runner records the device's real before/after diff, and a
rollback is verified against the device, not against this model.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

Dialect = Literal["vrp", "comware", "ios"]

_DIALECTS: dict[str, Dialect] = {
    "huawei_vrp": "vrp",
    "huawei_usg": "vrp",
    "hp_comware": "comware",
    "cisco_ios": "ios",
}


def dialect_of(platform: str) -> Dialect | None:
    """The config dialect of an inventory platform; None when netops does not edit its config."""
    return _DIALECTS.get(platform)


def negation(dialect: Dialect) -> str:
    return "no " if dialect == "ios" else "undo "


def exit_command(dialect: Dialect) -> str:
    """Leaves one view (``quit`` on VRP and Comware, ``exit`` on IOS)."""
    return "exit" if dialect == "ios" else "quit"


# -- single-valued commands -----------------------------------------------------------------
# (pattern, key, undo form): a line matching ``pattern`` has one value per view; entering a
# new one replaces the old. ``undo form`` is how to remove it when the full line cannot be
# negated (``undo description``, not ``undo description to core``); None = negate the line.
_Rule = tuple[re.Pattern[str], str, str | None]


def _rules(items: Iterable[tuple[str, str, str | None]]) -> list[_Rule]:
    return [(re.compile(p), k, u) for p, k, u in items]


_SINGLE: dict[Dialect, list[_Rule]] = {
    "vrp": _rules(
        [
            (r"^sysname ", "sysname", None),
            (r"^description ", "description", "description"),
            (r"^ip address \S+ \S+$", "ip address", None),
            (r"^idle-timeout ", "idle-timeout", "idle-timeout"),
            (r"^protocol inbound ", "protocol inbound", "protocol inbound"),
            (r"^authentication-mode ", "authentication-mode", None),
            (r"^user privilege level ", "user privilege level", "user privilege level"),
            (r"^port link-type ", "port link-type", "port link-type"),
            (r"^port default vlan ", "port default vlan", "port default vlan"),
            (r"^acl (?:number )?\d+ inbound$", "acl inbound", "acl inbound"),
            (r"^acl (?:number )?\d+ outbound$", "acl outbound", "acl outbound"),
            (r"^ssh server acl ", "ssh server acl", "ssh server acl"),
            (r"^snmp-agent sys-info version ", "snmp-agent sys-info version", None),
            (r"^snmp-agent sys-info contact ", "snmp-agent sys-info contact", None),
            (r"^snmp-agent sys-info location ", "snmp-agent sys-info location", None),
            (r"^route-distinguisher ", "route-distinguisher", None),
            (r"^ip binding vpn-instance ", "ip binding vpn-instance", None),
            (r"^local-aaa-user wrong-password ", "local-aaa-user wrong-password", None),
            (r"^password expire ", "password expire", "password expire"),
        ]
    ),
    "comware": _rules(
        [
            (r"^sysname ", "sysname", None),
            (r"^description ", "description", "description"),
            (r"^ip address \S+ \S+$", "ip address", None),
            (r"^idle-timeout ", "idle-timeout", "idle-timeout"),
            (r"^protocol inbound ", "protocol inbound", "protocol inbound"),
            (r"^authentication-mode ", "authentication-mode", None),
            (r"^port link-type ", "port link-type", "port link-type"),
            (r"^port access vlan ", "port access vlan", "port access vlan"),
            (r"^ssh server acl ", "ssh server acl", "ssh server acl"),
            (r"^acl \d+ inbound$", "acl inbound", None),
            (r"^password-control aging ", "password-control aging", "password-control aging"),
            (
                r"^password-control login-attempt ",
                "password-control login-attempt",
                "password-control login-attempt",
            ),
            (r"^snmp-agent sys-info version ", "snmp-agent sys-info version", None),
        ]
    ),
    "ios": _rules(
        [
            (r"^hostname ", "hostname", None),
            (r"^description ", "description", "description"),
            (r"^ip address \S+ \S+$", "ip address", None),
            (r"^exec-timeout ", "exec-timeout", "exec-timeout"),
            (r"^transport input ", "transport input", "transport input"),
            (r"^access-class \S+ in$", "access-class in", None),
            (r"^access-class \S+ out$", "access-class out", None),
            (r"^switchport mode ", "switchport mode", "switchport mode"),
            (r"^switchport access vlan ", "switchport access vlan", "switchport access vlan"),
            (r"^login block-for ", "login block-for", "login block-for"),
            (r"^ip ssh version ", "ip ssh version", "ip ssh version"),
            (r"^ip domain name ", "ip domain name", None),
            (r"^vrf forwarding ", "vrf forwarding", None),
            (r"^rd ", "rd", None),
        ]
    ),
}


@functools.lru_cache(maxsize=65536)
def single_key(dialect: Dialect, line: str) -> str | None:
    """The key of a single-valued command (``description``), or None."""
    for pattern, key, _undo in _SINGLE[dialect]:
        if pattern.search(line):
            return key
    return None


def _key_of_target(dialect: Dialect, target: str) -> str | None:
    """The single-valued key an ``undo``/``no`` target names (``description``, ``acl inbound``)."""
    for _pattern, key, undo in _SINGLE[dialect]:
        if target in (key, undo):
            return key
    return single_key(dialect, target)


def negate(dialect: Dialect, line: str) -> str:
    """The command that removes ``line`` (or restores the default it negates)."""
    neg = negation(dialect)
    if line.startswith(neg):
        return line[len(neg) :]
    for pattern, _key, undo in _SINGLE[dialect]:
        if undo is not None and pattern.search(line):
            return neg + undo
    return neg + line


# -- the tree ----------------------------------------------------------------------------------
@dataclass
class Node:
    """One configuration line and the lines of its view (empty for a plain command)."""

    line: str
    children: list[Node] = field(default_factory=list)

    def child(self, line: str) -> Node | None:
        for c in self.children:
            if c.line == line:
                return c
        return None

    def copy(self) -> Node:
        """A deep copy (much faster than copy.deepcopy on a 10,000-line config)."""
        return Node(self.line, [c.copy() for c in self.children])

    def walk(self, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
        """Every line under this node as ``(view path, line)``, in order."""
        for c in self.children:
            yield path, c.line
            yield from c.walk((*path, c.line))


def _normal(line: str) -> str:
    return " ".join(line.split())


_IOS_NOISE = re.compile(r"^(Building configuration|Current configuration\s*:)")
_BANNER = re.compile(r"^banner \S+ (\S+)")


def _is_separator(stripped: str, dialect: Dialect) -> bool:
    if dialect == "ios":
        return stripped.startswith("!")
    return stripped == "#"


def parse(text: str, dialect: Dialect) -> Node:
    """The configuration ``text`` as a tree (noise and separators dropped)."""
    root = Node("")
    stack: list[tuple[int, Node]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        raw = lines[i].rstrip()
        i += 1
        stripped = raw.strip()
        if not stripped:
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if _is_separator(stripped, dialect):
            if indent == 0:
                stack.clear()
            continue
        if dialect != "ios" and stripped.startswith("!"):
            continue  # VRP's "!Software Version ..." / "!Last configuration was ..." comments
        if stripped in ("return", "end") and indent == 0:
            continue
        if dialect == "ios" and _IOS_NOISE.match(stripped):
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1] if stack else root
        node = Node(_normal(stripped))
        parent.children.append(node)
        stack.append((indent, node))
        banner = _BANNER.match(stripped) if dialect == "ios" else None
        if banner:  # the banner text is kept verbatim as the banner's lines
            delimiter = (
                banner.group(1)[:2] if banner.group(1).startswith("^") else banner.group(1)[0]
            )
            rest = stripped[banner.end(1) - len(banner.group(1)) + len(delimiter) :]
            if delimiter not in rest:
                while i < len(lines):
                    body = lines[i].rstrip()
                    i += 1
                    node.children.append(Node(body))
                    if delimiter in body:
                        break
            stack.pop()
    return root


def render(root: Node, dialect: Dialect) -> str:
    """A tree as configuration text (one space per level; separators between top blocks)."""
    sep = "!" if dialect == "ios" else "#"
    out: list[str] = []

    def emit(node: Node, depth: int) -> None:
        for c in node.children:
            out.append(" " * depth + c.line)
            emit(c, depth + 1)

    for top in root.children:
        out.append(top.line)
        emit(top, 1)
        if top.children:
            out.append(sep)
    return "\n".join(out) + ("\n" if out else "")


# -- commands ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConfigCommand:
    """One command typed in config mode, in the view ``path`` (() = the global view)."""

    path: tuple[str, ...]
    line: str
    opens_view: bool = False


def snippet_commands(text: str, dialect: Dialect) -> list[ConfigCommand]:
    """The commands of an indented snippet, in order (a line with indented lines opens a view)."""
    tree = parse(text, dialect)
    out: list[ConfigCommand] = []

    def walk(node: Node, path: tuple[str, ...]) -> None:
        for c in node.children:
            out.append(ConfigCommand(path, c.line, bool(c.children)))
            if c.children:
                walk(c, (*path, c.line))

    walk(tree, ())
    return out


def cli_lines(commands: Iterable[ConfigCommand], dialect: Dialect) -> list[str]:
    """The exact lines sent in config mode: views entered and left with quit/exit as needed."""
    out: list[str] = []
    current: tuple[str, ...] = ()
    for cmd in commands:
        common = 0
        while (
            common < len(current) and common < len(cmd.path) and current[common] == cmd.path[common]
        ):
            common += 1
        out.extend(exit_command(dialect) for _ in range(len(current) - common))
        out.extend(cmd.path[common:])
        out.append(cmd.line)
        current = (*cmd.path, cmd.line) if cmd.opens_view else cmd.path
    return out


def _view(root: Node, path: tuple[str, ...]) -> Node:
    node = root
    for header in path:
        found = node.child(header)
        if found is None:
            found = Node(header)
            node.children.append(found)
        node = found
    return node


def _prefixes(line: str, target: str) -> bool:
    return line == target or line.startswith(target + " ")


def _apply_line(view: Node, line: str, dialect: Dialect, top: bool) -> None:
    neg = negation(dialect)
    if line.startswith(neg):
        target = line[len(neg) :]
        key = _key_of_target(dialect, target)
        before = len(view.children)
        view.children = [
            c
            for c in view.children
            if not (_prefixes(c.line, target) or (key and single_key(dialect, c.line) == key))
        ]
        # nothing to remove in the global view: the negated default is now displayed
        if top and len(view.children) == before and view.child(line) is None:
            view.children.append(Node(line))
        return
    # a positive command cancels a displayed negation of itself (or of a prefix of it);
    # cancelling exactly 'undo X' with 'X' restores the default, which is not displayed
    cancelled = [
        c.line[len(neg) :]
        for c in view.children
        if c.line.startswith(neg) and not c.children and _prefixes(line, c.line[len(neg) :])
    ]
    if cancelled:
        view.children = [
            c
            for c in view.children
            if not (c.line.startswith(neg) and c.line[len(neg) :] in cancelled)
        ]
        if line in cancelled:
            return
    if view.child(line) is not None:
        return
    key = single_key(dialect, line)
    if key is not None:
        for c in view.children:
            if not c.children and single_key(dialect, c.line) == key:
                c.line = line
                return
    view.children.append(Node(line))


def apply(root: Node, commands: Iterable[ConfigCommand], dialect: Dialect) -> Node:
    """The configuration ``root`` would become after ``commands`` (``root`` is not changed)."""
    tree = root.copy()
    for cmd in commands:
        view = _view(tree, cmd.path)
        if cmd.opens_view:
            _view(view, (cmd.line,))
        else:
            _apply_line(view, cmd.line, dialect, top=not cmd.path)
    return tree


# -- restore -----------------------------------------------------------------------------------
def restore_commands(current: Node, target: Node, dialect: Dialect) -> list[ConfigCommand]:
    """Commands that turn configuration ``current`` into ``target`` (the rollback of a change).

    Lines only in ``current`` are negated (a whole view by negating its header), lines only
    in ``target`` are entered again, a single-valued command is set back to its old value.
    """
    out: list[ConfigCommand] = []

    def all_of(node: Node, path: tuple[str, ...]) -> None:
        for c in node.children:
            out.append(ConfigCommand(path, c.line, bool(c.children)))
            if c.children:
                all_of(c, (*path, c.line))

    def walk(cur: Node, tgt: Node, path: tuple[str, ...]) -> None:
        wanted = {c.line for c in tgt.children}
        wanted_keys = {
            key
            for c in tgt.children
            if not c.children and (key := single_key(dialect, c.line)) is not None
        }
        for c in cur.children:
            if c.line in wanted:
                continue
            key = single_key(dialect, c.line)
            if not c.children and key is not None and key in wanted_keys:
                continue  # set back to its old value below
            out.append(ConfigCommand(path, negate(dialect, c.line)))
        for t in tgt.children:
            have = cur.child(t.line)
            if have is None:
                out.append(ConfigCommand(path, t.line, bool(t.children)))
                if t.children:
                    all_of(t, (*path, t.line))
            elif t.children or have.children:
                walk(have, t, (*path, t.line))

    walk(current, target, ())
    seen: set[ConfigCommand] = set()
    unique = []
    for cmd in out:  # "telnet server enable" removed and "undo telnet ..." re-entered: one command
        if cmd not in seen:
            seen.add(cmd)
            unique.append(cmd)
    return unique


def differences(a: Node, b: Node) -> tuple[list[str], list[str]]:
    """Lines only in ``a`` and only in ``b`` (as ``view > line``), ignoring order in a view."""
    ca = Counter(_entry(p, line) for p, line in a.walk())
    cb = Counter(_entry(p, line) for p, line in b.walk())
    return sorted((ca - cb).elements()), sorted((cb - ca).elements())


def _entry(path: tuple[str, ...], line: str) -> str:
    return " > ".join((*path, line))


def unified_diff(
    before: Node, after: Node, dialect: Dialect, name: str, labels: tuple[str, str]
) -> str:
    """A unified diff of two configurations as rendered text (empty when they are equal)."""
    lines = difflib.unified_diff(
        render(before, dialect).splitlines(keepends=True),
        render(after, dialect).splitlines(keepends=True),
        fromfile=f"{name} ({labels[0]})",
        tofile=f"{name} ({labels[1]})",
        n=3,
    )
    return "".join(lines)
