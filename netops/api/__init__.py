"""The HTTP API (FastAPI): ``create_app(settings)``; nothing is built at import time."""

from __future__ import annotations

from netops.api.app import create_app

__all__ = ["create_app"]
