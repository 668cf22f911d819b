"""A declared ISMAP registration that the checklist answers do not bear out is warned about, never hidden."""

from __future__ import annotations

from auditor.checklists import Profile
from auditor.model import Attestation
from auditor.profile_checks import profile_conflicts
from auditor.run import collect, evaluate

ISMAP_ITEMS = {("cloud-service-requirements", "1.1"), ("ext-service-requirements", "30")}


def _run(catalogue, profile, answers=None):
    collected = collect(catalogue, ["fake"], {}, profile=profile)
    checklists = [catalogue.checklists["cloud-service-requirements"], catalogue.checklists["ext-service-requirements"]]
    return evaluate(catalogue, collected, checklists, profile, answers or {})


def _yes(checklist_id, item_id, answer="yes", valid_until=""):
    return Attestation(checklist_id, item_id, answer, ("ISMAP クラウドサービスリスト掲載画面（写）",), "佐藤 花子",
                       "2026-10-01", valid_until=valid_until)


def test_declared_registration_without_an_answer_is_flagged_on_both_items(catalogue):
    result = _run(catalogue, Profile.from_options(["ismap=registered"]))
    conflicts = profile_conflicts(result, catalogue.checklists)
    assert {(c.checklist_id, c.item_id) for c in conflicts} == ISMAP_ITEMS
    line = next(c for c in conflicts if c.item_id == "1.1").text("ja")
    assert "ismap=registered" in line and "cloud-service-requirements#1.1." in line and "申告がありません" in line
    assert "監査プロファイルは「利用する外部サービスが ISMAP に登録されている」（ismap=registered）と" in line
    assert "not answered" in conflicts[0].text("en")
    assert "the audit profile says the external service is registered in ISMAP (ismap=registered)" in (
        conflicts[0].text("en"))
    # a warning, not a status change
    statuses = {i.item_id: i.status for c in result.checklists for i in c.items}
    plain = _run(catalogue, Profile())
    assert statuses == {i.item_id: i.status for c in plain.checklists for i in c.items}


def test_a_no_answer_or_an_expired_one_contradicts_a_yes_does_not(catalogue):
    answers = {
        ("cloud-service-requirements", "1.1"): _yes("cloud-service-requirements", "1.1", "no"),
        ("ext-service-requirements", "30"): _yes("ext-service-requirements", "30", valid_until="2000-01-01"),
    }
    conflicts = profile_conflicts(_run(catalogue, Profile.from_options(["ismap=registered"]), answers),
                                  catalogue.checklists)
    assert {(c.item_id, c.answer) for c in conflicts} == {("1.1", "no"), ("30", "expired")}
    [declined] = [c for c in conflicts if c.answer == "no"]
    assert "申告は「不適合」です" in declined.text("ja") and "「no」" not in declined.text("ja")
    assert 'is answered "no"' in declined.text("en")
    answers = {key: _yes(*key) for key in ISMAP_ITEMS}
    assert profile_conflicts(_run(catalogue, Profile.from_options(["ismap=registered"]), answers),
                             catalogue.checklists) == ()


def test_nothing_to_flag_when_the_profile_declares_no_registration(catalogue):
    assert profile_conflicts(_run(catalogue, Profile()), catalogue.checklists) == ()


def test_the_run_summary_warns_about_a_declared_registration_it_cannot_bear_out(catalogue, fake, tmp_path):
    from tests.core.english_cli import invoke_english

    args = ["audit", "--provider", "fake", "--no-history", "--format", "json", "--checklist",
            "cloud-service-requirements"]
    declared = invoke_english(catalogue, *args, "--profile-option", "ismap=registered", "-o", str(tmp_path / "a"))
    warnings = [line for line in declared.output.splitlines() if line.startswith("! ")]
    assert warnings and "ismap=registered" in warnings[0] and "cloud-service-requirements#1.1" in warnings[0]
    plain = invoke_english(catalogue, *args, "-o", str(tmp_path / "b"))
    assert not [line for line in plain.output.splitlines() if line.startswith("! ")]
