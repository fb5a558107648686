"""The versioned config history: a bare git repository, one file per device, one commit per run.

Why plumbing and not ``git add``: other tools keep a working tree and an index and run
``git add``/``git commit`` over thousands of files, which stats and rehashes every file on
every run and slows to minutes at a few thousand devices. Here nothing is checked out:

- the previous tree is read once (``git ls-tree -r``) as ``{path: blob id}``;
- each new config's blob id is computed in Python (SHA-1 of ``blob <len>\\0<data>``) and
  compared: an unchanged config costs one hash and writes nothing;
- changed configs are streamed as they arrive to one ``git fast-import`` process, which
  writes them into a pack, then one commit naming only the changed paths (the rest of the
  tree is inherited from the parent). No commit at all when nothing changed.

Readers use ordinary git: ``git --git-dir DIR log -- core-1.cfg``, ``git show REV:core-1.cfg``.

Retention (:meth:`ConfigHistory.expire`): the newest revision at or before the cutoff
becomes the root -- it still holds every device's config as it was then -- through git's
own ``shallow`` boundary, and ``git gc --prune=now`` drops what lies behind it. Revision
ids stay the same (status records and events keep pointing at real commits); only
versions older than the cutoff are gone, and diffs against them say so.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from netops.errors import HistoryError

BRANCH = "refs/heads/main"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
_SUFFIX = ".cfg"


def blob_id(data: bytes) -> str:
    """The git object id of a blob with ``data`` (what ``git hash-object`` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def path_of(device: str) -> str:
    """The file of ``device`` in the history; refuses names that could escape the tree."""
    if not _SAFE_NAME.match(device):
        raise HistoryError(f"device name {device!r} cannot be a file name in the config history")
    return device + _SUFFIX


@dataclass(frozen=True)
class Expired:
    """What :meth:`ConfigHistory.expire` did."""

    boundary: str | None  # the oldest revision kept (the new root), None = nothing old enough
    dropped: int  # revisions removed behind it


@dataclass(frozen=True)
class Revision:
    """One commit that touched a device's file."""

    revision: str
    time: datetime
    message: str


class ConfigHistory:
    """The history repository at ``path`` (created on first use)."""

    def __init__(
        self,
        path: Path,
        *,
        git: str = "git",
        author: tuple[str, str] = ("netops", "netops@localhost"),
    ) -> None:
        self.path = path
        self.git_binary = git
        self.author = author

    # -- plumbing ------------------------------------------------------------------------
    def _git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
        try:
            done = subprocess.run(
                [self.git_binary, "--git-dir", str(self.path), *args],
                capture_output=True,
                env=env,
                check=False,
            )
        except FileNotFoundError as exc:
            raise HistoryError(f"git is not installed ({self.git_binary!r} not found)") from exc
        if check and done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip().splitlines()
            raise HistoryError(
                f"git {args[0]} failed in {self.path}: {message[-1] if message else done.returncode}"
            )
        return done

    def ensure(self) -> None:
        """Create the bare repository if it does not exist yet."""
        if (self.path / "HEAD").exists():
            return
        self.path.mkdir(parents=True, exist_ok=True)
        self._git("init", "--bare", "--quiet", "--initial-branch=main")
        self._git("config", "gc.auto", "256")

    @property
    def exists(self) -> bool:
        return (self.path / "HEAD").exists()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the history's lock: one backup run writes at a time."""
        self.ensure()
        with open(self.path / "netops.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise HistoryError(
                    f"another backup run holds {self.path / 'netops.lock'}; try again later"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def head(self) -> str | None:
        """The newest revision, or None for an empty history."""
        if not self.exists:
            return None
        done = self._git("rev-parse", "--verify", "--quiet", BRANCH, check=False)
        return done.stdout.decode().strip() or None

    def blob_ids(self, revision: str | None = None) -> dict[str, str]:
        """``{device: blob id}`` of every file at ``revision`` (default: the newest)."""
        rev = revision or self.head()
        if rev is None:
            return {}
        out = self._git("ls-tree", "-r", "-z", "--full-tree", rev).stdout
        ids: dict[str, str] = {}
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, name = entry.partition(b"\t")
            path = name.decode()
            if path.endswith(_SUFFIX):
                ids[path[: -len(_SUFFIX)]] = meta.split()[2].decode()
        return ids

    # -- reading -------------------------------------------------------------------------
    def show(self, device: str, revision: str | None = None) -> str:
        """The stored config of ``device`` at ``revision`` (default: newest)."""
        rev = revision or self.head()
        if rev is None:
            raise HistoryError("the config history is empty: run 'netops backup configs' first")
        done = self._git("show", f"{rev}:{path_of(device)}", check=False)
        if done.returncode != 0:
            raise HistoryError(f"no config of {device} at revision {rev[:12]}")
        return done.stdout.decode("utf-8", errors="replace")

    def log(self, device: str | None = None, limit: int = 50) -> list[Revision]:
        """Revisions that changed ``device``'s file (or every revision), newest first."""
        if self.head() is None:
            return []
        args = ["log", f"-n{limit}", "--format=%H%x09%at%x09%s", BRANCH]
        if device is not None:
            args += ["--", path_of(device)]
        out = self._git(*args).stdout.decode()
        revisions = []
        for line in out.splitlines():
            rev, stamp, message = line.split("\t", 2)
            revisions.append(Revision(rev, datetime.fromtimestamp(int(stamp), UTC), message))
        return revisions

    def resolve(self, revision: str) -> str:
        """Full id of ``revision`` (a prefix, tag or ``HEAD~2``); a clear error if unknown."""
        done = self._git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", check=False)
        if done.returncode != 0:
            raise HistoryError(f"unknown revision {revision!r} in the config history")
        return done.stdout.decode().strip()

    def diff(self, device: str, old: str, new: str) -> str:
        """Unified diff of ``device``'s file between two revisions (empty when equal)."""
        path = path_of(device)
        out = self._git("diff", "--no-color", "--no-ext-diff", old, new, "--", path).stdout
        return out.decode("utf-8", errors="replace")

    def numstat(self, old: str, new: str) -> dict[str, tuple[int, int]]:
        """``{device: (lines added, lines removed)}`` between two revisions."""
        out = self._git("diff", "--numstat", "-z", "--no-renames", old, new).stdout.decode()
        stats: dict[str, tuple[int, int]] = {}
        for entry in out.split("\0"):
            if not entry:
                continue
            added, removed, path = entry.split("\t", 2)
            if path.endswith(_SUFFIX):
                stats[path[: -len(_SUFFIX)]] = (
                    int(added) if added.isdigit() else 0,
                    int(removed) if removed.isdigit() else 0,
                )
        return stats

    # -- retention -----------------------------------------------------------------------
    def expire(self, before: datetime) -> Expired:
        """Drop the revisions older than the one in force at ``before`` (hold :meth:`locked`)."""
        if self.head() is None:
            return Expired(None, 0)
        stamp = str(int(before.timestamp()))
        cut = self._git("rev-list", "-n1", f"--before={stamp}", BRANCH).stdout.decode().strip()
        if not cut:
            return Expired(None, 0)
        behind = int(self._git("rev-list", "--count", cut).stdout.decode().strip() or 1) - 1
        if behind <= 0:
            return Expired(cut, 0)
        shallow = self.path / "shallow"
        tmp = self.path / "shallow.netops-tmp"
        tmp.write_text(cut + "\n", encoding="ascii")
        os.replace(tmp, shallow)
        self._git("reflog", "expire", "--expire=now", "--all")
        self._git("gc", "--prune=now", "--quiet")
        return Expired(cut, behind)

    # -- writing -------------------------------------------------------------------------
    def writer(self) -> HistoryWriter:
        """A writer for one run (hold :meth:`locked` around it)."""
        self.ensure()
        return HistoryWriter(self)


class HistoryWriter:
    """Collects one run's configs; writes only what changed, then one commit."""

    def __init__(self, history: ConfigHistory) -> None:
        self.history = history
        self.parent = history.head()
        self.previous = history.blob_ids(self.parent)
        self.changed: list[str] = []
        self.added: list[str] = []
        self._marks: list[tuple[int, str]] = []
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None

    def _stream(self) -> IO[bytes]:
        if self._proc is None:
            self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in _finish/abort
            self._proc = subprocess.Popen(
                [
                    self.history.git_binary,
                    "--git-dir",
                    str(self.history.path),
                    "fast-import",
                    "--quiet",
                    "--done",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
            )
        assert self._proc.stdin is not None
        return self._proc.stdin

    def add(self, device: str, text: str) -> bool:
        """Record ``device``'s (already masked) config; True when it differs from the last one."""
        path = path_of(device)
        data = text.encode("utf-8")
        if self.previous.get(device) == blob_id(data):
            return False
        mark = len(self._marks) + 1
        try:
            stream = self._stream()
            stream.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)))
            stream.write(data)
            stream.write(b"\n")
        except BrokenPipeError:
            self._finish()  # raises with git's own message
            raise
        self._marks.append((mark, path))
        (self.changed if device in self.previous else self.added).append(device)
        return True

    def commit(self, message: str, when: datetime) -> str | None:
        """Write the commit; the new revision, or None when nothing changed."""
        if not self._marks:
            return None
        with suppress(BrokenPipeError):  # fast-import died: _finish() reports why
            self._write_commit(message, when)
        self._finish()
        head = self.history.head()
        if head is None or head == self.parent:
            raise HistoryError("git fast-import did not move the history's branch")
        self.history._git("gc", "--auto", "--quiet", check=False)
        return head

    def _write_commit(self, message: str, when: datetime) -> None:
        stream = self._stream()
        name, email = self.history.author
        stamp = int(when.timestamp())
        body = message.encode("utf-8")
        stream.write(b"commit %s\n" % BRANCH.encode())
        for role in (b"author", b"committer"):
            stream.write(b"%s %s <%s> %d +0000\n" % (role, name.encode(), email.encode(), stamp))
        stream.write(b"data %d\n%s\n" % (len(body), body))
        if self.parent:
            stream.write(b"from %s\n" % self.parent.encode())
        for mark, path in self._marks:
            stream.write(b"M 100644 :%d %s\n" % (mark, path.encode()))
        stream.write(b"\ndone\n")

    def _finish(self) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        with suppress(BrokenPipeError):
            self._proc.stdin.close()
        code = self._proc.wait()
        if code != 0:
            assert self._stderr is not None
            self._stderr.seek(0)
            lines = self._stderr.read().decode(errors="replace").strip().splitlines()
            raise HistoryError(
                f"git fast-import failed in {self.history.path}: {lines[-1] if lines else code}"
            )

    def abort(self) -> None:
        """Drop what was streamed (unreferenced objects; git gc removes them)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
