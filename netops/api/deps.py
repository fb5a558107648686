"""Dependencies every router shares: the app's state, the caller's token, paging."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from netops.api.errors import BadParameter
from netops.api.findings import ReportRenderer, SourceFactory
from netops.errors import AuthError
from netops.inventory import Inventory
from netops.scheduler import Scheduler
from netops.settings import Settings
from netops.store import Store
from netops.store.tokens import Role, TokenInfo, TokenStore, role_allows


@dataclass
class AppState:
    """What one app instance serves from (built by ``create_app``)."""

    settings: Settings
    inventory: Inventory
    store: Store
    tokens: TokenStore
    scheduler: Scheduler | None = None
    findings: SourceFactory | None = None
    report: ReportRenderer | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.netops
    return state


State = Annotated[AppState, Depends(get_state)]

_bearer = HTTPBearer(auto_error=False, description="A token from 'netops token create'")


def authenticate(
    state: AppState, credentials: HTTPAuthorizationCredentials | None, needed: Role
) -> TokenInfo:
    if credentials is None or not credentials.credentials:
        raise AuthError("this needs an API token: send 'Authorization: Bearer <token>'")
    info = state.tokens.authenticate(
        credentials.credentials, touch_seconds=state.settings.api.token_touch_seconds
    )
    if not role_allows(info.role, needed):
        raise AuthError(
            f"this needs role {needed} or higher; token {info.prefix}… has role {info.role}",
            forbidden=True,
        )
    return info


def requires(needed: Role) -> object:
    """A dependency admitting tokens of role ``needed`` or higher."""

    def dependency(
        state: State,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> TokenInfo:
        return authenticate(state, credentials, needed)

    return Depends(dependency)


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int


def paging(
    state: State,
    limit: Annotated[int | None, Query(ge=1, description="Items per page")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip")] = 0,
) -> Paging:
    api = state.settings.api
    if limit is not None and limit > api.max_page_size:
        raise BadParameter("limit", f"'limit' may be at most {api.max_page_size}, got {limit}")
    return Paging(limit or api.page_size, offset)


Page = Annotated[Paging, Depends(paging)]


def reject_unknown_query(request: Request) -> None:
    """A query parameter the route does not take is a 400, not silently ignored (a typo
    like ``?stat=down`` would otherwise list every device)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    allowed = _query_names(dependant)
    for name in request.query_params:
        if name not in allowed:
            takes = ", ".join(sorted(allowed)) or "none"
            raise BadParameter(name, f"unknown query parameter {name!r}; this takes: {takes}")


_QUERY_NAMES: dict[int, frozenset[str]] = {}


def _query_names(dependant: Any) -> frozenset[str]:
    key = id(dependant)
    if key not in _QUERY_NAMES:
        names: set[str] = set()
        todo = [dependant]
        while todo:
            current = todo.pop()
            names.update(p.alias for p in current.query_params)
            todo.extend(current.dependencies)
        _QUERY_NAMES[key] = frozenset(names)
    return _QUERY_NAMES[key]
