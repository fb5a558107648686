"""Software versions where ntc-templates has no template (Comware, Linux)."""

from __future__ import annotations

import re
from typing import Any

_CMW = re.compile(r"Comware Software,\s*Version\s+([^,\s]+)(?:,\s*(Release\s+\S+))?", re.I)
_CMW_UPTIME = re.compile(
    r"^(?P<vendor>H3C|HPE?|New H3C|Hewlett Packard Enterprise)\s+(?P<model>.+?)\s+uptime is\s+"
    r"(?P<uptime>.+)$",
    re.M,
)


def comware_version(text: str) -> list[dict[str, Any]]:
    """``display version`` (H3C / HPE Comware 5 and 7).

    The line ``H3C S6520-48S-EI uptime is 0 weeks, ...`` gives vendor, model and uptime;
    Comware 5 names the box at length (``HP A5800-24G-SFP Switch with 1 Interface Slot``):
    the model is its first word. The per-slot ``Uptime is`` lines are not the device's.
    """
    match = _CMW.search(text)
    if match is None:
        return []
    up = _CMW_UPTIME.search(text)
    return [
        {
            "vendor": up.group("vendor") if up else "H3C",
            "os": "Comware",
            "version": match.group(1) + (f" {match.group(2)}" if match.group(2) else ""),
            "model": up.group("model").split()[0] if up else None,
            "uptime": up.group("uptime").strip() if up else None,
        }
    ]


def linux_version(text: str) -> list[dict[str, Any]]:
    """``uname -r`` then ``cat /etc/os-release``: distribution and kernel."""
    release: dict[str, str] = {}
    kernel = None
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and re.match(r"^[A-Z_]+$", key):
            release[key] = value.strip().strip('"')
        elif line.strip() and kernel is None and not sep:
            kernel = line.strip()
    if not release and kernel is None:
        return []
    return [
        {
            "vendor": release.get("NAME", "Linux"),
            "os": "Linux",
            "version": release.get("VERSION_ID") or release.get("VERSION") or (kernel or "unknown"),
            "model": release.get("PRETTY_NAME"),
            "patch": kernel,
        }
    ]
