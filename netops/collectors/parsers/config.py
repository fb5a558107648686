"""Running configurations: strip what changes without a change (clock, build time), keep the rest.

Volatile lines would make every backup a "change". Secrets are masked later, by the
caller, on the whole text (see :mod:`netops.collectors.masking`).
"""

from __future__ import annotations

import re
from typing import Any

# A USG prints the time first; VRP/Comware may print "!Last configuration was updated at".
_VRP_VOLATILE = re.compile(
    r"^(?:\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2})?\s*|"
    r"!(?:Last configuration was (?:updated|saved) at|Time:).*|"
    r"Info: .*|Warning: .*)$"
)
_IOS_VOLATILE = re.compile(
    r"^(?:Building configuration\.\.\.|Current configuration\s*:.*|"
    r"! (?:Last configuration change|NVRAM config last updated|No configuration change) .*|"
    r"ntp clock-period \d+)$"
)


def _clean(text: str, volatile: re.Pattern[str]) -> list[dict[str, Any]]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    kept = [line for line in lines if not volatile.match(line)]
    while kept and not kept[0].strip():
        kept.pop(0)
    while kept and not kept[-1].strip():
        kept.pop()
    return [{"text": "\n".join(kept) + "\n"}] if kept else []


def config_vrp(text: str) -> list[dict[str, Any]]:
    """``display current-configuration`` of Huawei VRP and USG."""
    return _clean(text, _VRP_VOLATILE)


def config_comware(text: str) -> list[dict[str, Any]]:
    """``display current-configuration`` of H3C Comware."""
    return _clean(text, _VRP_VOLATILE)


def config_ios(text: str) -> list[dict[str, Any]]:
    """``show running-config`` of Cisco IOS."""
    return _clean(text, _IOS_VOLATILE)


def config_plain(text: str) -> list[dict[str, Any]]:
    """Any other text kept as it is (Linux files)."""
    return _clean(text, re.compile(r"^$(?!)"))
