"""API tokens: stored as keyed hashes only, shown once when created, revocable.

A token is ``netops_<random>``; the store keeps ``HMAC-SHA256(secret_key, token)`` and a
short prefix to recognise it in listings. Changing ``api.secret_key`` invalidates every
token (they can no longer be matched), which is also how to revoke all of them at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, get_args

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from netops.errors import AuthError, NotFoundError
from netops.store.db import Base, UtcDateTime
from netops.store.state import Store

Role = Literal["viewer", "operator", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
#: A role may do what every role before it in this order may do.
ROLE_RANK: dict[str, int] = {role: rank for rank, role in enumerate(ROLES)}
TOKEN_PREFIX = "netops_"


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    digest: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    prefix: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


@dataclass(frozen=True)
class TokenInfo:
    """What may be shown about a token (never the token or its hash)."""

    id: int
    name: str
    role: Role
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _info(row: ApiTokenRow) -> TokenInfo:
    role: Role = row.role  # type: ignore[assignment]
    return TokenInfo(
        row.id, row.name, role, row.prefix, row.created_at, row.last_used_at, row.revoked_at
    )


class TokenStore:
    """Create, check, list and revoke API tokens in the state database."""

    def __init__(self, store: Store, secret_key: str) -> None:
        if not secret_key:
            raise ValueError("the API secret key is empty")
        self._store = store
        self._key = secret_key.encode()

    def _digest(self, token: str) -> str:
        return hmac.new(self._key, token.encode(), hashlib.sha256).hexdigest()

    def create(self, role: str, name: str = "") -> tuple[str, TokenInfo]:
        """A new token of ``role``: returns the token (shown once) and what is stored about it."""
        if role not in ROLE_RANK:
            raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = ApiTokenRow(
            name=name or f"{role} token",
            role=role,
            digest=self._digest(token),
            prefix=token[: len(TOKEN_PREFIX) + 6],
            created_at=datetime.now(UTC),
        )
        with self._store.session.begin() as s:
            s.add(row)
            s.flush()
            info = _info(row)
        return token, info

    def authenticate(self, token: str, *, touch_seconds: float = 60.0) -> TokenInfo:
        """The token's info if it is known and not revoked; AuthError otherwise."""
        if not token.startswith(TOKEN_PREFIX):
            raise AuthError("not a netops API token")
        digest = self._digest(token)
        now = datetime.now(UTC)
        with self._store.session.begin() as s:
            row = s.scalar(select(ApiTokenRow).where(ApiTokenRow.digest == digest))
            if row is None:
                raise AuthError("unknown API token")
            if row.revoked_at is not None:
                raise AuthError(f"API token {row.prefix}… was revoked")
            if row.last_used_at is None or now - row.last_used_at > timedelta(
                seconds=touch_seconds
            ):
                row.last_used_at = now
            return _info(row)

    def list(self, *, include_revoked: bool = True) -> list[TokenInfo]:
        query = select(ApiTokenRow).order_by(ApiTokenRow.id)
        if not include_revoked:
            query = query.where(ApiTokenRow.revoked_at.is_(None))
        with self._store.session() as s:
            return [_info(r) for r in s.scalars(query).all()]

    def revoke(self, token_id: int) -> TokenInfo:
        """Revoke a token by id (idempotent); NotFoundError when there is no such token."""
        with self._store.session.begin() as s:
            row = s.get(ApiTokenRow, token_id)
            if row is None:
                raise NotFoundError(f"no API token with id {token_id}")
            if row.revoked_at is None:
                row.revoked_at = datetime.now(UTC)
            return _info(row)


def role_allows(held: str, needed: str) -> bool:
    """Whether a token of role ``held`` may do what needs role ``needed``."""
    return ROLE_RANK.get(held, -1) >= ROLE_RANK[needed]
