"""Running configurations as a tree of indented blocks (VRP, USG, Comware, IOS alike).

The four platforms print configuration the same way: a top-level command opens a
block, deeper-indented lines belong to it, and ``#`` (VRP, Comware) or ``!`` (IOS)
lines separate blocks. That is all these parsers need, so a 60-line tree beats a
dependency (ciscoconfparse knows IOS-family dialects, not VRP's ``#`` separators or
its ``undo`` forms, and a hand-rolled tree keeps every line number for the evidence).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


class Line:
    """One configuration line with its 1-based number and its parent block's headers."""

    __slots__ = ("_words", "children", "number", "parents", "text")

    def __init__(
        self,
        number: int,
        text: str,
        parents: tuple[str, ...] = (),
        children: list[Line] | None = None,
    ) -> None:
        self.number = number
        self.text = text
        self.parents = parents
        self.children: list[Line] = children if children is not None else []
        self._words: list[str] | None = None

    def __repr__(self) -> str:
        return f"Line({self.number}, {self.text!r})"

    @property
    def words(self) -> list[str]:
        if self._words is None:
            self._words = self.text.split()
        return self._words

    def context(self) -> str:
        """The line as an engineer reads it: its block headers, then the line itself."""
        lines = [" " * i + p for i, p in enumerate(self.parents)]
        lines.append(" " * len(self.parents) + self.text)
        return "\n".join(lines)

    def walk(self) -> Iterator[Line]:
        """This line's descendants, depth first."""
        for child in self.children:
            yield child
            yield from child.walk()

    def child(self, pattern: str | re.Pattern[str]) -> Line | None:
        """The first direct child whose text matches ``pattern`` (anchored at the start)."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        return next((c for c in self.children if rx.match(c.text)), None)

    def children_matching(self, pattern: str | re.Pattern[str]) -> list[Line]:
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        return [c for c in self.children if rx.match(c.text)]


@dataclass
class ConfigTree:
    """The parsed configuration: top-level lines, each with its block below it."""

    top: list[Line]

    def all(self) -> Iterator[Line]:
        for line in self.top:
            yield line
            yield from line.walk()

    def find(self, pattern: str | re.Pattern[str]) -> list[Line]:
        """Top-level lines matching ``pattern`` (anchored at the start)."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        return [line for line in self.top if rx.match(line.text)]

    def find_all(self, pattern: str | re.Pattern[str]) -> list[Line]:
        """Lines at any depth matching ``pattern``."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        return [line for line in self.all() if rx.match(line.text)]


def parse_tree(text: str) -> ConfigTree:
    """Build the block tree; separator, blank and banner-free comment lines are skipped."""
    top: list[Line] = []
    stack: list[tuple[int, Line]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.rstrip()
        if not stripped:
            continue
        body = stripped.lstrip(" ")
        indent = len(stripped) - len(body)
        first = body[0]
        if first == "#" or first == "!":
            # "#" closes the blocks at or below its indent (Comware prints top-level
            # commands indented by one space, so only a separator tells where a block ends)
            while stack and stack[-1][0] >= indent:
                stack.pop()
            continue
        if first == "<" and body.endswith(">"):
            continue  # a VRP prompt echoed into the capture, e.g. <core-1>
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if stack:
            parent = stack[-1][1]
            line = Line(number, body.strip(), (*parent.parents, parent.text))
            parent.children.append(line)
        else:
            line = Line(number, body.strip())
            top.append(line)
        stack.append((indent, line))
    return ConfigTree(top)
