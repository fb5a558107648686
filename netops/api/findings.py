"""Where the API reads compliance findings from: a :class:`FindingsSource`.

The compliance subsystem persists its runs and findings (first seen, last seen,
resolved); ``create_app`` is given a factory that opens that history on the store, and
a renderer for the HTML audit report. Until a build has compliance checks, there is no
source and ``/api/v1/compliance`` answers 503 with that reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from netops.models import Finding


class TrackedFindingLike(Protocol):
    finding: Finding
    first_seen: datetime
    last_seen: datetime


class RunLike(Protocol):
    started_at: datetime
    finished_at: datetime


class FindingsSource(Protocol):
    """What the API needs of the findings history."""

    def latest_run(self) -> RunLike | None: ...

    def open_findings(self) -> Sequence[TrackedFindingLike]: ...


#: Opens the findings history on the app's store.
SourceFactory = Callable[[Any], FindingsSource]
#: Renders the audit report: (inventory, latest run, open findings) -> HTML.
ReportRenderer = Callable[[Any, Any, Sequence[Any]], str]
