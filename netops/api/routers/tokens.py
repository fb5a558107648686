"""``/api/v1/tokens``: list, create and revoke API tokens (admin)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path, status
from pydantic import BaseModel, ConfigDict, Field

from netops.api.deps import State, requires
from netops.api.errors import ERROR_RESPONSES, ErrorBody
from netops.api.schemas import TokenOut
from netops.store.tokens import TokenInfo

router = APIRouter(
    prefix="/api/v1/tokens",
    tags=["tokens"],
    responses=ERROR_RESPONSES,
    dependencies=[requires("admin")],  # type: ignore[list-item]
)


def token_out(info: TokenInfo) -> TokenOut:
    return TokenOut(
        id=info.id,
        name=info.name,
        role=info.role,
        prefix=info.prefix,
        created_at=info.created_at,
        last_used_at=info.last_used_at,
        revoked_at=info.revoked_at,
        active=info.active,
    )


class NewToken(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["viewer", "operator", "admin"]
    name: str = Field("", max_length=100, description="What the token is for")


class CreatedToken(TokenOut):
    token: str = Field(description="The token itself: shown this once, stored only hashed")


@router.get("", response_model=list[TokenOut], summary="API tokens (never the tokens themselves)")
def list_tokens(state: State) -> list[TokenOut]:
    return [token_out(t) for t in state.tokens.list()]


@router.post(
    "", response_model=CreatedToken, status_code=status.HTTP_201_CREATED, summary="Create a token"
)
def create_token(state: State, body: Annotated[NewToken, Body()]) -> CreatedToken:
    token, info = state.tokens.create(body.role, body.name)
    return CreatedToken(token=token, **token_out(info).model_dump())


@router.delete(
    "/{token_id}",
    response_model=TokenOut,
    summary="Revoke a token",
    responses={404: {"model": ErrorBody, "description": "No such token"}},
)
def revoke_token(state: State, token_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> TokenOut:
    return token_out(state.tokens.revoke(token_id))
