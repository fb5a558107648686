"""RFC 3414 user-based security model (USM) with RFC 7860 (HMAC-SHA-2) and RFC 3826 (AES).

- keys: password-to-key (1 MB of hashing) and localization to an engine ID, both cached;
- authentication: HMAC-MD5-96, HMAC-SHA-96, HMAC-SHA-224/256/384/512 (RFC 7860);
- privacy: DES-CBC (RFC 3414 §8), AES-128-CFB (RFC 3826), AES-192/256-CFB with the key
  extension of draft-blumenthal-aes-usm-04 §3.1.2.1 (what net-snmp does; verified in tests);
- the non-authoritative side's view of a remote engine (:class:`RemoteEngine`) and the
  authoritative side (:class:`LocalEngine`: engine ID, boots, time, the usmStats counters
  and the checks that answer with a Report PDU: :func:`open_authoritative`).

Secrets never appear in reprs, exception messages or logs.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.decrepit.ciphers.modes import CFB
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from netops.errors import NetopsError
from netops.transports.snmp.message import (
    FLAG_AUTH,
    FLAG_PRIV,
    FLAG_REPORTABLE,
    UsmParameters,
    V3Message,
    encode_v3,
)
from netops.transports.snmp.types import OID

# usmStats (RFC 3414 §5): the varbind of the Report PDU names what went wrong
USM_STATS = (1, 3, 6, 1, 6, 3, 15, 1, 1)
UNSUPPORTED_SEC_LEVELS: OID = (*USM_STATS, 1, 0)
NOT_IN_TIME_WINDOWS: OID = (*USM_STATS, 2, 0)
UNKNOWN_USER_NAMES: OID = (*USM_STATS, 3, 0)
UNKNOWN_ENGINE_IDS: OID = (*USM_STATS, 4, 0)
WRONG_DIGESTS: OID = (*USM_STATS, 5, 0)
DECRYPTION_ERRORS: OID = (*USM_STATS, 6, 0)
REPORT_NAMES: dict[OID, str] = {
    UNSUPPORTED_SEC_LEVELS: "unsupported security level",
    NOT_IN_TIME_WINDOWS: "not in time window",
    UNKNOWN_USER_NAMES: "unknown user name",
    UNKNOWN_ENGINE_IDS: "unknown engine ID",
    WRONG_DIGESTS: "wrong digest (authentication key)",
    DECRYPTION_ERRORS: "decryption error (privacy key)",
}
TIME_WINDOW = 150  # seconds (RFC 3414 §3.2 step 7)
MAX_BOOTS = 2**31 - 1


@dataclass(frozen=True)
class _AuthSpec:
    hash: str
    mac_len: int


@dataclass(frozen=True)
class _PrivSpec:
    cipher: str  # "des" | "aes"
    key_len: int


AUTH_PROTOCOLS: dict[str, _AuthSpec] = {
    "MD5": _AuthSpec("md5", 12),
    "SHA": _AuthSpec("sha1", 12),
    "SHA224": _AuthSpec("sha224", 16),
    "SHA256": _AuthSpec("sha256", 24),
    "SHA384": _AuthSpec("sha384", 32),
    "SHA512": _AuthSpec("sha512", 48),
}
PRIV_PROTOCOLS: dict[str, _PrivSpec] = {
    "DES": _PrivSpec("des", 16),
    "AES": _PrivSpec("aes", 16),
    "AES192": _PrivSpec("aes", 24),
    "AES256": _PrivSpec("aes", 32),
}
_ALIASES = {"SHA1": "SHA", "AES128": "AES"}


class UsmError(NetopsError):
    """A v3 message failed a USM check; ``report`` is the usmStats OID naming the failure."""

    def __init__(self, report: OID, message: str) -> None:
        self.report = report
        super().__init__(message)


def _norm(name: str | None, table: Mapping[str, object], what: str) -> str | None:
    if name is None:
        return None
    key = name.upper().replace("-", "").replace("_", "")
    key = _ALIASES.get(key, key)
    if key not in table:
        raise ValueError(f"unknown SNMPv3 {what} protocol {name!r} (known: {', '.join(table)})")
    return key


@dataclass(frozen=True)
class UsmUser:
    """A USM user: name, protocols and passwords (hidden from repr)."""

    name: str
    auth_protocol: str | None = None
    auth_password: str | None = field(default=None, repr=False)
    priv_protocol: str | None = None
    priv_password: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        auth = _norm(self.auth_protocol, AUTH_PROTOCOLS, "auth")
        priv = _norm(self.priv_protocol, PRIV_PROTOCOLS, "privacy")
        object.__setattr__(self, "auth_protocol", auth)
        object.__setattr__(self, "priv_protocol", priv)
        if priv and not auth:
            raise ValueError(f"SNMPv3 user {self.name!r}: privacy needs authentication")
        if auth and not self.auth_password:
            raise ValueError(f"SNMPv3 user {self.name!r}: no authentication key")
        if priv and not self.priv_password:
            raise ValueError(f"SNMPv3 user {self.name!r}: no privacy key")
        for password in (self.auth_password, self.priv_password):
            if password is not None and len(password.encode()) < 8:
                raise ValueError(f"SNMPv3 user {self.name!r}: keys need at least 8 characters")

    @property
    def flags(self) -> int:
        """msgFlags security bits of this user's level."""
        return (FLAG_AUTH if self.auth_protocol else 0) | (FLAG_PRIV if self.priv_protocol else 0)

    @property
    def level(self) -> str:
        return (
            ("authPriv" if self.priv_protocol else "authNoPriv")
            if self.auth_protocol
            else "noAuthNoPriv"
        )


# ---------------------------------------------------------------------------------- keys


@lru_cache(maxsize=1024)
def password_to_key(password: bytes, hash_name: str) -> bytes:
    """RFC 3414 A.2: hash 1 MB of the repeated password (Ku). Cached: it costs ~1-3 ms."""
    if not password:
        raise ValueError("empty password")
    size = 1 << 20
    stream = (password * (size // len(password) + 1))[:size]
    return hashlib.new(hash_name, stream).digest()


def localize_key(ku: bytes, engine_id: bytes, hash_name: str) -> bytes:
    """RFC 3414 A.2.2: Kul = H(Ku || engineID || Ku)."""
    return hashlib.new(hash_name, ku + engine_id + ku).digest()


_SALT = itertools.count(int.from_bytes(os.urandom(8), "big") >> 1)


class Keys:
    """A user's keys localized to one engine ID: sign/verify, encrypt/decrypt."""

    __slots__ = ("_auth_key", "_des_iv", "_priv_key", "hash", "mac_len", "priv", "user")

    def __init__(self, user: UsmUser, engine_id: bytes) -> None:
        self.user = user
        self.hash = ""
        self.mac_len = 0
        self.priv: str | None = None
        self._auth_key = b""
        self._priv_key = b""
        self._des_iv = b""
        if user.auth_protocol is None:
            return
        spec = AUTH_PROTOCOLS[user.auth_protocol]
        self.hash, self.mac_len = spec.hash, spec.mac_len
        assert user.auth_password is not None
        self._auth_key = localize_key(
            password_to_key(user.auth_password.encode(), spec.hash), engine_id, spec.hash
        )
        if user.priv_protocol is None:
            return
        assert user.priv_password is not None
        pspec = PRIV_PROTOCOLS[user.priv_protocol]
        key = localize_key(
            password_to_key(user.priv_password.encode(), spec.hash), engine_id, spec.hash
        )
        while len(key) < pspec.key_len:  # draft-blumenthal-aes-usm-04 §3.1.2.1
            key += hashlib.new(spec.hash, key).digest()
        self.priv = pspec.cipher
        if pspec.cipher == "des":
            self._priv_key, self._des_iv = key[:8], key[8:16]
        else:
            self._priv_key = key[: pspec.key_len]

    def __repr__(self) -> str:
        return f"Keys(user={self.user.name!r}, auth={self.hash or None}, priv={self.priv})"

    # authentication --------------------------------------------------------------------
    def sign(self, message: bytes, offset: int) -> bytes:
        """Fill the zeroed digest placeholder at ``offset`` with the HMAC of ``message``."""
        mac = hmac.digest(self._auth_key, message, self.hash)[: self.mac_len]
        return message[:offset] + mac + message[offset + self.mac_len :]

    def verify(self, message: bytes, offset: int, mac: bytes) -> bool:
        if len(mac) != self.mac_len:
            return False
        zeroed = message[:offset] + bytes(self.mac_len) + message[offset + self.mac_len :]
        return hmac.compare_digest(
            hmac.digest(self._auth_key, zeroed, self.hash)[: self.mac_len], mac
        )

    # privacy ------------------------------------------------------------------------------
    def encrypt(self, plain: bytes, boots: int, engine_time: int) -> tuple[bytes, bytes]:
        """Encrypt a ScopedPDU; returns ``(ciphertext, msgPrivacyParameters)``."""
        if self.priv == "aes":
            salt = (next(_SALT) & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big")
            iv = boots.to_bytes(4, "big") + engine_time.to_bytes(4, "big") + salt
            enc = Cipher(algorithms.AES(self._priv_key), CFB(iv)).encryptor()
            return enc.update(plain) + enc.finalize(), salt
        salt = boots.to_bytes(4, "big") + (next(_SALT) & 0xFFFFFFFF).to_bytes(4, "big")
        iv = bytes(a ^ b for a, b in zip(self._des_iv, salt, strict=True))
        if len(plain) % 8:
            plain += bytes(8 - len(plain) % 8)
        enc = Cipher(TripleDES(self._priv_key * 3), modes.CBC(iv)).encryptor()
        return enc.update(plain) + enc.finalize(), salt

    def decrypt(self, cipher: bytes, boots: int, engine_time: int, salt: bytes) -> bytes:
        """Decrypt an encryptedPDU; :class:`UsmError` (decryptionErrors) if it cannot be."""
        if len(salt) != 8:
            raise UsmError(DECRYPTION_ERRORS, "privacy parameters are not 8 bytes")
        if self.priv == "aes":
            iv = boots.to_bytes(4, "big") + engine_time.to_bytes(4, "big") + salt
            dec = Cipher(algorithms.AES(self._priv_key), CFB(iv)).decryptor()
            return dec.update(cipher) + dec.finalize()
        if len(cipher) % 8 or not cipher:
            raise UsmError(DECRYPTION_ERRORS, "DES ciphertext is not a multiple of 8 bytes")
        iv = bytes(a ^ b for a, b in zip(self._des_iv, salt, strict=True))
        dec = Cipher(TripleDES(self._priv_key * 3), modes.CBC(iv)).decryptor()
        return dec.update(cipher) + dec.finalize()


@lru_cache(maxsize=65536)
def keys_for(user: UsmUser, engine_id: bytes) -> Keys:
    """The user's keys localized to ``engine_id`` (cached per user and engine)."""
    return Keys(user, engine_id)


# ---------------------------------------------------------------------------------- framing


def seal(
    *,
    msg_id: int,
    max_size: int,
    user: UsmUser | None,
    engine_id: bytes,
    boots: int,
    engine_time: int,
    scoped_pdu: bytes,
    reportable: bool,
    flags: int | None = None,
) -> bytes:
    """Build an outgoing v3 message at the user's level (or ``flags`` if lower): encrypt,
    frame, sign. ``user=None`` sends noAuthNoPriv with an empty user name (discovery)."""
    level = 0 if user is None else user.flags if flags is None else flags
    keys = keys_for(user, engine_id) if user is not None and level else None
    priv_params = b""
    payload = scoped_pdu
    if level & FLAG_PRIV and keys is not None:
        payload, priv_params = keys.encrypt(scoped_pdu, boots, engine_time)
    auth_params = bytes(keys.mac_len) if level & FLAG_AUTH and keys is not None else b""
    usm = UsmParameters(
        engine_id,
        boots,
        engine_time,
        (user.name.encode() if user else b""),
        auth_params,
        priv_params,
    )
    data, offset = encode_v3(
        msg_id,
        max_size,
        level | (FLAG_REPORTABLE if reportable else 0),
        usm,
        payload,
        encrypted=bool(level & FLAG_PRIV),
    )
    if level & FLAG_AUTH and keys is not None:
        data = keys.sign(data, offset)
    return data


def unseal(message: V3Message, data: bytes, keys: Keys | None, *, verified: bool = False) -> bytes:
    """Verify (unless ``verified``) and decrypt an incoming v3 message with ``keys``; the
    plaintext ScopedPDU. Raises :class:`UsmError` naming the usmStats counter of the failure."""
    flags = message.flags
    if flags & FLAG_PRIV and not flags & FLAG_AUTH:
        raise UsmError(UNSUPPORTED_SEC_LEVELS, "privacy without authentication")
    if flags & FLAG_AUTH and not verified:
        if keys is None or not keys.mac_len:
            raise UsmError(UNSUPPORTED_SEC_LEVELS, "authenticated message for a noAuth user")
        if not keys.verify(data, message.auth_offset, message.usm.auth_params):
            raise UsmError(WRONG_DIGESTS, "authentication digest does not match")
    if flags & FLAG_PRIV:
        assert keys is not None
        if keys.priv is None or message.encrypted is None:
            raise UsmError(UNSUPPORTED_SEC_LEVELS, "encrypted message for a noPriv user")
        usm = message.usm
        return keys.decrypt(message.encrypted, usm.engine_boots, usm.engine_time, usm.priv_params)
    if message.scoped_pdu is None:
        raise UsmError(UNSUPPORTED_SEC_LEVELS, "encrypted data in a message without privacy flag")
    return message.scoped_pdu


# ---------------------------------------------------------------------------------- engines


@dataclass
class RemoteEngine:
    """What the non-authoritative side knows of an agent's engine (RFC 3414 §2.3)."""

    engine_id: bytes
    boots: int
    engine_time: int
    synced_at: float = field(default_factory=time.monotonic)

    def now(self) -> int:
        """The agent's engine time now, as estimated from the last synchronisation."""
        return self.engine_time + int(time.monotonic() - self.synced_at)

    def update(self, boots: int, engine_time: int) -> None:
        """Take the boots/time of an authentic message if newer (§3.2 step 7b)."""
        if boots > self.boots or (boots == self.boots and engine_time > self.now()):
            self.boots, self.engine_time, self.synced_at = boots, engine_time, time.monotonic()


def new_engine_id(text: str | None = None) -> bytes:
    """An RFC 3411 engine ID: private enterprise 8072 (net-snmp) format 4 (text) or 5 (random)."""
    if text is not None:
        return b"\x80\x00\x1f\x88\x04" + text.encode()[:27]
    return b"\x80\x00\x1f\x88\x05" + os.urandom(12)


class LocalEngine:
    """The authoritative side: our engine ID, boots and time, users, and the usmStats counters.

    Used by the agent (for requests) and by the trap receiver (for Informs)."""

    def __init__(
        self,
        users: list[UsmUser] | tuple[UsmUser, ...] = (),
        *,
        engine_id: bytes | None = None,
        boots: int = 1,
    ) -> None:
        self.engine_id = engine_id or new_engine_id()
        self.boots = boots
        self._started = time.monotonic()
        self.users: dict[bytes, UsmUser] = {u.name.encode(): u for u in users}
        self.stats: dict[OID, int] = dict.fromkeys(REPORT_NAMES, 0)

    def time(self) -> int:
        return int(time.monotonic() - self._started)

    def restart(self) -> None:
        """A reboot: boots + 1, time back to 0."""
        self.boots = min(self.boots + 1, MAX_BOOTS)
        self._started = time.monotonic()

    def count(self, report: OID) -> int:
        self.stats[report] += 1
        return self.stats[report]

    def open(self, message: V3Message, data: bytes) -> tuple[UsmUser, bytes]:
        """RFC 3414 §3.2 as the authoritative engine: the user and the plaintext ScopedPDU,
        or :class:`UsmError` (counted) naming the Report to send. A message below the user's
        level passes here (access control decides: compare ``message.flags`` to
        ``user.flags``)."""
        usm = message.usm
        try:
            if usm.engine_id != self.engine_id:
                raise UsmError(UNKNOWN_ENGINE_IDS, "unknown engine ID")
            user = self.users.get(usm.user)
            if user is None:
                raise UsmError(UNKNOWN_USER_NAMES, "unknown user name")
            level = message.flags & (FLAG_AUTH | FLAG_PRIV)
            if level & ~user.flags:
                raise UsmError(UNSUPPORTED_SEC_LEVELS, "security level above the user's")
            keys = keys_for(user, self.engine_id) if level else None
            if level & FLAG_AUTH:
                assert keys is not None
                if not keys.verify(data, message.auth_offset, usm.auth_params):
                    raise UsmError(WRONG_DIGESTS, "authentication digest does not match")
                if (
                    usm.engine_boots != self.boots
                    or self.boots >= MAX_BOOTS
                    or abs(usm.engine_time - self.time()) > TIME_WINDOW
                ):
                    raise UsmError(NOT_IN_TIME_WINDOWS, "not in time window")
            return user, unseal(message, data, keys, verified=True)
        except UsmError as exc:
            self.count(exc.report)
            raise
