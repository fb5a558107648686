"""The endpoints file: where to reach each device and with which (lab) credentials.

Written by ``netops lab up`` and accepted by every command that talks to devices
(``--endpoints FILE`` or the ``endpoints`` setting), so collectors reach the lab
without editing the inventory. Lab credentials only: real credentials never go here.

    {"core-1": {"snmp": {"host": "127.1.0.1", "port": 161, "community": "..."},
                "ssh": {"host": "127.1.0.1", "port": 22, "username": "...", "password": "..."}},
     "dc-db-1": {"postgres": {"host": "127.0.0.1", "port": 5432, "user": "netops",
                              "dbname": "postgres", "password": "..."}},
     "dc-db": {"backups": [{"tool": "pgbackrest", "stanza": "dc-db", "config": "/lab/pgbackrest.conf"},
                           {"tool": "dump", "path": "/lab/dumps"}]}}

A database node's ``postgres`` entry says where its SQL service listens; a database HA
pair's entry (keyed by the pair's name) may replace the inventory's backup sources with
ones read on this machine (the lab's pgBackRest repository and dump folder).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from netops.errors import DataFileError, Problem
from netops.models import DbBackupSource


class SnmpEndpoint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str
    port: int = Field(161, ge=1, le=65535)
    community: str | None = Field(None, repr=False)
    user: str | None = None
    auth_key: str | None = Field(None, repr=False)
    priv_key: str | None = Field(None, repr=False)
    auth_protocol: Literal["SHA", "SHA256", "SHA512", "MD5"] | None = None
    priv_protocol: Literal["AES", "AES192", "AES256", "DES"] | None = None

    @model_validator(mode="after")
    def _one_version(self) -> SnmpEndpoint:
        if (self.community is None) == (self.user is None):
            raise ValueError("give either 'community' (v2c) or 'user' with keys (v3)")
        return self

    @property
    def version(self) -> Literal["2c", "3"]:
        return "2c" if self.community is not None else "3"


class SshEndpoint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str
    port: int = Field(22, ge=1, le=65535)
    username: str
    password: str | None = Field(None, repr=False)
    key_file: str | None = None
    enable_secret: str | None = Field(
        None, repr=False, description="Cisco IOS: privileged EXEC (enable) secret, if needed"
    )


class PostgresEndpoint(BaseModel):
    """Where a database node's SQL service listens, and the (lab) monitoring login."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str
    port: int = Field(5432, ge=1, le=65535)
    user: str
    dbname: str = "postgres"
    password: str | None = Field(None, repr=False)


class DeviceEndpoints(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    snmp: SnmpEndpoint | None = None
    ssh: SshEndpoint | None = None
    postgres: PostgresEndpoint | None = None
    backups: tuple[DbBackupSource, ...] | None = Field(
        None, description="HA pair entries: backup sources read on this machine (lab)"
    )


def load_endpoints(path: Path) -> dict[str, DeviceEndpoints]:
    """Read an endpoints file; a broken one is an error naming the file and device."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataFileError(
            [Problem(str(path), None, "", f"cannot read endpoints file: {exc.strerror}")],
            "endpoints",
        ) from exc
    except json.JSONDecodeError as exc:
        raise DataFileError(
            [Problem(str(path), exc.lineno, "", f"not valid JSON: {exc.msg}")], "endpoints"
        ) from None
    if not isinstance(raw, dict):
        raise DataFileError(
            [Problem(str(path), 1, "", "must be a JSON object keyed by device name")], "endpoints"
        )
    out: dict[str, DeviceEndpoints] = {}
    problems: list[Problem] = []
    for device, entry in raw.items():
        try:
            out[device] = DeviceEndpoints.model_validate(entry)
        except ValidationError as exc:
            for error in exc.errors():
                loc = ".".join(str(p) for p in error["loc"])
                problems.append(
                    Problem(str(path), None, f"{device}.{loc}" if loc else device, error["msg"])
                )
    if problems:
        raise DataFileError(problems, "endpoints")
    return out
