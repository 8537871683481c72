"""Verdict bundles: a steward's submitted verdicts, signed, for the head steward's desk.

A bundle is a flattened JWS JSON document, protected header `{"alg": "Ed25519", "kid": …,
"cty": "application/vnd.steward-desk.verdicts+json"}`, whose RFC 8785 payload is

    {"format": 1, "steward": {"kid", "name"}, "verdicts": [Verdict.to_json(), …],
     "seq": n, "prev": hash of this steward's bundle n-1 (null for the first), "issued_at"}

Each bundle holds every verdict version the steward has submitted so far, so a lost file is
made good by the next one: the head desk accepts a later `seq` after a gap (nothing is lost),
but never an older one, the same `seq` with other content, or a `prev` that does not name the
bundle it holds. In a verdict the steward's id is the signing key's kid: the only
name for a steward that is the same on every desk.

The head steward's desk imports any number of bundles in one transaction: every file is
verified against the league key-set and its signer's chain and every verdict is checked
against the rulebook before anything is stored; the first refusal stops it all, with the
file, the place and the reason, and the database is as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from steward_desk.core.model import IncidentStatus
from steward_desk.core.rulebook import Rulebook
from steward_desk.core.verdict import StewardRef, Verdict, VerdictError
from steward_desk.core.wording import plural_s
from steward_desk.core.workflow import CaseAction, WorkflowError, transition
from steward_desk.panel import documents
from steward_desk.panel.errors import (
    BAD_CONTENT,
    CONFLICT,
    MAX_DOCUMENT_BYTES,
    NO_KEY_SET,
    UNKNOWN_INCIDENT,
    BundleError,
)
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.keyset import KeySet
from steward_desk.signing.keystore import write_private
from steward_desk.storage import audit
from steward_desk.storage import panel as rows
from steward_desk.storage.store import Store
from steward_desk.storage.tables import Incident

VERDICTS_CTY = "application/vnd.steward-desk.verdicts+json"
KIND = "verdicts"
FORMAT = 1
_PAYLOAD_KEYS = {"format", "steward", "verdicts", "recusals", "seq", "prev", "issued_at"}


@dataclass(frozen=True)
class BundleExport:
    path: Path
    verdicts: int
    seq: int
    hash: str


@dataclass(frozen=True)
class BundleImport:
    """What one file brought in (`duplicate`: the same file was imported before)."""

    source: str
    steward: str
    seq: int
    verdicts: int
    new_verdicts: int
    duplicate: bool
    checks: tuple[str, ...]

    def describe(self) -> str:
        if self.duplicate:
            return f"{self.source}: bundle {self.seq} of {self.steward} was imported before; nothing changed"
        return (
            f"{self.source}: bundle {self.seq} of {self.steward}: {self.new_verdicts} new "
            f"verdict{plural_s(self.new_verdicts)} of {self.verdicts}"
        )


def bundle_payload(
    steward_kid: str,
    steward_name: str,
    verdicts: Iterable[Verdict],
    recusals: Iterable[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The payload of a bundle (before its chain link): the verdicts under the signer's kid,
    and the cases the steward stood back from (incident id, reason), if any."""
    docs = []
    for verdict in verdicts:
        doc = verdict.to_json()
        doc["steward"] = {"id": steward_kid, "name": steward_name}
        docs.append(doc)
    payload: dict[str, Any] = {
        "format": FORMAT,
        "steward": {"kid": steward_kid, "name": steward_name},
        "verdicts": docs,
    }
    stood_back = [{"incident_id": i, "reason": r} for i, r in recusals]
    if stood_back:
        payload["recusals"] = stood_back
    return payload


def steward_recusals(store: Store, steward_id: str) -> list[tuple[str, str]]:
    """(incident id, reason) of the cases this desk's steward stood back from."""
    with store.read() as session:
        return rows.recusals_by(session, steward_id)


def export_bundle(
    store: Store,
    key: SigningKey,
    steward_name: str,
    verdicts: Sequence[Verdict],
    out: Path,
    *,
    recusals: Sequence[tuple[str, str]] = (),
    now: datetime | None = None,
) -> BundleExport:
    """Sign `verdicts` (this steward's submitted ones) and `recusals` (incident id, reason)
    as the next bundle and write `out`."""
    if not verdicts and not recusals:
        raise BundleError(
            BAD_CONTENT,
            "there are no submitted verdicts to send: submit a verdict first (a draft is never sent)",
        )
    drafts = [v.id for v in verdicts if not v.submitted]
    if drafts:
        raise BundleError(
            BAD_CONTENT, f"verdict {drafts[0]} is a draft; only submitted verdicts travel"
        )
    payload = bundle_payload(key.kid, steward_name, verdicts, recusals)
    with store.transaction() as session:
        signed = documents.sign_next(
            session, KIND, VERDICTS_CTY, payload, key, source=str(out), items=len(verdicts), now=now
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        write_private(out, signed.data)
        audit.record(
            session, store.actor, "bundle.exported", "panel", signed.hash,
            file=str(out), seq=signed.seq, verdicts=len(verdicts),
        )  # fmt: skip
    return BundleExport(out, len(verdicts), signed.seq, signed.hash)


def import_bundles(
    store: Store,
    files: Sequence[tuple[str, bytes]],
    keyset: KeySet | None,
    rulebook: Rulebook,
    *,
    importer_kid: str | None = None,
    now: datetime | None = None,
) -> list[BundleImport]:
    """Verify and import bundles `(source, bytes)` in one transaction; BundleError refuses all.

    `importer_kid` is this desk's key: when given it must be a head steward's or admin's in
    the key-set, because a steward's desk that took in others' verdicts would end blind review.
    """
    if keyset is None:
        raise BundleError(
            NO_KEY_SET,
            "this desk holds no league key-set to check the stewards' signatures: start one "
            "(`keys init --role head`) or adopt it (`keys import`)",
        )
    if importer_kid is not None and not keyset.is_authority(importer_kid):
        entry = keyset.find(importer_kid)
        who = f"{entry.name} ({entry.role.value})" if entry else "not in the key-set"
        raise BundleError(
            "wrong_role",
            f"bundles are imported on the head steward's desk; this desk is {who}, and blind "
            "review keeps one steward from seeing another's verdict",
        )
    results: list[BundleImport] = []
    with store.transaction() as session:
        for source, data in files:
            results.append(_import_one(session, store, source, data, keyset, rulebook, now))
    return results


def _import_one(
    session: Session,
    store: Store,
    source: str,
    data: bytes,
    keyset: KeySet,
    rulebook: Rulebook,
    now: datetime | None,
) -> BundleImport:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise BundleError(
            "oversized",
            f"the file is {len(data):,} bytes; a bundle is at most "
            f"{MAX_DOCUMENT_BYTES:,} (is it the right file?)",
            source=source,
        )
    accepted = documents.accept(
        session, data, kind=KIND, cty=VERDICTS_CTY, keyset=keyset, source=source,
        error=BundleError, now=now, allow_gap=True,
    )  # fmt: skip
    signer = accepted.verified.signers[0]
    entry = keyset.find(signer.kid)
    assert entry is not None  # verify() only accepts keys of the key-set
    who = signer.describe()
    verdicts = _read_verdicts(accepted.payload, signer.kid, rulebook, source, accepted.checks)
    if accepted.duplicate:
        return BundleImport(source, who, accepted.seq, len(verdicts), 0, True, accepted.checks)
    steward = rows.ensure_steward(
        session, signer.kid, entry.name, entry.role.value, entry.jwk.to_dict()
    )
    incidents = rows.held_incidents(session, (v.incident_id for v in verdicts))
    batch = []
    for index, verdict in enumerate(verdicts):
        if verdict.incident_id not in incidents:
            raise BundleError(
                UNKNOWN_INCIDENT,
                f"verdicts[{index}] is on incident {verdict.incident_id}, which this desk does "
                "not hold (was the case pack made on another desk?)",
                source=source,
                passed=accepted.checks,
            )
        body = verdict.to_json()
        body["steward"] = StewardRef(steward.id, steward.name).to_json()
        batch.append(
            (verdict.id, verdict.incident_id, body, verdict.version, verdict.supersedes,
             verdict.created_at)
        )  # fmt: skip
    try:
        added = rows.store_submitted_verdicts(session, steward.id, batch)
    except ValueError as error:
        raise BundleError(CONFLICT, str(error), source=source, passed=accepted.checks) from None
    new = len(added)
    fresh = set(added)
    moved = {v.incident_id for v in verdicts if v.id in fresh}
    for incident_id in sorted(moved):
        _await_panel(session, store, incidents[incident_id])
    for index, (incident_id, reason) in enumerate(_read_recusals(accepted.payload, source)):
        if rows.held_incidents(session, [incident_id]) == {}:
            raise BundleError(
                UNKNOWN_INCIDENT,
                f"recusals[{index}] is on incident {incident_id}, which this desk does not hold",
                source=source,
                passed=accepted.checks,
            )
        rows.record_recusal(session, store.actor, incident_id, steward, reason)
    documents.remember(session, accepted, data, kind=KIND, source=source, items=len(verdicts))
    audit.record(
        session, store.actor, "bundle.imported", "panel", accepted.verified.document_hash,
        file=source, steward=signer.kid, seq=accepted.seq, verdicts=len(verdicts), new=new,
    )  # fmt: skip
    return BundleImport(source, who, accepted.seq, len(verdicts), new, False, accepted.checks)


def _await_panel(session: Session, store: Store, incident: Incident) -> None:
    """A case whose first panel verdicts arrive now awaits the panel (when the workflow allows)."""
    incident_id = incident.id
    before = IncidentStatus(incident.status)
    try:
        after = transition(before, CaseAction.SEND_TO_PANEL)
    except WorkflowError:
        return  # already with the panel, decided or closed: a verdict does not move it
    incident.status = after.value
    session.add(incident)
    audit.record(
        session, store.actor, "incident.status", "incident", incident_id,
        before=before.value, after=after.value, move=CaseAction.SEND_TO_PANEL.value,
        reason="panel verdicts arrived",
    )  # fmt: skip


def _read_recusals(payload: Mapping[str, Any], source: str) -> list[tuple[str, str]]:
    raw = payload.get("recusals", [])
    out: list[tuple[str, str]] = []
    if not isinstance(raw, list):
        raise BundleError(BAD_CONTENT, "recusals must be a list", source=source)
    for index, item in enumerate(raw):
        if (
            not isinstance(item, Mapping)
            or set(item) != {"incident_id", "reason"}
            or not isinstance(item["incident_id"], str)
            or not isinstance(item["reason"], str)
        ):
            raise BundleError(
                BAD_CONTENT,
                f'recusals[{index}] must be {{"incident_id": "…", "reason": "…"}}',
                source=source,
            )
        out.append((item["incident_id"], item["reason"]))
    return out


def read_bundle(
    payload: object, signer_kid: str, rulebook: Rulebook, source: str = "<bundle>"
) -> list[Verdict]:
    """The verdicts of a verified bundle payload, each checked against the rulebook."""
    return _read_verdicts(payload, signer_kid, rulebook, source, ())


def _read_verdicts(
    payload: object, signer_kid: str, rulebook: Rulebook, source: str, passed: Sequence[str]
) -> list[Verdict]:
    def refuse(detail: str) -> BundleError:
        return BundleError(BAD_CONTENT, detail, source=source, passed=passed)

    if not isinstance(payload, Mapping):
        raise refuse("the payload is not a JSON object")
    unknown = sorted(set(payload) - _PAYLOAD_KEYS)
    if unknown:
        raise refuse(f"unknown payload members {unknown}; expected {sorted(_PAYLOAD_KEYS)}")
    if payload.get("format") != FORMAT:
        raise refuse(f"format must be {FORMAT}, found {payload.get('format')!r}")
    steward = payload.get("steward")
    if not isinstance(steward, Mapping) or steward.get("kid") != signer_kid:
        claimed = steward.get("kid") if isinstance(steward, Mapping) else steward
        raise refuse(
            f"steward.kid is {claimed!r} but the bundle is signed by kid {signer_kid}: a bundle "
            "carries only its signer's own verdicts"
        )
    raw = payload.get("verdicts")
    if not isinstance(raw, list):
        raise refuse("verdicts must be a list")
    out: list[Verdict] = []
    seen: set[str] = set()
    for index, doc in enumerate(raw):
        try:
            verdict = Verdict.from_json(doc, rulebook)
        except VerdictError as error:
            first = error.problems[0]
            more = f" (and {len(error.problems) - 1} more)" if len(error.problems) > 1 else ""
            raise refuse(f"verdicts[{index}].{first.path}: {first.message}{more}") from None
        if not verdict.submitted:
            raise refuse(f"verdicts[{index}] is a draft; a bundle carries submitted verdicts only")
        if verdict.steward.id != signer_kid:
            raise refuse(
                f"verdicts[{index}] names steward {verdict.steward.id!r}, not the signer "
                f"(kid {signer_kid})"
            )
        if verdict.id in seen:
            raise refuse(f"verdicts[{index}]: verdict {verdict.id} is listed twice")
        seen.add(verdict.id)
        out.append(verdict)
    return out
