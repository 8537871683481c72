"""Rows of the panel exchange: the verdicts and recusals of a panel, the signed documents a
desk sent and received, and the head steward's decision with what it applies.

Every function works inside the caller's session, so an import of several files or a decision
with its penalties and ledger entries is one transaction (`store.transaction()`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from steward_desk.storage import audit, sql_rows
from steward_desk.storage.panel_reads import (
    RECUSED,
    recorded_recusals_of,
)
from steward_desk.storage.panel_tables import PanelDocument
from steward_desk.storage.tables import (
    AuditLog,
    Decision,
    Incident,
    LedgerEntry,
    PenaltyRow,
    Steward,
    VerdictRow,
)

# --- stewards and their verdicts ---------------------------------------------------------------


def ensure_steward(
    session: Session, kid: str, name: str, role: str, public_jwk: Mapping[str, Any]
) -> Steward:
    """The steward row of a signing key (matched by kid), created on first sight."""
    row = session.exec(select(Steward).where(Steward.kid == kid)).first()
    if row is None:
        row = Steward(
            name=name, roles=role, kid=kid, public_jwk=json.dumps(dict(public_jwk), sort_keys=True)
        )
        session.add(row)
        session.flush()
    return row


def steward_by_kid(session: Session, kid: str) -> Steward | None:
    return session.exec(select(Steward).where(Steward.kid == kid)).first()


def submitted_verdicts(session: Session, steward_id: str) -> list[VerdictRow]:
    """A steward's submitted verdict versions, oldest first."""
    return list(
        session.exec(
            select(VerdictRow)
            .where(VerdictRow.steward_id == steward_id, VerdictRow.status == "submitted")
            .order_by(col(VerdictRow.submitted_at), col(VerdictRow.id))
        )
    )


def store_submitted_verdicts(
    session: Session,
    steward_id: str,
    verdicts: Sequence[tuple[str, str, Mapping[str, Any], int, str | None, datetime]],
) -> list[str]:
    """Keep many submitted verdict versions at once: (id, incident id, body, version,
    supersedes, created at). Returns the ids that were new; the same id with another body
    raises `ValueError` naming it (a submitted verdict is never changed)."""
    ids = [v[0] for v in verdicts]
    existing = {
        row.id: row
        for chunk in sql_rows.chunks(ids)
        for row in session.exec(select(VerdictRow).where(col(VerdictRow.id).in_(chunk)))
    }
    new: list[str] = []
    rows: list[VerdictRow] = []
    for verdict_id, incident_id, body, version, supersedes, created_at in verdicts:
        body_json = json.dumps(dict(body), ensure_ascii=False, sort_keys=True)
        held = existing.get(verdict_id)
        if held is not None:
            if held.body_json == body_json and held.steward_id == steward_id:
                continue
            raise ValueError(
                f"verdict {verdict_id} is already held here with different content; a "
                "submitted verdict is never changed (a correction is a new version)"
            )
        rows.append(
            VerdictRow(
                id=verdict_id, incident_id=incident_id, steward_id=steward_id, version=version,
                supersedes=supersedes, status="submitted", body_json=body_json,
                created_at=created_at, updated_at=created_at, submitted_at=created_at,
            )
        )  # fmt: skip
        new.append(verdict_id)
    session.add_all(rows)
    session.flush()
    return new


def held_incidents(session: Session, ids: Iterable[str]) -> dict[str, Incident]:
    """The incidents among `ids` that this database holds."""
    wanted = sorted(set(ids))
    return {
        row.id: row
        for chunk in sql_rows.chunks(wanted)
        for row in session.exec(select(Incident).where(col(Incident.id).in_(chunk)))
    }


def recusals_by(session: Session, steward_id: str) -> list[tuple[str, str]]:
    """(incident id, reason) of every case this steward stood back from, oldest first."""
    out: list[tuple[str, str]] = []
    for entry in session.exec(
        select(AuditLog).where(AuditLog.action == RECUSED).order_by(col(AuditLog.id))
    ):
        detail = json.loads(entry.detail_json or "{}")
        if (
            detail.get("steward") == steward_id
            and (entry.entity_id, detail.get("reason", "")) not in out
        ):
            out.append((entry.entity_id, str(detail.get("reason", ""))))
    return out


def recorded_recusals(session: Session, incident_id: str) -> list[tuple[str, str]]:
    """(steward id, reason) of the stewards who stood back from this case."""
    return recorded_recusals_of(session, [incident_id]).get(incident_id, [])


def record_recusal(
    session: Session, actor: str, incident_id: str, steward: Steward, reason: str
) -> bool:
    """Keep a steward's recusal (as the verdict form records it); False when already kept."""
    if (steward.id, reason) in recorded_recusals(session, incident_id):
        return False
    audit.record(
        session, actor, RECUSED, "incident", incident_id,
        steward=steward.id, steward_name=steward.name, reason=reason,
    )  # fmt: skip
    return True


def incidents_with_verdicts(session: Session) -> list[str]:
    """Ids of incidents holding at least one submitted verdict, in case-number order."""
    return list(
        session.exec(
            select(Incident.id)
            .where(
                col(Incident.id).in_(
                    select(VerdictRow.incident_id).where(VerdictRow.status == "submitted")
                )
            )
            .order_by(col(Incident.number))
        )
    )


# --- signed documents sent and received ---------------------------------------------------------


def document_seen(session: Session, doc_hash: str) -> PanelDocument | None:
    return session.exec(select(PanelDocument).where(PanelDocument.hash == doc_hash)).first()


def last_document(session: Session, direction: str, kind: str, kid: str) -> PanelDocument | None:
    """The newest (highest seq) document of `kind` this desk sent or received from `kid`."""
    return session.exec(
        select(PanelDocument)
        .where(
            PanelDocument.direction == direction,
            PanelDocument.kind == kind,
            PanelDocument.kid == kid,
        )
        .order_by(col(PanelDocument.seq).desc(), col(PanelDocument.id).desc())
    ).first()


def record_document(
    session: Session,
    *,
    doc_hash: str,
    direction: str,
    kind: str,
    kid: str,
    seq: int | None,
    prev: str | None,
    issued_at: str,
    source: str,
    items: int,
    document: bytes,
) -> PanelDocument:
    row = PanelDocument(
        hash=doc_hash,
        direction=direction,
        kind=kind,
        kid=kid,
        seq=seq,
        prev=prev,
        issued_at=issued_at,
        source=source,
        items=items,
        document=document.decode("utf-8"),
    )
    session.add(row)
    session.flush()
    return row


# --- decisions -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LedgerLine:
    player_id: str
    kind: str
    value: int
    expires_at: datetime | None


def add_decision(
    session: Session,
    decision: Decision,
    penalties: Iterable[tuple[str, str, int]],
    ledger: Iterable[LedgerLine],
    event_id: str,
    session_id: str,
) -> None:
    """The decision row, one PenaltyRow per (player, type, value), and its ledger entries."""
    session.add(decision)
    session.flush()
    for player_id, kind, value in penalties:
        session.add(
            PenaltyRow(
                decision_id=decision.id,
                session_id=session_id,
                player_id=player_id,
                type=kind,
                value=value,
            )
        )
    for line in ledger:
        session.add(
            LedgerEntry(
                player_id=line.player_id,
                event_id=event_id,
                decision_id=decision.id,
                kind=line.kind,
                value=line.value,
                issued_at=decision.decided_at,
                expires_at=line.expires_at,
            )
        )
    session.flush()
