"""Two stamped onboards made once per session, and an incident that shows them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from review_story import ACCUSED_OFFSET, INCIDENT_MS, REPORTER_OFFSET

from steward_desk.core.model import FootageRef, InvolvedDriver, InvolvementRole
from steward_desk.core.timeline import LapMark
from steward_desk.media.clip_maker import ClipInfo, h264_60_bframes, make_clip, obs_vfr_mkv
from steward_desk.ui.review.memory_services import InMemoryReviewServices, MemoryIncident
from steward_desk.ui.review.workspace import ReviewWorkspace


@pytest.fixture(scope="session")
def onboards(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ClipInfo]:
    """The accused's PC capture (H.264 60 fps, B-frames, 2 s GOP, 3 s) and the reporter's OBS
    recording (variable frame rate MKV)."""
    folder = tmp_path_factory.mktemp("onboards")
    return {
        "accused": make_clip(folder / "accused.mkv", h264_60_bframes(320, 180, seconds=3.0)),
        "reporter": make_clip(folder / "reporter.mkv", obs_vfr_mkv(320, 180, frames=150)),
    }


@pytest.fixture
def services(tmp_path: Path, onboards: dict[str, ClipInfo]) -> InMemoryReviewServices:
    svc = InMemoryReviewServices(tmp_path / "evidence")
    footage = [
        FootageRef(
            "accused", "file", str(onboards["accused"].path), None, None,
            ACCUSED_OFFSET, "p1", "onboard",
        ),
        FootageRef(
            "reporter", "file", str(onboards["reporter"].path), None, None,
            REPORTER_OFFSET, "p2", "onboard",
        ),
    ]  # fmt: skip
    involved = [
        InvolvedDriver("p1", "Zoë Müller", 12, InvolvementRole.ACCUSED),
        InvolvedDriver("p2", "Tom Baker", 7, InvolvementRole.REPORTER),
    ]
    svc.add_incident("case-1", MemoryIncident(footage, involved, INCIDENT_MS, [LapMark(4, 59_800)]))
    return svc


@pytest.fixture
def workspace(qtbot: QtBot, services: InMemoryReviewServices) -> Iterator[ReviewWorkspace]:
    """The workspace on case 1, both clips opened and showing their exact frames."""
    ws = ReviewWorkspace(services)
    qtbot.addWidget(ws)
    ws.resize(1100, 700)
    ws.show()
    # Shortcuts act while focus is inside the workspace of the active window, as on a desk.
    ws.activateWindow()
    qtbot.waitUntil(ws.isActiveWindow, timeout=5_000)
    ws.open_incident("case-1")
    qtbot.waitUntil(lambda: all(e.usable for e in ws.entries.values()), timeout=10_000)
    qtbot.waitUntil(ws.exact, timeout=10_000)
    yield ws
    ws.close_incident()
