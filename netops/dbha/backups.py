"""Database backups: pgBackRest repositories and plain dump folders, read here or over SSH.

Parsers are pure (``text -> records``); readers run the commands through a
:class:`~netops.transports.command.CommandRunner`. Automatic and manual backups are told
apart by a pgBackRest annotation (``--annotation=trigger=manual``; key from the setting
``dbha.trigger_annotation``) or, for dumps, by a file-name pattern of the source.
Dump checksums (``sha256sum`` against the folder's manifest) are computed only for the
newest dump of each trigger, and reused while a file's size and time are unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from fnmatch import fnmatch
from typing import Any

from netops.errors import TransportError
from netops.inventory.model import DbBackupSource
from netops.models import DbBackup
from netops.settings import DbhaSettings
from netops.transports.command import CommandRunner

# pgBackRest stanza status codes that still mean "readable" (0 ok, 2 no valid backups)
_READABLE = {0, 2}
_SKIP_SUFFIXES = (".tmp", ".partial", ".part", ".log", ".lock")


def location(source: DbBackupSource, where: str) -> str:
    return f"{where}:{source.stanza if source.tool == 'pgbackrest' else source.path}"


def parse_pgbackrest_info(
    text: str, pair: str, stanza: str, where: str, annotation_key: str = "trigger"
) -> list[DbBackup]:
    """Backups of ``stanza`` from ``pgbackrest info --output=json``, oldest first."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TransportError("malformed", f"pgbackrest info is not JSON: {exc.msg}") from None
    entry = next((s for s in data if isinstance(s, dict) and s.get("name") == stanza), None)
    if entry is None:
        raise TransportError("error", f"pgbackrest has no stanza {stanza!r} at {where}")
    status = entry.get("status") or {}
    backups: list[dict[str, Any]] = entry.get("backup") or []
    if not backups and status.get("code") not in _READABLE:
        raise TransportError(
            "error",
            f"pgbackrest stanza {stanza!r} at {where}: {status.get('message', 'unknown status')}",
        )
    out = []
    for b in backups:
        stamp = b.get("timestamp") or {}
        info = b.get("info") or {}
        repo = info.get("repository") or {}
        annotation = {str(k): str(v) for k, v in (b.get("annotation") or {}).items()}
        failed = bool(b.get("error"))
        out.append(
            DbBackup(
                device=pair,
                tool="pgbackrest",
                label=str(b["label"]),
                trigger="manual"
                if annotation.get(annotation_key, "").lower() == "manual"
                else "automatic",
                backup_type=b.get("type"),
                location=f"{where}:{stanza}",
                started_at=_epoch(stamp.get("start")),
                finished_at=_epoch(stamp.get("stop")) or _epoch(stamp.get("start")) or _epoch(0),
                size_bytes=info.get("size"),
                stored_bytes=repo.get("delta") if b.get("type") != "full" else repo.get("size"),
                annotation=annotation,
                ok=not failed,
                error="pgBackRest found page checksum errors in this backup" if failed else None,
            )
        )
    return sorted(out, key=lambda b: b.finished_at)


def _epoch(value: Any) -> datetime | None:
    if value is None:
        return None
    return datetime.fromtimestamp(float(value), tz=UTC)


def parse_manifest(text: str) -> dict[str, str]:
    """``sha256sum`` lines (``<hex>  <name>`` or ``<hex> *<name>``) -> name: digest."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        digest, sep, name = line.strip().partition(" ")
        if not sep or len(digest) != 64:
            continue
        out[name.lstrip(" *")] = digest.lower()
    return out


def parse_dump_listing(
    listing: str,
    manifest: dict[str, str] | None,
    source: DbBackupSource,
    pair: str,
    where: str,
) -> list[DbBackup]:
    """Dump files from ``find -printf '%T@\\t%s\\t%P\\n'``, oldest first (checksums not yet run)."""
    out = []
    for line in listing.splitlines():
        parts = line.split("\t", 2)
        if len(parts) != 3:
            continue
        mtime, size, rel = float(parts[0]), int(parts[1]), parts[2]
        name = rel.rsplit("/", 1)[-1]
        if rel == source.manifest or name.startswith(".") or name.endswith(_SKIP_SUFFIXES):
            continue
        error = None
        if size == 0:
            error = "empty file"
        elif manifest is not None and rel not in manifest:
            error = f"not listed in {source.manifest}"
        out.append(
            DbBackup(
                device=pair,
                tool="dump",
                label=rel,
                trigger="manual" if fnmatch(rel, source.manual_pattern) else "automatic",
                backup_type="dump",
                location=location(source, where),
                finished_at=datetime.fromtimestamp(mtime, tz=UTC),
                size_bytes=size,
                stored_bytes=size,
                checksum_ok=False if manifest is not None and rel not in manifest else None,
                ok=error is None,
                error=error,
            )
        )
    return sorted(out, key=lambda b: b.finished_at)


def newest(backups: Iterable[DbBackup], trigger: str | None = None) -> DbBackup | None:
    chosen = [b for b in backups if trigger is None or b.trigger == trigger]
    return max(chosen, key=lambda b: b.finished_at) if chosen else None


# -- readers -----------------------------------------------------------------------------------
def read_pgbackrest(
    source: DbBackupSource, runner: CommandRunner, pair: str, settings: DbhaSettings
) -> list[DbBackup]:
    argv = [settings.pgbackrest]
    if source.config:
        argv.append(f"--config={source.config}")
    argv += [
        f"--stanza={source.stanza}",
        "--output=json",
        "--log-level-file=off",
        "--log-level-console=error",
        "info",
    ]
    text = runner.run(argv, settings.timeout * 6)
    return parse_pgbackrest_info(
        text, pair, str(source.stanza), runner.where, settings.trigger_annotation
    )


def read_dumps(
    source: DbBackupSource,
    runner: CommandRunner,
    pair: str,
    settings: DbhaSettings,
    previous: Iterable[DbBackup] = (),
) -> list[DbBackup]:
    folder = str(source.path).rstrip("/") or "/"
    listing = runner.run(
        ["find", folder, "-type", "f", "-printf", "%T@\\t%s\\t%P\\n"], settings.timeout * 6
    )
    has_manifest = any(line.split("\t", 2)[-1] == source.manifest for line in listing.splitlines())
    manifest = (
        parse_manifest(runner.run(["cat", f"{folder}/{source.manifest}"], settings.timeout * 2))
        if has_manifest
        else None
    )
    dumps = parse_dump_listing(listing, manifest, source, pair, runner.where)
    if manifest is None:
        return dumps
    known = {(b.label, b.size_bytes, b.finished_at): b for b in previous if b.tool == "dump"}
    checked = {
        b.label for b in (newest(dumps, "automatic"), newest(dumps, "manual")) if b is not None
    }
    out = []
    for dump in dumps:
        if dump.label in checked and dump.checksum_ok is None:
            before = known.get((dump.label, dump.size_bytes, dump.finished_at))
            if before is not None and before.checksum_ok is not None:
                dump = _with_checksum(dump, before.checksum_ok, source)
            else:
                line = runner.run(
                    ["sha256sum", "--", f"{folder}/{dump.label}"], settings.timeout * 60
                )
                digest = line.split(" ", 1)[0].lower()
                dump = _with_checksum(dump, digest == manifest.get(dump.label), source)
        out.append(dump)
    return out


def _with_checksum(dump: DbBackup, ok: bool, source: DbBackupSource) -> DbBackup:
    if ok:
        return dump.model_copy(update={"checksum_ok": True})
    return dump.model_copy(
        update={
            "checksum_ok": False,
            "ok": False,
            "error": f"SHA-256 does not match {source.manifest}",
        }
    )
