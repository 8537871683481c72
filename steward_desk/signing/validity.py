"""When a feed may be trusted: `issued_at` and `expires` in its payload.

Timestamps in signed payloads are RFC 3339 strings in UTC (`2025-05-01T20:00:00Z`): payloads
carry no floats, and a string reads the same in every language.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from steward_desk.signing.errors import Refusal, SignatureError

# Desks' clocks disagree by a little; a document "issued" a minute from now is not a forgery.
CLOCK_SKEW = timedelta(minutes=5)


def timestamp(moment: datetime) -> str:
    """`moment` as the RFC 3339 UTC text signed payloads carry (whole seconds)."""
    if moment.tzinfo is None:
        raise ValueError("a signed timestamp needs a timezone; use datetime.now(UTC)")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: object, *, field: str) -> datetime:
    """Read an RFC 3339 timestamp with a timezone; `SignatureError(BAD_TIMESTAMP)` otherwise."""
    if not isinstance(text, str):
        raise SignatureError(
            Refusal.BAD_TIMESTAMP, f"{field} must be an RFC 3339 string, found {text!r}"
        )
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SignatureError(
            Refusal.BAD_TIMESTAMP, f"{field} {text!r} is not an RFC 3339 timestamp"
        ) from None
    if moment.tzinfo is None:
        raise SignatureError(Refusal.BAD_TIMESTAMP, f"{field} {text!r} has no timezone")
    return moment


def check_validity(payload: Any, now: datetime | None = None) -> list[str]:
    """Checks on `issued_at`/`expires` when the payload has them; raises EXPIRED/NOT_YET_VALID.

    Returns the checks that ran, in words (none when the payload carries neither field).
    """
    now = now or datetime.now(UTC)
    if not isinstance(payload, dict):
        return []
    checks: list[str] = []
    if "issued_at" in payload:
        issued = parse_timestamp(payload["issued_at"], field="issued_at")
        if issued > now + CLOCK_SKEW:
            raise SignatureError(
                Refusal.NOT_YET_VALID,
                f"issued at {payload['issued_at']}, which is in the future (now {timestamp(now)})",
            )
        checks.append(f"issued at {payload['issued_at']}")
    if "expires" in payload:
        expires = parse_timestamp(payload["expires"], field="expires")
        if expires <= now:
            raise SignatureError(
                Refusal.EXPIRED,
                f"expired at {payload['expires']} (now {timestamp(now)}); ask for a fresh copy",
            )
        if "issued_at" in payload and expires <= issued:
            raise SignatureError(Refusal.BAD_TIMESTAMP, "expires is not after issued_at")
        checks.append(f"not expired (expires {payload['expires']})")
    return checks
