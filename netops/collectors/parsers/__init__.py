"""Named pure parsers: ``(text) -> list[dict]`` of record fields, for output no template covers.

A profile names them (``parser: huawei_routing_table``); each is a plain function of the
device's text, tested on recorded outputs of the real platform.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from netops.collectors.parsers import config, firewall, linux, routing, version, vrf

Parser = Callable[[str], list[dict[str, Any]]]

PARSERS: dict[str, Parser] = {
    "huawei_vpn_instance_verbose": vrf.huawei_vpn_instance_verbose,
    "huawei_routing_table": routing.huawei_routing_table,
    "static_routes_vrp": routing.static_routes_vrp,
    "static_routes_ios": routing.static_routes_ios,
    "huawei_security_policy": firewall.huawei_security_policy,
    "huawei_hrp_state": firewall.huawei_hrp_state,
    "comware_version": version.comware_version,
    "linux_version": version.linux_version,
    "linux_neighbors": linux.ip_neighbors,
    "linux_addresses": linux.ip_addresses,
    "linux_routes": linux.ip_routes,
    "config_vrp": config.config_vrp,
    "config_comware": config.config_comware,
    "config_ios": config.config_ios,
    "config_plain": config.config_plain,
}

__all__ = ["PARSERS", "Parser"]
