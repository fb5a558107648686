"""The base every record derives from."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """A normalized fact about one device, the same whatever transport produced it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    device: str
