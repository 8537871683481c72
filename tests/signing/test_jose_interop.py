"""An independent implementation agrees: jose (the npm package a league's bot would use)
accepts what we sign and refuses it after one changed byte.

Needs node and npm (and the npm registry the first time); skipped with the reason otherwise.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from steward_desk.signing.jws import add_signature, document_bytes, sign_flattened
from steward_desk.signing.keys import SigningKey

JS_DIR = Path(__file__).resolve().parents[1] / "js"
FEED_CTY = "application/vnd.steward-desk.decisions+json"
FEED = {
    "league": "SOP Motorsport",
    "seq": 3,
    "prev": "kJTbAopPRDheyWUqWgQqT_NyrgnWgyo7l2B46czt1yw",
    "issued_at": "2025-05-01T20:00:00Z",
    "expires": "2025-05-08T20:00:00Z",
    "decisions": [
        {
            "id": "6f1c2b9e-8d4a-4b7e-a1c3-2e9f0d5b7a61",
            "drivers": ["S76561198000000001"],
            "outcome": "penalty",
            "penalty": {"type": "time", "value": 5},
            "reasoning": "Zoë was alongside at turn-in; contact avoidable.",
        }
    ],
}


def run_jose(verifier: Path, doc: bytes, key: SigningKey, tmp_path: Path) -> dict[str, object]:
    doc_file, key_file = tmp_path / "signed.json", tmp_path / "key.jwk"
    doc_file.write_bytes(doc)
    key_file.write_text(json.dumps(key.jwk.to_dict()))
    done = subprocess.run(
        ["node", str(verifier), str(doc_file), str(key_file)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    result: dict[str, object] = json.loads(done.stdout)
    assert (done.returncode == 0) == bool(result["ok"]), done.stderr
    return result


def test_jose_verifies_a_feed_we_signed_and_refuses_a_flipped_byte(
    jose_verifier: Path, hana: SigningKey, tmp_path: Path
) -> None:
    doc = document_bytes(sign_flattened(FEED, hana, FEED_CTY))
    accepted = run_jose(jose_verifier, doc, hana, tmp_path)
    assert accepted == {"ok": True, "cty": FEED_CTY, "payload": FEED}

    payload_at = doc.index(b'"payload":"') + len(b'"payload":"') + 40
    damaged = bytearray(doc)
    damaged[payload_at] = ord("B") if damaged[payload_at] != ord("B") else ord("C")
    refused = run_jose(jose_verifier, bytes(damaged), hana, tmp_path)
    assert refused["ok"] is False
    assert "signature verification failed" in str(refused["error"])


def test_jose_refuses_a_document_signed_by_another_key(
    jose_verifier: Path, hana: SigningKey, sam: SigningKey, tmp_path: Path
) -> None:
    doc = document_bytes(sign_flattened(FEED, sam, FEED_CTY))
    assert run_jose(jose_verifier, doc, hana, tmp_path)["ok"] is False


def test_jose_verifies_a_co_signed_decision_in_the_general_form(
    jose_verifier: Path, hana: SigningKey, sam: SigningKey, tmp_path: Path
) -> None:
    doc = document_bytes(add_signature(sign_flattened(FEED, hana, FEED_CTY), sam))
    assert run_jose(jose_verifier, doc, hana, tmp_path)["ok"] is True
