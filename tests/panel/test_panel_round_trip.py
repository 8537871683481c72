"""The panel's week, on four desks: the head steward sends the cases, three stewards judge
them blind on their own machines and send signed bundles back, the head steward sees a 2–1
split, accepts the majority, keeps the dissent, signs the decision and two stewards co-sign."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import col, select

from panel.desks import Desk, Panel, keyset_of
from steward_desk.core.model import IncidentStatus
from steward_desk.panel.decisions import DECISION_CTY
from steward_desk.signing.verify import verify
from steward_desk.storage.tables import (
    AuditLog,
    Decision,
    Footage,
    Incident,
    LedgerEntry,
    PenaltyRow,
    VerdictRow,
)


def _send_cases(panel: Panel) -> str:
    pack = panel.files / "cases.json"
    panel.head.signing("cases", "export", "--out", str(pack))
    for desk in panel.stewards:
        desk.ok("cases", "import", str(pack))
    return str(pack)


def _bundles(panel: Panel, name: str = "1", desks: list[Desk] | None = None) -> list[str]:
    out = []
    for desk in desks if desks is not None else panel.stewards:
        path = panel.files / f"{desk.name.lower()}-{name}.json"
        desk.signing("bundle", "export", "--out", str(path))
        out.append(str(path))
    return out


def test_three_stewards_judge_and_the_head_steward_decides_two_to_one(panel: Panel) -> None:
    pack = _send_cases(panel)

    # Every steward desk holds the head steward's cases under the same ids and numbers.
    head_cases = json.loads(panel.head.ok("incidents", "list", "--json"))
    for desk in panel.stewards:
        cases = json.loads(desk.ok("incidents", "list", "--json"))
        assert [(c["id"], c["number"]) for c in cases] == [
            (c["id"], c["number"]) for c in head_cases
        ]
        assert cases[0]["involved"] == head_cases[0]["involved"]  # names, car numbers, roles
        assert cases[1]["findings"] == head_cases[1]["findings"]  # intake's late-report flag
        assert cases[1]["findings"][0]["kind"] == "late_report"
        assert {c["status"] for c in cases} == {"new"}  # each steward starts their own review
    # Footage travels as references: a file by its name and hash, a link as it is; no bytes.
    store = panel.ann.store()
    with store.read() as session:
        clips = {f.source: f for f in session.exec(select(Footage))}
    store.close()
    assert clips["file"].location == "onboard-mue.mkv"
    assert clips["file"].sha256 == "ab" * 32 and clips["file"].offset_ms == -2_400
    assert clips["youtube"].location == "https://youtu.be/dQw4w9WgXcQ?t=151"
    # A case the head steward closes is closed on the steward desks with the next pack.
    store = panel.head.store()
    store.incidents.set_status("3", IncidentStatus.WITHDRAWN, "the drivers settled it")
    store.close()
    later = panel.files / "cases-2.json"
    panel.head.signing("cases", "export", "--out", str(later))
    panel.bo.ok("cases", "import", str(later))
    statuses = {
        c["number"]: c["status"] for c in json.loads(panel.bo.ok("incidents", "list", "--json"))
    }
    assert statuses[3] == "withdrawn" and statuses[1] == "new"
    # A second import of the same pack is a no-op.
    before = panel.ann.dump()
    _, _, said = panel.ann.run("cases", "import", pack)
    assert "imported before; nothing changed" in said
    assert panel.ann.dump() == before

    panel.submit(panel.ann, 1, "penalty", 5)
    panel.submit(panel.bo, 1, "penalty", 5)
    panel.submit(panel.cy, 1, "racing_incident")
    files = _bundles(panel)
    panel.head.ok("bundle", "import", *files)

    merged = json.loads(panel.head.ok("decide", "--incident", "1", "--show", "--print-json"))
    (case,) = merged
    assert case["quorum_reached"] and len(case["verdicts"]) == 3
    assert case["agreement"]["category"]["unanimous"]
    outcome = case["agreement"]["outcome"]
    assert outcome["majority"] == "penalty"
    assert [len(g["stewards"]) for g in outcome["groups"]] == [2, 1]
    assert case["disagreements"] == [
        "Outcome: Penalty (Ann, Bo) vs Racing incident (Cy)",
        "Penalty: 5 s time penalty (Ann, Bo) vs none (Cy)",
        "At fault: #11 José Álvarez (Ann, Bo) vs nobody (Cy)",
    ]
    text = panel.head.ok("decide", "--incident", "1", "--show")
    assert "majority 2–1: Penalty, 5 s time penalty" in text
    assert "#11 José Álvarez" in text  # drivers at fault read as people

    document = panel.files / "decision-1.json"
    record = json.loads(
        panel.head.signing(
            "decide",
            "--incident",
            "1",
            "--accept-majority",
            "--out",
            str(document),
            "--print-json",
        )
    )
    assert record["decision"]["outcome"] == "penalty"
    assert record["decision"]["penalty"] == {"type": "time", "value": 5}
    assert record["decision"]["at_fault"] == ["S76561198000000102"]
    assert record["dissent"] == [
        {
            "steward": "Cy",
            "outcome": "racing_incident",
            "penalty": None,
            "reasoning": "Cy on case 1: racing_incident",
        }
    ]

    # Two panel members co-sign the head steward's document; the head desk collects them.
    panel.ann.signing("decide", "--cosign", str(document), "--out", str(panel.files / "d-ann.json"))
    panel.bo.signing("decide", "--cosign", str(document), "--out", str(panel.files / "d-bo.json"))
    panel.head.ok(
        "decide", "--collect", str(panel.files / "d-ann.json"), str(panel.files / "d-bo.json")
    )

    store = panel.head.store()
    with store.read() as session:
        decision = session.exec(select(Decision)).one()
        incident = session.get(Incident, decision.incident_id)
        penalties = session.exec(select(PenaltyRow)).all()
        verdicts = session.exec(select(VerdictRow)).all()
        actions = [a.action for a in session.exec(select(AuditLog))]
    store.close()
    assert incident is not None and incident.status == "decided"
    body = json.loads(decision.body_json)
    assert body["incident_id"] == incident.id and body["category"] == "avoidable_contact"
    assert json.loads(decision.dissent_json)[0]["steward"] == "Cy"
    assert [(p.player_id, p.type, p.value, p.session_id) for p in penalties] == [
        ("S76561198000000102", "time", 5, incident.session_id)
    ]
    assert len(verdicts) == 3 and {v.status for v in verdicts} == {"submitted"}
    assert {"bundle.imported", "decision.recorded", "decision.cosigned"} <= set(actions)

    signed = decision.signed_document.encode()
    keyset = keyset_of(panel.head)
    checked = verify(signed, keyset, DECISION_CTY, threshold=3)
    assert sorted(s.name for s in checked.signers) == ["Ann", "Bo", "Hana"]
    assert checked.payload["decision"]["dissent"][0]["steward"] == "Cy"
    assert "private_notes" not in checked.payload["decision"]


def test_a_co_signature_from_the_same_key_twice_counts_once(panel: Panel) -> None:
    _send_cases(panel)
    for desk, outcome in ((panel.ann, "penalty"), (panel.bo, "penalty")):
        panel.submit(desk, 1, outcome, 5)
    panel.head.ok("bundle", "import", *_bundles(panel, desks=[panel.ann, panel.bo]))
    document = panel.files / "decision.json"
    panel.head.signing("decide", "--incident", "1", "--accept-majority", "--out", str(document))
    first = panel.files / "ann-1.json"
    panel.ann.signing("decide", "--cosign", str(document), "--out", str(first))
    code, _, said = panel.ann.run(
        "decide", "--cosign", str(first), "--out", str(panel.files / "again.json"),
        "--passphrase-file", str(panel.ann.passphrase_file),
    )  # fmt: skip
    assert code == 1 and "already signed" in said
    # Collected twice, Ann's key is still one signer.
    panel.head.ok("decide", "--collect", str(first), str(first))
    store = panel.head.store()
    with store.read() as session:
        signed = session.exec(select(Decision)).one().signed_document.encode()
    store.close()
    keyset = keyset_of(panel.head)
    assert len(verify(signed, keyset, DECISION_CTY, threshold=2).signers) == 2
    code, _, _ = panel.head.run("verify", "--json", str(document))
    assert code == 0


def test_a_later_bundle_brings_a_correction_and_the_old_one_is_refused(panel: Panel) -> None:
    _send_cases(panel)
    panel.submit(panel.ann, 1, "warning")
    (first,) = _bundles(panel, "1", desks=[panel.ann])
    panel.submit(panel.ann, 1, "penalty", 10)  # Ann corrects herself: version 2
    second = panel.files / "ann-2.json"
    panel.ann.signing("bundle", "export", "--out", str(second))

    panel.head.ok("bundle", "import", first)
    panel.head.ok("bundle", "import", str(second))
    merged = json.loads(panel.head.ok("decide", "--incident", "1", "--show", "--print-json"))
    assert merged[0]["verdicts"][0]["penalty"] == {"type": "time", "value": 10}
    assert any("superseded" in i["reason"] for i in merged[0]["ignored"])

    before = panel.head.dump()
    code, _, said = panel.head.run("bundle", "import", first)
    assert code == 0 and "imported before" in said  # the same file again: a no-op
    assert panel.head.dump() == before


def test_licence_points_go_on_the_ledger_with_the_rulebooks_expiry(panel: Panel, rulebook) -> None:  # type: ignore[no-untyped-def]
    _send_cases(panel)
    form = panel.files / "decision.json"
    form.write_text(
        json.dumps(
            {
                "category": "avoidable_contact",
                "outcome": "penalty",
                "at_fault": ["S76561198000000102"],
                "penalty": {"type": "licence_points", "value": 3},
                "reasoning": "Avoidable contact at the first chicane.",
                "override_reason": "the head steward's ruling",
                "private_notes": "Second time this month.",
            }
        )
    )
    panel.head.signing("decide", "--incident", "4", "--json", str(form))
    store = panel.head.store()
    with store.read() as session:
        decision = session.exec(select(Decision)).one()
        (entry,) = session.exec(select(LedgerEntry)).all()
    store.close()
    assert (entry.player_id, entry.kind, entry.value) == ("S76561198000000102", "licence_points", 3)
    assert entry.decision_id == decision.id
    days = rulebook.licence.points_expire_after_days
    assert entry.expires_at - entry.issued_at == timedelta(days=days)
    assert json.loads(decision.body_json)["private_notes"] == "Second time this month."
    assert "Second time" not in decision.signed_document  # private notes never travel

    # Deciding again without saying why is refused; with a reason it supersedes.
    code, _, said = panel.head.run(
        "decide", "--incident", "4", "--json", str(form),
        "--passphrase-file", str(panel.head.passphrase_file),
    )  # fmt: skip
    assert code == 1 and "already decided" in said
    panel.head.signing("decide", "--incident", "4", "--json", str(form), "--correction", "typo")
    store = panel.head.store()
    with store.read() as session:
        decisions = session.exec(select(Decision)).all()
    store.close()
    assert len(decisions) == 2 and decision.id in {d.supersedes for d in decisions}


def test_no_majority_means_the_head_steward_must_write_the_decision(panel: Panel) -> None:
    _send_cases(panel)
    panel.submit(panel.ann, 2, "penalty", 5)
    panel.submit(panel.bo, 2, "warning")
    panel.submit(panel.cy, 2, "racing_incident")
    panel.head.ok("bundle", "import", *_bundles(panel))
    before = panel.head.dump()
    code, _, said = panel.head.run(
        "decide", "--incident", "2", "--accept-majority",
        "--passphrase-file", str(panel.head.passphrase_file),
    )  # fmt: skip
    assert code == 1 and "no majority" in said and "--json FILE" in said
    assert panel.head.dump() == before


def _cy_recuses_from_case_1(panel: Panel) -> None:
    """Cy races for Blue Line, the team of #11 in case 1: he stands back from it."""
    from steward_desk.core.rulebook import load_rulebook
    from steward_desk.storage.stewards import desk_steward
    from steward_desk.storage.verdicts import VerdictRepository

    store = panel.cy.store()
    steward = desk_steward(store, panel.cy.paths.keys_dir)
    assert steward is not None
    VerdictRepository(store, load_rulebook()).recuse(
        store.incidents.resolve("1"), steward, "I race for Blue Line with #11."
    )
    store.close()


def test_a_stewards_recusal_travels_with_the_bundle_and_shows_in_the_merge(panel: Panel) -> None:
    _send_cases(panel)
    _cy_recuses_from_case_1(panel)
    panel.submit(panel.ann, 1, "penalty", 5)
    panel.submit(panel.bo, 1, "penalty", 5)
    panel.submit(panel.cy, 2, "warning")
    panel.head.ok("bundle", "import", *_bundles(panel))
    (case,) = json.loads(panel.head.ok("decide", "--incident", "1", "--show", "--print-json"))
    assert [r["reason"] for r in case["recusals"]] == ["I race for Blue Line with #11."]
    assert case["stewards"][case["recusals"][0]["steward_key"]] == "Cy"
    assert "recused: Cy: I race for Blue Line with #11." in panel.head.ok(
        "decide", "--incident", "1", "--show"
    )
    # Importing the next bundle again keeps one recusal, not two.
    again = panel.files / "cy-2.json"
    panel.cy.signing("bundle", "export", "--out", str(again))
    panel.head.ok("bundle", "import", str(again))
    (case,) = json.loads(panel.head.ok("decide", "--incident", "1", "--show", "--print-json"))
    assert len(case["recusals"]) == 1


def test_a_steward_desk_cannot_record_a_decision(panel: Panel) -> None:
    _send_cases(panel)
    panel.submit(panel.ann, 1, "penalty", 5)
    before = panel.ann.dump()
    code, _, said = panel.ann.run(
        "decide", "--incident", "1", "--accept-majority",
        "--passphrase-file", str(panel.ann.passphrase_file),
    )  # fmt: skip
    assert code == 1 and "decisions are signed by the head steward" in said and "Ann" in said
    assert panel.ann.dump() == before


def test_the_merge_of_all_cases_at_once_is_the_merge_of_each_case_alone(panel: Panel) -> None:
    """merge_view reads every case's rows in a few queries; each panel must be what the
    one-case reading (used when deciding) makes of it: recusals, superseded verdicts and a
    corrected decision included."""
    from steward_desk.core.rulebook import load_rulebook
    from steward_desk.panel.merge import incident_panel, merge_view

    _send_cases(panel)
    _cy_recuses_from_case_1(panel)
    panel.submit(panel.ann, 1, "warning")
    panel.submit(panel.ann, 1, "penalty", 5)  # a second version supersedes the first
    panel.submit(panel.bo, 1, "penalty", 5)
    panel.submit(panel.bo, 2, "warning")
    panel.submit(panel.cy, 2, "racing_incident")
    panel.head.ok("bundle", "import", *_bundles(panel))
    panel.head.signing("decide", "--incident", "1", "--accept-majority")
    panel.head.signing("decide", "--incident", "1", "--accept-majority", "--correction", "Typo.")

    rulebook = load_rulebook()
    store = panel.head.store()
    try:
        together = merge_view(store, rulebook)
        with store.read() as session:
            alone = [incident_panel(session, p.incident_id, rulebook) for p in together]
            correction = session.exec(
                select(Decision).where(col(Decision.supersedes).is_not(None))
            ).one()
    finally:
        store.close()
    assert [p.number for p in together] == [1, 2]
    assert [p.to_json() for p in together] == [p.to_json() for p in alone if p is not None]
    first = together[0]
    assert first.decision_id == correction.id  # the decision in force, not the one it corrected
    assert [r.reason for r in first.result.recusals] == ["I race for Blue Line with #11."]
    assert [c.name for c in first.columns] == ["Ann", "Bo"]
    assert any("superseded" in i.reason for i in first.result.ignored)
