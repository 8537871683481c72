"""Why the signing layer said no, in words a steward can act on.

Every refusal is a typed exception with a machine-readable `reason` (so the importers and the
UI can branch on it, and tests can assert it) and a message that names the file, the place in
it and what was expected.
"""

from __future__ import annotations

from enum import StrEnum


class Refusal(StrEnum):
    """The reasons a signed document, a key or a key file is refused."""

    # The bytes themselves.
    OVERSIZED = "oversized"
    INVALID_UTF8 = "invalid_utf8"
    MALFORMED_JSON = "malformed_json"
    DUPLICATE_KEY = "duplicate_key"
    TOO_DEEP = "too_deep"
    NOT_CANONICAL = "not_canonical"
    # The JWS envelope.
    COMPACT_FORM = "compact_form"
    NOT_JWS = "not_jws"
    BAD_ALG = "bad_alg"
    CRIT_HEADER = "crit_header"
    B64_HEADER = "b64_header"
    UNPROTECTED_HEADER = "unprotected_header"
    UNKNOWN_KID = "unknown_kid"
    KID_MISMATCH = "kid_mismatch"
    BAD_SIGNATURE = "bad_signature"
    CTY_MISMATCH = "cty_mismatch"
    THRESHOLD_NOT_MET = "threshold_not_met"
    WRONG_ROLE = "wrong_role"
    # Freshness and order of one signer's documents.
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    BAD_TIMESTAMP = "bad_timestamp"
    ROLLBACK = "rollback"
    REPLAY = "replay"
    GAP = "gap"
    PREV_MISMATCH = "prev_mismatch"
    # Keys, the key store and the league key-set.
    BAD_KEY = "bad_key"
    NO_KEY = "no_key"
    KEY_EXISTS = "key_exists"
    INSECURE_PERMISSIONS = "insecure_permissions"
    NO_PASSPHRASE = "no_passphrase"
    WRONG_PASSPHRASE = "wrong_passphrase"
    BAD_KEYSET = "bad_keyset"


class SigningError(Exception):
    """Base of every refusal from `steward_desk.signing`.

    `reason` says which rule refused; `source` names the file (or "<bytes>") when known.
    """

    def __init__(self, reason: Refusal, message: str, *, source: str | None = None) -> None:
        self.reason = reason
        self.detail = message
        self.source = source
        # The checks that passed before this refusal, so a verifier can show them all.
        self.passed: tuple[str, ...] = ()
        super().__init__(f"{source}: {message}" if source else message)


class JsonError(SigningError):
    """The bytes are not the strict JSON the signing layer accepts (or cannot make canonical).

    `line`/`column` (1-based) point into the input when the parser knows the place; `path` is
    the JSON location (e.g. `$.verdicts[3].penalty`) for problems found in a parsed value.
    """

    def __init__(
        self,
        reason: Refusal,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        path: str | None = None,
        source: str | None = None,
    ) -> None:
        self.line = line
        self.column = column
        self.path = path
        where = []
        if line is not None:
            where.append(f"line {line}" + (f", column {column}" if column is not None else ""))
        if path is not None:
            where.append(f"at {path}")
        full = f"{message} ({'; '.join(where)})" if where else message
        super().__init__(reason, full, source=source)


class SignatureError(SigningError):
    """A signed document was refused: it must not be trusted or imported."""


class ChainError(SignatureError):
    """A signer's document is out of order: rolled back, replayed, or not linked to the last."""


class SigningKeyError(SigningError):
    """A key or the key store is unusable (bad JWK, missing key, unsafe file, passphrase)."""


class KeySetError(SignatureError):
    """The league key-set document, or a change to it, is not acceptable."""
