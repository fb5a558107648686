"""The inventory's typed objects, as they are after loading: flat, resolved, validated.

Defaults and groups are already applied; every reference has been checked. Nothing
here holds a secret: devices name an auth profile, whose secrets come from the
environment or the secrets file (see :mod:`netops.credentials`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from netops.models.database import DbBackupSource


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteKind(StrEnum):
    CORE = "core"
    DATA_CENTRE = "data_centre"
    AGGREGATION = "aggregation"
    ACCESS = "access"
    AGENCY = "agency"
    INTERNET_EDGE = "internet_edge"
    OFFICE_LAN = "office_lan"
    INTRANET = "intranet"


class ZoneKind(StrEnum):
    INTRANET = "intranet"
    PUBLIC = "public"
    DEDICATED = "dedicated"
    INTERNET = "internet"
    MANAGEMENT = "management"


class Role(StrEnum):
    CORE = "core"
    AGGREGATION = "aggregation"
    ACCESS = "access"
    FIREWALL = "firewall"
    IPS = "ips"
    LOAD_BALANCER = "load_balancer"
    ISOLATION_GATEWAY = "isolation_gateway"
    VPN_GATEWAY = "vpn_gateway"
    BORDER_ROUTER = "border_router"
    DB_SERVER = "db_server"
    BACKUP_SERVER = "backup_server"
    APP_SERVER = "app_server"


SERVER_ROLES = frozenset({Role.DB_SERVER, Role.BACKUP_SERVER, Role.APP_SERVER})


class Platform(StrEnum):
    HUAWEI_VRP = "huawei_vrp"
    HP_COMWARE = "hp_comware"
    CISCO_IOS = "cisco_ios"
    HUAWEI_USG = "huawei_usg"
    LINUX = "linux"


class Crossing(StrEnum):
    """A sanctioned way for two zones to talk."""

    FIREWALL = "firewall"
    ISOLATION_GATEWAY = "isolation_gateway"
    VPN_GATEWAY = "vpn_gateway"
    #: an approved interconnect by route-target import (MPLS VPN extranet), never physical
    ROUTE_TARGET = "route_target"


class HaKind(StrEnum):
    CORE = "core"
    FIREWALL = "firewall"
    DATABASE = "database"


class NetworkInfo(_Frozen):
    """What network this inventory describes."""

    name: str
    asn: int = Field(ge=1, le=4294967295)
    protection_level: Literal[2, 3] = Field(3, description="等保 level the checks apply")


class Site(_Frozen):
    name: str
    kind: SiteKind
    label: str | None = Field(None, description="Local name, e.g. 解放街道")
    parent: str | None = Field(None, description="Site this one hangs off (access -> street)")
    zones: tuple[str, ...] = Field((), description="Default zones of its devices")


class Zone(_Frozen):
    name: str
    kind: ZoneKind
    prefixes: tuple[IPv4Network, ...]
    department: str | None = Field(None, description="Dedicated zones: the department")
    description: str | None = None

    @property
    def network(self) -> Literal["intranet", "extranet"]:
        return "intranet" if self.kind is ZoneKind.INTRANET else "extranet"


class ZoneCrossing(_Frozen):
    """Two zones may talk, but only through these crossings (the allowed-zone matrix)."""

    zones: tuple[str, str]
    via: tuple[Crossing, ...]
    description: str | None = None


def _quoted_target(value: Any) -> Any:
    if isinstance(value, int):
        raise ValueError(
            "write route distinguishers and targets in quotes ('65000:10'): "
            "unquoted, YAML reads 65000:10 as a base-60 number"
        )
    return value


QuotedTarget = Annotated[str, BeforeValidator(_quoted_target)]


class Vrf(_Frozen):
    name: str
    zone: str
    rd: QuotedTarget
    import_targets: tuple[QuotedTarget, ...]
    export_targets: tuple[QuotedTarget, ...]
    devices: tuple[str, ...] = Field(description="PEs (devices) carrying this VRF")


class Interface(_Frozen):
    """A declared interface: L3 address and VRF binding, or a sanctioned crossing port."""

    name: str
    address: IPv4Interface | None = None
    vrf: str | None = None
    description: str | None = None
    crossing: Crossing | None = Field(None, description="This port is a sanctioned zone crossing")


class Device(_Frozen):
    name: str
    role: Role
    platform: Platform
    site: str
    mgmt_address: IPv4Address
    auth: str = Field(description="Auth profile name; secrets live outside the inventory")
    zones: tuple[str, ...]
    model: str | None = None
    ha_group: str | None = None
    interfaces: tuple[Interface, ...] = ()

    @property
    def is_server(self) -> bool:
        return self.role in SERVER_ROLES


class Endpoint(_Frozen):
    """One end of a link; written ``device:interface`` or as a mapping."""

    device: str
    interface: str

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            device, sep, interface = value.partition(":")
            if not sep or not device or not interface:
                raise ValueError("write a link end as 'device:interface'")
            return {"device": device.strip(), "interface": interface.strip()}
        return value

    def __str__(self) -> str:
        return f"{self.device}:{self.interface}"


class Link(_Frozen):
    """A link that should exist, end to end by interface."""

    a: Endpoint
    b: Endpoint
    redundancy_group: str | None = Field(None, description="Links that back each other up")
    description: str | None = None

    @property
    def devices(self) -> tuple[str, str]:
        return (self.a.device, self.b.device)

    def __str__(self) -> str:
        return f"{self.a} <-> {self.b}"


class HaPair(_Frozen):
    name: str
    kind: HaKind
    members: tuple[str, str]
    service_address: IPv4Address | None = Field(
        None, description="Address that follows the primary"
    )
    engine: str | None = Field(None, description="database pairs: postgresql, mysql, oracle")
    backups: tuple[DbBackupSource, ...] = Field(
        (), description="database pairs: where their backups are (pgBackRest stanzas, dump folders)"
    )


class SnmpProfile(_Frozen):
    version: Literal["2c", "3"]
    user: str | None = Field(None, description="v3 user name (not a secret)")
    auth_protocol: Literal["SHA", "SHA256", "SHA512", "MD5"] | None = None
    priv_protocol: Literal["AES", "AES192", "AES256", "DES"] | None = None


class SshProfile(_Frozen):
    username: str


class SqlProfile(_Frozen):
    """How netops logs in to database nodes (password: the profile's ``sql_password`` secret)."""

    username: str = Field(description="A monitoring role, e.g. a member of pg_monitor")
    port: int = Field(5432, ge=1, le=65535)
    dbname: str = "postgres"


class AuthProfile(_Frozen):
    """How to log in; the secrets of the profile live outside the inventory."""

    name: str
    snmp: SnmpProfile | None = None
    ssh: SshProfile | None = None
    sql: SqlProfile | None = None


class Selector(_Frozen):
    """Selects devices or pairs a policy applies to; empty = everything of its kind."""

    roles: tuple[Role, ...] = ()
    sites: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()
    ha_pairs: tuple[str, ...] = ()


class BackupRule(_Frozen):
    schedule: Literal["hourly", "daily", "weekly", "on_demand"] = "daily"
    max_age_hours: float = Field(gt=0)


class BackupPolicy(_Frozen):
    name: str
    kind: Literal["device_config", "database"]
    applies_to: Selector = Selector()
    automatic: BackupRule | None = None
    manual: BackupRule | None = None
    retention_days: int = Field(ge=1)
    verify_max_age_hours: float | None = Field(
        None, description="A restore test at least this often"
    )


#: Check IDs: two capital letters, a dash, two digits (IS-01, MG-07, BK-02...).
CHECK_ID_PATTERN = r"^[A-Z]{2}-\d{2}$"


class Waiver(_Frozen):
    """An accepted exception to one compliance check on one target, reviewed like code.

    Every field is required: no anonymous, reasonless or eternal waivers. ``expires`` is
    a date (the waiver holds through that day, UTC) or a timezone-aware date-time; once
    it has passed the finding is a FAIL again.
    """

    check_id: str = Field(pattern=CHECK_ID_PATTERN, description="e.g. MG-12")
    target: str = Field(min_length=1, description="The finding's target, e.g. a device name")
    reason: str = Field(min_length=10, description="Why the exception is accepted")
    owner: str = Field(min_length=1, description="Who answers for it")
    expires: datetime = Field(description="Date (through that day, UTC) or aware date-time")

    @field_validator("expires", mode="before")
    @classmethod
    def _date_or_aware(cls, value: Any) -> Any:
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError("give a date, or a date-time with its time zone")
            return value
        if isinstance(value, date):
            return datetime.combine(value + timedelta(days=1), time(), tzinfo=UTC)
        if isinstance(value, str) and len(value) == 10:
            return datetime.combine(
                date.fromisoformat(value) + timedelta(days=1), time(), tzinfo=UTC
            )
        return value

    @field_validator("reason", "owner", "target")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()
