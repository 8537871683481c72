"""Why a case pack, a bundle or a decision was refused, in words a steward can act on.

Every refusal names the file, the place in it (a JSON path such as `verdicts[3].penalty`) and
what was expected, and carries a machine-readable `reason` (the signing layer's `Refusal`
value, or one of the panel's own below) so the UI and the tests can branch on it. When one is
raised, nothing was written.
"""

from __future__ import annotations

from collections.abc import Sequence

from steward_desk.signing.errors import SigningError

# The panel's own reasons, next to the signing layer's (`Refusal` values).
BAD_CONTENT = "bad_content"  # signed and valid JWS, but the payload is not what it says
UNKNOWN_INCIDENT = "unknown_incident"
CONFLICT = "conflict"  # the same id already holds something else
NO_KEY_SET = "no_key_set"
NOT_DECIDABLE = "not_decidable"

# The largest signed document a desk reads (a case pack, a bundle, a feed): refused unread
# beyond it. A bundle of 500 verdicts is about 1 MB, a season's case pack a few MB; far beyond
# that is an accident (the wrong file dropped) or an attack. Here, with no storage import, so
# the command line can check it cheaply.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024


class PanelError(Exception):
    """Base of every panel refusal: `source` (file), `reason`, `detail`, and the checks passed."""

    def __init__(
        self,
        reason: str,
        detail: str,
        *,
        source: str | None = None,
        passed: Sequence[str] = (),
    ) -> None:
        self.reason = reason
        self.detail = detail
        self.source = source
        self.passed = tuple(passed)
        super().__init__(f"{source}: {detail}" if source else detail)

    @classmethod
    def from_signing(cls, error: SigningError, source: str | None) -> PanelError:
        """The signing layer's refusal, re-raised as this kind of panel error."""
        return cls(
            error.reason.value, error.detail, source=error.source or source, passed=error.passed
        )


class CasePackError(PanelError):
    """A case pack cannot be exported or imported."""


class BundleError(PanelError):
    """A verdict bundle cannot be exported or imported."""


class DecisionError(PanelError):
    """A decision cannot be recorded, co-signed or its signatures collected."""
