"""Huawei USG: security policy rules (from the configuration) and HRP (hot standby) state."""

from __future__ import annotations

import re
from typing import Any


def _address(tokens: list[str]) -> str:
    """``10.1.0.0 mask 255.255.0.0`` / ``10.1.0.0 16`` / ``address-set X`` / ``range A B``."""
    if tokens[:1] == ["address-set"] and len(tokens) > 1:
        return f"address-set {tokens[1]}"
    if len(tokens) >= 3 and tokens[1] == "mask":
        return f"{tokens[0]}/{_mask_len(tokens[2])}"
    if len(tokens) >= 2 and tokens[1].isdigit():
        return f"{tokens[0]}/{tokens[1]}"
    if tokens[:1] == ["range"] and len(tokens) >= 3:
        return f"{tokens[1]}-{tokens[2]}"
    return " ".join(tokens)


def _mask_len(mask: str) -> int:
    if mask.isdigit():
        return int(mask)
    return sum(bin(int(octet)).count("1") for octet in mask.split("."))


def huawei_security_policy(text: str) -> list[dict[str, Any]]:
    """The ``security-policy`` section of ``display current-configuration`` (USG6000, V500+).

    Rules are evaluated top-down; the implicit default (``default action``, deny unless
    set) is added last with ``is_default``. ``disable`` marks a rule not enabled.
    """
    rules: list[dict[str, Any]] = []
    default_action = "deny"
    inside = False
    current: dict[str, Any] | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        if re.match(r"^security-policy\s*$", line):
            inside = True
            continue
        if not inside:
            continue
        if line and not line.startswith(" "):  # '#' or the next top-level section
            break
        words = line.split()
        if not words:
            continue
        if words[:2] == ["rule", "name"] and len(words) >= 3:
            current = {
                "name": " ".join(words[2:]),
                "position": len(rules) + 1,
                "action": "deny",
                "source_zones": [],
                "destination_zones": [],
                "source_addresses": [],
                "destination_addresses": [],
                "services": [],
                "profiles": [],
                "enabled": True,
            }
            rules.append(current)
        elif words[:2] == ["default", "action"] and len(words) >= 3:
            default_action = "permit" if words[2] == "permit" else "deny"
        elif current is None:
            continue
        elif words[0] == "source-zone":
            current["source_zones"].extend(words[1:])
        elif words[0] == "destination-zone":
            current["destination_zones"].extend(words[1:])
        elif words[0] == "source-address":
            current["source_addresses"].append(_address(words[1:]))
        elif words[0] == "destination-address":
            current["destination_addresses"].append(_address(words[1:]))
        elif words[0] == "service":
            current["services"].extend(words[1:])
        elif words[0] == "action" and len(words) >= 2:
            current["action"] = "permit" if words[1] == "permit" else "deny"
        elif words[0] == "profile" and len(words) >= 3:
            current["profiles"].append(f"{words[1]} {words[2]}")
        elif words[0] == "disable":
            current["enabled"] = False
    rules.append(
        {
            "name": "default",
            "position": len(rules) + 1,
            "action": default_action,
            "is_default": True,
        }
    )
    return rules


_ROLE = re.compile(r"^\s*Role\s*:\s*(\w+)\s*,\s*peer\s*:\s*([\w-]+)", re.IGNORECASE)
_OLD_ROLE = re.compile(r"firewall's config state is\s*:\s*(\w+)", re.IGNORECASE)


def huawei_hrp_state(text: str) -> list[dict[str, Any]]:
    """``display hrp state`` (USG): our role and the peer's (``unknown`` = peer lost)."""
    for line in text.splitlines():
        match = _ROLE.match(line)
        if match:
            peer = match.group(2).lower()
            return [
                {
                    "mechanism": "hrp",
                    "role": match.group(1).lower(),
                    "peer_role": None if peer == "unknown" else peer,
                    "peer_reachable": peer not in ("unknown", "down", "none"),
                    "detail": " ".join(text.split())[:500],
                }
            ]
    match = _OLD_ROLE.search(text)
    if match:
        return [{"mechanism": "hrp", "role": match.group(1).lower(), "detail": None}]
    return []
