"""Decision documents in the FIA style (PDF) and the event bulletin."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from league_fixture import League, correct_rejoin

from steward_desk.cli.main import main
from steward_desk.core.rulebook import bundled_rulebook_text, load_rulebook, parse_rulebook_bytes
from steward_desk.exports.documents import decision_html
from steward_desk.exports.records import load_decisions


def export(league: League, out: Path) -> list[Path]:
    assert main(["--home", str(league.paths.home), "export", "documents", "--out", str(out)]) == 0
    return sorted(p for p in out.rglob("*") if p.is_file())


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def test_one_fia_style_document_per_decision_and_a_bulletin_per_event(
    league: League, tmp_path: Path
) -> None:
    correct_rejoin(league, datetime(2025, 5, 3, 9, tzinfo=UTC))
    files = export(league, tmp_path / "docs")
    names = [str(p.relative_to(tmp_path / "docs")) for p in files]
    assert names == [
        "monza-sprint/bulletin.pdf",
        "monza-sprint/doc-001-case-004.pdf",
        "spa-round-3/bulletin.pdf",
        "spa-round-3/doc-001-case-001.pdf",
        "spa-round-3/doc-002-case-002.pdf",
        "spa-round-3/doc-003-case-003.pdf",
        "spa-round-3/doc-004-case-002.pdf",
    ]
    assert all(p.read_bytes().startswith(b"%PDF-") for p in files)

    text = " ".join(pdf_text(tmp_path / "docs" / "spa-round-3" / "doc-001-case-001.pdf").split())
    for words in (
        "SOP Motorsport", "Spa · Round 3", "Document 1", "02 May 2025", "From The Stewards",
        "To Alice Ånström (car 12); the team manager of Apex Racing",
        "Decision — Car 12 — Alice Ånström", "Competitor Apex Racing", "Session Race · Spa",
        "Time Lap 1, race time 01:27.655",
        "Fact Avoidable Contact between Car 7 (Bruno Bianchi) and Car 12 (Alice Ånström) on lap 1.",
        "Infringement Avoidable Contact: breach of On-Track Behaviour / Passing and Overtaking.",
        "Decision 5 s time penalty", "Reason Car 12 was alongside at turn-in",
        "right to appeal certain decisions of the Stewards, within 48 hours",
    ):  # fmt: skip
        assert words in text, words

    correction = " ".join(pdf_text(tmp_path / "docs/spa-round-3/doc-004-case-002.pdf").split())
    assert "Decision Drive-through" in correction
    assert "corrects and replaces document 2 on the same case" in correction
    bulletin = " ".join(pdf_text(tmp_path / "docs/spa-round-3/bulletin.pdf").split())
    assert "Decisions of the Stewards" in bulletin and "4 decisions." in bulletin
    assert "corrected by doc 4" in bulletin and "corrects doc 2" in bulletin


def test_no_appeal_note_when_the_rulebook_has_no_appeals(league: League) -> None:
    name, data = bundled_rulebook_text()
    lines = [line for line in data.decode().splitlines() if not line.startswith("appeal_hours")]
    rulebook = parse_rulebook_bytes("\n".join(lines).encode(), name)
    assert rulebook.deadlines.appeal_hours is None
    record = load_decisions(league.store, rulebook)[0]
    assert "appeal" not in decision_html(record, rulebook)
    assert "within 48 hours" in decision_html(record, load_rulebook())


def test_exporting_again_writes_the_same_pdf_bytes(league: League, tmp_path: Path) -> None:
    one = export(league, tmp_path / "one")
    two = export(league, tmp_path / "two")
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]
