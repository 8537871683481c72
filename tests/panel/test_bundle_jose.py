"""A league's JavaScript bot verifies what the panel signs: a steward's bundle and the head
steward's decision, with the `jose` npm package (tests/js/verify.mjs), independently of us.

Skipped with the reason when node, npm or the jose package are not available.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from panel.desks import Desk, Panel
from steward_desk.panel.bundles import VERDICTS_CTY
from steward_desk.panel.decisions import DECISION_CTY

JS_DIR = Path(__file__).resolve().parents[1] / "js"


@pytest.fixture(scope="session")
def jose(jose_verifier: Path) -> Path:
    return jose_verifier


def jose_verify(verifier: Path, document: Path, signer: Desk, tmp_path: Path) -> dict[str, object]:
    key = tmp_path / f"{signer.name}.jwk"
    key.write_text(signer.ok("keys", "show", "--jwk"))
    done = subprocess.run(
        ["node", str(verifier), str(document), str(key)], capture_output=True, text=True, timeout=60
    )
    result: dict[str, object] = json.loads(done.stdout)
    assert (done.returncode == 0) == bool(result["ok"]), done.stderr
    return result


def test_jose_verifies_a_bundle_and_a_co_signed_decision(
    jose: Path, panel: Panel, tmp_path: Path
) -> None:
    pack = panel.files / "cases.json"
    panel.head.signing("cases", "export", "--out", str(pack))
    panel.ann.ok("cases", "import", str(pack))
    panel.submit(panel.ann, 1, "penalty", 5)
    bundle = panel.files / "ann.json"
    panel.ann.signing("bundle", "export", "--out", str(bundle))

    seen = jose_verify(jose, bundle, panel.ann, tmp_path)
    assert seen["ok"] is True and seen["cty"] == VERDICTS_CTY
    payload = seen["payload"]
    assert isinstance(payload, dict) and payload["seq"] == 1 and payload["prev"] is None
    assert payload["verdicts"][0]["penalty"] == {"type": "time", "value": 5}
    assert jose_verify(jose, bundle, panel.bo, tmp_path)["ok"] is False  # not Bo's

    panel.head.ok("bundle", "import", str(bundle))
    decision = panel.files / "decision.json"
    form = panel.files / "form.json"
    form.write_text(
        json.dumps(
            {
                "category": "avoidable_contact", "outcome": "penalty",
                "at_fault": ["S76561198000000102"], "penalty": {"type": "time", "value": 5},
                "reasoning": "Avoidable contact.", "override_reason": "head steward",
            }
        )
    )  # fmt: skip
    panel.head.signing("decide", "--incident", "1", "--json", str(form), "--out", str(decision))
    cosigned = panel.files / "decision-ann.json"
    panel.ann.signing("decide", "--cosign", str(decision), "--out", str(cosigned))
    for signer in (panel.head, panel.ann):
        seen = jose_verify(jose, cosigned, signer, tmp_path)
        assert seen["ok"] is True and seen["cty"] == DECISION_CTY
