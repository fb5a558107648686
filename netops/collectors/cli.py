"""The ``cli:`` section of a collection profile: per record kind, commands and how to parse them.

```yaml
cli:
  device_type: huawei               # netmiko device type
  errors: ['^Error:']               # a line (of the first few) matching one: the device refused
  interface_names: {GE: GigabitEthernet}   # abbreviations in tables -> full interface names
  records:
    lldp:
      - command: display lldp neighbor
        textfsm: huawei_vrp          # ntc-templates platform that has a template for it
        fields: {local_interface: local_interface, remote_system_name: neighbor_name}
    route:
      - command: display ip routing-table vpn-instance {vrf}
        foreach: vrf                 # once per VRF the 'vrf' record found
        parser: huawei_routing_table # a named pure function in netops.collectors.parsers
```

Exactly one of ``textfsm`` / ``parser`` per command. ``fields`` renames parsed columns to
record fields (textfsm columns are lower-case); named parsers already return record fields.
``values`` rewrites field values: per field, ``{regex: replacement}`` tried in order, the
first regex that matches the whole value wins and its replacement may use groups
(``{'(\\S+) Routing Switch': '\\1'}``). The ``config`` record takes the outputs of its
commands in order, joined, masked.

``errors`` are the platform's "command refused" messages: a command whose output starts
with one (within its first lines) fails its record kind instead of parsing to nothing, so
a command the model does not know is a visible gap. ``interface_names`` expands the
abbreviated names tables print (``GE1/0/1``, ``Gi0/1``, ``Vlan10``) in the interface fields
of every record (``interface``, ``local_interface``, ``interfaces``, an interface's
``name``), so CLI records name interfaces as SNMP and the inventory do.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from netops.collectors.parsers import PARSERS
from netops.models import RECORD_KINDS


class CliCommand(BaseModel):
    """One command and its parser."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    command: str = Field(min_length=1, description="As typed on the device; '{vrf}' with foreach")
    textfsm: str | None = Field(None, description="ntc-templates platform, e.g. huawei_vrp")
    parser: str | None = Field(
        None, description="Named parser function (netops.collectors.parsers)"
    )
    fields: dict[str, str] = Field(
        default_factory=dict,
        description="Record field -> parsed column (textfsm output), or '{col_a}/{col_b}' to join",
    )
    constants: dict[str, str] = Field(
        default_factory=dict, description="Record fields with a fixed value (vendor: Huawei)"
    )
    values: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Field -> {regex: replacement}: first whole-value match rewrites the value",
    )
    foreach: Literal["vrf"] | None = Field(None, description="Run once per collected VRF")

    @field_validator("values")
    @classmethod
    def _regexes(cls, values: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for field, rules in values.items():
            for regex in rules:
                try:
                    re.compile(regex)
                except re.error as exc:
                    raise ValueError(
                        f"values.{field}: bad regular expression {regex!r}: {exc}"
                    ) from None
        return values

    @model_validator(mode="after")
    def _check(self) -> CliCommand:
        if (self.textfsm is None) == (self.parser is None):
            raise ValueError("give exactly one of 'textfsm' (ntc-templates) or 'parser'")
        if self.parser is not None and self.parser not in PARSERS:
            raise ValueError(
                f"unknown parser {self.parser!r} (known: {', '.join(sorted(PARSERS))})"
            )
        if self.textfsm is not None and not has_template(self.textfsm, self.command):
            raise ValueError(
                f"ntc-templates has no {self.textfsm} template for command {self.command!r}"
            )
        if self.foreach == "vrf" and "{vrf}" not in self.command:
            raise ValueError("a command with 'foreach: vrf' must contain '{vrf}'")
        if self.foreach is None and "{" in self.command:
            raise ValueError("'{...}' in a command needs 'foreach'")
        return self


class CliSection(BaseModel):
    """How to collect a platform's records over SSH."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    device_type: str | None = Field(
        None, description="netmiko device type: huawei, hp_comware, cisco_ios... (may be inherited)"
    )
    errors: list[str] = Field(
        default_factory=list, description="Regexes of the platform's 'command refused' messages"
    )
    interface_names: dict[str, str] = Field(
        default_factory=dict,
        description="Abbreviation -> full interface type name (GE -> GigabitEthernet)",
    )
    records: dict[str, list[CliCommand]] = Field(default_factory=dict)

    @field_validator("errors")
    @classmethod
    def _error_regexes(cls, errors: list[str]) -> list[str]:
        for regex in errors:
            try:
                re.compile(regex)
            except re.error as exc:
                raise ValueError(f"errors: bad regular expression {regex!r}: {exc}") from None
        return errors

    @model_validator(mode="after")
    def _check(self) -> CliSection:
        for kind, commands in self.records.items():
            if kind not in RECORD_KINDS:
                raise ValueError(
                    f"unknown record kind {kind!r} (known: {', '.join(sorted(RECORD_KINDS))})"
                )
            model_fields = set(RECORD_KINDS[kind].model_fields)
            for command in commands:
                unknown = (
                    set(command.fields) | set(command.constants) | set(command.values)
                ) - model_fields
                if unknown:
                    raise ValueError(
                        f"{kind}: command {command.command!r}: fields not in the {kind} record: "
                        f"{', '.join(sorted(unknown))}"
                    )
                if command.foreach == "vrf" and "vrf" not in self.records:
                    raise ValueError(f"{kind}: 'foreach: vrf' needs a 'vrf' record in this profile")
        return self


@cache
def has_template(platform: str, command: str) -> bool:
    """Whether ntc-templates has a template for ``command`` on ``platform``."""
    from ntc_templates.parse import parse_output

    probe = command.replace("{vrf}", "X")
    try:
        parse_output(platform=platform, command=probe, data="")
    except Exception:
        return False
    return True
