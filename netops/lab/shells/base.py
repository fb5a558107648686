"""The CLI engine shared by every simulated platform: prompt, paging, modes, errors.

A :class:`Shell` turns one input line into output text and knows its prompt. Commands
are keyword tables matched by unique prefix, as the real CLIs accept abbreviations
(``dis cur``, ``sh ip int br``). Unknown input gets the platform's own error with a
caret under the offending word. Long outputs page (``---- More ----`` / `` --More-- ``)
until paging is disabled for the session, as on the real devices.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Network

from netops.lab import configedit
from netops.lab.state import Lab, LabDevice, RouteRow

Handler = Callable[[list[str]], str]


@dataclass
class Command:
    words: tuple[str, ...]
    handler: Handler
    min_args: int = 0
    exact: tuple[int, ...] = ()  # keyword positions that must be typed in full


class Shell:
    """One CLI session on one lab device."""

    more_prompt = "  ---- More ----"
    page_lines = 24
    #: what the command entering config mode prints (``system-view``, ``configure terminal``)
    config_mode_text = ""

    def __init__(self, lab: Lab, dev: LabDevice, username: str) -> None:
        self.lab = lab
        self.dev = dev
        self.username = username
        self.paging = True
        self.view: list[str] = []  # config view path; [] in config mode = global
        self.config_mode = False
        self.closed = False
        self.pending: Callable[[str], str] | None = None  # a question awaiting an answer
        self.commands: list[Command] = []
        self.config_commands: list[Command] = []
        self.dialect = configedit.dialect_of(dev.platform.value)
        self.setup()

    # -- to override -------------------------------------------------------------------------
    def setup(self) -> None:
        """Register commands."""

    def banner(self) -> str:
        return ""

    def prompt(self) -> str:
        raise NotImplementedError

    def error(self, line: str, column: int) -> str:
        raise NotImplementedError

    def config_command(self, line: str) -> str:
        """A line typed in config mode that no table command took."""
        return ""

    # -- modes --------------------------------------------------------------------------------
    def enter_config_mode(self, _: list[str]) -> str:
        """``system-view`` / ``configure terminal``."""
        self.config_mode = True
        self.view = []
        return self.config_mode_text

    def leave_view(self, _: list[str]) -> str:
        """``quit`` / ``exit``: up one view, then out of config mode, then out of the session."""
        if self.config_mode:
            if self.view:
                self.view = self.view[:-1]
            else:
                self.config_mode = False
            return ""
        self.closed = True
        return ""

    def leave_config_mode(self, _: list[str]) -> str:
        """``return`` / ``end``: straight back to the user view."""
        self.config_mode = False
        self.view = []
        return ""

    # -- engine -------------------------------------------------------------------------------
    def add(self, words: str, handler: Handler, min_args: int = 0) -> None:
        self.commands.append(Command(tuple(words.split()), handler, min_args))

    def add_config(self, words: str, handler: Handler, min_args: int = 0) -> None:
        self.config_commands.append(Command(tuple(words.split()), handler, min_args))

    def handle(self, line: str) -> str:
        """Output for one input line (without the trailing prompt)."""
        if self.pending is not None:
            answer, self.pending = self.pending, None
            return answer(line.strip())
        stripped = line.strip()
        if not stripped:
            return ""
        pipe = None
        if " | " in stripped:
            stripped, pipe = (part.strip() for part in stripped.split(" | ", 1))
        tokens = stripped.split()
        table = self.config_commands + self.commands if self.config_mode else self.commands
        found, args, bad = self._match(tokens, table)
        if found is None:
            if self.config_mode:
                out = self.config_command(stripped)
                if out != "\x00unknown":
                    return out
            offset = _token_offset(line, bad)
            return self.error(line, len(self.prompt()) + offset)
        out = found.handler(args)
        if pipe:
            out = _apply_pipe(out, pipe)
        return out

    def _match(
        self, tokens: list[str], table: list[Command]
    ) -> tuple[Command | None, list[str], int]:
        best_bad = 0
        candidates: list[tuple[Command, list[str]]] = []
        for cmd in table:
            n = len(cmd.words)
            if len(tokens) < n:
                ok_prefix = all(
                    cmd.words[i].startswith(tokens[i].lower()) for i in range(len(tokens))
                )
                if not ok_prefix:
                    bad = next(
                        i
                        for i in range(len(tokens))
                        if not cmd.words[i].startswith(tokens[i].lower())
                    )
                    best_bad = max(best_bad, bad)
                else:
                    best_bad = max(best_bad, len(tokens))
                continue
            miss = next(
                (i for i in range(n) if not cmd.words[i].startswith(tokens[i].lower())), None
            )
            if miss is not None:
                best_bad = max(best_bad, miss)
                continue
            args = tokens[n:]
            if len(args) < cmd.min_args:
                best_bad = max(best_bad, len(tokens))
                continue
            candidates.append((cmd, args))
        if not candidates:
            return None, [], best_bad
        # the most specific command wins (longest keyword match)
        cmd, args = max(candidates, key=lambda c: len(c[0].words))
        return cmd, args, 0

    # -- output helpers -------------------------------------------------------------------------
    def paged(self, text: str) -> list[str]:
        """Split output into pages when paging is on (the server waits for a key between)."""
        lines = text.split("\n")
        if not self.paging or len(lines) <= self.page_lines:
            return [text]
        return [
            "\n".join(lines[i : i + self.page_lines]) for i in range(0, len(lines), self.page_lines)
        ]

    def edit(self, command: str) -> None:
        self.dev.set_config(
            configedit.apply(self.dev.config_text, self.dialect, self.view, command)
        )
        self.lab_changed()

    def enter(self, header: str) -> None:
        self.dev.set_config(
            configedit.enter_view(self.dev.config_text, self.dialect, self.view, header)
        )
        self.view = [*self.view, " ".join(header.split())]

    def lab_changed(self) -> None:
        for hook in list(self.dev.change_hooks):
            if callable(hook):
                hook(self.dev)


def _token_offset(line: str, index: int) -> int:
    pos = 0
    stripped = line
    for i, token in enumerate(stripped.split()):
        pos = stripped.index(token, pos)
        if i == index:
            return pos
        pos += len(token)
    return len(stripped.rstrip()) + 1


def _apply_pipe(text: str, pipe: str) -> str:
    """``| include/exclude/begin REGEX``: a regular expression, as on VRP, Comware and IOS
    (``show running-config | include ^ip route``)."""
    words = pipe.split(None, 1)
    if len(words) < 2:
        return text
    op, arg = words[0].lower(), words[1]
    try:
        pattern = re.compile(arg)
    except re.error:
        pattern = re.compile(re.escape(arg))
    lines = text.split("\n")
    if "include".startswith(op) or op == "i":
        return "\n".join(line for line in lines if pattern.search(line))
    if "exclude".startswith(op) or op == "e":
        return "\n".join(line for line in lines if not pattern.search(line))
    if "begin".startswith(op) or op == "b":
        for i, line in enumerate(lines):
            if pattern.search(line):
                return "\n".join(lines[i:])
        return ""
    return text


def sorted_routes(rows: list[RouteRow]) -> list[RouteRow]:
    """Route rows in routing-table order: by network address, then prefix length."""
    return sorted(
        rows, key=lambda r: (IPv4Network(r.prefix).network_address, IPv4Network(r.prefix).prefixlen)
    )


def cisco_short(name: str) -> str:
    """An interface name as IOS abbreviates it (``Gi1/0/1``, ``Te1/1/1``)."""
    return name.replace("TenGigabitEthernet", "Te").replace("GigabitEthernet", "Gi")


def comware_short(name: str) -> str:
    """An interface name as Comware abbreviates it (``GE1/0/1``, ``XGE1/0/49``, ``Vlan10``)."""
    return (
        name.replace("Ten-GigabitEthernet", "XGE")
        .replace("GigabitEthernet", "GE")
        .replace("Vlan-interface", "Vlan")
    )


def uptime_text(seconds: float, style: str = "huawei") -> str:
    weeks, rem = divmod(int(seconds), 7 * 86400)
    days, rem = divmod(rem, 86400)
    hours, rem = divmod(rem, 3600)
    minutes = rem // 60
    if style == "cisco":
        parts = []
        if weeks:
            parts.append(f"{weeks} week{'s' if weeks != 1 else ''}")
        if days:
            parts.append(f"{days} day{'s' if days != 1 else ''}")
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
        return ", ".join(parts)
    if style == "comware":
        return f"{weeks} weeks, {days} days, {hours} hours, {minutes} minutes"
    return f"{weeks} week{'s' if weeks != 1 else ''}, {days} day{'s' if days != 1 else ''}, {hours} hour{'s' if hours != 1 else ''}, {minutes} minute{'s' if minutes != 1 else ''}"


def now_text() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S+08:00", time.localtime())
