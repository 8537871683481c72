"""Case packs: the head steward's signed list of cases for the panel.

A case pack (cty `application/vnd.steward-desk.cases+json`, flattened JWS, RFC 8785 payload)
carries the incidents with their stable ids, their reports, the drivers involved by player
id with names and car numbers, the events and sessions they belong to by id, and footage
references (SHA-256, link or file name, start time, offset): never footage bytes. A steward
desk verifies it against the head steward's key in the league key-set and loads it with the
same ids; loading the same pack again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from steward_desk.core.model import (
    StewardRole,
)
from steward_desk.core.wording import counted
from steward_desk.panel import case_rows, documents
from steward_desk.panel.case_pack_schema import FORMAT, read_case_pack
from steward_desk.panel.errors import BAD_CONTENT, CONFLICT, NO_KEY_SET, CasePackError
from steward_desk.signing.errors import SignatureError
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.keyset import AUTHORITY_ROLES, KeySet
from steward_desk.signing.keystore import write_private
from steward_desk.storage import audit
from steward_desk.storage.store import Store

CASES_CTY = "application/vnd.steward-desk.cases+json"
KIND = "cases"


@dataclass(frozen=True)
class CasePackExport:
    path: Path
    incidents: int
    seq: int
    kid: str


@dataclass(frozen=True)
class CasePackImport:
    source: str
    duplicate: bool
    incidents_new: int
    incidents_updated: int
    reports: int
    footage: int
    head: str
    checks: tuple[str, ...]

    def describe(self) -> str:
        if self.duplicate:
            return f"{self.source}: this case pack was imported before; nothing changed"
        return (
            f"{self.source}: case pack from {self.head}: "
            f"{counted(self.incidents_new, 'new case')}, "
            f"{self.incidents_updated} updated, {counted(self.reports, 'report')}, "
            f"{counted(self.footage, 'footage reference')}"
        )


def export_case_pack(
    store: Store,
    key: SigningKey,
    keyset: KeySet | None,
    out: Path,
    *,
    event: str | None = None,
    now: datetime | None = None,
) -> CasePackExport:
    """Sign this desk's cases (of `event`, by name or id) as a case pack and write it to `out`.

    Only a head steward's (or admin's) key in the league key-set signs case packs: a steward
    desk would refuse any other.
    """
    entry = keyset.find(key.kid) if keyset is not None else None
    if keyset is None:
        raise CasePackError(
            NO_KEY_SET, "this desk holds no league key-set; start one with `keys init --role head`"
        )
    if entry is None or entry.role not in AUTHORITY_ROLES:
        who = f"{entry.name} ({entry.role.value})" if entry else f"kid {key.kid}, not listed"
        raise CasePackError(
            "wrong_role", f"case packs are signed by the head steward; this desk is {who}"
        )
    with store.transaction() as session:
        snapshot = case_rows.case_snapshot(session, event)
        if not snapshot["incidents"]:
            where = f" of event {event!r}" if event else ""
            raise CasePackError(BAD_CONTENT, f"there are no cases{where} to send")
        payload = {
            "format": FORMAT,
            "head": {"kid": key.kid, "name": entry.name},
            **snapshot,
        }
        signed = documents.sign_next(
            session, KIND, CASES_CTY, payload, key, source=str(out),
            items=len(snapshot["incidents"]), now=now,
        )  # fmt: skip
        _write_atomic(out, signed.data)
        audit.record(
            session, store.actor, "case_pack.exported", "panel", str(out),
            incidents=len(snapshot["incidents"]), event=event,
        )  # fmt: skip
    return CasePackExport(out, len(snapshot["incidents"]), signed.seq, key.kid)


def import_case_pack(
    store: Store, data: bytes, keyset: KeySet | None, *, source: str
) -> CasePackImport:
    """Verify a case pack against the head steward's key and load it; raises CasePackError."""
    if keyset is None:
        raise CasePackError(
            NO_KEY_SET,
            "this desk holds no league key-set to check the head steward's signature: "
            "`keys import KEYSET.json` first",
            source=source,
        )
    with store.transaction() as session:
        accepted = documents.accept(
            session, data, kind=KIND, cty=CASES_CTY, keyset=keyset, source=source,
            error=CasePackError, allow_gap=True,
        )  # fmt: skip
        try:
            head = accepted.verified.require_role(StewardRole.HEAD, StewardRole.ADMIN)
        except SignatureError as error:
            raise CasePackError(
                error.reason.value, error.detail, source=source, passed=accepted.checks
            ) from None
        if accepted.duplicate:
            return CasePackImport(source, True, 0, 0, 0, 0, head.describe(), accepted.checks)
        pack = read_case_pack(accepted.payload, source)
        try:
            loaded = case_rows.load_cases(session, pack)
        except ValueError as error:
            raise CasePackError(CONFLICT, str(error), source=source) from None
        documents.remember(
            session, accepted, data, kind=KIND, source=source, items=len(pack["incidents"])
        )
        audit.record(
            session, store.actor, "case_pack.imported", "panel", accepted.verified.document_hash,
            source=source, head=head.kid, seq=accepted.seq, incidents=len(pack["incidents"]),
        )  # fmt: skip
    return CasePackImport(
        source,
        False,
        loaded.incidents_new,
        loaded.incidents_updated,
        loaded.reports,
        loaded.footage,
        head.describe(),
        accepted.checks,
    )


def _write_atomic(out: Path, data: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    write_private(out, data)
