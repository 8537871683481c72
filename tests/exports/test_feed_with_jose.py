"""The feed a league's bot receives verifies with jose (the README's JavaScript verifier,
tests/js/verify.mjs) and is refused after one changed byte.

Needs node and npm (and the npm registry the first time); skipped with the reason otherwise.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from league_fixture import League

from steward_desk.cli.main import main
from steward_desk.exports.decisions_feed import FEED_CTY

JS_DIR = Path(__file__).resolve().parents[1] / "js"


def jose(verifier: Path, feed: Path, jwk: Path) -> dict[str, object]:
    done = subprocess.run(
        ["node", str(verifier), str(feed), str(jwk)], capture_output=True, text=True, timeout=60
    )
    result: dict[str, object] = json.loads(done.stdout)
    assert (done.returncode == 0) == bool(result["ok"]), done.stderr
    return result


def test_a_bot_verifies_the_feed_with_jose_and_refuses_a_tampered_one(
    jose_verifier: Path, league: League, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = ["--home", str(league.paths.home)]
    secret = tmp_path / "pass.txt"
    secret.write_text("head steward passphrase\n")
    assert main([*home, "keys", "init", "--name", "Hana Head", "--role", "head",
                 "--passphrase-file", str(secret)]) == 0  # fmt: skip
    capsys.readouterr()
    assert main([*home, "keys", "show", "--jwk"]) == 0
    jwk = tmp_path / "head.jwk"
    jwk.write_text(capsys.readouterr().out)
    feed = tmp_path / "decisions.json"
    issued = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert main([*home, "export", "decisions", "--out", str(feed), "--issued-at", issued,
                 "--passphrase-file", str(secret)]) == 0  # fmt: skip

    accepted = jose(jose_verifier, feed, jwk)
    assert accepted["ok"] is True and accepted["cty"] == FEED_CTY
    payload = accepted["payload"]
    assert isinstance(payload, dict) and payload["seq"] == 1 and len(payload["decisions"]) == 4
    assert payload["issued_at"] == issued

    data = bytearray(feed.read_bytes())
    at = data.index(b'"payload":"') + 120
    data[at] = ord("B") if data[at] != ord("B") else ord("C")
    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(bytes(data))
    refused = jose(jose_verifier, tampered, jwk)
    assert refused["ok"] is False and "signature verification failed" in str(refused["error"])
