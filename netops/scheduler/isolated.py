"""Run one job in a child process of its own (``Job(..., isolate=True)``).

A CPU-heavy job in a worker thread shares the GIL with the API: a province compliance run
(~35 s of CPU, 2 GB) makes every request wait its turn, and the memory it took stays
with the server. In a child process it uses the other core and gives its memory back
when it ends. The child is started with ``spawn`` (never ``fork``: the server has
threads and open database connections), gets the settings, the inventory (pickled) and
the endpoints path, opens its own :class:`~netops.store.Store` on the same database URL,
and reports back one line: success, or the error as text (re-raised here as
:class:`~netops.errors.JobError`). Cancelling the run (shutdown, the job's timeout)
terminates the child.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netops.errors import JobError
from netops.inventory import Inventory
from netops.settings import Settings

if TYPE_CHECKING:
    from netops.scheduler.scheduler import JobContext, JobFunction

log = logging.getLogger(__name__)

#: Seconds a terminated child gets to exit before it is killed.
TERMINATE_GRACE = 5.0


@dataclass(frozen=True)
class ChildContext:
    """What a child process needs to rebuild a JobContext (all picklable)."""

    settings: Settings
    inventory: Inventory
    database_url: str
    endpoints: Path | None


def can_isolate(context: JobContext) -> bool:
    """A child can open the parent's database (not an in-memory SQLite one)."""
    url = context.store.url
    return not (url.startswith("sqlite") and (":memory:" in url or url.rstrip("/") == "sqlite:"))


def _plain(settings: Settings) -> Settings:
    """The same values in a plain ``Settings`` (``load_settings`` makes an instance of a
    local subclass, which does not pickle); nothing is read from the environment again."""
    if type(settings) is Settings:
        return settings
    values = {name: getattr(settings, name) for name in Settings.model_fields}
    return Settings.model_construct(_fields_set=settings.model_fields_set, **values)


def _child(run: JobFunction, spec: ChildContext, conn: Connection) -> None:
    """The child's entry point: run the job once, report ``("ok", "")`` or the error."""
    from netops.scheduler.scheduler import JobContext
    from netops.store import Store

    store = None
    try:
        store = Store(spec.database_url)
        result = run(JobContext(spec.settings, spec.inventory, store, spec.endpoints))
        if asyncio.iscoroutine(result):
            asyncio.run(result)
        conn.send(("ok", ""))
    except BaseException as exc:  # everything goes back to the parent as text
        log.debug("isolated job failed:\n%s", traceback.format_exc())
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        if store is not None:
            store.close()
        conn.close()


def _wait(process: BaseProcess, conn: Connection) -> tuple[str, str]:
    try:
        outcome: tuple[str, str] = conn.recv()  # blocks until the child reports or dies
    except EOFError:
        process.join()
        return "error", f"the job's process ended without a result (exit code {process.exitcode})"
    process.join()
    return outcome


async def run_isolated(name: str, run: JobFunction, context: JobContext) -> None:
    """Run ``run(context)`` in a child process; raise :class:`JobError` if it failed."""
    mp: Any = multiprocessing.get_context("spawn")
    receive, send = mp.Pipe(duplex=False)
    spec = ChildContext(
        _plain(context.settings), context.inventory, context.store.url, context.endpoints
    )
    process: BaseProcess = mp.Process(
        target=_child, args=(run, spec, send), name=f"netops-job-{name}", daemon=True
    )
    try:
        # off the event loop: start() pickles the inventory into a pipe the child reads
        # only once its interpreter is up (seconds), and would block every request till then
        await asyncio.to_thread(process.start)
        send.close()  # the child holds the only sending end: its death is EOF here
        status, message = await asyncio.to_thread(_wait, process, receive)
    except BaseException:  # cancelled: shutdown or the job's timeout
        await asyncio.shield(asyncio.to_thread(stop, process))
        raise  # (the waiting thread sees the child's end and returns; nothing to close)
    receive.close()
    if status != "ok":
        raise JobError(message)


def stop(process: BaseProcess) -> None:
    """Terminate a child (SIGTERM), kill it if it does not exit in time."""
    if process.is_alive():
        process.terminate()
        process.join(TERMINATE_GRACE)
    if process.is_alive():
        log.warning("job process %s did not exit; killing it", process.pid)
        process.kill()
        process.join()
