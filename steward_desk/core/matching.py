"""Who does a report mean? A raw driver reference → a driver of the roster.

Reports name drivers the way people type them: a Steam player id, a car number ("#12",
"car 12"), a full name with or without accents, a surname, the game's three-letter short
name, a typo, or a mix ("#12 Jürgen Müller"). Matching is accent- and case-insensitive and
fuzzy; when two drivers fit about equally well the match is ambiguous and a steward
confirms it — nothing is silently guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from steward_desk.core.model import Driver

ACCEPT_SCORE = 0.75  # below this a best candidate is only a suggestion
MIN_SCORE = 0.6  # below this a driver is not even a candidate
AMBIGUITY_MARGIN = 0.08  # two candidates this close cannot be told apart

_PLAYER_ID = re.compile(r"^[Ss]?\d{15,20}$")
_CAR_ONLY = re.compile(r"^(?:#|car\s*#?|no\.?\s*|nr\.?\s*|number\s*)?\s*(\d{1,4})$", re.I)
_CAR_IN_TEXT = re.compile(r"(?:#\s*|\bcar\s*#?\s*|\(\s*#?)(\d{1,4})\)?", re.I)


@dataclass(frozen=True, slots=True)
class RosterDriver:
    """A driver who can be meant: everything a report might call them by."""

    player_id: str
    names: tuple[str, ...]  # full names, nick names, short names (any order)
    car_numbers: tuple[int, ...] = ()

    @classmethod
    def from_driver(cls, driver: Driver, car_numbers: Iterable[int] = ()) -> RosterDriver:
        names = [driver.name, driver.short_name]
        return cls(driver.player_id, tuple(n for n in names if n.strip()), tuple(car_numbers))


@dataclass(frozen=True, slots=True)
class Candidate:
    player_id: str
    score: float  # 0…1
    reason: str  # "player id", "car number", "name", "surname", "short name", "similar name"


@dataclass(frozen=True, slots=True)
class Match:
    player_id: str | None  # set only when one driver fits clearly
    confidence: float
    candidates: tuple[Candidate, ...]  # best first
    ambiguous: bool

    @property
    def needs_confirmation(self) -> bool:
        """The steward should confirm: ambiguous, weak or no match."""
        return self.player_id is None or self.ambiguous or self.confidence < 0.9


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed: "Jürgen  Müller" →
    "jurgen muller"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.casefold().replace("ß", "ss").replace("ø", "o").replace("ł", "l")
    return " ".join(re.sub(r"[^\w\s]|_", " ", plain).split())


def match_driver(reference: str, roster: Sequence[RosterDriver]) -> Match:
    """The roster driver a raw reference means, with how sure we are and who else fits."""
    ref = reference.strip()
    if not ref:
        return Match(None, 0.0, (), False)
    if _PLAYER_ID.match(ref):
        wanted = ref.upper() if ref[0] in "Ss" else "S" + ref
        exact = [d for d in roster if d.player_id.upper() == wanted]
        if exact:
            return _decide([Candidate(d.player_id, 1.0, "player id") for d in exact])
    exact_id = [d for d in roster if d.player_id and d.player_id.casefold() == ref.casefold()]
    if exact_id:
        return _decide([Candidate(d.player_id, 1.0, "player id") for d in exact_id])

    car_only = _CAR_ONLY.match(ref)
    if car_only:
        return _decide(_by_car(int(car_only.group(1)), roster))

    numbered = _CAR_IN_TEXT.search(ref)
    name_part = _CAR_IN_TEXT.sub(" ", ref) if numbered else ref
    by_name = _by_name(normalise(name_part), roster)
    if numbered:
        by_car = {c.player_id: c for c in _by_car(int(numbered.group(1)), roster)}
        both = [
            Candidate(c.player_id, max(c.score, 0.95), f"car number and {c.reason}")
            for c in by_name
            if c.player_id in by_car
        ]
        if both:
            return _decide(both)
        return _decide(by_name + list(by_car.values()))
    return _decide(by_name)


def _by_car(number: int, roster: Sequence[RosterDriver]) -> list[Candidate]:
    return [Candidate(d.player_id, 0.95, "car number") for d in roster if number in d.car_numbers]


def _by_name(ref: str, roster: Sequence[RosterDriver]) -> list[Candidate]:
    if not ref:
        return []
    found = []
    for driver in roster:
        best: tuple[float, str] = (0.0, "")
        for name in driver.names:
            best = max(best, _name_score(ref, normalise(name)))
        if best[0] >= MIN_SCORE:
            found.append(Candidate(driver.player_id, round(best[0], 3), best[1]))
    return found


def _name_score(ref: str, name: str) -> tuple[float, str]:
    """How well a normalised reference fits one normalised name of a driver."""
    if not name:
        return (0.0, "")
    if len(name) <= 3 and " " not in name:
        # The game's short names ("MUL") are not unique and too short to compare fuzzily.
        return (0.85, "short name") if ref == name else (0.0, "")
    if ref == name:
        return (1.0, "name")
    ref_tokens, name_tokens = ref.split(), name.split()
    if sorted(ref_tokens) == sorted(name_tokens):
        return (0.98, "name")
    if len(ref_tokens) > 1 and set(ref_tokens) <= set(name_tokens):
        return (0.92, "name")
    if (
        len(ref_tokens) == 2
        and len(ref_tokens[0]) == 1
        and len(name_tokens) >= 2
        and ref_tokens[0] == name_tokens[0][0]
        and ref_tokens[1] == name_tokens[-1]
    ):
        return (0.9, "initial and surname")
    if len(ref_tokens) == 1 and len(name_tokens) > 1:
        if ref == name_tokens[-1]:
            return (0.85, "surname")
        if ref == name_tokens[0]:
            return (0.8, "first name")
        similar = max(SequenceMatcher(None, ref, token).ratio() for token in name_tokens)
        whole = SequenceMatcher(None, ref, name).ratio()
        return (max(similar * 0.85, whole * 0.9), "similar name")
    return (SequenceMatcher(None, ref, name).ratio() * 0.95, "similar name")


def _decide(candidates: list[Candidate]) -> Match:
    if not candidates:
        return Match(None, 0.0, (), False)
    best_per_driver: dict[str, Candidate] = {}
    for c in candidates:
        kept = best_per_driver.get(c.player_id)
        if kept is None or c.score > kept.score:
            best_per_driver[c.player_id] = c
    ranked = tuple(sorted(best_per_driver.values(), key=lambda c: (-c.score, c.player_id)))
    top = ranked[0]
    ambiguous = len(ranked) > 1 and top.score - ranked[1].score < AMBIGUITY_MARGIN
    chosen = top.player_id if top.score >= ACCEPT_SCORE and not ambiguous else None
    return Match(chosen, top.score, ranked, ambiguous)
