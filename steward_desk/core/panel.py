"""The head steward's merge: a panel's verdicts on one incident, agreement and dissent.

SOP's rules: "All penalties are discussed by the SOP Steward Staff before being issued" and
the staff "will not include anyone who may be affected by the incident in question". Leagues
turn that into a quorum and a majority (the rulebook's `[panel]`, e.g. 2 of 3). Each steward
counts once, by a key the caller chooses (the signing key's thumbprint on the head desk), never
by name or by how many files arrived.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from steward_desk.core.model import InvolvedDriver, Outcome, Penalty
from steward_desk.core.rulebook import PanelRules, penalty_to_json
from steward_desk.core.verdict import SANCTIONS, Verdict

FIELDS: tuple[str, ...] = ("category", "outcome", "penalty", "at_fault")


@dataclass(frozen=True, slots=True)
class PanelMember:
    """A steward as the conflict rule sees them: do they race, and for which team?"""

    key: str
    name: str
    player_id: str | None = None
    team: str = ""


def conflict_of_interest(
    steward: PanelMember,
    involved: Iterable[InvolvedDriver],
    teams: Mapping[str, str] | None = None,
    rules: PanelRules | None = None,
) -> str | None:
    """Why this steward may not judge this incident, or None when they may.

    A steward who is one of the drivers involved, or races for the same team as one of them
    (`teams`: player id → team name, from the results), is out; the rulebook's panel rules
    can turn either check off. Team names compare without case or surrounding spaces.
    """
    teams = teams or {}
    check_involved = rules is None or rules.recuse_involved
    check_team = rules is None or rules.recuse_same_team
    own_team = _team(steward.team or teams.get(steward.player_id or "", ""))
    for driver in involved:
        car = f" (car #{driver.car_number})" if driver.car_number is not None else ""
        if check_involved and steward.player_id and driver.player_id == steward.player_id:
            return f"{steward.name} is involved in this incident as {driver.role.value}{car}."
        their_team = _team(teams.get(driver.player_id, ""))
        if check_team and own_team and own_team == their_team:
            team = teams[driver.player_id].strip()
            return f"{steward.name} is on the same team ({team}) as {driver.name}{car}."
    return None


def _team(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True)
class Recusal:
    steward_key: str
    reason: str


@dataclass(frozen=True, slots=True)
class Ignored:
    """A verdict the merge did not count, and why (superseded, a draft, another incident…)."""

    verdict_id: str
    steward_key: str
    reason: str


@dataclass(frozen=True, slots=True)
class FieldAgreement:
    field: str
    groups: tuple[tuple[str, tuple[str, ...]], ...]  # (value as shown, steward keys), largest first
    majority: str | None  # the value a majority holds, if one does

    @property
    def unanimous(self) -> bool:
        return len(self.groups) == 1


@dataclass(frozen=True, slots=True)
class Dissent:
    steward_key: str
    fields: tuple[str, ...]  # where this steward's verdict differs from the majority ruling
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class MajorityRuling:
    """What enough stewards agree on: the outcome, penalty and drivers at fault."""

    category: str | None  # None when the supporters split on the category
    outcome: Outcome
    penalty: Penalty | None
    at_fault: tuple[str, ...]
    supporters: tuple[str, ...]
    reasons: tuple[str, ...]  # the supporters' public reasoning, for the head steward to use
    rule_refs: tuple[str, ...]
    factors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PanelResult:
    incident_id: str
    counted: tuple[tuple[str, Verdict], ...]  # (steward key, their latest submitted verdict)
    recusals: tuple[Recusal, ...]
    ignored: tuple[Ignored, ...]
    quorum: int
    votes_needed: int
    agreement: Mapping[str, FieldAgreement]
    ruling: MajorityRuling | None
    undecided: tuple[str, ...]
    dissent: tuple[Dissent, ...]

    @property
    def quorum_reached(self) -> bool:
        return len(self.counted) >= self.quorum

    @property
    def unanimous(self) -> bool:
        return bool(self.counted) and all(a.unanimous for a in self.agreement.values())

    def to_json(self) -> dict[str, object]:
        ruling = self.ruling
        return {
            "incident_id": self.incident_id,
            "counted": [{"steward_key": k, "verdict_id": v.id} for k, v in self.counted],
            "recusals": [{"steward_key": r.steward_key, "reason": r.reason} for r in self.recusals],
            "ignored": [
                {"verdict_id": i.verdict_id, "steward_key": i.steward_key, "reason": i.reason}
                for i in self.ignored
            ],
            "quorum": self.quorum,
            "quorum_reached": self.quorum_reached,
            "votes_needed": self.votes_needed,
            "agreement": {
                name: {
                    "unanimous": a.unanimous,
                    "majority": a.majority,
                    "groups": [{"value": v, "stewards": list(k)} for v, k in a.groups],
                }
                for name, a in self.agreement.items()
            },
            "ruling": None
            if ruling is None
            else {
                "category": ruling.category,
                "outcome": ruling.outcome.value,
                "penalty": penalty_to_json(ruling.penalty),
                "at_fault": list(ruling.at_fault),
                "supporters": list(ruling.supporters),
                "rule_refs": list(ruling.rule_refs),
                "factors": list(ruling.factors),
            },
            "undecided": list(self.undecided),
            "dissent": [
                {"steward_key": d.steward_key, "fields": list(d.fields), "verdict_id": d.verdict.id}
                for d in self.dissent
            ],
        }


def merge_panel(
    incident_id: str,
    verdicts: Iterable[Verdict],
    rules: PanelRules,
    *,
    key: Callable[[Verdict], str] = lambda v: v.steward.id,
    recusals: Iterable[Recusal] = (),
) -> PanelResult:
    """Merge a panel's verdicts on one incident.

    Counts each steward key once, with its latest submitted version; drafts, other
    incidents' verdicts, superseded versions and recused stewards' verdicts are listed in
    `ignored` with the reason. The quorum is the rulebook's; a majority is the smallest count
    above half (of the verdicts counted, or of the panel for an absolute majority) holding the
    same outcome, penalty and drivers at fault.
    """
    recused = {r.steward_key: r for r in recusals}
    ignored: list[Ignored] = []
    latest: dict[str, Verdict] = {}
    for verdict in verdicts:
        steward = key(verdict)
        if verdict.incident_id != incident_id:
            ignored.append(
                Ignored(
                    verdict.id, steward, f"a verdict on another incident ({verdict.incident_id})"
                )
            )
        elif not verdict.submitted:
            ignored.append(Ignored(verdict.id, steward, "a draft, not submitted"))
        elif steward in recused:
            ignored.append(Ignored(verdict.id, steward, f"recused: {recused[steward].reason}"))
        elif steward not in latest:
            latest[steward] = verdict
        else:
            kept, dropped = _newer(latest[steward], verdict)
            latest[steward] = kept
            if dropped.id == kept.id:
                why = "the same verdict again"  # the same bundle imported twice
            elif dropped.version < kept.version:
                why = f"superseded by {kept.id} (version {kept.version})"
            else:
                why = f"another version {kept.version} verdict; the later {kept.id} counts"
            ignored.append(Ignored(dropped.id, steward, why))
    counted = tuple(sorted(latest.items()))
    needed = rules.votes_needed(len(counted))
    agreement = {name: _agreement(name, counted, needed) for name in FIELDS}
    ruling: MajorityRuling | None = None
    dissent: tuple[Dissent, ...] = ()
    if len(counted) >= rules.quorum:
        ruling = _ruling(counted, needed)
        if ruling is not None:
            dissent = _dissent(counted, ruling)
    if len(counted) < rules.quorum:
        undecided = FIELDS
    elif ruling is None:
        category_open = agreement["category"].majority is None
        undecided = (("category",) if category_open else ()) + FIELDS[1:]
    else:
        undecided = ("category",) if ruling.category is None else ()
    return PanelResult(
        incident_id=incident_id,
        counted=counted,
        recusals=tuple(recused.values()),
        ignored=tuple(ignored),
        quorum=rules.quorum,
        votes_needed=needed,
        agreement=agreement,
        ruling=ruling,
        undecided=undecided,
        dissent=dissent,
    )


def _newer(a: Verdict, b: Verdict) -> tuple[Verdict, Verdict]:
    """(kept, dropped): the higher version wins, then the later one, then the larger id."""
    if (b.version, b.created_at, b.id) > (a.version, a.created_at, a.id):
        return b, a
    return a, b


def _position(verdict: Verdict) -> tuple[Outcome, Penalty | None, frozenset[str]]:
    # Who is "at fault" only matters for a sanction; a racing incident blames nobody.
    blamed = frozenset(verdict.at_fault) if verdict.outcome in SANCTIONS else frozenset()
    return verdict.outcome, verdict.penalty, blamed


def _field_value(name: str, verdict: Verdict) -> Hashable:
    outcome, penalty, blamed = _position(verdict)
    values: dict[str, Hashable] = {
        "category": verdict.category,
        "outcome": outcome,
        "penalty": penalty,
        "at_fault": blamed,
    }
    return values[name]


def _shown(value: Hashable) -> str:
    if value is None:
        return "none"
    if isinstance(value, Penalty):
        return value.describe()
    if isinstance(value, Outcome):
        return value.value
    if isinstance(value, frozenset):
        return ", ".join(sorted(value)) or "nobody"
    return str(value)


def _agreement(name: str, counted: Sequence[tuple[str, Verdict]], needed: int) -> FieldAgreement:
    groups: dict[Hashable, list[str]] = {}
    for steward, verdict in counted:
        groups.setdefault(_field_value(name, verdict), []).append(steward)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), _shown(kv[0])))
    majority = next((_shown(v) for v, keys in ordered if len(keys) >= needed), None)
    return FieldAgreement(name, tuple((_shown(v), tuple(k)) for v, k in ordered), majority)


def _ruling(counted: Sequence[tuple[str, Verdict]], needed: int) -> MajorityRuling | None:
    positions: dict[tuple[Outcome, Penalty | None, frozenset[str]], list[tuple[str, Verdict]]] = {}
    for steward, verdict in counted:
        positions.setdefault(_position(verdict), []).append((steward, verdict))
    best = max(positions.items(), key=lambda kv: len(kv[1]))
    (outcome, penalty, blamed), supporters = best
    if len(supporters) < needed:
        return None
    categories = Counter(v.category for _, v in supporters)
    category, votes = categories.most_common(1)[0]
    return MajorityRuling(
        category=category if votes * 2 > len(supporters) else None,
        outcome=outcome,
        penalty=penalty,
        at_fault=tuple(sorted(blamed)),
        supporters=tuple(s for s, _ in supporters),
        reasons=tuple(v.reasoning for _, v in supporters if v.reasoning.strip()),
        rule_refs=tuple(dict.fromkeys(r for _, v in supporters for r in v.rule_refs)),
        factors=tuple(dict.fromkeys(f for _, v in supporters for f in v.factors)),
    )


def _dissent(counted: Sequence[tuple[str, Verdict]], ruling: MajorityRuling) -> tuple[Dissent, ...]:
    wanted: dict[str, Hashable] = {
        "category": ruling.category,
        "outcome": ruling.outcome,
        "penalty": ruling.penalty,
        "at_fault": frozenset(ruling.at_fault),
    }
    out: list[Dissent] = []
    for steward, verdict in counted:
        differs = tuple(
            f
            for f in FIELDS
            if (f != "category" or ruling.category is not None)
            and _field_value(f, verdict) != wanted[f]
        )
        if differs:
            out.append(Dissent(steward, differs, verdict))
    return tuple(out)
