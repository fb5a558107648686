"""Signed identity snapshots: what the extranet instance exports for the intranet's IS-02.

The intranet is watched by its own netops instance with no connection to the extranet
one. The extranet instance exports *identities only* — chassis IDs, serials, MACs and
management addresses, each with the device and time it was seen — into a JSON file
signed with Ed25519, fit for an approved one-way import device. The intranet instance
verifies the signature against its trusted public keys and keeps the file read-only;
every use verifies it again. Nothing is ever exported from the intranet.

File format (``netops-identities/1``)::

    {"format": "netops-identities/1",
     "payload": {"network": "extranet", "network_name": ..., "exported_at": ...,
                 "sightings": [{"kind", "value", "device", "where", "source", "collected_at"}]},
     "key_id": "<first 16 hex of sha256(raw public key)>",
     "signature": "<base64 Ed25519 signature of the canonical JSON of payload>"}
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from netops.compliance.checks.isolation import local_identities
from netops.compliance.context import Context
from netops.compliance.snapshot import ImportedIdentities, Sighting, Snapshot, read_json
from netops.errors import SignatureError, SnapshotError
from netops.inventory import Inventory
from netops.settings import ComplianceSettings

FORMAT = "netops-identities/1"


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


# -- keys -----------------------------------------------------------------------------------------
def generate_keys(prefix: Path) -> tuple[Path, Path]:
    """Write ``PREFIX.key`` (private, mode 0600) and ``PREFIX.pub``; refuse to overwrite."""
    private_path, public_path = prefix.with_suffix(".key"), prefix.with_suffix(".pub")
    for p in (private_path, public_path):
        if p.exists():
            raise SnapshotError(f"{p} exists: choose another name (keys are never overwritten)")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private_path, public_path


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SnapshotError(f"{path}: signing key is readable by others (chmod 600 it)")
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot read signing key: {exc.strerror}") from None
    except ValueError:
        raise SnapshotError(f"{path}: not a PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SnapshotError(f"{path}: not an Ed25519 key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot read public key: {exc.strerror}") from None
    except ValueError:
        raise SnapshotError(f"{path}: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SnapshotError(f"{path}: not an Ed25519 key")
    return key


# -- export ---------------------------------------------------------------------------------------
def export_payload(
    inventory: Inventory,
    snapshot: Snapshot,
    settings: ComplianceSettings,
    network: str = "extranet",
    now: datetime | None = None,
) -> dict[str, Any]:
    """The identities of one network (never the intranet: nothing flows out of it)."""
    if network == "intranet":
        raise SnapshotError(
            "nothing is exported from the intranet: only the extranet instance exports identities"
        )
    now = now or datetime.now(UTC)
    ctx = Context(inventory, snapshot, settings, now)
    sightings = []
    for net, kind, value, device, rs, text in local_identities(ctx):
        if net != network:
            continue
        sightings.append(
            {
                "kind": kind,
                "value": value,
                "device": device,
                "where": text,
                "source": rs.source if rs else "inventory",
                "collected_at": rs.collected_at.isoformat() if rs else None,
            }
        )
    return {
        "network": network,
        "network_name": inventory.network.name,
        "exported_at": now.isoformat(),
        "sightings": sightings,
    }


def sign(payload: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "payload": payload,
        "key_id": key_id(key.public_key()),
        "signature": base64.b64encode(key.sign(canonical(payload))).decode(),
    }


# -- import ---------------------------------------------------------------------------------------
def verify(document: Any, trusted: list[Ed25519PublicKey], where: str) -> dict[str, Any]:
    """The payload of a signed document, or SignatureError / SnapshotError saying why not."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SnapshotError(f"{where}: not a netops identity snapshot (format {FORMAT!r})")
    payload, kid, sig = document.get("payload"), document.get("key_id"), document.get("signature")
    if not isinstance(payload, dict) or not isinstance(sig, str):
        raise SnapshotError(f"{where}: payload or signature missing")
    if not trusted:
        raise SignatureError(
            f"{where}: no trusted public key configured (settings compliance.trusted_keys)"
        )
    keys = [k for k in trusted if key_id(k) == kid] or trusted
    try:
        signature = base64.b64decode(sig, validate=True)
    except ValueError:
        raise SignatureError(f"{where}: signature is not base64") from None
    for key in keys:
        try:
            key.verify(signature, canonical(payload))
            return payload
        except InvalidSignature:
            continue
    raise SignatureError(
        f"{where}: signature does not verify with any trusted key (signed by key {kid}): "
        "the file was changed or comes from an unknown instance"
    )


def to_imported(payload: dict[str, Any], kid: str, file: str) -> ImportedIdentities:
    try:
        sightings = tuple(
            Sighting(
                kind=str(s["kind"]),
                value=str(s["value"]),
                device=str(s["device"]),
                where=str(s.get("where", "")),
                source=str(s.get("source", "")),
                collected_at=datetime.fromisoformat(s["collected_at"])
                if s.get("collected_at")
                else None,
            )
            for s in payload["sightings"]
        )
        return ImportedIdentities(
            network=str(payload["network"]),
            network_name=str(payload["network_name"]),
            exported_at=datetime.fromisoformat(payload["exported_at"]),
            key_id=kid,
            file=file,
            sightings=sightings,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"{file}: invalid identity payload: {exc}") from None


def read_signed(path: Path, trusted: list[Ed25519PublicKey]) -> ImportedIdentities:
    document = read_json(path)
    payload = verify(document, trusted, str(path))
    return to_imported(payload, str(document.get("key_id")), str(path))


def import_file(
    path: Path, imports_dir: Path, trusted: list[Ed25519PublicKey], local_network: str | None
) -> Path:
    """Verify ``path`` and keep it read-only in ``imports_dir``; returns where it is kept.

    ``local_network`` is the network this instance watches (None when it sees both, as
    the lab does); a snapshot of that same network is refused.
    """
    imported = read_signed(path, trusted)
    if imported.network == local_network:
        raise SnapshotError(
            f"{path}: describes the {imported.network}, this instance watches the {local_network}: "
            "import the other network's identities"
        )
    imports_dir.mkdir(parents=True, exist_ok=True)
    target = imports_dir / f"identities-{imported.network}.json"
    if target.exists():
        previous = read_signed(target, trusted)
        if previous.exported_at > imported.exported_at:
            raise SnapshotError(
                f"{path}: exported {imported.exported_at.isoformat()}, older than the one already "
                f"imported ({previous.exported_at.isoformat()})"
            )
        target.chmod(0o600)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(path.read_bytes())
    tmp.chmod(0o444)
    tmp.replace(target)
    return target


def load_imports(imports_dir: Path, trusted: list[Ed25519PublicKey]) -> list[ImportedIdentities]:
    """Every kept identity snapshot, verified again (a file changed after import is refused)."""
    if not imports_dir.is_dir():
        return []
    return [read_signed(p, trusted) for p in sorted(imports_dir.glob("identities-*.json"))]
