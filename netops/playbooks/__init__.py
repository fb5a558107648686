"""Playbooks: reviewed procedures run dry-run first, committed with rollback, always audited.

``playbooks/*.yaml`` (loaded by :mod:`netops.playbooks.loader`) name registered tasks
(:mod:`netops.playbooks.tasks`); :class:`PlaybookService` validates a run before anything
is sent, :class:`~netops.playbooks.runner.Runner` does it, and every run lands in the
audit trail (:mod:`netops.store.playbooks`).
"""

from __future__ import annotations

from netops.playbooks.loader import LoadedPlaybook, load_playbooks
from netops.playbooks.service import PlaybookService

__all__ = ["LoadedPlaybook", "PlaybookService", "load_playbooks"]
