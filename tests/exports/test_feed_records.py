"""The feed reads its decisions on a fast path of its own; what it publishes is exactly what
every other export (notices, documents) reads about the same decisions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from league_fixture import League, correct_rejoin, player, report
from sqlalchemy import update

from steward_desk.core.rulebook import load_rulebook
from steward_desk.exports.feed_records import feed_decisions, stamp
from steward_desk.exports.records import load_decisions
from steward_desk.storage.tables import Decision, Involvement


def test_the_feed_carries_what_the_decision_records_say_corrections_included(
    league: League,
) -> None:
    corrected = correct_rejoin(league, datetime(2025, 5, 11, 9, tzinfo=UTC))
    records = load_decisions(league.store, load_rulebook())

    found = feed_decisions(league.store)

    assert found.entries == [record.feed_json() for record in records]
    assert [e["id"] for e in found.entries][-1] == corrected
    assert found.league == records[0].league == "SOP Motorsport" and found.event is None
    assert found.unpublished == [r.id for r in records]
    assert found.unpublished_incidents == {r.incident_id for r in records}
    # Accented names arrive NFC and intact; numbers stay integers.
    names = {d["name"] for e in found.entries for d in e["drivers"]}
    assert "Alice Ånström" in names and "Chloé Dubois" in names
    assert json.loads(json.dumps(found.entries)) == found.entries


def test_one_events_feed_numbers_its_documents_like_the_records(league: League) -> None:
    # A case still waiting for its decision sits in the same event: it is not in the feed.
    report(league.store, league.monza_race, 3, 4, "unsafe_rejoin", lap=3, at=timedelta(days=7))
    records = load_decisions(league.store, load_rulebook(), event="Monza · Sprint")

    found = feed_decisions(league.store, event="Monza · Sprint")

    assert found.entries == [record.feed_json() for record in records]
    assert [e["document"] for e in found.entries] == [1]
    assert found.event == "Monza · Sprint"
    with pytest.raises(LookupError, match="no event named 'Imola'"):
        feed_decisions(league.store, event="Imola")


def test_car_numbers_come_from_the_report_or_else_from_the_car_driven(league: League) -> None:
    with league.store.transaction() as session:
        session.execute(
            update(Involvement)
            .where(Involvement.incident_id == league.incidents["contact"])
            .where(Involvement.player_id == player(2))
            .values(car_number=99)
        )
    records = load_decisions(league.store, load_rulebook())

    found = feed_decisions(league.store)

    assert found.entries == [record.feed_json() for record in records]
    contact = next(e for e in found.entries if e["id"] == league.decisions["contact"])
    numbers = {d["player_id"]: d["car_number"] for d in contact["drivers"]}
    assert numbers[player(2)] == 99  # as filed with the report
    assert all(isinstance(n, int) for n in numbers.values())  # the others: from the results


def test_published_decisions_are_not_published_again(league: League) -> None:
    with league.store.transaction() as session:
        session.execute(
            update(Decision)
            .where(Decision.id == league.decisions["contact"])
            .values(published_at=datetime(2025, 5, 10, tzinfo=UTC))
        )

    found = feed_decisions(league.store)

    assert league.decisions["contact"] not in found.unpublished
    assert league.incidents["contact"] not in found.unpublished_incidents
    assert len(found.unpublished) == len(found.entries) - 1


def test_a_decision_body_the_fast_reader_cannot_take_is_read_as_before(league: League) -> None:
    # Whitespace around the JSON, as a hand edit or another tool may leave it.
    body = json.dumps({"category": "avoidable_contact", "outcome": "warning", "at_fault": []})
    with league.store.transaction() as session:
        session.execute(
            update(Decision)
            .where(Decision.id == league.decisions["contact"])
            .values(body_json=f"\n  {body}\n")
        )
    records = load_decisions(league.store, load_rulebook())

    found = feed_decisions(league.store)

    assert found.entries == [record.feed_json() for record in records]
    contact = next(e for e in found.entries if e["id"] == league.decisions["contact"])
    assert (contact["outcome"], contact["penalty"]) == ("warning", None)


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1, 1, 1, 12),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=2)), None]),
    )
)
def test_decision_times_are_written_as_whole_utc_seconds_as_ever(moment: datetime) -> None:
    # The feed's stamp takes a shortcut (isoformat); it must spell what strftime spelled.
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    assert stamp(moment) == utc.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
