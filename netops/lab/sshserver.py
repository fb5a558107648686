"""SSH for every lab device from one asyncio loop (asyncssh) and one listening socket.

Connections are accepted by the lab itself and handed to asyncssh only when the device
is alive: a device that is down accepts TCP but never sends the SSH banner, so clients
time out exactly as they do against a dead box behind a live switch port. The terminal
is driven character by character (echo, line editing, ``---- More ----`` paging), as
netmiko expects from a real device.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
from typing import Any

import asyncssh

from netops.lab.secrets import LAB_SSH_PASSWORD
from netops.lab.shells import Shell, shell_for
from netops.lab.state import Lab, LabDevice

log = logging.getLogger(__name__)


class _Server(asyncssh.SSHServer):
    def __init__(self, lab: Lab, dev: LabDevice) -> None:
        self.lab = lab
        self.dev = dev

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        if self.dev.ssh_mode == "wrong-credentials":
            return False
        return password == LAB_SSH_PASSWORD

    def session_requested(self) -> asyncssh.SSHServerSession[str]:
        return _Session(self.lab, self.dev)


class _Session(asyncssh.SSHServerSession[str]):
    def __init__(self, lab: Lab, dev: LabDevice) -> None:
        self.lab = lab
        self.dev = dev
        self.chan: Any = None
        self.shell: Shell | None = None
        self.buffer = ""
        self.pages: list[str] = []
        self.last_cr = False

    def connection_made(self, chan: Any) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: Any, term_modes: Any) -> bool:
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self._exec = command
        return True

    def session_started(self) -> None:
        username = self.chan.get_extra_info("username") or "netops"
        self.shell = shell_for(self.lab, self.dev, username)
        command = getattr(self, "_exec", None)
        if command is not None:
            self.shell.paging = False
            self._write(self.shell.handle(command) + "\n")
            self.chan.exit(0)
            return
        self._write(self.shell.banner())
        self._write(self.shell.prompt())

    def _write(self, text: str) -> None:
        if not text:
            return
        if self.dev.ssh_mode == "garbled":
            text = _garble(text)
        self.chan.write(text.replace("\r\n", "\n").replace("\n", "\r\n"))

    def data_received(self, data: str, datatype: Any) -> None:
        assert self.shell is not None
        for ch in data:
            if self.pages:
                self._more(ch)
                continue
            if ch in "\r\n":
                if ch == "\n" and self.last_cr:
                    self.last_cr = False
                    continue
                self.last_cr = ch == "\r"
                line, self.buffer = self.buffer, ""
                self.chan.write("\r\n")
                self._run(line)
                if self.shell.closed:
                    self.chan.exit(0)
                    return
                continue
            self.last_cr = False
            if ch in "\x7f\x08":
                if self.buffer:
                    self.buffer = self.buffer[:-1]
                    self.chan.write("\b \b")
                continue
            if ch == "\x1a":  # Ctrl+Z: back to user view / exec
                self.shell.config_mode = False
                self.shell.view = []
                self.chan.write("\r\n" + self.shell.prompt())
                continue
            if ch == "\x03":
                self.buffer = ""
                self.chan.write("\r\n" + self.shell.prompt())
                continue
            if ch >= " " or ch == "\t":
                self.buffer += ch
                self.chan.write(ch)

    def _run(self, line: str) -> None:
        assert self.shell is not None
        try:
            out = self.shell.handle(line)
        except Exception:  # a lab bug must not hang the client: say so, keep the session
            log.exception("lab shell of %s failed on %r", self.dev.name, line)
            out = "Error: internal error of the netops lab (see the lab log)."
        if self.shell.closed:
            if out:
                self._write(out + "\n")
            return
        pages = self.shell.paged(out) if out else []
        if len(pages) > 1:
            self._write(pages[0] + "\n" + self.shell.more_prompt)
            self.pages = pages[1:]
            return
        self._write((out + "\n" if out else "") + self.shell.prompt())

    def _more(self, ch: str) -> None:
        assert self.shell is not None
        erase = "\r" + " " * len(self.shell.more_prompt) + "\r"
        if ch in "qQ\x03":
            self.pages = []
            self.chan.write(erase)
            self._write(self.shell.prompt())
            return
        if ch in "\r\n":
            page = self.pages.pop(0)
            first, _, rest = page.partition("\n")
            if rest:
                self.pages.insert(0, rest)
            self.chan.write(erase)
            text = first
        else:
            self.chan.write(erase)
            text = self.pages.pop(0)
        if self.pages:
            self._write(text + "\n" + self.shell.more_prompt)
        else:
            self._write(text + "\n" + self.shell.prompt())

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.shell = None


def _garble(text: str) -> str:
    rnd = random.Random(len(text))
    chars = list(text)
    for i in range(0, len(chars), 7):
        chars[i] = chr(rnd.randrange(0x21, 0x7E))
    return "".join(chars)


class SshService:
    """SSH for many lab devices at their own addresses: one listening socket, one port for all.

    The socket listens on ``0.0.0.0:port``; an accepted connection's local address (the
    127.x.y.z the client dialled) says which device it reached, so a province of 15,900
    devices costs one file descriptor, not one per device. Peers outside 127.0.0.0/8 are
    refused, as by the SNMP agent's shared socket.
    """

    def __init__(self, lab: Lab, host_key: asyncssh.SSHKey) -> None:
        self.lab = lab
        self.host_key = host_key
        self.listener: socket.socket | None = None
        self.by_address: dict[str, LabDevice] = {}
        self.black_holes: list[socket.socket] = []
        self.tasks: set[asyncio.Task[Any]] = set()
        self.port = 0
        self.sessions = 0
        self.refused = 0

    def listen(self, addresses: dict[str, str], port: int) -> None:
        """Listen on ``port`` for every device (device name -> its address)."""
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("0.0.0.0", port))
            sock.listen(4096)
        except OSError:
            sock.close()
            raise
        sock.setblocking(False)
        self.listener = sock
        self.port = sock.getsockname()[1]
        self.by_address = {address: self.lab.devices[name] for name, address in addresses.items()}
        loop.add_reader(sock.fileno(), self._accept, sock)

    def _accept(self, listener: socket.socket) -> None:
        for _ in range(64):
            try:
                conn, peer = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            self._take(conn, peer)

    def _take(self, conn: socket.socket, peer: tuple[str, int]) -> None:
        dev = self.by_address.get(conn.getsockname()[0])
        if not peer[0].startswith("127.") or dev is None:
            self.refused += 1
            conn.close()  # the lab answers loopback clients dialling a device address only
            return
        if dev.down or dev.ssh_mode == "unreachable":
            self.black_holes.append(conn)  # silent: the client times out
            for old in self.black_holes[:-256]:
                old.close()
            del self.black_holes[:-256]
            return
        conn.setblocking(False)
        self.sessions += 1
        task = asyncio.ensure_future(self._serve(conn, dev))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _serve(self, conn: socket.socket, dev: LabDevice) -> None:
        with contextlib.suppress(Exception):
            await asyncssh.run_server(
                conn,
                server_factory=lambda: _Server(self.lab, dev),
                server_host_keys=[self.host_key],
                login_timeout=30,
                line_editor=False,
                keepalive_interval=0,
            )

    def close(self) -> None:
        loop = asyncio.get_running_loop()
        if self.listener is not None:
            with contextlib.suppress(Exception):
                loop.remove_reader(self.listener.fileno())
            self.listener.close()
            self.listener = None
        for sock in self.black_holes:
            sock.close()
        self.black_holes.clear()
