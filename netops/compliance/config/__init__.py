"""Pure parsers of running configurations into :class:`ConfigFacts` (one per platform)."""

from __future__ import annotations

from functools import lru_cache

from netops.compliance.config.comware import parse_comware
from netops.compliance.config.facts import ConfigFacts
from netops.compliance.config.ios import parse_ios
from netops.compliance.config.tree import ConfigTree, Line, parse_tree
from netops.compliance.config.vrp import parse_vrp

#: platforms whose configuration netops reads (linux boxes have no device configuration)
PARSERS = {
    "huawei_vrp": lambda tree: parse_vrp(tree, "huawei_vrp"),
    "huawei_usg": lambda tree: parse_vrp(tree, "huawei_usg"),
    "hp_comware": parse_comware,
    "cisco_ios": parse_ios,
}


@lru_cache(maxsize=512)
def parse_config(platform: str, text: str) -> ConfigFacts | None:
    """Facts of a running configuration; None for a platform without a parser.

    Pure, and cached by (platform, text): a configuration unchanged since the last run
    is not parsed again. Callers must not change the facts they get.
    """
    parser = PARSERS.get(platform)
    return parser(parse_tree(text)) if parser else None


__all__ = ["PARSERS", "ConfigFacts", "ConfigTree", "Line", "parse_config", "parse_tree"]
