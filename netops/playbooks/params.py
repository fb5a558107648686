"""Typed playbook parameters: declaration, parsing of ``--param k=v`` values, and templates.

A playbook declares its parameters; a run gives values as text (CLI) or JSON (API). Every
value is parsed and checked before anything is sent to a device: a bad value is a
:class:`ParameterError` naming the parameter. Values end up inside CLI commands, so no
value may carry a control character (a newline would type a second command) or ``?``
(the CLIs answer ``?`` with help instead of taking it as text).

Templates: ``${name}`` in a step's arguments is the parameter's value; ``${net.wildcard}``
reaches an attribute (ipv4_network: ``address``, ``netmask``, ``wildcard``, ``prefixlen``,
``with_prefixlen``). Built in: ``${device}``, ``${site}``, ``${mgmt_address}``, ``${run_id}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, ip_address, ip_network
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from netops.errors import PlaybookRequestError

ParamType = Literal[
    "string", "integer", "boolean", "choice", "interface", "ipv4", "ipv4_network", "list"
]

BUILTINS: dict[str, str] = {
    "device": "the target device's name",
    "site": "the target device's site",
    "mgmt_address": "the target device's management address",
    "run_id": "this run's id",
}

ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "ipv4_network": ("address", "netmask", "wildcard", "prefixlen", "with_prefixlen"),
}

_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?\}")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f?]")
_INTERFACE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*?\d+(?:[/:.]\d+)*$")
BOOL_WORDS = {"true": True, "yes": True, "on": True, "1": True, "false": False, "no": False}
BOOL_WORDS |= {"off": False, "0": False}


class ParameterSpec(BaseModel):
    """One parameter a playbook takes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: ParamType = "string"
    description: str = Field(min_length=1)
    required: bool = False
    default: str | int | bool | list[str] | None = None
    choices: tuple[str, ...] | None = Field(None, description="choice, and list items")
    pattern: str | None = Field(None, description="Regular expression the value must match")
    min: int | None = None
    max: int | None = None
    max_length: int = Field(200, ge=1, le=1000)
    secret: bool = Field(False, description="Masked as *** in audit records and listings")

    @model_validator(mode="after")
    def _consistent(self) -> ParameterSpec:
        if self.type == "choice" and not self.choices:
            raise ValueError("a choice parameter needs 'choices'")
        if self.choices is not None and self.type not in ("choice", "list"):
            raise ValueError("'choices' applies to choice and list parameters only")
        if self.pattern is not None:
            if self.type not in ("string", "list"):
                raise ValueError("'pattern' applies to string and list parameters only")
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"'pattern' is not a regular expression: {exc}") from None
        if (self.min is not None or self.max is not None) and self.type != "integer":
            raise ValueError("'min' and 'max' apply to integer parameters only")
        if self.required and self.default is not None:
            raise ValueError("a required parameter has no default")
        if self.default is not None:
            try:
                parse_value("default", self, self.default)
            except PlaybookRequestError as exc:
                raise ValueError(str(exc).removeprefix("parameter 'default': ")) from None
        return self


@dataclass(frozen=True)
class Value:
    """A parsed parameter value, as templates see it."""

    value: Any
    type: ParamType
    secret: bool = False

    def text(self, attribute: str | None = None) -> str:
        v = self.value
        if attribute is not None:
            assert isinstance(v, IPv4Network)
            return {
                "address": str(v.network_address),
                "netmask": str(v.netmask),
                "wildcard": str(v.hostmask),
                "prefixlen": str(v.prefixlen),
                "with_prefixlen": v.with_prefixlen,
            }[attribute]
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list | tuple):
            return ",".join(v)
        return str(v)

    def shown(self) -> Any:
        """The value as audit records show it (secrets masked)."""
        if self.secret:
            return "***"
        v = self.value
        if isinstance(v, IPv4Address | IPv4Network):
            return str(v)
        return list(v) if isinstance(v, tuple) else v


def _safe(name: str, text: str, spec: ParameterSpec) -> str:
    if _UNSAFE.search(text):
        raise PlaybookRequestError(
            name, f"parameter {name!r}: control characters and '?' are not allowed"
        )
    if len(text) > spec.max_length:
        raise PlaybookRequestError(
            name, f"parameter {name!r}: at most {spec.max_length} characters, got {len(text)}"
        )
    return text


def parse_value(name: str, spec: ParameterSpec, raw: Any) -> Any:
    """The typed value of ``raw`` (text from the CLI, or JSON from the API) for ``spec``."""

    def bad(why: str) -> PlaybookRequestError:
        return PlaybookRequestError(name, f"parameter {name!r}: {why}")

    kind = spec.type
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in BOOL_WORDS:
            return BOOL_WORDS[raw.strip().lower()]
        raise bad(f"expected true or false, got {raw!r}")
    if kind == "integer":
        if isinstance(raw, bool):
            raise bad(f"expected an integer, got {raw!r}")
        try:
            number = int(str(raw).strip())
        except ValueError:
            raise bad(f"expected an integer, got {raw!r}") from None
        if spec.min is not None and number < spec.min:
            raise bad(f"at least {spec.min}, got {number}")
        if spec.max is not None and number > spec.max:
            raise bad(f"at most {spec.max}, got {number}")
        return number
    if kind == "list":
        items = raw if isinstance(raw, list) else str(raw).split(",")
        values = tuple(_safe(name, str(i).strip(), spec) for i in items if str(i).strip())
        if not values:
            raise bad("expected a comma-separated list, got nothing")
        for item in values:
            if spec.choices is not None and item not in spec.choices:
                raise bad(f"{item!r} is not one of {', '.join(spec.choices)}")
            if spec.pattern is not None and not re.fullmatch(spec.pattern, item):
                raise bad(f"{item!r} does not match {spec.pattern}")
        return values
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise bad(f"expected text, got {raw!r}")
    text = _safe(name, str(raw).strip(), spec)
    if not text:
        raise bad("empty value")
    if kind == "choice":
        assert spec.choices is not None
        if text not in spec.choices:
            raise bad(f"{text!r} is not one of {', '.join(spec.choices)}")
        return text
    if kind == "interface":
        if " " in text or not _INTERFACE.match(text) or not re.search("[A-Za-z]", text):
            raise bad(f"{text!r} is not an interface name (e.g. GigabitEthernet0/0/5)")
        return text
    if kind == "ipv4":
        try:
            address = ip_address(text)
        except ValueError:
            raise bad(f"{text!r} is not an IPv4 address") from None
        if not isinstance(address, IPv4Address):
            raise bad(f"{text!r} is not an IPv4 address")
        return address
    if kind == "ipv4_network":
        try:
            network = ip_network(text, strict=True)
        except ValueError as exc:
            raise bad(f"{text!r} is not an IPv4 network ({exc})") from None
        if not isinstance(network, IPv4Network):
            raise bad(f"{text!r} is not an IPv4 network")
        return network
    if spec.pattern is not None and not re.fullmatch(spec.pattern, text):
        raise bad(f"{text!r} does not match {spec.pattern}")
    return text


def parse_values(
    specs: Mapping[str, ParameterSpec], given: Mapping[str, Any], playbook: str
) -> dict[str, Value]:
    """Every declared parameter's value: given, else default; unknown or missing is an error."""
    unknown = sorted(set(given) - set(specs))
    if unknown:
        known = ", ".join(sorted(specs)) or "none"
        raise PlaybookRequestError(
            unknown[0], f"{playbook} has no parameter {unknown[0]!r} (parameters: {known})"
        )
    values: dict[str, Value] = {}
    for name, spec in specs.items():
        if name in given and given[name] is not None:
            raw = given[name]
        elif spec.default is not None:
            raw = spec.default
        elif spec.required:
            raise PlaybookRequestError(
                name, f"{playbook} needs parameter {name!r} ({spec.description})"
            )
        else:
            continue
        values[name] = Value(parse_value(name, spec, raw), spec.type, spec.secret)
    return values


# -- interfaces -----------------------------------------------------------------------------------
_ABBREVIATIONS: dict[str, list[tuple[str, str]]] = {
    # (abbreviation, full name), longest first where one prefixes another
    "vrp": [
        ("XGE", "XGigabitEthernet"),
        ("GE", "GigabitEthernet"),
        ("Eth-Trunk", "Eth-Trunk"),
        ("Vlanif", "Vlanif"),
        ("Loop", "LoopBack"),
        ("MEth", "MEth"),
    ],
    "comware": [
        ("XGE", "Ten-GigabitEthernet"),
        ("GE", "GigabitEthernet"),
        ("BAGG", "Bridge-Aggregation"),
        ("Vlan-int", "Vlan-interface"),
        ("Loop", "LoopBack"),
    ],
    "ios": [
        ("Te", "TenGigabitEthernet"),
        ("Gi", "GigabitEthernet"),
        ("Fa", "FastEthernet"),
        ("Po", "Port-channel"),
        ("Lo", "Loopback"),
        ("Vl", "Vlan"),
    ],
}


def canonical_interface(name: str, dialect: str | None) -> str:
    """The full interface name the device prints (``GE0/0/5`` -> ``GigabitEthernet0/0/5``)."""
    if dialect is None:
        return name
    match = re.match(r"^([A-Za-z][A-Za-z-]*?)(\d.*)$", name)
    if not match:
        return name
    word, rest = match.groups()
    low = word.lower()
    for short, full in _ABBREVIATIONS.get(dialect, []):
        if low == short.lower() or (full.lower().startswith(low) and low.startswith(short.lower())):
            return full + rest
    return name


# -- templates --------------------------------------------------------------------------------------
def references(text: str) -> list[tuple[str, str | None]]:
    """The ``${name}`` / ``${name.attr}`` references in ``text``."""
    return [(m.group(1), m.group(2)) for m in _REF.finditer(text)]


def check_reference(
    name: str, attribute: str | None, specs: Mapping[str, ParameterSpec]
) -> str | None:
    """Why a reference is wrong, or None."""
    if name in BUILTINS:
        return f"${{{name}}} has no attribute {attribute!r}" if attribute else None
    spec = specs.get(name)
    if spec is None:
        known = ", ".join(sorted([*specs, *BUILTINS]))
        return f"${{{name}}} is not a parameter of this playbook (known: {known})"
    if attribute is not None and attribute not in ATTRIBUTES.get(spec.type, ()):
        allowed = ", ".join(ATTRIBUTES.get(spec.type, ())) or "none"
        return f"${{{name}.{attribute}}}: a {spec.type} parameter has no attribute {attribute!r} (attributes: {allowed})"
    return None


def render(text: str, values: Mapping[str, Value], *, masked: bool = False) -> str:
    """``text`` with every reference replaced (``masked``: secrets as ***)."""

    def sub(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        if value is None:
            raise PlaybookRequestError(
                match.group(1),
                f"parameter {match.group(1)!r} has no value and no default, but a step uses it",
            )
        if masked and value.secret:
            return "***"
        return value.text(match.group(2))

    return _REF.sub(sub, text)


def render_data(data: Any, values: Mapping[str, Value], *, masked: bool = False) -> Any:
    """``render`` applied to every string inside nested dicts and lists."""
    walk: Callable[[Any], Any] = lambda d: render_data(d, values, masked=masked)  # noqa: E731
    if isinstance(data, str):
        return render(data, values, masked=masked)
    if isinstance(data, dict):
        return {k: walk(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [walk(v) for v in data]
    return data
