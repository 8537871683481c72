"""An admin imports the incident reports drivers filed through the league's form: a Google or
Microsoft Forms export, a Discord bot's CSV or JSON, in whatever encoding Excel saved it."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward_desk.core.matching import RosterDriver, match_driver
from steward_desk.core.model import FindingKind
from steward_desk.core.validation import (
    ReportFacts,
    duplicate_findings,
    group_duplicates,
    validate_report,
)
from steward_desk.intake.errors import ReportFormError
from steward_desk.intake.form_values import parse_when, split_footage, split_involved
from steward_desk.intake.report_forms import (
    parse_report_csv,
    parse_report_json,
    parse_reports,
    preview_reports,
    read_report_table,
)
from steward_desk.intake.report_mapping import (
    ReportMapping,
    guess_mapping,
    load_mapping,
    save_mapping,
)

GOOGLE_HEADERS = [
    "Timestamp",
    "Your name",
    "Driver(s) involved",
    "Race",
    "Lap",
    "Time in race",
    "What happened?",
    "Video link",
    "Timestamp in video",
]
GOOGLE_ROWS = [
    ["25/03/2024 21:43:58", "Jürgen Müller", "#12 & Anna Schmidt", "Round 3 Spa", "lap 5 turn 1",
     "", "Divebomb at La Source, contact", "https://youtu.be/dQw4w9WgXcQ?t=62", "1:02"],
    ["26/03/2024 09:01:00", "Anna Schmidt", "Jürgen Müller and #7", "Round 3 Spa", "5", "62:03.4",
     "He turned in\non me", "none", ""],
]  # fmt: skip


def csv_bytes(headers, rows, *, delimiter=",", encoding="utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    text = buffer.getvalue()
    if encoding == "utf-16-le-no-bom":
        return text.encode("utf-16-le")
    return text.encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-no-bom", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_a_google_forms_export_reads_in_any_encoding_and_delimiter(encoding, delimiter):
    data = csv_bytes(GOOGLE_HEADERS, GOOGLE_ROWS, delimiter=delimiter, encoding=encoding)

    preview = preview_reports(data, "reports.csv")
    rows = parse_report_csv(data, "reports.csv", preview.mapping)

    assert preview.delimiter == delimiter
    assert preview.headers == tuple(GOOGLE_HEADERS)
    assert preview.total_rows == 2
    first, second = rows
    assert first.line == 2 and second.line == 3
    assert first.reporter == "Jürgen Müller"
    assert first.involved == ("#12", "Anna Schmidt")
    assert (first.lap, first.race_time_ms) == (5, None)
    assert first.footage == ("https://youtu.be/dQw4w9WgXcQ?t=62",)
    assert first.footage_time_ms == 62_000
    assert first.submitted_at == datetime(2024, 3, 25, 21, 43, 58, tzinfo=UTC)
    assert first.event_hint == "Round 3 Spa"
    assert second.involved == ("Jürgen Müller", "#7")
    assert (second.lap, second.race_time_ms) == (5, 3_723_400)
    assert second.description == "He turned in\non me"
    assert second.footage == ()


def test_the_guessed_mapping_of_a_google_form():
    assert guess_mapping(GOOGLE_HEADERS) == ReportMapping(
        reporter="Your name",
        involved=("Driver(s) involved",),
        description="What happened?",
        submitted_at="Timestamp",
        event="Race",
        lap="Lap",
        race_time="Time in race",
        footage=("Video link",),
        footage_time="Timestamp in video",
    )


def test_the_guessed_mapping_of_a_microsoft_form_with_two_driver_columns():
    headers = ["ID", "Start time", "Completion time", "Email", "Name", "Event", "Session",
               "Other driver 1", "Other driver 2", "Lap number", "Describe the incident",
               "Evidence (YouTube/Twitch)", "Second clip"]  # fmt: skip
    mapping = guess_mapping(headers)
    assert mapping.submitted_at == "Completion time"
    assert mapping.reporter == "Name"
    assert mapping.involved == ("Other driver 1", "Other driver 2")
    assert (mapping.event, mapping.session, mapping.lap) == ("Event", "Session", "Lap number")
    assert mapping.description == "Describe the incident"
    assert mapping.footage == ("Evidence (YouTube/Twitch)", "Second clip")
    assert mapping.missing() == ()


def test_the_guessed_mapping_of_a_discord_bot_export():
    headers = [
        "submitted_at",
        "reporter",
        "accused",
        "session",
        "lap",
        "race_time",
        "details",
        "clip_url",
    ]
    mapping = guess_mapping(headers)
    assert (mapping.submitted_at, mapping.reporter, mapping.involved) == (
        "submitted_at",
        "reporter",
        ("accused",),
    )
    assert (mapping.race_time, mapping.description, mapping.footage) == (
        "race_time",
        "details",
        ("clip_url",),
    )


def test_the_mapping_round_trips_through_toml(tmp_path):
    mapping = ReportMapping(
        reporter='Your "name"',
        involved=("Driver 1", "Driver\t2"),
        description="What happened?",
        footage=("Link",),
        day_first=True,
        timezone="Europe/Berlin",
    )
    path = tmp_path / "league-mapping.toml"
    save_mapping(mapping, path)
    assert load_mapping(path) == mapping
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[columns\nreporter = 1", "not valid TOML"),
        ("[columns]\nreporter = 1", "expected a column name"),
        ("[columns]\nwho = 'x'", "unknown field"),
        ("[columns]\ninvolved = [1]", "expected a list of column names"),
        ("[options]\ntimezone = 'Mars/Olympus'", "unknown time zone"),
        ("[options]\nday_first = 'yes'", "options are day_first"),
        ("[extra]\na = 1", "unknown table"),
    ],
)
def test_a_broken_mapping_file_says_what_is_wrong(tmp_path, text, problem):
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReportFormError) as caught:
        load_mapping(path)
    assert problem in str(caught.value)
    assert str(caught.value).startswith("m.toml: ")


def test_wrong_columns_name_the_file_and_what_is_missing():
    data = csv_bytes(["When", "Who", "Text"], [["x", "y", "z"]])
    with pytest.raises(ReportFormError) as caught:
        parse_reports(data, "form.csv")
    message = str(caught.value)
    assert message.startswith("form.csv: cannot tell which column holds reporter")
    assert "'When', 'Who', 'Text'" in message

    stale = ReportMapping(reporter="Your name", involved=("Drivers",), description="Text")
    with pytest.raises(ReportFormError) as caught:
        parse_report_csv(data, "form.csv", stale)
    assert (caught.value.line, caught.value.column) == (1, "Your name")
    assert "no such column (mapped to reporter)" in str(caught.value)

    incomplete = ReportMapping(reporter="Who")
    with pytest.raises(ReportFormError, match="no column is mapped for involved, description"):
        parse_report_csv(data, "form.csv", incomplete)


def test_a_wrong_encoding_or_binary_file_is_refused_clearly():
    with pytest.raises(ReportFormError, match=r"reports\.xlsx: a binary file"):
        parse_reports(b"PK\x03\x04\x00\x00binary", "reports.xlsx")
    with pytest.raises(ReportFormError, match="not readable as utf-8 or cp1252"):
        parse_reports(b"Your name,Driver\n\x81\x8d\x8f,x\n", "reports.csv")
    with pytest.raises(ReportFormError, match="the file is empty"):
        read_report_table(b"  \r\n", "reports.csv")


def test_a_bad_submission_time_names_the_line_and_column():
    rows = [GOOGLE_ROWS[0], ["yesterday evening", *GOOGLE_ROWS[1][1:]]]
    data = csv_bytes(GOOGLE_HEADERS, rows)
    with pytest.raises(ReportFormError) as caught:
        parse_report_csv(data, "reports.csv", guess_mapping(GOOGLE_HEADERS))
    assert (caught.value.line, caught.value.column) == (3, "Timestamp")
    assert "expected a date and time like 2024-05-01 21:30, got 'yesterday evening'" in str(
        caught.value
    )


def test_a_row_without_reporter_or_involved_driver_is_refused_with_its_line():
    data = csv_bytes(GOOGLE_HEADERS, [GOOGLE_ROWS[0], ["26/03/2024 10:00", "", "#7", *[""] * 6]])
    with pytest.raises(ReportFormError, match="line 3, column 'Your name': the reporter is empty"):
        parse_report_csv(data, "r.csv", guess_mapping(GOOGLE_HEADERS))
    data = csv_bytes(GOOGLE_HEADERS, [["26/03/2024 10:00", "Anna", " ", *[""] * 6]])
    with pytest.raises(ReportFormError, match="names no driver involved"):
        parse_report_csv(data, "r.csv", guess_mapping(GOOGLE_HEADERS))


def test_us_dates_am_pm_and_explicit_zones():
    headers = ["Timestamp", "Your name", "Involved", "Description"]
    rows = [["3/25/2024 9:43:58 PM", "A", "B", "x"], ["12/1/2024 10:00:00 AM", "A", "B", "y"]]
    mapping = guess_mapping(headers)
    first, second = parse_report_csv(csv_bytes(headers, rows), "r.csv", mapping)
    assert first.submitted_at == datetime(2024, 3, 25, 21, 43, 58, tzinfo=UTC)
    assert second.submitted_at == datetime(2024, 12, 1, 10, 0, tzinfo=UTC)

    berlin = ReportMapping(**{**_fields(mapping), "timezone": "Europe/Berlin"})
    (row,) = parse_report_csv(
        csv_bytes(headers, [["2024-03-25 21:43", "A", "B", "x"]]), "r.csv", berlin
    )
    assert row.submitted_at.astimezone(UTC) == datetime(2024, 3, 25, 20, 43, tzinfo=UTC)

    zoned = [
        ["2024-03-25T21:43:58+02:00", "A", "B", "x"],
        ["25.03.2024 21:43 GMT+1", "A", "B", "y"],
    ]
    a, b = parse_report_csv(csv_bytes(headers, zoned), "r.csv", mapping)
    assert a.submitted_at == datetime(2024, 3, 25, 21, 43, 58, tzinfo=timezone(timedelta(hours=2)))
    assert b.submitted_at == datetime(2024, 3, 25, 21, 43, tzinfo=timezone(timedelta(hours=1)))


def test_dates_in_both_orders_in_one_column_need_a_decision():
    headers = ["Timestamp", "Your name", "Involved", "Description"]
    rows = [["25/03/2024 10:00", "A", "B", "x"], ["03/25/2024 10:00", "A", "B", "y"]]
    with pytest.raises(ReportFormError, match="mix day/month and month/day"):
        parse_report_csv(csv_bytes(headers, rows), "r.csv", guess_mapping(headers))


def _fields(mapping: ReportMapping) -> dict:
    return {name: getattr(mapping, name) for name in mapping.__slots__}


@pytest.mark.parametrize(
    ("text", "lap_column", "expected"),
    [
        ("lap 5 turn 1", False, (5, None)),
        ("Lap 12", True, (12, None)),
        ("L7", True, (7, None)),
        ("5", True, (5, None)),
        ("5", False, (None, None)),
        ("3rd lap, T1", False, (3, None)),
        ("1:02:03.4", False, (None, 3_723_400)),
        ("62:03", False, (None, 3_723_000)),
        ("around 45:10 on lap 20", False, (20, 2_710_000)),
        ("1h2m3s", False, (None, 3_723_000)),
        ("12 min", False, (None, 720_000)),
        ("45 s", False, (None, 45_000)),
        ("not sure", False, (None, None)),
    ],
)
def test_when_the_incident_happened_is_read_leniently(text, lap_column, expected):
    assert parse_when(text, lap_column=lap_column) == expected


def test_unreadable_lap_and_time_are_left_out_with_a_note():
    headers = ["Your name", "Involved", "Description", "Lap", "Race time"]
    data = csv_bytes(headers, [["A", "B", "x", "dunno", "early"]])
    (row,) = parse_report_csv(data, "r.csv", guess_mapping(headers))
    assert (row.lap, row.race_time_ms) == (None, None)
    assert row.notes == ("lap 'dunno' not understood", "race time 'early' not understood")


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("#12 & Jürgen Müller", ("#12", "Jürgen Müller")),
        ("Anna vs Bob; Carl and Dora", ("Anna", "Bob", "Carl", "Dora")),
        ("Alexander Sandberg", ("Alexander Sandberg",)),
        ("S76561198000000001, 12\n#7", ("S76561198000000001", "12", "#7")),
        ("Max VS. Lewis / Seb", ("Max", "Lewis", "Seb")),
    ],
)
def test_involved_drivers_are_split_on_the_usual_separators(text, refs):
    assert split_involved(text) == refs


def test_footage_cells_give_every_link_or_else_the_paths():
    cell = "onboard: https://youtu.be/dQw4w9WgXcQ?t=5, chase https://streamable.com/abc)."
    assert split_footage(cell) == ("https://youtu.be/dQw4w9WgXcQ?t=5", "https://streamable.com/abc")
    assert split_footage("C:\\clips\\a.mp4\n D:\\b.mkv") == ("C:\\clips\\a.mp4", "D:\\b.mkv")
    assert split_footage("N/A") == ()


def test_reports_from_a_bot_as_json():
    doc = {
        "reports": [
            {
                "submitted_at": "2024-03-25T21:43:58Z",
                "event": "Round 3",
                "session": "R",
                "reporter": "S76561198000000001",
                "involved": ["S76561198000000002", "#7"],
                "lap": 5,
                "race_time_ms": 1_234_567,
                "description": "Contact at turn 1",
                "footage": ["https://youtu.be/dQw4w9WgXcQ?t=62", "C:\\clips\\onboard.mp4"],
            },
            {"reporter": "Anna", "involved": "Bob & Carl", "lap": "lap 3", "race_time": "12:30"},
        ]
    }
    first, second = parse_reports(json.dumps(doc).encode("utf-8-sig"), "bot.json")
    assert first.submitted_at == datetime(2024, 3, 25, 21, 43, 58, tzinfo=UTC)
    assert first.involved == ("S76561198000000002", "#7")
    assert (first.lap, first.race_time_ms) == (5, 1_234_567)
    assert first.footage == ("https://youtu.be/dQw4w9WgXcQ?t=62", "C:\\clips\\onboard.mp4")
    assert (second.line, second.involved, second.lap, second.race_time_ms) == (
        2,
        ("Bob", "Carl"),
        3,
        750_000,
    )
    assert second.submitted_at is None


@pytest.mark.parametrize(
    ("doc", "where", "problem"),
    [
        ({"reports": 3}, (None, None), "expected a list of reports"),
        ([1], (1, None), "expected an object per report"),
        ([{"reporter": "A", "involved": "B"}, {"reporter": True, "involved": "B"}], (2, "reporter"), "expected text"),
        ([{"reporter": "A", "involved": {"x": 1}}], (1, "involved"), "expected text or a list"),
        ([{"reporter": "A", "involved": "B", "race_time_ms": "12"}], (1, "race_time_ms"), "milliseconds"),
        ([{"reporter": "A", "involved": "B", "submitted_at": "soon"}], (1, "submitted_at"), "expected a date"),
        ([{"involved": "B"}], (1, "reporter"), "the reporter is empty"),
    ],
)  # fmt: skip
def test_bad_json_reports_name_the_item_and_key(doc, where, problem):
    with pytest.raises(ReportFormError) as caught:
        parse_report_json(json.dumps(doc).encode(), "bot.json")
    assert (caught.value.line, caught.value.column) == where
    assert problem in str(caught.value)


def test_the_suffix_decides_between_csv_and_json_and_content_decides_otherwise():
    headers = ["[Your name]", "Involved", "Description"]
    mapping = ReportMapping(
        reporter="[Your name]", involved=("Involved",), description="Description"
    )
    (row,) = parse_reports(csv_bytes(headers, [["Anna", "Bob", "x"]]), "form.csv", mapping)
    assert row.reporter == "Anna"
    (row,) = parse_reports(b'[{"reporter": "Anna", "involved": "Bob"}]', "export.dat")
    assert row.involved == ("Bob",)


def test_broken_json_names_the_line():
    with pytest.raises(ReportFormError, match=r"bot.json: line 2: not valid JSON"):
        parse_reports(b'[\n{"reporter": }]', "bot.json")


# --- the story: 200 reports from a Google Form, matched and validated -----------------------

ROSTER = [
    RosterDriver(f"S765611980000000{n:02d}", (name, name.split()[-1][:3].upper()), (car,))
    for n, (name, car) in enumerate(
        [("Jürgen Müller", 12), ("Anna Schmidt", 7), ("François Dupont", 34), ("Zoë Å. Lind", 88),
         ("Bob Stone", 5), ("Carla Reyes", 21), ("Dmitri Ivanov", 3), ("Eva Nováková", 44)],
        start=1,
    )
]  # fmt: skip
SESSION_END = datetime(2024, 3, 24, 21, 0, tzinfo=UTC)


def generated_reports() -> tuple[list[list[str]], dict[int, str]]:
    """200 rows in blocks of four with known traits: rows 4b and 4b+1 are the two drivers of
    one contact reporting it from each side; row 4b+2 is late in even blocks; row 4b+3 comes
    from a driver who is not among those named in every third block. Laps differ per block,
    so nothing else looks like a duplicate."""
    rows, kinds = [], {}

    def row(i: int, reporter: RosterDriver, involved: str, lap: int, late: bool = False) -> None:
        submitted = SESSION_END + (timedelta(hours=30) if late else timedelta(hours=2, minutes=i))
        rows.append(
            [submitted.strftime("%d/%m/%Y %H:%M:%S"), reporter.names[0], involved, "Round 3",
             f"Lap {lap}", "", f"Report {i}: contact", f"https://youtu.be/dQw4w9WgXcQ?t={i}", ""]
        )  # fmt: skip

    for block in range(50):
        a, b = ROSTER[block % 8], ROSTER[(block + 3) % 8]
        row(4 * block, a, f"{a.names[0]} & #{b.car_numbers[0]}", 1 + block)
        row(4 * block + 1, b, f"{b.names[0]} and {a.names[0]}", 1 + block)
        kinds[4 * block] = kinds[4 * block + 1] = "pair"
        c, d = ROSTER[(block + 1) % 8], ROSTER[(block + 5) % 8]
        late = block % 2 == 0
        row(4 * block + 2, c, f"{c.names[0]}, {d.names[0]}", 60 + block, late)
        kinds[4 * block + 2] = "late" if late else "single"
        e, f, g = ROSTER[(block + 2) % 8], ROSTER[(block + 6) % 8], ROSTER[(block + 7) % 8]
        if block % 3 == 0:
            row(4 * block + 3, e, f"{f.names[0]} vs #{g.car_numbers[0]}", 120 + block)
            kinds[4 * block + 3] = "not_involved"
        else:
            row(4 * block + 3, e, f"#{e.car_numbers[0]}; {f.names[0]}", 120 + block)
            kinds[4 * block + 3] = "single"
    return rows, kinds


def test_200_form_reports_import_with_a_mapping_and_are_flagged(tmp_path):
    rows, kinds = generated_reports()
    export = tmp_path / "Incident reports - Form responses 1.csv"
    export.write_bytes(csv_bytes(GOOGLE_HEADERS, rows, encoding="utf-8-sig"))
    mapping_file = tmp_path / "league.toml"
    save_mapping(guess_mapping(preview_reports(export.read_bytes(), export).headers), mapping_file)

    reports = parse_report_csv(export.read_bytes(), export, load_mapping(mapping_file))
    assert len(reports) == 200

    facts = []
    for row in reports:
        reporter = match_driver(row.reporter, ROSTER)
        matches = [match_driver(ref, ROSTER) for ref in row.involved]
        assert reporter.player_id and all(m.player_id for m in matches), row
        facts.append(
            ReportFacts(
                report_id=str(row.line),
                session_id="r3-race",
                submitted_at=row.submitted_at,
                reporter_player_id=reporter.player_id,
                reporter_name=row.reporter,
                involved_player_ids=tuple(m.player_id for m in matches),
                lap=row.lap,
                footage_count=len(row.footage),
            )
        )
    findings = {f.report_id: {x.kind for x in validate_report(f, SESSION_END)} for f in facts}
    groups = group_duplicates(facts)
    for report_id, extra in duplicate_findings(facts, groups).items():
        findings[report_id] |= {x.kind for x in extra}

    for i, kind in kinds.items():
        got = findings[str(i + 2)]  # line = row + header
        assert (FindingKind.LATE_REPORT in got) == (kind == "late"), (i, got)
        assert (FindingKind.REPORTER_NOT_INVOLVED in got) == (kind == "not_involved"), (i, got)
        assert FindingKind.NO_FOOTAGE not in got and FindingKind.NO_TIMESTAMP not in got
        assert (FindingKind.DUPLICATE in got) == (kind == "pair"), (i, got)
    pairs = {tuple(int(x) - 2 for x in g) for g in groups if len(g) > 1}
    assert pairs == {(i, i + 1) for i in range(0, 200, 4)}
    assert sum(kind == "late" for kind in kinds.values()) == 25
    assert sum(kind == "not_involved" for kind in kinds.values()) == 17


# --- fuzz: whatever the file, a typed error or rows --------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_give_rows_or_a_report_form_error(data):
    with contextlib.suppress(ReportFormError):
        parse_report_csv(data, "fuzz.csv", guess_mapping(GOOGLE_HEADERS))
    with contextlib.suppress(ReportFormError):
        parse_reports(data, "fuzz.csv")


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(cells, min_size=0, max_size=11), max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]),
)
def test_random_tables_under_a_google_header_give_rows_or_a_report_form_error(
    rows, delimiter, encoding
):
    data = csv_bytes(GOOGLE_HEADERS, rows, delimiter=delimiter, encoding=encoding)
    try:
        parsed = parse_report_csv(data, "fuzz.csv", guess_mapping(GOOGLE_HEADERS))
    except ReportFormError as exc:
        assert str(exc).startswith("fuzz.csv: ")
        return
    assert all(r.reporter and r.involved for r in parsed)
