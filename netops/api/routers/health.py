"""``/health``: is netops itself well (open, no token): database and scheduler."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from netops import __version__
from netops.api.deps import State
from netops.api.schemas import Health

router = APIRouter(tags=["netops"])


@router.get("/health", response_model=Health, summary="Health of netops itself")
def health(state: State) -> Health:
    problems: list[str] = []
    database = "ok"
    try:
        with state.store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        database = "error"
        problems.append(f"state database: {type(exc).__name__}")
    scheduler = "disabled"
    if state.scheduler is not None:
        scheduler = "running" if state.scheduler.running else "stopped"
        if scheduler == "stopped":
            problems.append("scheduler is not running")
    return Health(
        status="degraded" if problems else "ok",
        version=__version__,
        environment=state.settings.environment,
        started_at=state.started_at,
        database=database,
        scheduler=scheduler,
        problems=problems,
    )
