"""The catalogue, the registered checks and docs/compliance-checks.md stay in step."""

from __future__ import annotations

import re
from pathlib import Path

from netops.compliance.catalogue import CATALOGUE, CLAUSES
from netops.compliance.checks import CHECKS

DOC = Path(__file__).resolve().parents[2] / "docs" / "compliance-checks.md"


def test_every_catalogued_check_is_implemented_and_every_implementation_catalogued() -> None:
    assert set(CHECKS) == set(CATALOGUE)


def test_every_id_is_documented_and_every_documented_id_exists() -> None:
    headings = re.findall(r"^### ([A-Z]{2}-\d{2}) — (.+)$", DOC.read_text(encoding="utf-8"), re.M)
    documented = [h[0] for h in headings]
    assert len(documented) == len(set(documented)), "an ID is documented twice"
    assert set(documented) == set(CATALOGUE)
    for check_id, title in headings:
        assert title == CATALOGUE[check_id].title, (
            f"{check_id}: doc title differs from the catalogue"
        )


def test_ids_are_stable_in_form_and_clauses_known() -> None:
    for check_id, info in CATALOGUE.items():
        assert re.fullmatch(r"(IS|MG|BD|AR|BK)-\d{2}", check_id)
        assert info.clause_title in CLAUSES.values()
        assert info.remediation.strip()
