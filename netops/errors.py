"""The one exception hierarchy of netops.

Every error netops raises on purpose derives from :class:`NetopsError`, so the CLI
and the API can turn any of them into one clear line (or a 4xx with a reason)
instead of a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class NetopsError(Exception):
    """Base of every error netops raises on purpose."""


class SettingsError(NetopsError):
    """The settings (environment, settings file) are invalid."""


class CredentialError(NetopsError):
    """An auth profile's secret is missing, or the secrets file is unsafe."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a data file: where it is and what is wrong."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class DataFileError(NetopsError):
    """One or more problems in YAML data files (inventory, profiles, playbooks...)."""

    def __init__(self, problems: list[Problem], what: str = "data") -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.field))
        self.what = what
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in {what}"
        super().__init__(head + "".join(f"\n  {p}" for p in self.problems))

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt from its problems (a worker process's error reaches the parent whole)
        return (_rebuild_data_file_error, (type(self), self.problems, self.what))


class InventoryError(DataFileError):
    """The inventory is invalid; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems, "inventory")


def _rebuild_data_file_error(
    cls: type[DataFileError], problems: list[Problem], what: str
) -> DataFileError:
    error = DataFileError.__new__(cls)
    DataFileError.__init__(error, problems, what)
    return error


class TransportError(NetopsError):
    """Talking to a device failed (timeout, refused, auth, garbled reply)."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.reason, str(self)))


class LabError(NetopsError):
    """The lab could not be started, found or changed."""


class DbToolError(NetopsError):
    """A local PostgreSQL or pgBackRest command failed (the message carries its output)."""


class StoreSchemaError(NetopsError):
    """The state database was made by another netops and cannot be brought up to date."""


class HistoryError(NetopsError):
    """The config backup history (a git repository) could not be read or written."""


class PlaybookError(NetopsError):
    """A playbook cannot run as asked (see the subclasses)."""


class PlaybookRequestError(PlaybookError):
    """A run request is wrong (bad parameter, unknown target, missing reason...).

    Raised while a run is prepared, before anything is sent to any device.
    ``parameter`` names what is wrong (a parameter name, ``targets``, ``reason``...).
    """

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        super().__init__(message)


class AuthError(NetopsError):
    """An API token is missing, unknown, revoked, or lacks the role a request needs."""

    def __init__(self, message: str, *, forbidden: bool = False) -> None:
        self.forbidden = forbidden
        super().__init__(message)


class NotFoundError(NetopsError):
    """A named thing (device, site, pair, job, token) does not exist."""


class PlaybookNotFound(PlaybookError, NotFoundError):
    """No playbook, run or bundle of that name or id."""


class SnapshotError(NetopsError):
    """A records snapshot or an identity snapshot is unreadable, invalid or not trusted."""


class SignatureError(SnapshotError):
    """An identity snapshot's signature does not verify against a trusted key."""


class JobError(NetopsError):
    """A scheduled job run in a child process failed there (its error, as text) or died."""
