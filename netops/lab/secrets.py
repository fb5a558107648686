"""Lab credentials and the masked-looking secrets generated configs carry.

The lab's own credentials (what the endpoints file hands to netops) are fixed, public
lab values: they protect nothing and must never be used outside the lab. The secrets
inside generated configs look like the real platforms' encrypted/hashed forms, so that
config-backup masking is tested on realistic text; they are derived deterministically
from the device name (no randomness: two lab runs produce the same configs).
"""

from __future__ import annotations

import base64
import hashlib

LAB_SSH_PASSWORD = "Lab-netops-2024"  # lab only: printed in the endpoints file by design
LAB_COMMUNITY = "netops-lab"
LAB_AUTH_KEY = "lab-auth-key-2024"
LAB_PRIV_KEY = "lab-priv-key-2024"

_ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#&'()*+,-.:;<=>?@[]^_`{|}~"


def _bytes(seed: str, n: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}/{counter}".encode()).digest()
        counter += 1
    return out[:n]


def _chars(seed: str, n: int, alphabet: str = _ALPHA) -> str:
    return "".join(alphabet[b % len(alphabet)] for b in _bytes(seed, n))


def huawei_cipher(seed: str) -> str:
    """``%^%#...%^%#``: VRP's reversible cipher form."""
    return f"%^%#{_chars(seed, 40)}%^%#"


def huawei_irreversible(seed: str) -> str:
    """``$1c$...$``: VRP's irreversible-cipher (hashed) password form."""
    alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.!\"#&'()*+,-/:;<=>?@[]^_`{|}~"
    return f"$1c${_chars(seed, 10, alpha)}${_chars(seed + 'h', 44, alpha)}$"


def comware_cipher(seed: str) -> str:
    """``$c$3$...``: Comware's reversible cipher form."""
    return "$c$3$" + base64.b64encode(_bytes(seed, 30)).decode()


def comware_hash(seed: str) -> str:
    """``$h$6$...``: Comware's hashed local-user password."""
    return (
        "$h$6$"
        + base64.b64encode(_bytes(seed, 12)).decode()
        + "$"
        + base64.b64encode(_bytes(seed + "h", 48)).decode()
    )


def cisco_type9(seed: str) -> str:
    alpha = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    return f"$9${_chars(seed, 14, alpha)}${_chars(seed + 'h', 43, alpha)}"


def cisco_type7(seed: str) -> str:
    return "0" + str(_bytes(seed, 1)[0] % 10) + _bytes(seed + "7", 9).hex().upper()


def md5_crypt(seed: str) -> str:
    """``$1$salt$hash``: an MD5-crypt looking string (Linux, old platforms)."""
    alpha = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    return f"$1${_chars(seed, 8, alpha)}${_chars(seed + 'h', 22, alpha)}"


def hex_key(seed: str, n: int = 20) -> str:
    return _bytes(seed, n).hex()
