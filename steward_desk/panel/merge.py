"""The head steward's merge view: per incident, the panel's verdicts side by side.

The rules are the core's (`core.panel.merge_panel`: quorum and majority from the rulebook,
each steward counted once by signing key, the latest submitted version); this module reads
the verdicts a desk holds, works out who must recuse (involved, or on the same team as a
driver involved) and shapes the result for the command line and the Merge tab.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from steward_desk.core.model import InvolvedDriver, Outcome
from steward_desk.core.panel import (
    FIELDS,
    PanelMember,
    PanelResult,
    Recusal,
    conflict_of_interest,
    merge_panel,
)
from steward_desk.core.rulebook import Rulebook
from steward_desk.core.verdict import StewardRef, Verdict, VerdictError
from steward_desk.core.wording import counted
from steward_desk.storage import panel as rows
from steward_desk.storage.panel_reads import PanelRows, panel_rows
from steward_desk.storage.store import Store
from steward_desk.storage.tables import Steward


@dataclass(frozen=True)
class PanelColumn:
    """One steward's counted verdict, as a column of the merge view."""

    key: str  # the steward's signing key id (or row id when they have no key)
    name: str
    verdict: Verdict

    def cell(self, field: str, drivers: Mapping[str, str] | None = None) -> str:
        """The text a person reads in this steward's column for `field` (`drivers`: player id
        → "#7 Zoë Müller", so the drivers at fault read as people, not ids)."""
        v = self.verdict
        if field == "category":
            return v.category.replace("_", " ")
        if field == "outcome":
            return v.outcome.label
        if field == "penalty":
            return v.penalty.describe() if v.penalty is not None else "—"
        if field == "at_fault":
            names = drivers or {}
            return ", ".join(names.get(p, p) for p in v.at_fault) if v.at_fault else "nobody"
        if field == "reasoning":
            return v.reasoning
        raise KeyError(field)


@dataclass(frozen=True)
class IncidentPanel:
    """Everything the merge view shows about one incident."""

    incident_id: str
    number: int
    status: str
    event: str
    involved: tuple[InvolvedDriver, ...]
    columns: tuple[PanelColumn, ...]
    result: PanelResult
    names: dict[str, str]  # steward key → name
    decision_id: str | None

    @property
    def drivers(self) -> dict[str, str]:
        """player id → "#7 Zoë Müller" for the drivers involved."""
        return {
            d.player_id: f"#{d.car_number} {d.name}" if d.car_number is not None else d.name
            for d in self.involved
        }

    def cell(self, column: PanelColumn, field: str) -> str:
        return column.cell(field, self.drivers)

    def agrees(self, field: str) -> bool:
        """True when every counted steward holds the same value for `field`."""
        if field == "reasoning":
            return False
        return self.result.agreement[field].unanimous

    def disagreement(self, field: str) -> str:
        """'Outcome: Penalty (Ann, Bo) vs Racing incident (Cy)', or '' when the panel agrees."""
        agreement = self.result.agreement.get(field)
        if agreement is None or agreement.unanimous:
            return ""
        parts = [
            f"{self._value(field, value)} ({', '.join(sorted(self.names.get(k, k) for k in keys))})"
            for value, keys in agreement.groups
        ]
        return f"{field.replace('_', ' ').capitalize()}: " + " vs ".join(parts)

    def _value(self, field: str, shown: str) -> str:
        """A merge value as people read it (labels, drivers by car number and name)."""
        if field == "outcome" and shown in {o.value for o in Outcome}:
            return Outcome(shown).label
        if field == "category":
            return shown.replace("_", " ")
        if field == "at_fault" and shown != "nobody":
            drivers = self.drivers
            return ", ".join(drivers.get(p, p) for p in shown.split(", "))
        return shown

    def disagreements(self) -> list[str]:
        return [text for f in FIELDS if (text := self.disagreement(f))]

    @property
    def quorum_text(self) -> str:
        r = self.result
        state = "quorum reached" if r.quorum_reached else "no quorum yet"
        return f"{counted(len(r.counted), 'verdict')}, quorum {r.quorum}: {state}"

    @property
    def majority_text(self) -> str:
        ruling = self.result.ruling
        if not self.result.quorum_reached:
            return "waiting for verdicts"
        if ruling is None:
            return f"no majority ({self.result.votes_needed} matching verdicts needed)"
        penalty = f", {ruling.penalty.describe()}" if ruling.penalty is not None else ""
        backed = len(ruling.supporters)
        return f"majority {backed}–{len(self.result.counted) - backed}: {ruling.outcome.label}{penalty}"

    def to_json(self) -> dict[str, object]:
        doc = self.result.to_json()
        doc.update(
            number=self.number,
            status=self.status,
            event=self.event,
            stewards={k: n for k, n in self.names.items()},
            verdicts=[
                {
                    "steward": c.name,
                    "steward_key": c.key,
                    "category": c.verdict.category,
                    "outcome": c.verdict.outcome.value,
                    "penalty": c.verdict.to_json()["penalty"],
                    "at_fault": list(c.verdict.at_fault),
                    "reasoning": c.verdict.reasoning,
                }
                for c in self.columns
            ],
            disagreements=self.disagreements(),
            decision_id=self.decision_id,
        )
        return doc


def incident_panel(session: Session, incident_id: str, rulebook: Rulebook) -> IncidentPanel | None:
    """The merge of one incident's verdicts held in this database (None: no such incident)."""
    return panel_of(panel_rows(session, [incident_id]), incident_id, rulebook)


def panel_of(held: PanelRows, incident_id: str, rulebook: Rulebook) -> IncidentPanel | None:
    """The merge of one incident from the rows read for it (None: no such incident)."""
    context = held.contexts.get(incident_id)
    if context is None:
        return None
    verdicts: list[Verdict] = []
    stewards: dict[str, Steward] = {}
    for row, steward in held.verdicts.get(incident_id, ()):
        if row.status != "submitted":
            continue
        key = steward.kid or steward.id
        stewards[key] = steward
        verdicts.append(_verdict(row.body_json, key, steward.name, rulebook))
    recusals: list[Recusal] = []
    for key, steward in stewards.items():
        member = PanelMember(key, steward.name, steward.player_id, steward.team)
        reason = conflict_of_interest(member, context.involved, context.teams, rulebook.panel)
        if reason is not None:
            recusals.append(Recusal(key, reason))
    for steward_id, reason in held.recusals.get(incident_id, ()):
        recused = held.stewards.get(steward_id)
        key = (recused.kid or recused.id) if recused is not None else steward_id
        if recused is not None:
            stewards.setdefault(key, recused)
        if all(r.steward_key != key for r in recusals):
            recusals.append(Recusal(key, reason))
    result = merge_panel(
        incident_id, verdicts, rulebook.panel, key=lambda v: v.steward.id, recusals=recusals
    )
    names = {key: steward.name for key, steward in stewards.items()}
    columns = tuple(
        sorted(
            (PanelColumn(key, names[key], verdict) for key, verdict in result.counted),
            key=lambda c: (c.name.casefold(), c.key),
        )
    )
    decision = held.decisions.get(incident_id)
    return IncidentPanel(
        incident_id=incident_id,
        number=context.incident.number,
        status=context.incident.status,
        event=context.event.name,
        involved=context.involved,
        columns=columns,
        result=result,
        names=names,
        decision_id=decision.id if decision is not None else None,
    )


def _verdict(body_json: str, key: str, name: str, rulebook: Rulebook) -> Verdict:
    """A stored submitted verdict, its steward named by signing key for the merge."""
    doc = json.loads(body_json or "{}")
    doc["steward"] = StewardRef(key, name).to_json()
    try:
        return Verdict.from_json(doc, rulebook)
    except VerdictError:
        # A verdict stored under an older rulebook: read it as a draft rather than hide it.
        return Verdict.from_json(doc, rulebook, draft=True)


def merge_view(
    store: Store, rulebook: Rulebook, incident_ids: Sequence[str] | None = None
) -> list[IncidentPanel]:
    """Every incident with submitted verdicts (or those asked for), in case-number order."""
    with store.read() as session:
        ids = (
            list(incident_ids)
            if incident_ids is not None
            else rows.incidents_with_verdicts(session)
        )
        held = panel_rows(session, ids)
    panels = [panel_of(held, incident_id, rulebook) for incident_id in ids]
    return [p for p in panels if p is not None]
