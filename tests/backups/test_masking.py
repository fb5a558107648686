"""Secret masking: every platform's recorded config loses every secret and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netops.collectors.masking import MASK, load_mask_key, mask_secrets
from netops.errors import CredentialError

CASES = Path(__file__).parent / "masking"
PLATFORMS = sorted(p.name for p in CASES.iterdir() if p.is_dir())


def test_every_platform_has_a_masking_case() -> None:
    assert set(PLATFORMS) == {"huawei_vrp", "huawei_usg", "hp_comware", "cisco_ios", "linux"}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_no_secret_survives(platform: str) -> None:
    text = (CASES / platform / "config.txt").read_text()
    secrets = (CASES / platform / "secrets.txt").read_text().splitlines()
    assert all(s in text for s in secrets), "each listed secret must be in the raw config"
    masked = mask_secrets(text)
    assert [s for s in secrets if s in masked] == []
    assert masked.count(MASK) >= len(secrets) // 2


@pytest.mark.parametrize("platform", PLATFORMS)
def test_masking_keeps_everything_else(platform: str) -> None:
    """The masked config is exactly the reviewed expectation (no over-masking)."""
    masked = mask_secrets((CASES / platform / "config.txt").read_text())
    assert masked == (CASES / platform / "expected.txt").read_text()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_masking_is_idempotent(platform: str) -> None:
    once = mask_secrets((CASES / platform / "config.txt").read_text())
    assert mask_secrets(once) == once


@pytest.mark.parametrize(
    "line",
    [
        "local-aaa-user password policy administrator",
        " password expire 90",
        "password-control login-attempt 3 exceed lock-time 5",
        "ssh user netops authentication-type password",
        " authentication-mode aaa",
        "key chain OSPF-KEYS",
        " key 1",
        " ospf authentication-mode md5 1 cipher <masked>",
        "ip route-static vpn-instance ZW_PUBLIC 0.0.0.0 0 vpn-instance ZW_INTERNET 203.0.113.1",
        " vpn-target 65000:10 export-extcommunity",
        "snmp-agent mib-view included iso-view iso",
    ],
)
def test_ordinary_lines_untouched(line: str) -> None:
    assert mask_secrets(line) == line


KEY = bytes(range(32))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_keyed_placeholders_hide_the_secret_and_show_its_change(platform: str) -> None:
    text = (CASES / platform / "config.txt").read_text()
    secrets = (CASES / platform / "secrets.txt").read_text().splitlines()
    keyed = mask_secrets(text, KEY)
    assert [s for s in secrets if s in keyed] == []
    assert mask_secrets(keyed, KEY) == keyed  # idempotent with the key too
    # the same lines as without a key, placeholders aside
    plain = re.sub(r"<masked:[0-9a-f]{8}>", MASK, keyed)
    assert plain == (CASES / platform / "expected.txt").read_text()
    # change one secret only: exactly one line of the masked text changes
    changed = text.replace(secrets[0], secrets[0] + "x", 1)
    before, after = keyed.splitlines(), mask_secrets(changed, KEY).splitlines()
    diff = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(diff) == 1 and secrets[0] not in diff[0][1]
    assert re.sub(r"<masked:[0-9a-f]{8}>", "", diff[0][0]) == re.sub(
        r"<masked:[0-9a-f]{8}>", "", diff[0][1]
    )


def test_placeholder_depends_on_the_key_and_value_only() -> None:
    line = " local-user admin password irreversible-cipher $1c$abcdefgh$ijklmnop$"
    a, b = mask_secrets(line, KEY), mask_secrets(line, KEY[::-1])
    assert a != b and a == mask_secrets(line, KEY)  # another installation, another tag
    other = " local-user ops01 password irreversible-cipher $1c$abcdefgh$ijklmnop$"
    assert a.split()[-1] == mask_secrets(other, KEY).split()[-1]  # a reused secret shows


def test_mask_key_file_is_made_0600_and_refused_when_readable(tmp_path: Path) -> None:
    path = tmp_path / "state" / "mask.key"
    key = load_mask_key(path)
    assert len(key) == 32 and (path.stat().st_mode & 0o777) == 0o600
    assert load_mask_key(path) == key  # stable across runs
    path.chmod(0o644)
    with pytest.raises(CredentialError, match="readable by others"):
        load_mask_key(path)
    with pytest.raises(CredentialError, match="does not exist"):
        load_mask_key(tmp_path / "nope.key", create=False)
