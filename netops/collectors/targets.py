"""Resolve how to reach a device: inventory address + auth profile secrets, or the endpoints file.

A missing secret is a :class:`CredentialError` for that one device (the caller records
it as a failed poll), never a crash of the run.
"""

from __future__ import annotations

from netops.credentials import Secrets
from netops.endpoints import DeviceEndpoints
from netops.errors import CredentialError
from netops.inventory import Device, Inventory
from netops.transports.targets import SnmpTarget, SshTarget


def snmp_target(
    inv: Inventory,
    device: Device,
    secrets: Secrets,
    endpoints: dict[str, DeviceEndpoints] | None = None,
) -> SnmpTarget:
    """The SNMP target of ``device``; the endpoints file (lab) wins over the inventory."""
    override = (endpoints or {}).get(device.name)
    if override is not None and override.snmp is not None:
        e = override.snmp
        return SnmpTarget(
            device=device.name,
            host=e.host,
            port=e.port,
            version=e.version,
            community=e.community,
            user=e.user,
            auth_protocol=e.auth_protocol,
            priv_protocol=e.priv_protocol,
            auth_key=e.auth_key,
            priv_key=e.priv_key,
        )
    if endpoints is not None:
        raise CredentialError(f"{device.name} has no SNMP entry in the endpoints file")
    profile = inv.auth_profile_by_name[device.auth]
    if profile.snmp is None:
        raise CredentialError(f"auth profile {profile.name!r} of {device.name} has no snmp section")
    host = str(device.mgmt_address)
    if profile.snmp.version == "2c":
        return SnmpTarget(
            device=device.name,
            host=host,
            version="2c",
            community=secrets.require(profile.name, "community"),
        )
    return SnmpTarget(
        device=device.name,
        host=host,
        version="3",
        user=profile.snmp.user,
        auth_protocol=profile.snmp.auth_protocol,
        priv_protocol=profile.snmp.priv_protocol,
        auth_key=secrets.require(profile.name, "auth_key") if profile.snmp.auth_protocol else None,
        priv_key=secrets.require(profile.name, "priv_key") if profile.snmp.priv_protocol else None,
    )


def ssh_target(
    inv: Inventory,
    device: Device,
    secrets: Secrets,
    endpoints: dict[str, DeviceEndpoints] | None = None,
) -> SshTarget:
    """The SSH target of ``device``; the endpoints file (lab) wins over the inventory."""
    override = (endpoints or {}).get(device.name)
    if override is not None and override.ssh is not None:
        e = override.ssh
        return SshTarget(
            device=device.name,
            host=e.host,
            port=e.port,
            platform=device.platform.value,
            username=e.username,
            password=e.password,
            key_file=e.key_file,
            enable_secret=e.enable_secret,
        )
    if endpoints is not None:
        raise CredentialError(f"{device.name} has no SSH entry in the endpoints file")
    profile = inv.auth_profile_by_name[device.auth]
    if profile.ssh is None:
        raise CredentialError(f"auth profile {profile.name!r} of {device.name} has no ssh section")
    key_file = secrets.get(profile.name, "key_file")
    password = secrets.get(profile.name, "password")
    if not key_file and not password:
        secrets.require(profile.name, "password")  # raises, naming where to put it
    return SshTarget(
        device=device.name,
        host=str(device.mgmt_address),
        platform=device.platform.value,
        username=profile.ssh.username,
        password=password,
        key_file=key_file,
        enable_secret=secrets.get(profile.name, "enable_secret"),
    )
