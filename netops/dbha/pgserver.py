"""Run PostgreSQL server tools on this machine: initdb, pg_ctl, pgBackRest, as the right user.

PostgreSQL refuses to run as root, so when netops runs as root every server command runs
as the ``postgres`` account (``subprocess``'s ``user=``); otherwise as the current user.
The folders handed in must be reachable by that account. Used by the restore
verification (a scratch instance) and by the lab's real database pair.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from netops.errors import DbToolError

SERVER_ACCOUNT = "postgres"


def bin_dir(configured: Path | None = None) -> Path:
    """The folder of the server binaries: the setting, else Debian's newest, else PATH."""
    if configured is not None:
        return configured
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for candidate in reversed(debian):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise DbToolError(
        "PostgreSQL server binaries not found (install postgresql or set dbha.pg_bin_dir)"
    )


def run_as_root() -> bool:
    return os.geteuid() == 0


def account() -> pwd.struct_passwd:
    """The OS account server commands run as."""
    if run_as_root():
        try:
            return pwd.getpwnam(SERVER_ACCOUNT)
        except KeyError:
            raise DbToolError(
                f"running as root needs the {SERVER_ACCOUNT!r} account (install postgresql)"
            ) from None
    return pwd.getpwuid(os.geteuid())


def make_dir(path: Path, mode: int = 0o700) -> Path:
    """Create ``path`` owned by the server account (PostgreSQL wants 0700 data folders)."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, mode)
    if run_as_root():
        user = account()
        os.chown(path, user.pw_uid, user.pw_gid)
    return path


def check_reachable(path: Path) -> None:
    """Fail clearly when the server account cannot write in ``path`` (e.g. a 0700 parent)."""
    if not run_as_root():
        return
    probe = subprocess.run(
        ["test", "-w", str(path), "-a", "-x", str(path)],
        user=SERVER_ACCOUNT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if probe.returncode != 0:
        raise DbToolError(
            f"{path}: the {SERVER_ACCOUNT!r} account cannot write here; pick a folder whose "
            f"parents it can enter (e.g. under /tmp made with tempfile.mkdtemp)"
        )


def _env() -> dict[str, str]:
    user = account()
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": user.pw_dir,
        "USER": user.pw_name,
        "LC_ALL": "C.UTF-8",
        "LANG": "C.UTF-8",
        "PGTZ": "UTC",
    }


def run(argv: list[str], *, cwd: Path, timeout: float = 120.0, what: str | None = None) -> str:
    """Run a server command as the server account; its output, or :class:`DbToolError`."""
    uid = gid = None
    groups: list[int] | None = None
    if run_as_root():
        user = account()
        uid, gid, groups = user.pw_uid, user.pw_gid, []
    try:
        done = subprocess.run(
            argv,
            cwd=cwd,
            env=_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            user=uid,
            group=gid,
            extra_groups=groups,
        )
    except subprocess.TimeoutExpired:
        raise DbToolError(
            f"{what or Path(argv[0]).name}: no answer within {timeout:.0f}s"
        ) from None
    except OSError as exc:
        raise DbToolError(f"{what or argv[0]}: cannot run: {exc.strerror}") from exc
    if done.returncode != 0:
        output = (done.stderr.strip() or done.stdout.strip()).splitlines()
        tail = " | ".join(output[-6:])
        raise DbToolError(f"{what or Path(argv[0]).name} failed (exit {done.returncode}): {tail}")
    return done.stdout


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Instance:
    """One PostgreSQL server on loopback: its data folder, port and socket folder."""

    name: str
    data_dir: Path
    port: int
    socket_dir: Path
    log_file: Path
    bin_dir: Path

    def tool(self, name: str) -> str:
        return str(self.bin_dir / name)

    @property
    def pid(self) -> int | None:
        """The postmaster's PID from ``postmaster.pid`` when it is running."""
        try:
            first = (self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0]
            pid = int(first)
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    @property
    def running(self) -> bool:
        return self.pid is not None

    @property
    def listening(self) -> bool:
        """Something accepts connections on this instance's port."""
        return _listening(self.port)

    def initdb(self) -> None:
        make_dir(self.data_dir)
        run(
            [
                self.tool("initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            cwd=self.data_dir.parent,
            what=f"initdb {self.name}",
        )

    def append_config(self, lines: list[str]) -> None:
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as f:
            f.write("\n# netops\n" + "".join(line + "\n" for line in lines))

    def start(self, extra_options: str = "", timeout: float = 60.0) -> None:
        make_dir(self.socket_dir, 0o755)
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 {extra_options}"
        )
        run(
            [
                self.tool("pg_ctl"),
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-w",
                "-t",
                str(int(timeout)),
                "-o",
                options.strip(),
                "start",
            ],
            cwd=self.data_dir.parent,
            timeout=timeout + 10,
            what=f"start {self.name} (log {self.log_file})",
        )

    def stop(self, mode: str = "fast", timeout: float = 30.0) -> None:
        """Stop the server (``fast`` = SIGINT, ``immediate`` = SIGQUIT, as ``pg_ctl stop -m``).

        Waits for the postmaster to exit; SIGKILL after ``timeout``. A no-op when not running.
        """
        pid = self.pid
        if pid is None:
            return
        sig = signal.SIGQUIT if mode == "immediate" else signal.SIGINT
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        if not _wait_gone(pid, timeout):
            self.kill()
        with contextlib.suppress(OSError):
            (self.data_dir / "postmaster.pid").unlink()

    def kill(self) -> None:
        """SIGKILL the postmaster (a crash); its children exit on their own."""
        pid = self.pid
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, 10.0)
        # children notice the postmaster is gone within a moment; wait for the port to close
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _listening(self.port):
            time.sleep(0.02)

    def promote(self, timeout: float = 30.0) -> None:
        run(
            [
                self.tool("pg_ctl"),
                "-D",
                str(self.data_dir),
                "-w",
                "-t",
                str(int(timeout)),
                "promote",
            ],
            cwd=self.data_dir.parent,
            timeout=timeout + 10,
            what=f"promote {self.name}",
        )

    def conninfo(self, dbname: str = "postgres", user: str = "postgres") -> dict[str, object]:
        """psycopg connection keywords over the socket (trust auth for the local superuser)."""
        return {
            "host": str(self.socket_dir),
            "port": self.port,
            "user": user,
            "dbname": dbname,
            "connect_timeout": 5,
        }


def _wait_gone(pid: int, timeout: float) -> bool:
    """Wait until process ``pid`` has exited (or is a zombie awaiting its parent)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state == "Z":
            return True
        time.sleep(0.02)
    return False


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0
