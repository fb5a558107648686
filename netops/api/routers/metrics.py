"""``/metrics``: Prometheus exposition, built at scrape time from the store (see
:mod:`netops.api.metrics.collector` for how a scrape renders)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from prometheus_client import CONTENT_TYPE_LATEST

from netops.api.deps import State, _bearer, authenticate

router = APIRouter(tags=["netops"])


@router.get(
    "/metrics",
    summary="Prometheus metrics (open, or a viewer token per 'api.metrics_require_token')",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Exposition format"}},
)
def metrics(
    request: Request,
    state: State,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Response:
    if state.settings.api.metrics_require_token:
        authenticate(state, credentials, "viewer")
    return Response(request.app.state.exposition.get(), media_type=CONTENT_TYPE_LATEST)
