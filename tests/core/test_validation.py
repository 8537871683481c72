"""The rulebook's reporting procedure, applied to reports as findings stewards can see."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from steward_desk.core.model import FindingKind
from steward_desk.core.validation import (
    ReportFacts,
    duplicate_findings,
    group_duplicates,
    validate_report,
)

END = datetime(2024, 3, 24, 21, 0, tzinfo=UTC)
ANNA, BOB, CARL, DORA = "S1", "S2", "S3", "S4"


def report(report_id="r1", **changes) -> ReportFacts:
    base = ReportFacts(
        report_id=report_id,
        session_id="race",
        submitted_at=END + timedelta(hours=2),
        reporter_player_id=ANNA,
        reporter_name="Anna",
        involved_player_ids=(ANNA, BOB),
        lap=5,
        race_time_ms=None,
        footage_count=1,
    )
    return replace(base, **changes)


def kinds(findings) -> set[FindingKind]:
    return {f.kind for f in findings}


def test_a_proper_report_has_no_findings():
    assert validate_report(report(), END) == ()


def test_a_report_after_the_window_is_late_and_says_by_how_much():
    (late,) = validate_report(report(submitted_at=END + timedelta(hours=26, minutes=30)), END)
    assert late.kind is FindingKind.LATE_REPORT
    assert late.message.startswith("Submitted 2 h 30 min after the report window closed")
    assert "2024-03-25 21:00 UTC" in late.message
    assert validate_report(report(submitted_at=END + timedelta(hours=24)), END) == ()


def test_the_window_is_the_rulebooks_parameter_and_zones_are_respected():
    late = report(submitted_at=END + timedelta(hours=13))
    assert kinds(validate_report(late, END, window=timedelta(hours=12))) == {
        FindingKind.LATE_REPORT
    }
    cet = timezone(timedelta(hours=1))
    local = report(submitted_at=datetime(2024, 3, 25, 22, 30, tzinfo=cet))  # 21:30 UTC
    assert kinds(validate_report(local, END)) == {FindingKind.LATE_REPORT}
    naive_end = END.replace(tzinfo=None)  # naive times are UTC
    assert validate_report(report(), naive_end) == ()


def test_an_unknown_session_end_cannot_make_a_report_late():
    assert validate_report(report(submitted_at=END + timedelta(days=30)), None) == ()


def test_a_reporter_not_among_the_drivers_involved():
    (finding,) = validate_report(report(involved_player_ids=(BOB, CARL)), END)
    assert finding.kind is FindingKind.REPORTER_NOT_INVOLVED
    assert "'Anna'" in finding.message


def test_unknown_reporter_and_unknown_drivers():
    findings = validate_report(
        report(reporter_player_id=None, reporter_name="xX_ghost_Xx", unmatched=("#99", "Zed")),
        END,
    )
    assert [f.kind for f in findings] == [FindingKind.UNKNOWN_DRIVER, FindingKind.UNKNOWN_DRIVER]
    assert "'xX_ghost_Xx'" in findings[0].message
    assert "'#99', 'Zed'" in findings[1].message


def test_no_footage_and_no_timestamp():
    bare = report(footage_count=0, lap=None)
    assert kinds(validate_report(bare, END)) == {FindingKind.NO_FOOTAGE, FindingKind.NO_TIMESTAMP}
    timed_video = report(lap=None, footage_has_time=True)
    assert validate_report(timed_video, END) == ()
    race_time_only = report(lap=None, race_time_ms=754_000)
    assert validate_report(race_time_only, END) == ()


def test_two_drivers_reporting_the_same_contact_are_one_incident():
    anna = report("r1", lap=5)
    bob = report(
        "r2", reporter_player_id=BOB, reporter_name="Bob", involved_player_ids=(BOB, ANNA), lap=6
    )
    other = report("r3", reporter_player_id=CARL, involved_player_ids=(CARL, DORA), lap=5)
    groups = group_duplicates([anna, bob, other])
    assert groups == (("r1", "r2"), ("r3",))
    found = duplicate_findings([anna, bob, other], groups)
    assert set(found) == {"r1", "r2"}
    (finding,) = found["r1"]
    assert finding.kind is FindingKind.DUPLICATE and "'Bob'" in finding.message


def test_duplicates_need_the_same_session_shared_drivers_and_a_close_moment():
    base = report("a", lap=5)
    assert len(group_duplicates([base, report("b", lap=7)])) == 2  # laps too far apart
    assert len(group_duplicates([base, report("b", lap=7)], max_lap_gap=2)) == 1
    assert len(group_duplicates([base, report("b", session_id="quali")])) == 2
    assert len(group_duplicates([base, report("b", involved_player_ids=(ANNA, CARL))])) == 2
    timed = [report("a", race_time_ms=600_000), report("b", race_time_ms=625_000, lap=9)]
    assert len(group_duplicates(timed)) == 1  # race times decide when both have one
    assert len(group_duplicates(timed, max_time_gap_ms=10_000)) == 2
    untimed = [report("a", lap=None), report("b", lap=None)]
    assert len(group_duplicates(untimed)) == 2  # nothing to compare: kept apart


def test_a_one_driver_report_joins_a_report_naming_that_driver():
    # "Bob hit me" filed with only Bob named, the reporter implied: shares the one driver.
    solo = report("a", reporter_player_id=None, involved_player_ids=(BOB,))
    assert len(group_duplicates([solo, report("b")])) == 1


def test_grouping_is_transitive_and_keeps_the_arrival_order():
    chain = [
        report("a", lap=5),
        report("b", lap=6, involved_player_ids=(ANNA, BOB, CARL)),
        report("c", lap=7, reporter_player_id=CARL, involved_player_ids=(CARL, BOB)),
    ]
    assert group_duplicates(chain) == (("a", "b", "c"),)
