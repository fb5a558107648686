"""``/api/v1/db-ha``: each database pair: roles, replication, split brain, backups."""

from __future__ import annotations

from fastapi import APIRouter

from netops.api import views
from netops.api.common import db_pair_outs
from netops.api.deps import State
from netops.api.errors import ERROR_RESPONSES
from netops.api.schemas import DbPairOut

router = APIRouter(prefix="/api/v1/db-ha", tags=["db-ha"], responses=ERROR_RESPONSES)


@router.get("", response_model=list[DbPairOut], summary="Database HA pairs and their state")
def db_ha(state: State) -> list[DbPairOut]:
    return db_pair_outs(state, views.read_snapshot(state.store))
