"""Small helpers the platform parsers share: addresses, masks, wildcards, secrets."""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Network, ip_address

from netops.compliance.config.facts import PasswordStorage

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
