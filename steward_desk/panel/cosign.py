"""Co-signing a decision: panel members sign the very payload bytes the head steward signed.

A panel member's desk checks the head steward's signature, then adds its own (the document
becomes the JWS general form). The head steward's desk collects the co-signed copies and
merges their signatures into the decision it recorded; a threshold counts distinct public
keys, never kids or signature entries, so the same key signing twice counts once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from steward_desk.core.model import StewardRole
from steward_desk.core.wording import counted
from steward_desk.panel.decisions import DECISION_CTY
from steward_desk.panel.errors import BAD_CONTENT, UNKNOWN_INCIDENT, DecisionError
from steward_desk.signing.canonical import loads_strict
from steward_desk.signing.envelope import parse_envelope
from steward_desk.signing.errors import SigningError
from steward_desk.signing.jws import add_signature, document_bytes
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.keyset import KeySet
from steward_desk.signing.verify import Signer, verify
from steward_desk.storage import audit
from steward_desk.storage.store import Store
from steward_desk.storage.tables import Decision


def cosign(
    data: bytes, key: SigningKey, keyset: KeySet | None, *, source: str = "<decision>"
) -> bytes:
    """A panel member's co-signature on a decision document the head steward signed."""
    if keyset is None:
        raise DecisionError("no_key_set", "this desk holds no league key-set to check the decision")
    try:
        verified = verify(data, keyset, DECISION_CTY, source=source)
        verified.require_role(StewardRole.HEAD, StewardRole.ADMIN)
        if keyset.find(key.kid) is None:
            raise DecisionError(
                "unknown_kid",
                f"this desk's key (kid {key.kid}) is not in the league key-set",
                source=source,
            )
        return document_bytes(add_signature(loads_strict(data), key))
    except SigningError as error:
        raise DecisionError.from_signing(error, source) from None


@dataclass(frozen=True)
class Cosigned:
    decision_id: str
    signers: tuple[Signer, ...]
    added: int

    def describe(self) -> str:
        names = ", ".join(s.describe() for s in self.signers)
        return (
            f"decision {self.decision_id}: {counted(len(self.signers), 'distinct key')} "
            f"signed ({names}); {self.added} new"
        )


def collect_cosignatures(
    store: Store, files: Sequence[tuple[str, bytes]], keyset: KeySet | None
) -> list[Cosigned]:
    """Merge panel members' co-signatures into the stored decision documents (one transaction).

    Each file must verify against the key-set and carry exactly the payload bytes of a decision
    this desk recorded; its signatures join the stored document's (general form).
    """
    if keyset is None:
        raise DecisionError("no_key_set", "this desk holds no league key-set")
    out: list[Cosigned] = []
    with store.transaction() as session:
        for source, data in files:
            try:
                envelope = parse_envelope(data, source=source)
                verified = verify(data, keyset, DECISION_CTY, source=source)
            except SigningError as error:
                raise DecisionError.from_signing(error, source) from None
            inner = verified.payload.get("decision") if isinstance(verified.payload, dict) else None
            decision_id = str(inner.get("id", "")) if isinstance(inner, dict) else ""
            decision = session.get(Decision, decision_id)
            if decision is None or not decision.signed_document:
                raise DecisionError(
                    UNKNOWN_INCIDENT,
                    f"no decision {decision_id!r} was recorded on this desk",
                    source=source,
                )
            stored_bytes = decision.signed_document.encode("utf-8")
            stored = parse_envelope(stored_bytes)
            if stored.payload_b64 != envelope.payload_b64:
                raise DecisionError(
                    BAD_CONTENT,
                    "the co-signed document does not carry the exact decision recorded here (its "
                    "payload differs)",
                    source=source,
                )
            entries = _entries(loads_strict(stored_bytes))
            kids = {e.kid for e in stored.signatures}
            raw_new = _entries(loads_strict(data))
            added = 0
            for parsed, raw in zip(envelope.signatures, raw_new, strict=True):
                if parsed.kid not in kids:
                    entries.append(raw)
                    kids.add(parsed.kid)
                    added += 1
            merged = document_bytes({"payload": stored.payload_b64, "signatures": entries})
            try:
                checked = verify(merged, keyset, DECISION_CTY, source=source)
            except SigningError as error:
                raise DecisionError.from_signing(error, source) from None
            decision.signed_document = merged.decode("utf-8")
            session.add(decision)
            audit.record(
                session, store.actor, "decision.cosigned", "incident", decision.incident_id,
                decision=decision.id, signers=[s.kid for s in checked.signers], added=added,
            )  # fmt: skip
            out.append(Cosigned(decision.id, checked.signers, added))
    return out


def _entries(doc: Any) -> list[dict[str, Any]]:
    if "signatures" in doc:
        return [dict(e) for e in doc["signatures"]]
    return [{"protected": doc["protected"], "signature": doc["signature"]}]


def decision_signers(data: bytes, keyset: KeySet, threshold: int = 1) -> tuple[Signer, ...]:
    """The distinct keys that signed a decision document; SigningError below `threshold`."""
    return verify(data, keyset, DECISION_CTY, threshold=threshold).signers


def decision_document(store: Store, decision_id: str) -> bytes:
    """The signed document of a recorded decision, with every co-signature collected so far."""
    with store.read() as session:
        decision = session.get(Decision, decision_id)
    if decision is None or not decision.signed_document:
        raise DecisionError(UNKNOWN_INCIDENT, f"no signed decision {decision_id!r} on this desk")
    return decision.signed_document.encode("utf-8")
