"""The head steward's decision: recorded, applied, signed, and co-signed by the panel.

A decision is stored as the shared contract says: `Decision.body_json` holds the verdict
shape plus "incident_id", `dissent_json` the dissenting stewards' {steward, outcome, penalty,
reasoning}, one `PenaltyRow` per driver at fault, and `LedgerEntry` rows for licence points,
strikes, bans and championship-point deductions (points and strikes expire by the rulebook).
The decision document (cty `application/vnd.steward-desk.decision+json`) is signed by the
head steward; panel members co-sign the very same payload bytes (JWS general form), and a
threshold counts distinct public keys, never kids or signature entries.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from steward_desk.core.model import EventKind, IncidentStatus, PenaltyType
from steward_desk.core.rulebook import Rulebook, penalty_to_json
from steward_desk.core.verdict import SANCTIONS, StewardRef, Verdict, VerdictError
from steward_desk.core.workflow import CaseAction, WorkflowError, transition
from steward_desk.panel import documents
from steward_desk.panel.errors import BAD_CONTENT, NOT_DECIDABLE, UNKNOWN_INCIDENT, DecisionError
from steward_desk.panel.merge import IncidentPanel, panel_of
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.keyset import KeySet
from steward_desk.signing.validity import timestamp
from steward_desk.storage import audit
from steward_desk.storage import panel as rows
from steward_desk.storage.panel_reads import panel_rows
from steward_desk.storage.store import Store
from steward_desk.storage.tables import Decision, Incident

DECISION_CTY = "application/vnd.steward-desk.decision+json"
KIND = "decision"
FORMAT = 1
# Penalties that go on a driver's record, and the ledger kind they are kept under.
_LEDGER_KINDS = {
    PenaltyType.LICENCE_POINTS: "licence_points",
    PenaltyType.STRIKE: "strike",
    PenaltyType.QUALIFYING_BAN: "qualifying_ban",
    PenaltyType.RACE_BAN: "race_ban",
    PenaltyType.POINTS_DEDUCTION: "points_deduction",
}


@dataclass(frozen=True)
class DecisionRecord:
    """A recorded decision, as `decide` reports it."""

    decision_id: str
    incident_id: str
    number: int
    body: dict[str, Any]
    dissent: list[dict[str, Any]]
    supersedes: str | None
    document: bytes
    penalties: int
    ledger_entries: int

    def to_json(self) -> dict[str, object]:
        return {
            "decision_id": self.decision_id,
            "incident_id": self.incident_id,
            "number": self.number,
            "decision": self.body,
            "dissent": self.dissent,
            "supersedes": self.supersedes,
            "penalties": self.penalties,
            "ledger_entries": self.ledger_entries,
        }


def decide(
    store: Store,
    incident_ref: str,
    rulebook: Rulebook,
    key: SigningKey,
    head_name: str,
    keyset: KeySet | None,
    *,
    accept_majority: bool = False,
    doc: Mapping[str, Any] | None = None,
    correction_reason: str = "",
    now: datetime | None = None,
) -> DecisionRecord:
    """Record the head steward's decision on an incident (the majority's, or `doc`'s).

    Refuses (DecisionError, nothing written) unless `key` is a head steward's or admin's key
    of the league key-set, without a quorum or a majority when asked to accept it, for a
    decision form that breaks the rulebook, for drivers at fault who are not involved, and
    for a decided case unless `correction_reason` says why it is corrected.
    """
    if accept_majority == (doc is not None):
        raise ValueError("give exactly one of accept_majority or doc")
    entry = keyset.find(key.kid) if keyset is not None else None
    if entry is None or not keyset or not keyset.is_authority(key.kid):
        who = (
            f"{entry.name} ({entry.role.value})" if entry else f"kid {key.kid}, not in the key-set"
        )
        raise DecisionError(
            "wrong_role", f"decisions are signed by the head steward; this desk's key is {who}"
        )
    now = now or datetime.now(UTC)
    try:
        incident_id = store.incidents.resolve(incident_ref)
    except LookupError as error:
        raise DecisionError(UNKNOWN_INCIDENT, str(error)) from None
    with store.transaction() as session:
        held = panel_rows(session, [incident_id])
        panel = panel_of(held, incident_id, rulebook)
        context = held.contexts.get(incident_id)
        assert panel is not None and context is not None
        head = StewardRef(key.kid, head_name)
        if accept_majority:
            verdict = _majority(panel, head, now)
        else:
            assert doc is not None
            verdict = _from_form(doc, incident_id, head, rulebook, context.event.kind, now)
        involved = {d.player_id for d in context.involved}
        strangers = [p for p in verdict.at_fault if p not in involved]
        if strangers:
            raise DecisionError(
                BAD_CONTENT,
                f"at_fault names {', '.join(strangers)}, who is not involved in case "
                f"{panel.number} (involved: {', '.join(sorted(involved))})",
            )
        current = held.decisions.get(incident_id)
        _move_to_decided(session, store, context.incident, current, correction_reason)
        body = decision_body(verdict, incident_id)
        dissent = dissent_of(panel, verdict)
        decision = Decision(
            incident_id=incident_id,
            decided_by=f"{head_name} (kid {key.kid})",
            body_json=json.dumps(body, ensure_ascii=False, sort_keys=True),
            dissent_json=json.dumps(dissent, ensure_ascii=False, sort_keys=True),
            decided_at=now,
            supersedes=current.id if current is not None else None,
        )
        penalties, ledger = _applied(verdict, rulebook, now)
        rows.add_decision(
            session, decision, penalties, ledger, context.event.id, context.incident.session_id
        )
        payload = _document_payload(decision, body, dissent, panel, head)
        signed = documents.sign_next(
            session, KIND, DECISION_CTY, payload, key, source=f"decision {decision.id}",
            items=1, now=now,
        )  # fmt: skip
        decision.signed_document = signed.data.decode("utf-8")
        audit.record(
            session, store.actor, "decision.recorded", "incident", incident_id,
            decision=decision.id, supersedes=decision.supersedes, outcome=body["outcome"],
            penalty=body["penalty"], dissent=len(dissent), by=key.kid,
            majority=accept_majority, correction=correction_reason or None,
        )  # fmt: skip
        return DecisionRecord(
            decision.id, incident_id, panel.number, body, dissent, decision.supersedes,
            signed.data, len(penalties), len(ledger),
        )  # fmt: skip


def _majority(panel: IncidentPanel, head: StewardRef, now: datetime) -> Verdict:
    result = panel.result
    if not result.quorum_reached:
        raise DecisionError(
            NOT_DECIDABLE,
            f"case {panel.number}: {panel.quorum_text}; there is no majority to accept yet "
            "(decide with --json FILE to rule without the panel)",
        )
    ruling = result.ruling
    if ruling is None:
        raise DecisionError(
            NOT_DECIDABLE,
            f"case {panel.number}: the panel has no majority ({'; '.join(panel.disagreements())});"
            " decide with --json FILE",
        )
    if ruling.category is None:
        raise DecisionError(
            NOT_DECIDABLE,
            f"case {panel.number}: the majority agrees on the ruling but not on the category "
            f"({panel.disagreement('category')}); decide with --json FILE naming the category",
        )
    supporters = [v for k, v in result.counted if k in ruling.supporters]
    first = next(v for v in supporters if v.category == ruling.category)
    return Verdict(
        id=str(uuid.uuid4()),
        incident_id=panel.incident_id,
        steward=head,
        category=ruling.category,
        outcome=ruling.outcome,
        at_fault=ruling.at_fault,
        penalty=ruling.penalty,
        checklist=dict(first.checklist),
        factors=ruling.factors,
        rule_refs=ruling.rule_refs,
        reasoning=ruling.reasons[0] if ruling.reasons else first.reasoning,
        created_at=now,
        submitted=True,
    )


def _from_form(
    doc: Mapping[str, Any],
    incident_id: str,
    head: StewardRef,
    rulebook: Rulebook,
    kind: str,
    now: datetime,
) -> Verdict:
    form = {k: v for k, v in doc.items() if k not in ("steward", "submitted", "id")}
    try:
        return Verdict.from_json(
            {**form, "submitted": True}, rulebook, incident_id=incident_id, steward=head,
            kind=EventKind(kind), now=now,
        )  # fmt: skip
    except VerdictError as error:
        raise DecisionError(
            BAD_CONTENT, "the decision form is not valid: " + "; ".join(map(str, error.problems))
        ) from None


def _move_to_decided(
    session: Session,
    store: Store,
    incident: Incident,
    current: Decision | None,
    correction_reason: str,
) -> None:
    status = IncidentStatus(incident.status)
    moves: list[tuple[CaseAction, str]] = []
    if status in (IncidentStatus.DECIDED, IncidentStatus.PUBLISHED) or current is not None:
        if not correction_reason.strip():
            raise DecisionError(
                NOT_DECIDABLE,
                f"case {incident.number} is already decided (decision {current.id if current else '?'}); "
                "a new decision corrects it: give the reason for the correction",
            )
        if status in (IncidentStatus.DECIDED, IncidentStatus.PUBLISHED):
            moves.append((CaseAction.REOPEN, correction_reason))
    elif status is IncidentStatus.NEW:
        moves.append((CaseAction.START_REVIEW, ""))
    moves.append((CaseAction.DECIDE, ""))
    for action, reason in moves:
        try:
            after = transition(status, action, reason)
        except WorkflowError as error:
            raise DecisionError(NOT_DECIDABLE, f"case {incident.number}: {error}") from None
        audit.record(
            session, store.actor, "incident.status", "incident", incident.id,
            before=status.value, after=after.value, move=action.value, reason=reason,
        )  # fmt: skip
        status = after
    incident.status = status.value
    incident.status_reason = correction_reason.strip()
    session.add(incident)


def decision_body(verdict: Verdict, incident_id: str) -> dict[str, Any]:
    """The contract's decision shape: the verdict form's fields plus "incident_id"."""
    return {
        "incident_id": incident_id,
        "category": verdict.category,
        "outcome": verdict.outcome.value,
        "at_fault": list(verdict.at_fault),
        "penalty": penalty_to_json(verdict.penalty),
        "checklist": dict(verdict.checklist),
        "factors": list(verdict.factors),
        "rule_refs": list(verdict.rule_refs),
        "reasoning": verdict.reasoning,
        "private_notes": verdict.private_notes,
    }


def dissent_of(panel: IncidentPanel, decision: Verdict) -> list[dict[str, Any]]:
    """The counted stewards whose ruling differs from the decision, with their reasons."""

    def position(v: Verdict) -> tuple[object, ...]:
        blamed = frozenset(v.at_fault) if v.outcome in SANCTIONS else frozenset()
        return v.outcome, v.penalty, blamed

    wanted = position(decision)
    return [
        {
            "steward": column.name,
            "outcome": column.verdict.outcome.value,
            "penalty": penalty_to_json(column.verdict.penalty),
            "reasoning": column.verdict.reasoning,
        }
        for column in panel.columns
        if position(column.verdict) != wanted
    ]


def _applied(
    verdict: Verdict, rulebook: Rulebook, now: datetime
) -> tuple[list[tuple[str, str, int]], list[rows.LedgerLine]]:
    penalty = verdict.penalty
    if penalty is None or verdict.outcome not in SANCTIONS:
        return [], []
    penalties = [(player, penalty.type.value, penalty.value) for player in verdict.at_fault]
    kind = _LEDGER_KINDS.get(penalty.type)
    if kind is None:
        return penalties, []
    days = {
        PenaltyType.LICENCE_POINTS: rulebook.licence.points_expire_after_days,
        PenaltyType.STRIKE: rulebook.strikes.within_days,
    }.get(penalty.type)
    expires = now + timedelta(days=days) if days else None
    ledger = [rows.LedgerLine(p, kind, penalty.value, expires) for p in verdict.at_fault]
    return penalties, ledger


def _document_payload(
    decision: Decision,
    body: Mapping[str, Any],
    dissent: Sequence[Mapping[str, Any]],
    panel: IncidentPanel,
    head: StewardRef,
) -> dict[str, Any]:
    """What the signed decision says: public fields only (private notes stay on the desk)."""
    public = {k: v for k, v in body.items() if k != "private_notes"}
    return {
        "format": FORMAT,
        "decision": {
            **public,
            "id": decision.id,
            "case_number": panel.number,
            "event": panel.event,
            "decided_at": timestamp(decision.decided_at),
            "decided_by": {"kid": head.id, "name": head.name},
            "supersedes": decision.supersedes,
            "dissent": list(dissent),
            "panel": [
                {
                    "steward": c.name,
                    "kid": c.key,
                    "verdict_id": c.verdict.id,
                    "version": c.verdict.version,
                }
                for c in panel.columns
            ],
        },
    }
