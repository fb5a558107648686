"""Read YAML data files keeping the line of every key and item.

Every YAML folder of netops (inventory, collectors, playbooks) loads through this, so
that a problem is reported as ``file:line: field: why``. Duplicate keys, which
PyYAML silently collapses, are problems here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from netops.errors import Problem

try:  # the C parser is ~10x faster on large inventories
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

PathKey = tuple[str | int, ...]
_STR = "tag:yaml.org,2002:str"


@dataclass
class YamlDoc:
    """A parsed file: its data and the 1-based line of each path in it."""

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line(self, path: PathKey) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


class _Builder:
    def __init__(self, doc: YamlDoc, problems: list[Problem]) -> None:
        self.doc = doc
        self.problems = problems
        self.constructor = _Loader("")

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.doc.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(
                        Problem(
                            self.doc.file,
                            key_node.start_mark.line + 1,
                            dotted(path),
                            "YAML merge keys (<<) are not supported",
                        )
                    )
                    continue
                key = self.constructor.construct_object(key_node, deep=True)
                child = (*path, str(key))
                if key in out:
                    self.problems.append(
                        Problem(
                            self.doc.file,
                            key_node.start_mark.line + 1,
                            dotted(child),
                            f"duplicate key {key!r} (first at line {self.doc.lines[child]})",
                        )
                    )
                    continue
                self.doc.lines[child] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag == _STR:  # most scalars: skip the general constructor (4x faster)
            return node.value
        return self.constructor.construct_object(node, deep=True)


def dotted(path: PathKey) -> str:
    """``("devices", 3, "site")`` -> ``devices[3].site``."""
    return suffix(path).lstrip(".")


def suffix(path: PathKey) -> str:
    """``(3, "site")`` -> ``[3].site``: a path to append to a label."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def load_yaml(path: Path, problems: list[Problem], display: str | None = None) -> YamlDoc | None:
    """Parse one file; on a syntax error, add a problem and return None."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, None, "", f"cannot read file: {exc}"))
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problems.append(Problem(name, line, "", f"YAML syntax error: {exc.problem or exc}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(name, None, "", f"YAML syntax error: {exc}"))
        return None
    doc = YamlDoc(name, None)
    if node is None:
        return doc
    try:
        doc.data = _Builder(doc, problems).build(node, ())
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        problems.append(
            Problem(name, mark.line + 1 if mark else None, "", f"YAML error: {exc.problem}")
        )
        return None
    return doc
