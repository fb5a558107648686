"""Secrets of auth profiles: from the environment or a 0600 secrets file, never the inventory.

Environment: ``NETOPS_SECRET_<PROFILE>_<FIELD>`` with the profile name upper-cased and
``-`` as ``_`` (``NETOPS_SECRET_EXTRANET_NETWORK_AUTH_KEY``). Secrets file (setting
``secrets_file``): YAML ``{profile: {field: value}}``, refused unless only its owner
can read it. The environment wins. Values are never logged or printed.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import yaml

from netops.errors import CredentialError

SECRET_FIELDS = (
    "community",
    "auth_key",
    "priv_key",
    "password",
    "key_file",
    "sql_password",
    "enable_secret",
)


def env_name(profile: str, field: str) -> str:
    """The environment variable that holds ``field`` of ``profile``."""
    return f"NETOPS_SECRET_{profile.upper().replace('-', '_')}_{field.upper()}"


class Secrets:
    """Looks up auth-profile secrets; build with :func:`load_secrets`."""

    def __init__(self, from_file: dict[str, dict[str, str]], file: Path | None) -> None:
        self._file_values = from_file
        self._file = file

    def get(self, profile: str, field: str) -> str | None:
        if field not in SECRET_FIELDS:
            raise ValueError(f"unknown secret field {field!r}")
        value = os.environ.get(env_name(profile, field))
        if value is None:
            value = self._file_values.get(profile, {}).get(field)
        return value

    def require(self, profile: str, field: str) -> str:
        value = self.get(profile, field)
        if not value:
            where = f" or '{profile}: {{{field}: ...}}' in {self._file}" if self._file else ""
            raise CredentialError(
                f"auth profile {profile!r} has no {field}: set {env_name(profile, field)}{where}"
            )
        return value


def load_secrets(file: Path | None) -> Secrets:
    """Read the secrets file (if any), refusing one that others can read."""
    if file is None:
        return Secrets({}, None)
    try:
        info = file.stat()
    except OSError as exc:
        raise CredentialError(f"{file}: cannot read secrets file: {exc.strerror}") from exc
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CredentialError(
            f"{file}: secrets file is readable by others (mode {stat.S_IMODE(info.st_mode):o}); run chmod 600 {file}"
        )
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CredentialError(
            f"{file}: secrets file is not valid YAML (line {getattr(getattr(exc, 'problem_mark', None), 'line', -1) + 1})"
        ) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise CredentialError(f"{file}: secrets file must map profile names to {{field: value}}")
    for profile, fields in data.items():
        unknown = set(fields) - set(SECRET_FIELDS)
        if unknown:
            raise CredentialError(
                f"{file}: profile {profile!r}: unknown field(s) {', '.join(sorted(unknown))} (known: {', '.join(SECRET_FIELDS)})"
            )
    return Secrets({str(k): {str(f): str(v) for f, v in d.items()} for k, d in data.items()}, file)
