"""The audit report renders in headless Chromium and shows what an assessor needs."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace as dc_replace
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

from netops.compliance import Snapshot, run_checks
from netops.compliance.report import render_html
from netops.inventory import Inventory, Waiver
from tests.compliance.helpers import edit_config
from tests.compliance.synthetic import NOW
from tests.conftest import require

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]


def chromium() -> str:
    require("chromium")
    path = shutil.which("chromium")
    assert path
    return path


class Text(HTMLParser):
    """The visible text of a DOM, by element id where one is given."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.by_id: dict[str, list[str]] = {}
        self._ids: list[str | None] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        self._ids.append(dict(attrs).get("id"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1
        if tag in ("td", "th", "tr", "p", "li"):
            self.handle_data(" ")
        if self._ids:
            self._ids.pop()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.parts.append(data)
        for i in self._ids:
            if i:
                self.by_id.setdefault(i, []).append(data)

    def text(self, element_id: str | None = None) -> str:
        return " ".join(
            "".join(self.by_id.get(element_id, []) if element_id else self.parts).split()
        )


def test_report_renders_in_chromium(reference: Inventory, clean: Snapshot, tmp_path: Path) -> None:
    exe = chromium()
    line = "ip route-static vpn-instance ZW_PUBLIC 10.128.0.0 255.240.0.0 vpn-instance ZW_INTERNET 10.128.16.254"
    edit_config(clean, "core-1", lambda t: t.replace("#\nstelnet", f"{line}\n#\nstelnet"))
    edit_config(
        clean, "acc-jiefang-01", lambda t: t.replace("undo ftp server enable", "ftp server enable")
    )
    waiver = Waiver.model_validate(
        {
            "check_id": "MG-12",
            "target": "acc-jiefang-01",
            "reason": "firmware upgrade window via FTP",
            "owner": "李工",
            "expires": (NOW + timedelta(days=30)).date().isoformat(),
        }
    )
    result = run_checks(dc_replace(reference, waivers=(waiver,)), clean, now=NOW)
    page = tmp_path / "report.html"
    page.write_text(render_html(result), encoding="utf-8")

    dom = subprocess.run(
        [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    text = Text()
    text.feed(dom)
    assert "Qingshan District" in text.text("header") and "level 3" in text.text("header")
    assert text.text("count-FAIL") == "1" and text.text("count-WAIVED") == "1"
    body = text.text()
    # controls grouped by 等保 clause, each with its ID
    for heading in (
        "8.1.3.1 — 安全区域边界 / 边界防护",
        "8.1.4.1 — 安全计算环境 / 身份鉴别",
        "隔离 — 涉密网络物理隔离",
    ):
        assert heading in body
    # the failing finding with its evidence: exact config line, device, source, collection time
    assert text.text("IS-05").startswith("IS-05 No explicit route leaks")
    assert line in body and "2026-11-22 07:55:00 UTC" in body
    assert "整改 Remediation: Remove the cross-VRF" in body
    # the waiver: on the finding and in the waiver list
    assert "Waiver: firmware upgrade window via FTP — owner 李工" in body
    assert "MG-12 acc-jiefang-01 firmware upgrade window via FTP 李工" in text.text(
        "waivers"
    ) and "applied" in text.text("waivers")

    pdf = tmp_path / "report.pdf"
    subprocess.run(
        [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile2'}",
            f"--print-to-pdf={pdf}",
            "--no-pdf-header-footer",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=90,
        check=True,
    )
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 5
