"""Errors as JSON with a reason: ``{"error": ..., "reason": ..., "parameter": ...}``.

A bad query or path parameter is a 400 that names the parameter; an unknown thing is a
404; a missing, unknown or revoked token is a 401; a token whose role is too low is a 403.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from netops.errors import AuthError, NetopsError, NotFoundError


class ErrorBody(BaseModel):
    """Every error the API returns."""

    error: str = Field(description="bad_request, unauthorized, forbidden, not_found, ...")
    reason: str = Field(description="What is wrong, in one line")
    parameter: str | None = Field(None, description="The request parameter at fault")


class BadParameter(NetopsError):
    """A request parameter has a value the API cannot use."""

    def __init__(self, parameter: str, reason: str) -> None:
        self.parameter = parameter
        super().__init__(reason)


_ERROR_NAMES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    503: "unavailable",
}


def error_response(
    status: int, reason: str, parameter: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(error=_ERROR_NAMES.get(status, "error"), reason=reason, parameter=parameter)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first: dict[str, Any] = exc.errors()[0] if exc.errors() else {}
    loc = [str(p) for p in first.get("loc", ())]
    parameter = loc[-1] if len(loc) > 1 else (loc[0] if loc else None)
    where = f"{loc[0]} parameter " if loc and loc[0] in ("query", "path", "header") else ""
    reason = f"{where}{parameter!r}: {first.get('msg', 'invalid')}" if parameter else "invalid"
    if first.get("input") is not None and not isinstance(first.get("input"), dict):
        reason += f" (got {str(first['input'])[:80]!r})"
    return error_response(400, reason, parameter)


def _http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else None
    return error_response(exc.status_code, str(exc.detail), headers=headers)


def _bad_parameter(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BadParameter)
    return error_response(400, str(exc), exc.parameter)


def _auth(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AuthError)
    if exc.forbidden:
        return error_response(403, str(exc))
    return error_response(401, str(exc), headers={"WWW-Authenticate": "Bearer"})


def _not_found(_request: Request, exc: Exception) -> JSONResponse:
    return error_response(404, str(exc))


def _unavailable(_request: Request, exc: Exception) -> JSONResponse:
    return error_response(503, str(exc))


def install(app: FastAPI) -> None:
    from netops.api.routers.compliance import ComplianceUnavailable

    app.add_exception_handler(ComplianceUnavailable, _unavailable)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(BadParameter, _bad_parameter)
    app.add_exception_handler(AuthError, _auth)
    app.add_exception_handler(NotFoundError, _not_found)


#: For ``responses=`` on routers: what each error status looks like in the OpenAPI schema.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A parameter is invalid (it is named)"},
    401: {"model": ErrorBody, "description": "No token, or an unknown or revoked one"},
    403: {"model": ErrorBody, "description": "The token's role may not do this"},
}
