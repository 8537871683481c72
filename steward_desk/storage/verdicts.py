"""Stewards' verdicts: drafts saved on every change, immutable submissions, versioned
corrections, blind review, recusals and the league's precedents.

One draft row per steward and incident (`status = "draft"`), rewritten as the form changes.
Submitting checks the form against the rulebook (core `Verdict.from_json` with the event's
kind, so the override-reason rule applies) and turns the draft into a submitted row that is
never written again; a correction is a new row with `version + 1` and `supersedes`.
`body_json` of a submitted row is exactly `Verdict.to_json()`; the evidence a steward cited
goes to the audit log entry of the submission (the core verdict shape has no evidence field).
Every write records who, when and what in the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from steward_desk.core.model import (
    EventKind,
    IncidentStatus,
)
from steward_desk.core.panel import conflict_of_interest
from steward_desk.core.precedents import Precedent, rank_precedents
from steward_desk.core.rulebook import Problem, Rulebook
from steward_desk.core.verdict import Verdict, VerdictError
from steward_desk.core.workflow import CaseAction, WorkflowError, transition
from steward_desk.storage import audit
from steward_desk.storage.panel_reads import teams_of
from steward_desk.storage.precedents import all_precedents
from steward_desk.storage.stewards import StewardInfo, StewardRepository
from steward_desk.storage.store import Store
from steward_desk.storage.tables import (
    AuditLog,
    Bookmark,
    Decision,
    Event,
    Evidence,
    Incident,
    RaceSession,
    VerdictRow,
    aware_utc,
)
from steward_desk.storage.verdict_records import (
    DRAFT,
    SUBMITTED,
    AuditEntry,
    CaseFacts,
    ConflictOfInterest,
    EvidenceItem,
    Recusal,
    VerdictLocked,
    VerdictRecord,
)

# Keys the desk sets on submission; whatever a form file says about them is replaced.
_DESK_KEYS = ("id", "incident_id", "steward", "version", "supersedes", "created_at", "submitted")
# Form fields the core verdict shape does not hold: kept with the submission's audit entry.
FORM_ONLY = ("evidence", "affected")


class VerdictRepository:
    """Verdicts of one database, judged by one rulebook."""

    def __init__(self, store: Store, rulebook: Rulebook) -> None:
        self.store = store
        self.rulebook = rulebook
        self.stewards = StewardRepository(store)

    # -- the case --------------------------------------------------------------------------
    def case(self, incident_ref: str) -> CaseFacts:
        """The facts of an incident the form and the conflict rule need."""
        detail = self.store.incidents.detail(incident_ref)
        summary = detail.summary
        with self.store.read() as session:
            incident = session.get(Incident, summary.id)
            race = session.get(RaceSession, summary.session_id)
            assert incident is not None and race is not None
            event = session.get(Event, race.event_id)
            assert event is not None
            teams = teams_of(session, [race.id])[race.id]
            published = session.exec(
                select(Decision.published_at)
                .where(Decision.incident_id == incident.id)
                .where(col(Decision.published_at).is_not(None))
                .order_by(col(Decision.decided_at).desc())
            ).first()
        return CaseFacts(
            incident_id=summary.id,
            number=summary.number,
            status=summary.status,
            category=summary.category,
            event=summary.event,
            event_kind=summary.event_kind,
            final_round=bool(event.final_round),
            track=detail.track,
            session_id=summary.session_id,
            involved=summary.involved,
            teams=teams,
            report_text="\n".join(r.description for r in detail.reports),
            lap=summary.lap,
            race_time_ms=summary.race_time_ms,
            session_end=aware_utc(race.ended_at),
            published_at=aware_utc(published),
        )

    def conflict(self, steward: StewardInfo, case: CaseFacts) -> str | None:
        """Why `steward` may not judge this case (None: they may)."""
        return conflict_of_interest(steward.member, case.involved, case.teams, self.rulebook.panel)

    def check_conflict(self, steward: StewardInfo, case: CaseFacts) -> None:
        """Raise ConflictOfInterest (after recording the recusal) when the steward is out."""
        reason = self.conflict(steward, case)
        if reason is not None:
            self.recuse(case.incident_id, steward, reason)
            raise ConflictOfInterest(reason)

    # -- drafts ----------------------------------------------------------------------------
    def draft(self, incident_id: str, steward_id: str) -> VerdictRecord | None:
        with self.store.read() as session:
            row = self._draft_row(session, incident_id, steward_id)
            return self._record(session, row) if row is not None else None

    @staticmethod
    def _draft_row(session: Session, incident_id: str, steward_id: str) -> VerdictRow | None:
        return session.exec(
            select(VerdictRow)
            .where(VerdictRow.incident_id == incident_id)
            .where(VerdictRow.steward_id == steward_id)
            .where(VerdictRow.status == DRAFT)
        ).first()

    def save_draft(
        self, incident_id: str, steward: StewardInfo, body: Mapping[str, Any]
    ) -> VerdictRecord:
        """Store the form as this steward's draft (one row per steward and incident).

        The first draft of a new case moves it to "in review". The audit log names the
        fields that changed, never their text (private notes stay private).
        """
        doc = json.loads(json.dumps(dict(body), ensure_ascii=False))  # JSON-safe, a copy
        now = datetime.now(UTC)
        with self.store.transaction() as session:
            row = self._draft_row(session, incident_id, steward.id)
            if row is None:
                latest = self._latest_submitted(session, incident_id, steward.id)
                row = VerdictRow(
                    incident_id=incident_id,
                    steward_id=steward.id,
                    version=latest.version + 1 if latest else 1,
                    supersedes=latest.id if latest else None,
                    status=DRAFT,
                    body_json="{}",
                    created_at=now,
                )
                session.add(row)
                before: dict[str, Any] = {}
                self._move(
                    session, incident_id, CaseAction.START_REVIEW, "", quiet=True,
                    actor=steward.name,
                )  # fmt: skip
            else:
                before = json.loads(row.body_json or "{}")
            changed = sorted(k for k in set(before) | set(doc) if before.get(k) != doc.get(k))
            row.body_json = json.dumps(doc, ensure_ascii=False, sort_keys=True)
            row.updated_at = now
            session.flush()
            if changed or not before:
                audit.record(
                    session,
                    steward.name,
                    "verdict.draft_saved",
                    "incident",
                    incident_id,
                    verdict=row.id,
                    version=row.version,
                    steward=steward.id,
                    fields=changed,
                )
            return self._record(session, row)

    def discard_draft(self, incident_id: str, steward: StewardInfo) -> bool:
        with self.store.transaction() as session:
            row = self._draft_row(session, incident_id, steward.id)
            if row is None:
                return False
            session.delete(row)
            audit.record(
                session, steward.name, "verdict.draft_discarded", "incident", incident_id,
                verdict=row.id, steward=steward.id,
            )  # fmt: skip
            return True

    # -- submission ------------------------------------------------------------------------
    def submit(
        self, incident_id: str, steward: StewardInfo, body: Mapping[str, Any]
    ) -> VerdictRecord:
        """Check the form against the rulebook and store it as submitted, immutably.

        Raises ConflictOfInterest (recusal recorded), VerdictError naming every bad key, or
        WorkflowError for a closed case; nothing is stored then. The case moves to "awaiting
        panel" when the workflow allows it.
        """
        case = self.case(incident_id)
        self.check_conflict(steward, case)
        if case.status in (IncidentStatus.WITHDRAWN, IncidentStatus.REJECTED):
            raise WorkflowError(
                case.status, "submit", f"the case is {case.status.label.lower()}: no verdict"
            )
        form = dict(body)
        evidence, affected = _form_extras(form.pop("evidence", None), form.pop("affected", None))
        for key in _DESK_KEYS:
            form.pop(key, None)
        # core Verdict.from_json reads an absent "penalty" as a bad value, not as null
        form.setdefault("penalty", None)
        now = datetime.now(UTC)
        with self.store.transaction() as session:
            draft = self._draft_row(session, case.incident_id, steward.id)
            latest = self._latest_submitted(session, case.incident_id, steward.id)
            version = latest.version + 1 if latest else 1
            supersedes = latest.id if latest else None
            row = draft or VerdictRow(
                incident_id=case.incident_id, steward_id=steward.id, created_at=now
            )
            form.update(
                id=row.id,
                incident_id=case.incident_id,
                steward=steward.ref.to_json(),
                version=version,
                supersedes=supersedes,
                created_at=now.isoformat(),
                submitted=True,
            )
            verdict = Verdict.from_json(form, self.rulebook, kind=case.event_kind, now=now)
            row.version = version
            row.supersedes = supersedes
            row.status = SUBMITTED
            row.body_json = json.dumps(verdict.to_json(), ensure_ascii=False, sort_keys=True)
            row.updated_at = now
            row.submitted_at = now
            session.add(row)
            session.flush()
            audit.record(
                session,
                steward.name,
                "verdict.submitted",
                "incident",
                case.incident_id,
                verdict=row.id,
                version=version,
                supersedes=supersedes,
                steward=steward.id,
                outcome=verdict.outcome.value,
                penalty=verdict.to_json()["penalty"],
                override_reason=bool(verdict.override_reason.strip()),
                evidence=evidence,
                affected=affected,
            )
            self._move(
                session, case.incident_id, CaseAction.SEND_TO_PANEL, "", quiet=True,
                actor=steward.name,
            )  # fmt: skip
            return self._record(session, row)

    def start_correction(self, incident_id: str, steward: StewardInfo) -> VerdictRecord:
        """A draft for a new version, filled from the latest submitted one."""
        latest = self.latest_submitted(incident_id, steward.id)
        if latest is None:
            raise LookupError("there is no submitted verdict to correct")
        existing = self.draft(incident_id, steward.id)
        if existing is not None:
            return existing
        body = {k: v for k, v in latest.body.items() if k not in _DESK_KEYS}
        extra = self.form_extras(latest.id)
        body["evidence"] = extra.get("evidence", [])
        body["affected"] = extra.get("affected", [])
        return self.save_draft(incident_id, steward, body)

    def ensure_editable(self, verdict_id: str) -> None:
        """Raise VerdictLocked when `verdict_id` is submitted (the immutability rule)."""
        with self.store.read() as session:
            row = session.get(VerdictRow, verdict_id)
            if row is not None and row.status == SUBMITTED:
                raise VerdictLocked(
                    f"verdict {verdict_id} v{row.version} is submitted and cannot change; "
                    "correct it with a new version"
                )

    def _latest_submitted(
        self, session: Session, incident_id: str, steward_id: str
    ) -> VerdictRow | None:
        return session.exec(
            select(VerdictRow)
            .where(VerdictRow.incident_id == incident_id)
            .where(VerdictRow.steward_id == steward_id)
            .where(VerdictRow.status == SUBMITTED)
            .order_by(col(VerdictRow.version).desc())
        ).first()

    def latest_submitted(self, incident_id: str, steward_id: str) -> VerdictRecord | None:
        with self.store.read() as session:
            row = self._latest_submitted(session, incident_id, steward_id)
            return self._record(session, row) if row is not None else None

    # -- reading, with blind review ---------------------------------------------------------
    def visible_verdicts(self, incident_id: str, viewer: StewardInfo) -> list[VerdictRecord]:
        """The verdicts on a case `viewer` may see: their own (drafts too); other stewards'
        submitted ones only once the viewer has submitted theirs (blind review), or always
        for a head steward. Oldest first."""
        records = self._all(incident_id)
        own_submitted = any(r.steward_id == viewer.id and r.submitted for r in records)
        open_to_viewer = own_submitted or viewer.is_head
        return [r for r in records if r.steward_id == viewer.id or (r.submitted and open_to_viewer)]

    def hidden_count(self, incident_id: str, viewer: StewardInfo) -> int:
        """How many other stewards' submitted verdicts blind review still hides."""
        visible = {r.id for r in self.visible_verdicts(incident_id, viewer)}
        return sum(1 for r in self._all(incident_id) if r.submitted and r.id not in visible)

    def submitted(
        self, incident_id: str | None = None, steward_id: str | None = None
    ) -> list[VerdictRecord]:
        """Submitted verdicts (all versions), for bundles and the head steward's merge."""
        with self.store.read() as session:
            query = select(VerdictRow).where(VerdictRow.status == SUBMITTED)
            if incident_id is not None:
                query = query.where(VerdictRow.incident_id == incident_id)
            if steward_id is not None:
                query = query.where(VerdictRow.steward_id == steward_id)
            rows = session.exec(query.order_by(col(VerdictRow.submitted_at))).all()
            return self._records(session, rows)

    def _all(self, incident_id: str) -> list[VerdictRecord]:
        with self.store.read() as session:
            rows = session.exec(
                select(VerdictRow)
                .where(VerdictRow.incident_id == incident_id)
                .order_by(col(VerdictRow.created_at), col(VerdictRow.version))
            ).all()
            return self._records(session, rows)

    def _records(self, session: Session, rows: Iterable[VerdictRow]) -> list[VerdictRecord]:
        rows = list(rows)
        later = {r.supersedes: r.id for r in rows if r.supersedes and r.status == SUBMITTED}
        return [self._record(session, r, later.get(r.id)) for r in rows]

    def _record(
        self, session: Session, row: VerdictRow, superseded_by: str | None = None
    ) -> VerdictRecord:
        who = self.stewards.by_id_in(session, row.steward_id)
        return VerdictRecord(
            id=row.id,
            incident_id=row.incident_id,
            steward_id=row.steward_id,
            steward_name=who.name if who else row.steward_id,
            version=row.version,
            supersedes=row.supersedes,
            status=row.status,
            body=json.loads(row.body_json or "{}"),
            created_at=aware_utc(row.created_at) or datetime.now(UTC),
            updated_at=aware_utc(row.updated_at) or datetime.now(UTC),
            submitted_at=aware_utc(row.submitted_at),
            superseded_by=superseded_by,
        )

    def form_extras(self, verdict_id: str) -> dict[str, Any]:
        """The form fields of a submitted verdict that live in its audit entry: the
        evidence it cited and the drivers marked affected."""
        with self.store.read() as session:
            for entry in session.exec(
                select(AuditLog).where(AuditLog.action == "verdict.submitted")
            ):
                detail = json.loads(entry.detail_json or "{}")
                if detail.get("verdict") == verdict_id:
                    return {k: detail.get(k, []) for k in FORM_ONLY}
        return {}

    def cited_evidence(self, verdict_id: str) -> list[EvidenceItem]:
        """The evidence a submitted verdict cited."""
        return [EvidenceItem.coerce(e) for e in self.form_extras(verdict_id).get("evidence", [])]

    # -- recusals --------------------------------------------------------------------------
    def recuse(self, incident_id: str, steward: StewardInfo, reason: str) -> None:
        """Record that `steward` takes no part in the case (once per steward and case)."""
        if any(r.steward_id == steward.id for r in self.recusals(incident_id)):
            return
        with self.store.transaction() as session:
            audit.record(
                session, steward.name, "verdict.recused", "incident", incident_id,
                steward=steward.id, steward_name=steward.name, reason=reason,
            )  # fmt: skip

    def recusals(self, incident_id: str) -> list[Recusal]:
        """Stewards who took no part in a case, and why (the head steward's list)."""
        out: list[Recusal] = []
        for entry in self.audit_trail(incident_id):
            if entry.action == "verdict.recused":
                out.append(
                    Recusal(
                        str(entry.detail.get("steward", "")),
                        str(entry.detail.get("steward_name", entry.actor)),
                        str(entry.detail.get("reason", "")),
                        entry.at,
                    )
                )
        return out

    def audit_trail(self, incident_id: str) -> list[AuditEntry]:
        with self.store.read() as session:
            return [
                AuditEntry(
                    aware_utc(e.at) or datetime.now(UTC),
                    e.actor,
                    e.action,
                    json.loads(e.detail_json or "{}"),
                )
                for e in audit.entries_for(session, incident_id)
            ]

    # -- evidence and precedents ------------------------------------------------------------
    def evidence(self, incident_id: str) -> list[EvidenceItem]:
        """The case's bookmarks and snapshots in race order (the form's default evidence)."""
        with self.store.read() as session:
            marks = session.exec(select(Bookmark).where(Bookmark.incident_id == incident_id)).all()
            files = session.exec(select(Evidence).where(Evidence.incident_id == incident_id)).all()
            items = [
                EvidenceItem("bookmark", b.label or "Bookmark", b.race_ms, b.id) for b in marks
            ] + [
                EvidenceItem(e.kind, e.path.rsplit("/", 1)[-1], e.race_ms, e.path, e.sha256)
                for e in files
            ]
        return sorted(items, key=lambda i: (i.race_ms is None, i.race_ms or 0, i.label))

    def precedents(
        self,
        category: str,
        *,
        kind: EventKind | None = None,
        track: str | None = None,
        exclude_incident: str | None = None,
        limit: int | None = 20,
    ) -> list[Precedent]:
        """The league's earlier decisions in `category`, same track first (core ranking)."""
        return rank_precedents(
            self.all_precedents(),
            category,
            track,
            kind=kind,
            exclude_incident=exclude_incident,
            limit=limit,
        )

    def all_precedents(self) -> list[Precedent]:
        """Every stored decision as a precedent; unreadable bodies are skipped."""
        return all_precedents(self.store)

    # -- the case workflow -----------------------------------------------------------------
    def move_case(
        self, incident_id: str, action: CaseAction, reason: str = "", actor: str | None = None
    ) -> IncidentStatus:
        """Move a case by the workflow's rules (WorkflowError names what is allowed)."""
        with self.store.transaction() as session:
            return self._move(session, incident_id, action, reason, actor=actor)

    def _move(
        self,
        session: Session,
        incident_id: str,
        action: CaseAction,
        reason: str,
        *,
        quiet: bool = False,
        actor: str | None = None,
    ) -> IncidentStatus:
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise LookupError(f"no incident {incident_id!r}")
        before = IncidentStatus(incident.status)
        try:
            after = transition(before, action, reason)
        except WorkflowError:
            if quiet:  # a side effect of a draft or submission, not the steward's request
                return before
            raise
        incident.status = after.value
        incident.status_reason = reason.strip()
        audit.record(
            session, actor or self.store.actor, "incident.status", "incident", incident_id,
            before=before.value, after=after.value, move=action.value, reason=reason.strip(),
        )  # fmt: skip
        return after


def _form_extras(evidence: object, affected: object) -> tuple[list[dict[str, object]], list[str]]:
    """The form-only fields, checked like the rest: lists, or a VerdictError naming the key."""
    problems: list[Problem] = []
    if evidence is not None and not isinstance(evidence, list):
        problems.append(Problem("evidence", "expected a list of bookmarks or snapshots"))
    if affected is not None and (
        not isinstance(affected, list) or not all(isinstance(p, str) for p in affected)
    ):
        problems.append(Problem("affected", "expected a list of player ids"))
    if problems:
        raise VerdictError(problems)
    items = (
        [EvidenceItem.coerce(e).to_json() for e in evidence] if isinstance(evidence, list) else []
    )
    return items, list(affected) if isinstance(affected, list) else []


def problems_of(error: VerdictError) -> list[Problem]:
    """The problems of a refused verdict, for a form to point at its fields."""
    return list(error.problems)
