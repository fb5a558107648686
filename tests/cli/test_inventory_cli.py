"""``netops inventory ...`` as a user runs it: exit codes, JSON, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from netops.cli.main import app
from tests.conftest import REFERENCE
from tests.inventory.helpers import edited

runner = CliRunner()


def netops(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point (error handling included)."""
    return subprocess.run(
        [sys.executable, "-c", "from netops.cli.main import run; run()", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_validate_prints_counts() -> None:
    result = runner.invoke(app, ["inventory", "validate", str(REFERENCE)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "valid" in text and "159 devices" in text
    assert "aggregation" in result.output and "intranet" in result.output


def test_validate_json_and_default_path_from_settings(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NETOPS_INVENTORY", str(REFERENCE))
    result = runner.invoke(app, ["inventory", "validate", "--json"])
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["valid"] is True
    assert data["role"]["aggregation"] == 13 and data["site_kind"]["access"] == 102


def test_validate_bad_inventory_lists_every_problem(tmp_path: Path) -> None:
    root = edited(
        tmp_path,
        {
            "devices/aggregation.yaml": [
                ("site: street-jiefang", "site: nowhere"),
                ("mgmt_address: 10.250.2.17", "mgmt_address: 10.250.2.16"),
            ]
        },
    )
    result = netops("inventory", "validate", str(root))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "aggregation.yaml:" in line]
    assert len(lines) == 2, result.stderr
    assert any("devices[agg-jiefang].site: unknown site 'nowhere'" in line for line in lines)
    assert any("duplicate address 10.250.2.16" in line for line in lines)
    assert "2 problem(s)" in result.stderr


def test_show_json_lists_devices() -> None:
    result = runner.invoke(app, ["inventory", "show", str(REFERENCE), "--json"])
    devices = json.loads(result.stdout)["devices"]
    assert len(devices) == 159
    assert {"name", "role", "platform", "site", "zones", "mgmt_address"} <= set(devices[0])


def test_show_tree() -> None:
    result = runner.invoke(app, ["inventory", "show", str(REFERENCE)])
    assert result.exit_code == 0
    assert "street-jiefang" in result.output and "acc-jiefang-01" in result.output


def test_export_formats(tmp_path: Path) -> None:
    for fmt in ("prometheus-sd", "ansible", "json"):
        out = tmp_path / f"{fmt}.json"
        result = runner.invoke(
            app, ["inventory", "export", "--format", fmt, "-i", str(REFERENCE), "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert json.loads(out.read_text())
    bad = runner.invoke(app, ["inventory", "export", "--format", "csv", "-i", str(REFERENCE)])
    assert bad.exit_code == 2 and "csv" in bad.output


def test_generate_refuses_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = runner.invoke(
        app, ["inventory", "generate", "--districts", "1", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2 and "not empty" in result.output
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_bad_settings_file_is_one_line_error(tmp_path: Path) -> None:
    settings = tmp_path / "s.yaml"
    settings.write_text("snmp: {timeot: 1}\n")
    result = netops("--settings", str(settings), "inventory", "validate")
    assert result.returncode == 1
    assert "snmp.timeot" in result.stderr and "Traceback" not in result.stderr


def test_help_reads_well() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "inventory" in result.output
