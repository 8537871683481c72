"""Signing speed: sign and verify rates for a typical verdict payload, and a 500-verdict bundle.

Prints one JSON document. Run: /work/venv/bin/python bench/bench_signing.py
"""

from __future__ import annotations

import json
import platform
import time
import uuid
from collections.abc import Callable
from typing import Any

import cryptography

from steward_desk.core.model import StewardRole
from steward_desk.signing.canonical import canonical_bytes, loads_strict
from steward_desk.signing.jws import document_bytes, sign_flattened
from steward_desk.signing.keys import SigningKey, TrustedKey
from steward_desk.signing.verify import verify

CTY = "application/vnd.steward-desk.verdicts+json"


def verdict(index: int) -> dict[str, Any]:
    """A verdict as a steward's desk exports it (CLI.md's verdict fields, public ones)."""
    return {
        "id": str(uuid.UUID(int=index)),
        "incident": str(uuid.UUID(int=10**6 + index)),
        "category": "avoidable_contact",
        "outcome": "penalty",
        "at_fault": [f"S7656119800000{index:04d}"],
        "penalty": {"type": "time", "value": 5},
        "checklist": {"overlap_before_turn_in": False, "braked_late": True},
        "factors": ["opening_lap"],
        "rule_refs": ["On-Track Behaviour / Passing and Overtaking"],
        "reasoning": "Late lunge into turn 1; the car ahead had the corner. Contact avoidable.",
        "submitted_at": "2025-05-01T20:00:00Z",
    }


def rate(action: Callable[[], object], seconds: float = 1.0) -> float:
    """Calls per second of `action`, measured for about `seconds`."""
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        action()
        count += 1
    return count / elapsed


def best_of(action: Callable[[], object], runs: int = 5) -> float:
    """The fastest of `runs` timings of `action`, in milliseconds."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return min(timings)


def main() -> None:
    key = SigningKey.generate()
    trusted = [TrustedKey(key.jwk, "Sam", StewardRole.STEWARD)]
    one = {"seq": 1, "prev": None, "issued_at": "2025-05-01T20:00:00Z", "verdicts": [verdict(1)]}
    one_doc = document_bytes(sign_flattened(one, key, CTY))
    raw_input = b"x" * 200
    raw_sig = key.sign(raw_input)
    bundle = {
        "seq": 7,
        "prev": "kJTbAopPRDheyWUqWgQqT_NyrgnWgyo7l2B46czt1yw",
        "issued_at": "2025-05-01T20:00:00Z",
        "verdicts": [verdict(i) for i in range(500)],
    }
    bundle_doc = document_bytes(sign_flattened(bundle, key, CTY))
    results = {
        "python": platform.python_version(),
        "cryptography": cryptography.__version__,
        "machine": platform.machine(),
        "ed25519_raw_sign_per_s": round(rate(lambda: key.sign(raw_input))),
        "ed25519_raw_verify_per_s": round(rate(lambda: key.jwk.verify(raw_sig, raw_input))),
        "verdict_document_bytes": len(one_doc),
        "sign_one_verdict_document_per_s": round(
            rate(lambda: document_bytes(sign_flattened(one, key, CTY)))
        ),
        "verify_one_verdict_document_per_s": round(
            rate(lambda: verify(one_doc, trusted, expected_cty=CTY))
        ),
        "bundle_500_verdicts_bytes": len(bundle_doc),
        "bundle_500_sign_ms": round(
            best_of(lambda: document_bytes(sign_flattened(bundle, key, CTY))), 2
        ),
        "bundle_500_verify_ms": round(best_of(lambda: verify(bundle_doc, trusted)), 2),
        "bundle_500_canonicalise_ms": round(best_of(lambda: canonical_bytes(bundle)), 2),
        "bundle_500_strict_parse_ms": round(best_of(lambda: loads_strict(bundle_doc)), 2),
        "three_bundles_of_500_sign_and_verify_ms": round(
            best_of(
                lambda: [
                    verify(document_bytes(sign_flattened(bundle, key, CTY)), trusted)
                    for _ in range(3)
                ],
                runs=3,
            ),
            1,
        ),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
