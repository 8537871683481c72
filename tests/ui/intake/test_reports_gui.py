"""After the race a steward imports the league form's 200 reports in the app: the mapping
dialog previews the export and guesses the columns, the league's mapping is remembered,
unclear drivers are confirmed, and the queue shows which cases are flagged and why. One
more report arrives by DM and is typed in by hand."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from intake_gui_helpers import Messages, answer, row_counts
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from steward_desk.app import Desk
from steward_desk.intake.results_import import import_results
from steward_desk.ui.intake.confirm_dialog import NOBODY, MatchConfirmDialog
from steward_desk.ui.intake.mapping_dialog import ColumnMappingDialog
from steward_desk.ui.intake.new_report_dialog import NewReportDialog, parse_race_time
from steward_desk.ui.queue_model import FLAGS, SUMMARY_ROLE


def import_race(desk: Desk, league: Any, folder: Path, race_end: datetime | None = None) -> str:
    files = league.weekend_files(folder, race_end=race_end or league.RACE_END)
    outcome = import_results(desk.store, files, event=league.EVENT)
    desk.window.refresh()
    return next(
        s.session_id
        for s, acc in zip(outcome.sessions, outcome.parsed, strict=True)
        if acc.raw_session_type == "R"
    )


def choose_export(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "Report exports"))
    )


def queue_flags(desk: Desk) -> list[tuple[Any, str]]:
    model = desk.window.model
    return [
        (model.index(r, 0).data(SUMMARY_ROLE), model.index(r, FLAGS).data() or "")
        for r in range(model.rowCount())
    ]


def test_200_form_reports_go_through_the_mapping_dialog_and_are_flagged_in_the_queue(
    desk: Desk, league: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    import_race(desk, league, tmp_path / "results")
    export = tmp_path / "Incident reports (Responses).csv"
    league.reports_csv(export)
    choose_export(monkeypatch, export)

    def look_and_accept(dialog: ColumnMappingDialog) -> bool:
        assert dialog.table.rowCount() == 8 and dialog.table.columnCount() == 9
        assert dialog.table.item(0, 1).text() == league.LEAGUE[0].name
        assert dialog.fields["reporter"].column() == "Your name"
        assert dialog.fields["involved"].columns() == ("Driver(s) involved",)
        assert dialog.fields["footage"].columns() == ("Video link",)
        assert dialog.fields["session"].column() == ""  # the form has no session column
        labels = [w.text() for w in dialog.findChildren(QLabel)]
        assert "<b>Reporter *</b>" in labels and "<b>Description *</b>" in labels
        assert "<b>Drivers involved *</b> (several)" in labels
        assert "Lap" in labels  # optional fields carry no mark
        assert "200 reports" in labels[0]
        # Unmapping a required field blocks the import and says which.
        dialog.fields["description"].setCurrentIndex(0)
        assert not dialog.ok.isEnabled() and "Description" in dialog.problem.text()
        dialog.fields["description"].setCurrentIndex(
            dialog.fields["description"].findData("What happened?")
        )
        assert dialog.ok.isEnabled()
        return True

    shown = answer(monkeypatch, ColumnMappingDialog, look_and_accept)
    confirm = answer(monkeypatch, MatchConfirmDialog)
    desk.window.intake.import_reports_action.trigger()

    assert len(shown) == 1 and confirm == []  # full names and car numbers: nothing unclear
    (summary,) = messages.of("information")
    assert "200 reports filed into 150 cases (150 new)" in summary
    assert "25 late report" in summary and "17 reporter not involved" in summary
    assert "100 duplicate" in summary

    rows = queue_flags(desk)
    assert len(rows) == 150
    flags = Counter(flag for _s, text in rows for flag in set(text.split(", ")) if flag)
    assert flags["Late report"] == 25 and flags["Reporter not involved"] == 17
    assert flags["Duplicate"] == 50  # one case per pair, both of its reports marked
    pairs = [s for s, _ in rows if len(s.involved) == 2 and "Duplicate" in _]
    assert len(pairs) == 50
    # The imported case selected after the import is a flagged one, shown in the details.
    selected = desk.window.current_incident_id()
    assert selected is not None
    html = desk.window.details.browser.toPlainText()
    assert "Findings" in html


def test_the_mapping_is_remembered_for_the_league_and_offered_next_time(
    desk: Desk, league: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    import_race(desk, league, tmp_path / "results")
    rows, _ = league.generated_reports(8)
    # This league's form has odd headers a guess cannot place.
    headers = [
        "Zeit",
        "Fahrer",
        "Gegner",
        "Rennen",
        "Runde",
        "Rennzeit",
        "Bericht",
        "Beweis",
        "Videozeit",
    ]
    export = tmp_path / "formular.csv"
    export.write_bytes(league.csv_bytes(headers, rows))
    choose_export(monkeypatch, export)

    def map_by_hand(dialog: ColumnMappingDialog) -> bool:
        assert dialog.saved is None and not dialog.ok.isEnabled()
        for field, column in (("reporter", "Fahrer"), ("description", "Bericht"),
                              ("submitted_at", "Zeit"), ("lap", "Runde"), ("event", "Rennen")):  # fmt: skip
            dialog.fields[field].setCurrentIndex(dialog.fields[field].findData(column))
        dialog.fields["involved"].combos[0].setCurrentIndex(
            dialog.fields["involved"].combos[0].findData("Gegner")
        )
        dialog.fields["footage"].combos[0].setCurrentIndex(
            dialog.fields["footage"].combos[0].findData("Beweis")
        )
        dialog.day_first.setCurrentIndex(dialog.day_first.findData("day"))
        return dialog.ok.isEnabled()

    answer(monkeypatch, ColumnMappingDialog, map_by_hand)
    desk.window.intake.import_reports_action.trigger()
    assert "8 reports filed" in messages.of("information")[0]

    # Next week's export of the same form: the saved mapping is offered as it was.
    rows2 = [[*r[:6], f"Week 2 {r[6]}", *r[7:]] for r in rows]
    export2 = tmp_path / "formular week 2.csv"
    export2.write_bytes(league.csv_bytes(headers, rows2))
    choose_export(monkeypatch, export2)

    def check_offered(dialog: ColumnMappingDialog) -> bool:
        assert dialog.saved is not None
        assert "saved for My league" in dialog.origin.text()
        assert dialog.fields["reporter"].column() == "Fahrer"
        assert dialog.fields["involved"].columns() == ("Gegner",)
        assert dialog.day_first.currentData() == "day"
        return True

    shown = answer(monkeypatch, ColumnMappingDialog, check_offered)
    desk.window.intake.import_reports_action.trigger()
    assert len(shown) == 1
    assert "8 reports filed" in messages.of("information")[1]
    assert "Fahrer" in str(desk.settings.value("intake/report_mapping/My league"))


def test_an_unclear_driver_is_confirmed_by_the_steward(
    desk: Desk, league: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    import_race(desk, league, tmp_path / "results")
    anna, hans, bob = league.LEAGUE[1], league.LEAGUE[8], league.LEAGUE[4]
    rows = [
        ["24/03/2024 22:00:00", bob.name, "Schmidt", "Round 3", "Lap 2", "", "Punted at Eau Rouge",
         "https://youtu.be/dQw4w9WgXcQ?t=75", ""],
        ["24/03/2024 22:05:00", anna.name, "Schmidt", "Round 3", "Lap 9", "", "Who was that?",
         "https://youtu.be/dQw4w9WgXcQ?t=300", ""],
    ]  # fmt: skip
    export = tmp_path / "two reports.csv"
    export.write_bytes(league.csv_bytes(league.GOOGLE_HEADERS, rows))
    choose_export(monkeypatch, export)
    answer(monkeypatch, ColumnMappingDialog)

    def confirm(dialog: MatchConfirmDialog) -> bool:
        assert dialog.table.rowCount() == 2
        assert dialog.table.item(0, 2).text() == "Schmidt"
        options = [dialog.combos[0].itemText(i) for i in range(dialog.combos[0].count())]
        assert any(anna.name in o for o in options) and any(hans.name in o for o in options)
        assert options[-1] == NOBODY
        assert dialog.combos[0].currentText() == NOBODY  # equals: a person must choose
        dialog.choose(0, hans.player_id)
        return True

    answer(monkeypatch, MatchConfirmDialog, confirm)
    desk.window.intake.import_reports_action.trigger()

    cases = {s.reporter: s for s in desk.store.incidents.list_summaries()}
    bobs = cases[bob.name]
    assert {(d.player_id, d.role.value) for d in bobs.involved} == {
        (bob.player_id, "reporter"),
        (hans.player_id, "accused"),
    }
    assert bobs.findings == ()
    annas = cases[anna.name]  # left at "nobody": flagged, not guessed
    assert [f.kind.value for f in annas.findings] == ["unknown_driver"]


def test_a_report_typed_in_by_hand_is_filed_and_opens_at_the_incident_time(
    desk: Desk, league: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    ended = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    race = import_race(desk, league, tmp_path / "results", ended)
    carla, dmitri = league.LEAGUE[5], league.LEAGUE[6]

    def type_report(dialog: NewReportDialog) -> bool:
        assert dialog.session.currentData() == race  # the latest race is preselected
        assert dialog.involved.count() == len(league.LEAGUE)
        assert dialog.problems()  # nothing filled in yet
        dialog.set_reporter(carla.player_id)
        dialog.search.setText(f"#{dmitri.car}")
        visible = [dialog.involved.item(i).text() for i in range(dialog.involved.count())
                   if not dialog.involved.item(i).isHidden()]  # fmt: skip
        assert visible == [f"#{dmitri.car}  {dmitri.name}  ({dmitri.player_id})"]
        dialog.set_involved([dmitri.player_id])
        dialog.lap.setValue(14)
        dialog.race_time.setText("62:03.4xx")
        assert any("not a race time" in p for p in dialog.problems())
        dialog.race_time.setText("62:03.400")
        dialog.description.setPlainText("Sent it up the inside at Bus Stop, no overlap.")
        assert not dialog.add_footage("ftp://nowhere")  # neither a link nor a file
        assert dialog.add_footage("https://youtu.be/dQw4w9WgXcQ?t=1m2s")
        assert dialog.problems() == []
        return True

    answer(monkeypatch, NewReportDialog, type_report)
    action = desk.window.intake.new_report_action
    assert action.shortcut().toString() == "Ctrl+N"
    action.trigger()

    assert messages.shown == []
    (case,) = desk.store.incidents.list_summaries()
    assert case.session_id == race and case.lap == 14 and case.race_time_ms == 3_723_400
    assert [(d.name, d.role.value) for d in case.involved] == [
        (carla.name, "reporter"),
        (dmitri.name, "accused"),
    ]
    assert case.findings == ()
    assert desk.window.current_incident_id() == case.id
    detail = desk.store.incidents.detail(case.id)
    assert detail.reports[0].source == "manual"
    assert "1 report filed into 1 case" in desk.window.statusBar().currentMessage()

    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toString()))
    )
    url = desk.window.intake.open_footage_at_time()
    # The link pointed at 1:02 in the video, which is the incident: open there.
    assert url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=62s"
    assert opened == [url]


def test_open_at_time_uses_the_race_clock_when_the_clip_has_an_offset(
    desk: Desk, league: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from steward_desk.core.model import FootageRef
    from steward_desk.ui.intake.actions import footage_moment, open_at_time_url

    race = import_race(desk, league, tmp_path / "results")
    assert race
    clip = FootageRef("f1", "twitch", "https://www.twitch.tv/videos/123456789", None, None,
                      offset_ms=-600_000, owner_player_id=None, label="Stream")  # fmt: skip
    from dataclasses import replace

    from steward_desk.core.model import EventKind, IncidentStatus, IncidentSummary

    summary = IncidentSummary(
        id="i", number=1, event="e", event_kind=EventKind.SERIES, session="R", session_id=race,
        status=IncidentStatus.NEW, category=None, reporter="", involved=(),
        reported_at=datetime.now(UTC), deadline=None, lap=3, race_time_ms=125_000,
    )  # fmt: skip
    # The stream started 10 minutes before the race: the incident is at 12:05 of the VOD.
    assert footage_moment(clip, summary) == 725_000
    assert open_at_time_url(clip, summary) == "https://www.twitch.tv/videos/123456789?t=0h12m05s"
    assert footage_moment(replace(clip, offset_ms=0, start_ms=90_000), summary) == 90_000
    no_time = replace(summary, race_time_ms=None)
    assert footage_moment(replace(clip, start_ms=30_000), no_time) == 30_000
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    assert desk.window.intake.open_footage_at_time() is None  # no case selected: nothing opens
    assert opened == []


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("62:03.400", 3_723_400),
        ("1:02:03.4", 3_723_400),
        ("0:59", 59_000),
        ("", None),
        ("5:07,25", 307_250),
    ],
)
def test_race_times_are_read_as_stewards_write_them(text: str, ms: int | None) -> None:
    assert parse_race_time(text) == ms


@pytest.mark.parametrize("text", ["62:75", "lap 5", "1:60:00", "12"])
def test_what_is_not_a_race_time_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a race time"):
        parse_race_time(text)


def test_a_broken_export_is_named_and_nothing_is_filed(
    desk: Desk, league: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    import_race(desk, league, tmp_path / "results")
    before = row_counts(desk)
    export = tmp_path / "export.csv"
    rows, _ = league.generated_reports(4)
    rows[2][0] = "the day after the race"  # a submission time that is not a date
    export.write_bytes(league.csv_bytes(league.GOOGLE_HEADERS, rows))
    choose_export(monkeypatch, export)
    answer(monkeypatch, ColumnMappingDialog)
    desk.window.intake.import_reports_action.trigger()
    (warning,) = messages.of("warning")
    assert "export.csv" in warning and "line 4" in warning and "Timestamp" in warning
    assert row_counts(desk) == before


def test_the_footage_link_in_the_case_details_offers_open_at_time(
    desk: Desk,
    league: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
    messages: Messages,
) -> None:
    from steward_desk.ui.intake.new_report_dialog import ManualReport

    race = import_race(desk, league, tmp_path / "results")
    a, b = league.LEAGUE[0], league.LEAGUE[1]
    desk.window.intake.reports.file_manual(
        ManualReport(race, a.player_id, (b.player_id,), True, 3, 200_000,
                     "Squeezed onto the grass on the Kemmel straight",
                     ("https://www.twitch.tv/videos/2012345678?t=00h03m05s",))
    )  # fmt: skip
    desk.window.details_dock.resize(500, 800)
    browser = desk.window.details.browser
    assert messages.shown == []
    qtbot.waitUntil(lambda: "twitch.tv" in browser.toPlainText())
    cursor = browser.document().find("twitch.tv/videos")
    assert not cursor.isNull()
    browser.setTextCursor(cursor)
    position = browser.cursorRect(cursor).center()
    assert browser.anchorAt(position).startswith("https://www.twitch.tv/videos/2012345678")

    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toString()))
    )
    menu = desk.window.intake.details_menu(position)
    menus = [[action.text() for action in menu.actions()]]
    next(x for x in menu.actions() if x.text().startswith("Open at time")).trigger()

    assert menus and menus[0][0] == "Open at time: Twitch link at 03:05.000"
    assert "Copy link at incident time" in menus[0]
    # Race time 3:20 and the link's 3:05 meant 3:05 into the VOD: that is where it opens.
    assert opened == ["https://www.twitch.tv/videos/2012345678?t=0h03m05s"]


@pytest.fixture(scope="module")
def onboard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small PS4-like onboard (H.264 720p30 shape, shrunk) a driver sent by DM."""
    from steward_desk.media.clip_maker import make_clip, ps4_720p30

    folder = tmp_path_factory.mktemp("dm")
    return make_clip(folder / "onboard-carla.mp4", ps4_720p30(160, 90, seconds=1.5)).path


def test_a_local_onboard_is_hashed_and_probed_when_the_report_is_filed(
    desk: Desk, league: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, onboard: Path
) -> None:
    import hashlib

    from steward_desk.ui.intake.new_report_dialog import ManualReport

    race = import_race(desk, league, tmp_path / "results")
    a, b = league.LEAGUE[5], league.LEAGUE[6]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(onboard)], ""))
    )

    def pick_file(dialog: NewReportDialog) -> bool:
        dialog.choose_files()  # the "Add file…" button
        assert dialog.footage.count() == 1 and "file:" in dialog.footage.item(0).text()
        report = dialog.report()
        assert report.footage == (str(onboard),)
        return False  # filed below with a known race time instead

    answer(monkeypatch, NewReportDialog, pick_file)
    desk.window.intake.new_report_action.trigger()
    desk.window.intake.reports.file_manual(
        ManualReport(race, a.player_id, (b.player_id,), True, 2, 150_000, "Onboard attached",
                     (str(onboard),))
    )  # fmt: skip
    (case,) = desk.store.incidents.list_summaries()
    (clip,) = desk.store.incidents.detail(case.id).footage
    assert clip.source == "file" and clip.owner_player_id == a.player_id
    assert clip.sha256 == hashlib.sha256(onboard.read_bytes()).hexdigest()
    assert clip.duration_ms and 1400 <= clip.duration_ms <= 1600 and clip.fps == pytest.approx(30)


def test_cancel_while_the_onboard_is_indexed_files_nothing(
    desk: Desk, league: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, onboard: Path
) -> None:
    import steward_desk.ui.intake.report_flow as flow
    from steward_desk.ui.intake.new_report_dialog import ManualReport

    race = import_race(desk, league, tmp_path / "results")
    real = flow.apply_plan

    def cancel_when_indexing(store: Any, plan: Any, **kwargs: Any) -> Any:
        progress = kwargs["progress"]

        def watch(done: int, total: int, text: str) -> None:
            if "Indexing" in text or "Hashing" in text:
                progress.cancel()  # the steward presses Cancel on a long file
            progress(done, total, text)

        return real(store, plan, **{**kwargs, "progress": watch})

    monkeypatch.setattr(flow, "apply_plan", cancel_when_indexing)
    before = row_counts(desk)
    a, b = league.LEAGUE[5], league.LEAGUE[6]
    desk.window.intake.reports.file_manual(
        ManualReport(race, a.player_id, (b.player_id,), True, 2, None, "Onboard attached",
                     (str(onboard),))
    )  # fmt: skip
    assert "nothing was filed" in desk.window.statusBar().currentMessage()
    assert row_counts(desk) == before


def test_reports_that_name_no_event_are_filed_under_the_session_the_steward_picks(
    desk: Desk, league: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    from PySide6.QtWidgets import QInputDialog

    import_race(desk, league, tmp_path / "round3")
    files = league.weekend_files(
        tmp_path / "round4", track="monza", race_end=league.RACE_END + timedelta(days=7)
    )
    import_results(desk.store, files, event="Round 4 · Monza")
    rows, _ = league.generated_reports(4)
    headers = [h for h in league.GOOGLE_HEADERS if h != "Race"]
    export = tmp_path / "no event column.csv"
    export.write_bytes(league.csv_bytes(headers, [r[:3] + r[4:] for r in rows]))
    choose_export(monkeypatch, export)
    answer(monkeypatch, ColumnMappingDialog)
    asked: list[tuple[str, list[str]]] = []

    def pick(
        _parent: object, _title: str, text: str, items: list[str], *args: object
    ) -> tuple[str, bool]:
        asked.append((text, items))
        return next(i for i in items if i.startswith("Round 4") and "R ·" in i), True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(pick))
    desk.window.intake.import_reports_action.trigger()

    assert asked, messages.shown
    (question, choices) = asked[0]
    assert "names no event and there are several" in question and len(choices) == 6
    assert "4 reports filed" in messages.of("information")[0]
    sessions = {s.session_id for s in desk.store.incidents.list_summaries()}
    monza = [
        s.id
        for s in desk.store.league.sessions()
        if s.event.startswith("Round 4") and s.type.value == "R"
    ]
    assert sessions == set(monza)
