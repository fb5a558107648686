"""The checks, registered by ID: each is a pure function ``(Context) -> Iterable[Finding]``."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from netops.compliance.catalogue import CATALOGUE
from netops.compliance.context import Context
from netops.models import Finding

CheckFn = Callable[[Context], Iterable[Finding]]

#: check ID -> function; filled by the ``@check`` decorators of the modules below
CHECKS: dict[str, CheckFn] = {}


def check(check_id: str) -> Callable[[CheckFn], CheckFn]:
    """Register ``fn`` as the implementation of a catalogued check."""
    if check_id not in CATALOGUE:
        raise KeyError(f"{check_id} is not in the compliance catalogue")

    def register(fn: CheckFn) -> CheckFn:
        if check_id in CHECKS:
            raise KeyError(f"{check_id} is implemented twice")
        CHECKS[check_id] = fn
        return fn

    return register


def _load() -> None:
    for module in ("isolation", "routing", "baseline", "boundary", "redundancy", "backups"):
        importlib.import_module(f"netops.compliance.checks.{module}")


_load()
