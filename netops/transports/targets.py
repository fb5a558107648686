"""Where and how to reach one device, secrets included (never printed: repr hides them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class SnmpTarget:
    device: str
    host: str
    port: int = 161
    version: Literal["2c", "3"] = "3"
    community: str | None = field(default=None, repr=False)
    user: str | None = None
    auth_protocol: str | None = None
    priv_protocol: str | None = None
    auth_key: str | None = field(default=None, repr=False)
    priv_key: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class SshTarget:
    device: str
    host: str
    platform: str
    username: str
    port: int = 22
    password: str | None = field(default=None, repr=False)
    key_file: str | None = None
    enable_secret: str | None = field(default=None, repr=False)  # Cisco enable, when needed
