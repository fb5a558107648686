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

Masking keeps the line (``password irreversible-cipher <masked>``) so the diff still shows
*where* a secret is configured; it is idempotent. The placeholder hides the value
completely (no hash of it), so a change of only a secret does not show as a change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

MASK = "<masked>"

_WS = r"[ \t]+"
#: Tokens that follow a secret keyword without being the secret themselves.
_NOT_A_SECRET = (
    r"(?!(?:cipher|irreversible-cipher|simple|plain|hash|policy|expire|history|alert|level|role|"
    r"min-length|complexity|complexity-check|encryption|chain|generate|config-key|required|"
    r"service-type|authentication-mode|privacy-mode|aging|lock|control|authentication|accounting|"
    r"authorization|address|[=:]|" + re.escape(MASK) + r")(?:\s|$))"
)


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]
    replace: str | Callable[[re.Match[str]], str]
    only_in_lines: tuple[str, ...] = ()  # apply only to lines containing one of these texts


def _value_rule(name: str, regex: str, only_in_lines: tuple[str, ...] = ()) -> _Rule:
    """A rule whose group ``keep`` stays and whose group ``secret`` becomes the mask."""
    pattern = re.compile(regex, re.IGNORECASE | re.MULTILINE)
    return _Rule(name, pattern, lambda m: m.group("keep") + MASK, only_in_lines)


_RULES: tuple[_Rule, ...] = (
    _Rule(
        "pem-private-key",
        re.compile(
            r"(-----BEGIN (?P<kind>[A-Z0-9 ]*)PRIVATE KEY-----).*?(-----END [A-Z0-9 ]*PRIVATE KEY-----)",
            re.DOTALL,
        ),
        lambda m: f"{m.group(1)}\n{MASK}\n{m.group(3)}",
    ),
    # Huawei encoded values may contain any printable character, spaces included.
    _Rule(
        "huawei-encoded",
        re.compile(r"%\^%#.*?%\^%#|%@%@.*?%@%@|%\$%\$.*?%\$%\$"),
        MASK,
    ),
    _Rule(
        "hashed-forms",
        re.compile(r"(?<!\S)\$(?:1[a-z]|[ch]\$\d+|[0-9]{1,2})\$\S+"),
        MASK,
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
        r"[ \t]*[=:][ \t]*)(?!" + re.escape(MASK) + r")(?P<secret>[^\s#;]+)",
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
)


#: Only lines with one of these (lower case) can hold a secret; the rest is not touched.
_TRIGGERS = (
    "cipher", "simple", "plain", "hash", "secret", "pass", "key", "psk", "community", "token",
    "usm-user", "snmp-server", "%^%#", "%@%@", "%$%$", "$",
)  # fmt: skip


def _mask_line(line: str) -> str:
    for rule in _RULES[1:]:
        if rule.only_in_lines and not any(marker in line for marker in rule.only_in_lines):
            continue
        line = rule.pattern.sub(rule.replace, line)
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


def mask_secrets(text: str) -> str:
    """``text`` with every secret value replaced by :data:`MASK`.

    PEM private key blocks first (they span lines), then every rule on each line that
    can hold a secret at all; finding those lines with ``str.find`` keeps a 10 KiB config
    with a dozen secret lines well under a millisecond.
    """
    if "PRIVATE KEY" in text:
        text = _RULES[0].pattern.sub(_RULES[0].replace, text)
    parts: list[str] = []
    position = 0
    for start in _candidate_starts(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        parts.append(text[position:start])
        parts.append(_mask_line(text[start:end]))
        position = end
    parts.append(text[position:])
    return "".join(parts)


def rule_names() -> list[str]:
    """Names of the masking rules (documentation, tests)."""
    return [r.name for r in _RULES]
