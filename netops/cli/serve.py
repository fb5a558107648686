"""``netops serve``: the HTTP API and the scheduler in one process."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any, cast

import typer
import uvicorn

from netops.cli.common import EndpointsOption, InventoryOption, settings


def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Address [default: setting api.host]")] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: setting api.port]")] = None,
    inventory: InventoryOption = None,
    endpoints: EndpointsOption = None,
    no_scheduler: Annotated[
        bool, typer.Option("--no-scheduler", help="Serve the API only; run no jobs")
    ] = False,
    log_level: Annotated[str, typer.Option(help="debug, info, warning, error")] = "info",
) -> None:
    """Serve the API and run the scheduled jobs (polls, backups, checks) until stopped.

    Ctrl-C or SIGTERM stops it gracefully: running jobs get 'scheduler.shutdown_grace'
    seconds to finish. State lives in the state database, so a restart picks up where
    it stopped.
    """
    from netops.api import create_app
    from netops.compliance.service import render_stored
    from netops.store.findings import FindingHistory

    s = settings(ctx, inventory=inventory, endpoints=endpoints)
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = create_app(
        s,
        run_scheduler=s.scheduler.enabled and not no_scheduler,
        endpoints=Path(endpoints) if endpoints else None,
        # the history's frozen records satisfy the API's read-only protocols
        findings=cast("Any", FindingHistory),
        report=render_stored,
    )
    config = uvicorn.Config(
        app,
        host=host or s.api.host,
        port=port if port is not None else s.api.port,
        log_level=log_level.lower(),
        lifespan="on",
        timeout_graceful_shutdown=int(s.scheduler.shutdown_grace) or None,
    )
    uvicorn.Server(config).run()
