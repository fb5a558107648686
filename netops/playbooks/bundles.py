"""Output bundles: what a run's read steps collected (diagnostics), as one tar.gz per run.

Every text is masked (:func:`netops.collectors.masking.mask_secrets`) before it touches the
disk. The bundle holds ``<device>/<NN>-<command>.txt`` files and a ``manifest.json``
(run, playbook, devices, files with sizes); it is written when the run ends, named
``<run id>.tar.gz`` in the bundle folder, and served by the API at
``/api/v1/playbook-runs/<run id>/bundle``.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from netops.collectors.masking import mask_secrets

_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


def slug(text: str, limit: int = 60) -> str:
    """A file-name-safe form of a command (``display interface brief`` -> ``display_interface_brief``)."""
    return _SLUG.sub("_", text.strip()).strip("_")[:limit] or "output"


class BundleWriter:
    """Collects one run's outputs in memory (masked) and writes them as one tar.gz."""

    def __init__(self, folder: Path, run_id: str, playbook: str) -> None:
        self.folder = folder
        self.run_id = run_id
        self.playbook = playbook
        self._files: dict[str, bytes] = {}
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def add(self, device: str, name: str, text: str) -> str:
        """Add one output of ``device``; returns its path inside the bundle."""
        data = mask_secrets(text).encode("utf-8")
        with self._lock:
            n = self._counts.get(device, 0) + 1
            self._counts[device] = n
            path = f"{slug(device)}/{n:02d}-{slug(name)}.txt"
            self._files[path] = data
        return path

    @property
    def empty(self) -> bool:
        return not self._files

    def write(self) -> Path | None:
        """Write ``<run id>.tar.gz`` (None when nothing was collected)."""
        if self.empty:
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        manifest = {
            "run_id": self.run_id,
            "playbook": self.playbook,
            "created_at": datetime.now(UTC).isoformat(),
            "devices": sorted(self._counts),
            "files": {path: len(data) for path, data in sorted(self._files.items())},
            "masked": True,
        }
        target = self.folder / f"{self.run_id}.tar.gz"
        partial = target.with_suffix(".partial")
        now = time.time()
        with tarfile.open(partial, "w:gz") as tar:
            for path, data in [
                ("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False).encode()),
                *sorted(self._files.items()),
            ]:
                info = tarfile.TarInfo(f"{self.run_id}/{path}")
                info.size, info.mtime, info.mode = len(data), int(now), 0o640
                tar.addfile(info, io.BytesIO(data))
        partial.chmod(0o640)
        partial.replace(target)
        return target


def prune(folder: Path, retention_days: float, now: datetime | None = None) -> list[Path]:
    """Delete bundles older than ``retention_days``; the paths deleted."""
    if not folder.is_dir():
        return []
    limit = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    gone = []
    for path in folder.glob("*.tar.gz"):
        if datetime.fromtimestamp(path.stat().st_mtime, UTC) < limit:
            path.unlink(missing_ok=True)
            gone.append(path)
    return gone
