"""Where database nodes and backup sources are: inventory + secrets, or the endpoints file (lab)."""

from __future__ import annotations

from netops.credentials import Secrets
from netops.endpoints import DeviceEndpoints
from netops.errors import CredentialError
from netops.inventory import DbBackupSource, Device, HaPair, Inventory
from netops.transports.sql import SqlTarget


def sql_target(
    inv: Inventory,
    device: Device,
    engine: str,
    secrets: Secrets,
    endpoints: dict[str, DeviceEndpoints] | None = None,
) -> SqlTarget:
    """The SQL target of a database node; the endpoints file's ``postgres`` entry wins."""
    override = (endpoints or {}).get(device.name)
    if override is not None and override.postgres is not None:
        e = override.postgres
        return SqlTarget(device.name, engine, e.host, e.port, e.user, e.dbname, e.password)
    if endpoints is not None:
        raise CredentialError(f"{device.name} has no postgres entry in the endpoints file")
    profile = inv.auth_profile_by_name[device.auth]
    if profile.sql is None:
        raise CredentialError(
            f"auth profile {profile.name!r} of {device.name} has no sql section (username, port)"
        )
    return SqlTarget(
        device=device.name,
        engine=engine,
        host=str(device.mgmt_address),
        port=profile.sql.port,
        user=profile.sql.username,
        dbname=profile.sql.dbname,
        password=secrets.require(profile.name, "sql_password"),
    )


def backup_sources(
    pair: HaPair, endpoints: dict[str, DeviceEndpoints] | None = None
) -> tuple[DbBackupSource, ...]:
    """The pair's backup sources: the endpoints file's entry for the pair, else the inventory's."""
    override = (endpoints or {}).get(pair.name)
    if override is not None and override.backups is not None:
        return override.backups
    return pair.backups
