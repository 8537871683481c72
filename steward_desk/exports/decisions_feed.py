"""The signed decisions feed: every final decision of the league (or one event) as one
flattened JWS JSON document, for the league's website and Discord bot.

Corrections never overwrite: a correcting decision is a new entry naming the one it corrects
in `supersedes`, and both stay in the feed. Successive feeds form a chain (`seq`, `prev` =
the hash of the previous feed's bytes); the last feed this desk issued is kept in the home
folder so the next one can link to it. Issuing a feed with nothing changed (same decisions,
same `issued_at`) gives back the very same bytes instead of a new link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from steward_desk.core.model import IncidentStatus
from steward_desk.core.rulebook import Rulebook
from steward_desk.exports.atomic import ExportError, write_atomic
from steward_desk.exports.records import DecisionRecord, load_decisions
from steward_desk.signing.chain import next_link
from steward_desk.signing.envelope import parse_envelope
from steward_desk.signing.errors import SigningError
from steward_desk.signing.jws import (
    document_bytes,
    document_hash,
    sign_flattened,
    unverified_payload,
)
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.validity import timestamp
from steward_desk.storage import audit
from steward_desk.storage.store import Store
from steward_desk.storage.tables import Decision, Incident

FEED_CTY = "application/vnd.steward-desk.decisions+json"
FEED_FORMAT = 1
DEFAULT_VALIDITY = timedelta(days=7)
LAST_FEED_FILE = "decisions-feed.last.json"

Progress = Callable[[int, int, str], None]

# Members of a feed that belong to the chain and the clock, not to what it says.
_LINK_MEMBERS = ("seq", "prev")


@dataclass(frozen=True, slots=True)
class FeedResult:
    path: Path
    seq: int
    prev: str | None
    decisions: int
    newly_published: int
    document_hash: str
    reissued: bool  # True: nothing changed since the last feed, its bytes were written again

    def to_json(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "seq": self.seq,
            "prev": self.prev,
            "decisions": self.decisions,
            "newly_published": self.newly_published,
            "document_hash": self.document_hash,
            "reissued": self.reissued,
        }


def feed_payload(
    records: list[DecisionRecord],
    *,
    league: str,
    event: str | None,
    issued_at: datetime,
    expires: datetime,
    seq: int,
    prev: str | None,
    issuer: str,
) -> dict[str, Any]:
    """The feed's payload (signed as RFC 8785 canonical JSON)."""
    return {
        "format": FEED_FORMAT,
        "league": league,
        "event": event,
        "issuer": issuer,
        "issued_at": timestamp(issued_at),
        "expires": timestamp(expires),
        "seq": seq,
        "prev": prev,
        "decisions": [r.feed_json() for r in records],
    }


def export_decisions(
    store: Store,
    key: SigningKey,
    out: Path,
    *,
    rulebook: Rulebook,
    state_dir: Path,
    issuer: str,
    event: str | None = None,
    issued_at: datetime | None = None,
    validity: timedelta = DEFAULT_VALIDITY,
    progress: Progress | None = None,
) -> FeedResult:
    """Sign and write the feed, then mark its decisions published (one transaction).

    `state_dir` keeps the last feed issued (for `seq`/`prev`). LookupError when `event` names
    no event; ExportError when a file cannot be written (the database is then unchanged).
    """
    report = progress or (lambda done, total, text: None)
    issued = (issued_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    report(0, 3, "Reading the decisions")
    records = load_decisions(store, rulebook, event=event)
    league = records[0].league if records else _league_name(store)
    event_name = records[0].event if (event and records) else event

    last_path = state_dir / LAST_FEED_FILE
    last = last_path.read_bytes() if last_path.is_file() else None
    report(1, 3, f"Signing {len(records)} decisions")
    content = feed_payload(
        records,
        league=league,
        event=event_name,
        issued_at=issued,
        expires=issued + validity,
        seq=0,
        prev=None,
        issuer=issuer,
    )
    data = _same_as_last(last, content, key)
    reissued = data is not None
    if data is None:
        try:
            seq, prev = next_link(last)
        except SigningError as error:
            raise ExportError(last_path, f"the last feed kept here is unusable: {error}") from None
        content["seq"], content["prev"] = seq, prev
        data = document_bytes(sign_flattened(content, key, FEED_CTY))
    payload = unverified_payload(data)

    report(2, 3, f"Writing {out.name}")
    newly = [r.id for r in records if r.published_at is None]
    with store.transaction() as session:
        if newly:
            rows = session.exec(select(Decision).where(col(Decision.id).in_(newly))).all()
            for row in rows:
                row.published_at = issued
                session.add(row)
            incident_ids = {r.incident_id for r in records if r.id in set(newly)}
            for incident in session.exec(
                select(Incident).where(col(Incident.id).in_(incident_ids))
            ).all():
                if incident.status == IncidentStatus.DECIDED.value:
                    incident.status = IncidentStatus.PUBLISHED.value
                    session.add(incident)
        audit.record(
            session,
            store.actor,
            "decisions.published",
            "feed",
            str(payload["seq"]),
            file=str(out),
            decisions=len(records),
            newly_published=newly,
            document_hash=document_hash(data),
        )
        # Files last, inside the transaction: a failed write rolls the marks back.
        write_atomic(out, data)
        if not reissued:
            write_atomic(last_path, data)
    report(3, 3, "Feed written")
    return FeedResult(
        path=out,
        seq=int(payload["seq"]),
        prev=payload["prev"],
        decisions=len(records),
        newly_published=len(newly),
        document_hash=document_hash(data),
        reissued=reissued,
    )


def _same_as_last(last: bytes | None, content: dict[str, Any], key: SigningKey) -> bytes | None:
    """The last feed's bytes when it says exactly what `content` says, signed by `key`."""
    if last is None:
        return None
    try:
        previous = unverified_payload(last)
    except SigningError:
        return None
    if not isinstance(previous, dict):
        return None
    unlinked = {k: v for k, v in previous.items() if k not in _LINK_MEMBERS}
    wanted = {k: v for k, v in content.items() if k not in _LINK_MEMBERS}
    signers = {entry.kid for entry in parse_envelope(last).signatures}
    return last if unlinked == wanted and signers == {key.kid} else None


def _league_name(store: Store) -> str:
    names = store.league.league_names()
    return names[0] if len(names) == 1 else ""
