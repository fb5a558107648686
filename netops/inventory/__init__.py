"""The inventory: the network as reviewed data (``inventory/``), loaded and validated."""

from __future__ import annotations

from netops.inventory.inventory import Inventory
from netops.inventory.loader import inventory_files, load_inventory
from netops.inventory.model import (
    AuthProfile,
    BackupPolicy,
    Crossing,
    DbBackupSource,
    Device,
    HaKind,
    HaPair,
    Interface,
    Link,
    Platform,
    Role,
    Site,
    SiteKind,
    Vrf,
    Waiver,
    Zone,
    ZoneKind,
)

__all__ = [
    "AuthProfile",
    "BackupPolicy",
    "Crossing",
    "DbBackupSource",
    "Device",
    "HaKind",
    "HaPair",
    "Interface",
    "Inventory",
    "Link",
    "Platform",
    "Role",
    "Site",
    "SiteKind",
    "Vrf",
    "Waiver",
    "Zone",
    "ZoneKind",
    "inventory_files",
    "load_inventory",
]
