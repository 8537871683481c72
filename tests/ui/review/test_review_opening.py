"""Opening cases: first alignment from the reports' timestamps, reopening, layouts, and
shuttling backwards through the contact."""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot
from review_story import INCIDENT_MS, expected_index

from steward_desk.media.clip_maker import ClipInfo
from steward_desk.media.stamp import read_stamp
from steward_desk.ui.review.memory_services import InMemoryReviewServices, MemoryIncident
from steward_desk.ui.review.tile import image_to_rgb
from steward_desk.ui.review.workspace import ReviewWorkspace


def shown_index(ws: ReviewWorkspace, clip_id: str) -> int:
    image = ws.tile(clip_id).displayed_image
    assert image is not None
    return read_stamp(image_to_rgb(image)).index


def open_case(qtbot: QtBot, services: InMemoryReviewServices, case: str) -> ReviewWorkspace:
    ws = ReviewWorkspace(services)
    qtbot.addWidget(ws)
    ws.resize(1000, 700)
    ws.show()
    ws.open_incident(case)
    qtbot.waitUntil(lambda: all(e.usable for e in ws.entries.values()), timeout=10_000)
    qtbot.waitUntil(ws.exact, timeout=10_000)
    return ws


def test_clips_never_aligned_start_from_the_timestamps_the_reports_gave(
    qtbot: QtBot, services: InMemoryReviewServices, onboards: dict[str, ClipInfo]
) -> None:
    # The reporter wrote "contact at 1.250 s" in the accused's clip and "2.000 s" in theirs.
    incident = services.incidents["case-1"]
    accused, reporter = incident.footage
    footage = [
        replace(accused, offset_ms=0, start_ms=1_250),
        replace(reporter, offset_ms=0, start_ms=2_000),
    ]
    services.add_incident("fresh", MemoryIncident(footage, incident.involved, INCIDENT_MS))
    ws = open_case(qtbot, services, "fresh")
    assert ws.timeline.track("accused").offset_ms == INCIDENT_MS - 1_250
    assert shown_index(ws, "accused") == expected_index(onboards["accused"], 1_250)
    assert shown_index(ws, "reporter") == expected_index(onboards["reporter"], 2_000)
    assert services.saved_offsets == []  # nothing is stored until the steward syncs
    ws.close_incident()


def test_reopening_a_case_at_once_shows_it_whole(
    qtbot: QtBot, services: InMemoryReviewServices, onboards: dict[str, ClipInfo]
) -> None:
    ws = open_case(qtbot, services, "case-1")
    ws.open_incident("case-1")  # files of the first opening may still be on their way
    qtbot.waitUntil(lambda: all(e.usable for e in ws.entries.values()), timeout=10_000)
    qtbot.waitUntil(ws.exact, timeout=10_000)
    ws.step_forward()
    qtbot.waitUntil(ws.exact, timeout=5_000)
    assert shown_index(ws, "accused") == expected_index(onboards["accused"], 1_000) + 1
    ws.close_incident()


def test_one_tile_shows_the_focused_clip_and_two_tiles_sit_side_by_side(
    qtbot: QtBot, services: InMemoryReviewServices
) -> None:
    ws = open_case(qtbot, services, "case-1")
    accused, reporter = ws.tile("accused"), ws.tile("reporter")
    assert ws.layout_mode == 2
    assert accused.geometry().top() == reporter.geometry().top()
    assert accused.geometry().right() < reporter.geometry().left()
    ws.focus_2()
    ws.layout_1()
    assert reporter.isVisibleTo(ws) and not accused.isVisibleTo(ws)
    ws.focus_1()
    assert accused.isVisibleTo(ws) and not reporter.isVisibleTo(ws)
    ws.layout_4()
    assert accused.isVisibleTo(ws) and reporter.isVisibleTo(ws)
    ws.close_incident()


def test_shuttling_backwards_runs_the_clock_back_and_shows_earlier_frames(
    qtbot: QtBot, services: InMemoryReviewServices, onboards: dict[str, ClipInfo]
) -> None:
    ws = open_case(qtbot, services, "case-1")
    ws.timeline.set_position(62_000)
    qtbot.waitUntil(ws.exact, timeout=5_000)
    start = shown_index(ws, "accused")
    ws.shuttle_back()
    assert ws.timeline.playing and ws.timeline.rate == -1.0
    qtbot.waitUntil(lambda: ws.timeline.position_ms < 61_500, timeout=5_000)
    ws.pause()
    qtbot.waitUntil(ws.exact, timeout=5_000)
    assert shown_index(ws, "accused") < start
    assert shown_index(ws, "accused") == expected_index(
        onboards["accused"], ws.timeline.position_ms - 60_000
    )
    ws.close_incident()
