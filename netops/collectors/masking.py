"""Mask secrets in device configurations before anything is written (store, history, logs, API).

One rule set for every platform: a secret that slips through because it appeared on an
unexpected vendor is worse than a harmless token masked on another. Rules cover

- Huawei VRP / USG: ``cipher`` / ``irreversible-cipher`` / ``simple`` / ``plain`` values and the
  encoded forms ``%^%#...%^%#``, ``%@%@...%@%@``, ``%$%$...%$%$``, ``$1a$...`` hashes; SNMP
  communities; USM keys; pre-shared and RADIUS/HWTACACS shared keys;
- H3C Comware: ``simple`` / ``cipher`` / ``hash`` values, ``$c$3$...`` and ``$h$6$...`` forms;
- Cisco IOS: ``secret`` / ``password`` (types 0, 5, 7, 8, 9), ``key`` / ``key-string``,
  ``crypto isakmp key``, OSPF/BGP keys, ``snmp-server community``/``host``/``user`` auth+priv;
- everywhere: PEM private key blocks.

- net-snmp (Linux ``snmpd.conf``): ``createUser`` auth/priv passphrases, ``rocommunity`` /
  ``rwcommunity`` / ``com2sec`` communities, ``trapsink``/``trap2sink``/``informsink``
  communities.

Masking keeps the line (``password irreversible-cipher <masked>``) so the diff still shows
*where* a secret is configured; it is idempotent. Without a key the placeholder hides the
value completely, so a change of only a secret would not show as a change. With a key
(:func:`load_mask_key`: 32 random bytes per installation, a 0600 file in the state
folder) the placeholder carries a keyed hash, ``<masked:1a2b3c4d>`` (HMAC-SHA256 of the
value, first 8 hex digits): a changed secret changes the placeholder -- the diff shows
*that* it changed, never the secret. Without the key nobody can test guesses against
the hash; equal placeholders on two devices do tell that they share a secret (a reused
password is worth seeing). Keep the key out of the backups: losing it only means that
the next backup shows every secret line as changed once.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from netops.errors import CredentialError

MASK = "<masked>"
#: A placeholder, plain or keyed (``<masked:1a2b3c4d>``): never masked again.
_PLACEHOLDER = r"<masked(?::[0-9a-f]{8})?>"

#: Replaces one secret value with its placeholder.
Placeholder = Callable[[str], str]


def placeholder_for(key: bytes | None) -> Placeholder:
    """``value -> placeholder``: :data:`MASK`, or ``<masked:HMAC8>`` with a key."""
    if key is None:
        return lambda _value: MASK

    def keyed(value: str) -> str:
        if re.fullmatch(_PLACEHOLDER, value):
            return value
        digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"<masked:{digest[:8]}>"

    return keyed


_WS = r"[ \t]+"
#: Tokens that follow a secret keyword without being the secret themselves.
_NOT_A_SECRET = (
    r"(?!(?:cipher|irreversible-cipher|simple|plain|hash|policy|expire|history|alert|level|role|"
    r"min-length|complexity|complexity-check|encryption|chain|generate|config-key|required|"
    r"service-type|authentication-mode|privacy-mode|aging|lock|control|authentication|accounting|"
    r"authorization|address|[=:]|" + _PLACEHOLDER + r")(?:\s|$))"
)


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]
    replace: Callable[[re.Match[str], Placeholder], str]
    only_in_lines: tuple[str, ...] = ()  # apply only to lines containing one of these texts


def _value_rule(name: str, regex: str, only_in_lines: tuple[str, ...] = ()) -> _Rule:
    """A rule whose group ``keep`` stays and whose group ``secret`` becomes the placeholder."""
    pattern = re.compile(regex, re.IGNORECASE | re.MULTILINE)
    return _Rule(
        name, pattern, lambda m, ph: m.group("keep") + ph(m.group("secret")), only_in_lines
    )


def _whole(m: re.Match[str], ph: Placeholder) -> str:
    return m.group(0) if re.fullmatch(_PLACEHOLDER, m.group(0)) else ph(m.group(0))


_RULES: tuple[_Rule, ...] = (
    _Rule(
        "pem-private-key",
        re.compile(
            r"(?P<begin>-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)(?P<body>.*?)"
            r"(?P<end>-----END [A-Z0-9 ]*PRIVATE KEY-----)",
            re.DOTALL,
        ),
        lambda m, ph: f"{m.group('begin')}\n{ph(m.group('body').strip())}\n{m.group('end')}",
    ),
    # Huawei encoded values may contain any printable character, spaces included.
    _Rule(
        "huawei-encoded",
        re.compile(r"%\^%#.*?%\^%#|%@%@.*?%@%@|%\$%\$.*?%\$%\$"),
        _whole,
    ),
    _Rule(
        "hashed-forms",
        re.compile(r"(?<!\S)\$(?:1[a-z]|[ch]\$\d+|[0-9]{1,2})\$\S+"),
        _whole,
    ),
    _value_rule(
        "keyword-value",
        r"(?P<keep>(?<![\w-])(?:irreversible-cipher|cipher|simple|plain)"
        + _WS
        + ")"
        + _NOT_A_SECRET
        + r"(?P<secret>\S+)",
    ),
    _value_rule(
        "key-equals-value",
        r"(?P<keep>(?<![\w.-])[\w.-]*(?:password|passwd|secret|token|psk|community)[\w.-]*"
        r"[ \t]*[=:][ \t]*)(?!" + _PLACEHOLDER + r")(?P<secret>[^\s#;]+)",
    ),
    _value_rule(
        "comware-password-hash",
        r"(?P<keep>(?<![\w-])password" + _WS + "hash" + _WS + r")(?P<secret>\S+)",
    ),
    _value_rule(
        "secret-keyword",
        r"(?P<keep>(?<![\w-])(?:secret|password|passwd|passphrase|key|key-string|shared-key|"
        r"pre-shared-key|authentication-key|auth-key|psk)"
        + _WS
        + r"(?>(?:[0-9]"
        + _WS
        + r")?))"
        + _NOT_A_SECRET
        + r"(?![0-9]+[ \t]*$)(?P<secret>\S+)",
    ),
    _value_rule(
        "ospf-md5",
        r"(?P<keep>message-digest-key"
        + _WS
        + r"\d+"
        + _WS
        + "md5"
        + _WS
        + r"(?>(?:[0-9]"
        + _WS
        + ")?))"
        r"(?P<secret>\S+)",
    ),
    _value_rule(
        "snmp-community",
        r"(?P<keep>(?<![\w-])community"
        + _WS
        + r"(?>(?:(?:read|write)"
        + _WS
        + r")?))"
        + _NOT_A_SECRET
        + r"(?P<secret>\S+)",
        only_in_lines=("community",),
    ),
    _value_rule(
        "cisco-snmp-host",
        r"(?P<keep>^[ \t]*snmp-server host"
        + _WS
        + r"\S+"
        + _WS
        + r"(?>(?:informs|traps)"
        + _WS
        + r")?(?>version"
        + _WS
        + r"(?:1|2c|3"
        + _WS
        + r"(?:auth|noauth|priv))"
        + _WS
        + r")?)"
        r"(?P<secret>\S+)",
        only_in_lines=("snmp-server host",),
    ),
    _value_rule(
        "snmpv3-auth",
        r"(?P<keep>(?<![\w-])(?:auth|authentication-mode)"
        + _WS
        + r"(?>md5|sha\S*)"
        + _WS
        + ")"
        + _NOT_A_SECRET
        + r"(?P<secret>\S+)",
        only_in_lines=("usm-user", "snmp-server user"),
    ),
    _value_rule(
        "snmpv3-priv",
        r"(?P<keep>(?<![\w-])(?:priv|privacy-mode)"
        + _WS
        + r"(?>3des|des\S*|aes(?:"
        + _WS
        + r"(?:128|192|256)(?=[ \t]))?\S*)"
        + _WS
        + ")"
        + _NOT_A_SECRET
        + r"(?P<secret>\S+)",
        only_in_lines=("usm-user", "snmp-server user"),
    ),
    # net-snmp snmpd.conf (Linux servers): passphrases may be quoted and contain spaces
    _value_rule(
        "netsnmp-createuser-auth",
        r"(?P<keep>^[ \t]*createUser[ \t]+(?:-e[ \t]+\S+[ \t]+)?\S+[ \t]+(?:MD5|SHA(?:-\d+)?)[ \t]+)"
        r"(?!" + _PLACEHOLDER + r')(?P<secret>"[^"]*"|\S+)',
        only_in_lines=("createUser",),
    ),
    _value_rule(
        "netsnmp-createuser-priv",
        r"(?P<keep>^[ \t]*createUser[ \t].*?[ \t](?:DES|AES(?:-?\d+)?)[ \t]+)"
        r"(?!" + _PLACEHOLDER + r')(?P<secret>"[^"]*"|\S+)',
        only_in_lines=("createUser",),
    ),
    _value_rule(
        "netsnmp-community",
        r"(?P<keep>^[ \t]*(?:r[ow]community6?|trapcommunity|(?:trap2?|inform)sink[ \t]+\S+|"
        r"com2sec6?[ \t]+(?:-Cn[ \t]+\S+[ \t]+)?\S+[ \t]+\S+)[ \t]+)"
        r"(?!" + _PLACEHOLDER + r")(?P<secret>\S+)",
        only_in_lines=("community", "sink", "com2sec"),
    ),
)


#: Only lines with one of these (lower case) can hold a secret; the rest is not touched.
_TRIGGERS = (
    "cipher", "simple", "plain", "hash", "secret", "pass", "key", "psk", "community", "token",
    "usm-user", "snmp-server", "%^%#", "%@%@", "%$%$", "$", "createuser", "sink", "com2sec",
)  # fmt: skip


def _mask_line(line: str, ph: Placeholder) -> str:
    for rule in _RULES[1:]:
        if rule.only_in_lines and not any(marker in line for marker in rule.only_in_lines):
            continue
        line = rule.pattern.sub(lambda m, r=rule: r.replace(m, ph), line)  # type: ignore[misc]
    return line


def _candidate_starts(text: str) -> list[int]:
    """Offsets of the lines that contain a trigger (found with str.find: C speed)."""
    lower = text.lower()
    if len(lower) != len(text):  # a character whose lower case is longer: go line by line
        starts, offset = [], 0
        for line in text.split("\n"):
            if any(t in line.lower() for t in _TRIGGERS):
                starts.append(offset)
            offset += len(line) + 1
        return starts
    found: set[int] = set()
    for word in _TRIGGERS:
        i = lower.find(word)
        while i != -1:
            found.add(lower.rfind("\n", 0, i) + 1)
            end = lower.find("\n", i)
            if end == -1:
                break
            i = lower.find(word, end)
    return sorted(found)


def mask_secrets(text: str, key: bytes | None = None) -> str:
    """``text`` with every secret value replaced by its placeholder (see the module doc).

    PEM private key blocks first (they span lines), then every rule on each line that
    can hold a secret at all; finding those lines with ``str.find`` keeps a 10 KiB config
    with a dozen secret lines well under a millisecond.
    """
    ph = placeholder_for(key)
    if "PRIVATE KEY" in text:
        text = _RULES[0].pattern.sub(lambda m: _RULES[0].replace(m, ph), text)
    parts: list[str] = []
    position = 0
    for start in _candidate_starts(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        parts.append(text[position:start])
        parts.append(_mask_line(text[start:end], ph))
        position = end
    parts.append(text[position:])
    return "".join(parts)


def load_mask_key(path: Path, *, create: bool = True) -> bytes:
    """The installation's masking key: 32 random bytes (hex) in a 0600 file, made on first use.

    A key file that others can read is refused (it would let them test guesses against
    the placeholders), as the secrets file is.
    """
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        if not create:
            raise CredentialError(f"masking key {path} does not exist") from None
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another run made it just now
            return load_mask_key(path, create=False)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        mode = 0o600
    if mode & 0o077:
        raise CredentialError(
            f"masking key {path} is readable by others (mode {mode:o}); chmod 600 {path}"
        )
    text = path.read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise CredentialError(f"masking key {path} is not hex") from None
    if len(key) < 16:
        raise CredentialError(f"masking key {path} is too short ({len(key)} bytes, need 16+)")
    return key


def rule_names() -> list[str]:
    """Names of the masking rules (documentation, tests)."""
    return [r.name for r in _RULES]
