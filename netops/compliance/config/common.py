"""Small helpers the platform parsers share: addresses, masks, wildcards, secrets."""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, ip_address

from netops.compliance.config.facts import PasswordStorage, Server
from netops.compliance.config.tree import Line

_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
#: how a collector masks a secret before storing (``******``, ``<removed>``, ``<secret>``...)
_MASK = re.compile(r"^(\*+|<[^>]*>|\[?(masked|removed|secret)\]?)$", re.IGNORECASE)


def is_ipv4(word: str) -> bool:
    if not _IPV4.match(word):
        return False
    try:
        ip_address(word)
    except ValueError:
        return False
    return True


def is_masked(word: str) -> bool:
    return bool(_MASK.match(word))


def mask_length(word: str) -> int | None:
    """``24`` or ``255.255.255.0`` as a prefix length; None when it is neither."""
    if word.isdigit() and 0 <= int(word) <= 32:
        return int(word)
    if is_ipv4(word):
        bits = int(IPv4Address(word))
        inverted = (~bits) & 0xFFFFFFFF
        if inverted & (inverted + 1) == 0:  # contiguous ones then zeros
            return 32 - inverted.bit_length()
    return None


def wildcard_network(address: str, wildcard: str) -> IPv4Network | None:
    """``10.250.2.0 0.0.0.15`` -> 10.250.2.0/28 (None for a non-contiguous wildcard)."""
    if wildcard == "0":
        wildcard = "0.0.0.0"
    if not (is_ipv4(address) and is_ipv4(wildcard)):
        return None
    bits = int(IPv4Address(wildcard))
    if bits & (bits + 1):
        return None  # non-contiguous: cannot be one prefix; callers treat it as broad
    length = 32 - bits.bit_length()
    return IPv4Network(f"{address}/{length}", strict=False)


def network(address: str, mask: str) -> IPv4Network | None:
    length = mask_length(mask)
    if length is None or not is_ipv4(address):
        return None
    return IPv4Network(f"{address}/{length}", strict=False)


def storage_of(keyword: str) -> PasswordStorage | None:
    """Password storage from the keyword before the secret (Huawei, H3C, Cisco)."""
    k = keyword.lower()
    if k in ("irreversible-cipher", "hash", "secret", "5", "8", "9"):
        return "irreversible"
    if k in ("cipher", "7"):
        return "reversible"
    if k in ("simple", "0", "plain"):
        return "plain"
    return None


def words_after(words: list[str], keyword: str) -> str | None:
    """The word after ``keyword`` in ``words``."""
    try:
        return words[words.index(keyword) + 1]
    except (ValueError, IndexError):
        return None


def add_server(
    servers: list[Server], words: list[str], line: Line, vrf_keyword: str, start: int = 2
) -> None:
    """Append the first IPv4 address of ``words[start:]`` (a loghost, an NTP server) to
    ``servers``, in the VRF named after ``vrf_keyword``; nothing when there is no address."""
    address = next((x for x in words[start:] if is_ipv4(x)), None)
    if address:
        servers.append(Server(IPv4Address(address), words_after(words, vrf_keyword), line))


def timeout_seconds(words: list[str]) -> int:
    """``idle-timeout M [S]`` / ``exec-timeout M [S]`` in seconds (a missing part is 0)."""
    minutes = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
    seconds = int(words[2]) if len(words) > 2 and words[2].isdigit() else 0
    return minutes * 60 + seconds


def interface_address(words: list[str]) -> IPv4Interface | None:
    """``ip address A MASK|LENGTH ...`` as an interface address; None when it is not one."""
    if len(words) < 4 or not is_ipv4(words[2]):
        return None
    length = mask_length(words[3])
    return None if length is None else IPv4Interface(f"{words[2]}/{length}")
