"""Roll-up tables: findings → control per provider → checklist item, with every status combination."""

from __future__ import annotations

import pytest

from auditor.checklists import Profile
from auditor.model import Attestation, ControlResult, StatusCounts
from auditor.rollup import exemption_text, rollup_checklist
from auditor.run import Collected, collect, evaluate
from auditor.status import Status
from tests.core.fake_provider import bucket, denied, disk

P, F, U, NA = Status.PASS, Status.FAIL, Status.UNKNOWN, Status.NOT_APPLICABLE


def control_status(catalogue, fake, evidence, gaps=()):
    fake.evidence, fake.gaps = list(evidence), list(gaps)
    collected = collect(catalogue, ["fake"], {})
    result = evaluate(catalogue, collected, [], Profile(), {})
    return {c.control_id: c for c in result.controls}, result


@pytest.mark.parametrize(
    ("disks", "expected"),
    [
        ([disk("a", True), disk("b", True)], P),
        ([disk("a", True), disk("b", False)], F),
        ([disk("a", True), disk("b", None, unreadable="kms:DescribeKey AccessDenied")], U),
        ([disk("a", False), disk("b", None, unreadable="denied")], F),
        ([], NA),
    ],
    ids=["all-pass", "one-fails", "one-unreadable", "fail-beats-unknown", "nothing-exists"],
)
def test_control_status_from_findings(catalogue, fake, disks, expected):
    controls, _ = control_status(catalogue, fake, disks)
    assert controls["encryption.at-rest"].status is expected


def test_a_gap_makes_the_control_unknown_never_pass(catalogue, fake):
    controls, result = control_status(catalogue, fake, [bucket("ok", "jp-east")], [denied("fake.bucket", "us-west")])
    assert controls["residency.japan"].status is U
    unknown = [f for f in result.findings if f.status is U]
    assert unknown and "AccessDenied" in unknown[0].reason and unknown[0].region == "us-west"


def test_a_gap_alone_is_unknown_not_not_applicable(catalogue, fake):
    controls, _ = control_status(catalogue, fake, [], [denied("fake.bucket")])
    assert controls["residency.japan"].status is U


def test_unreadable_attribute_gives_unknown_finding_with_cause(catalogue, fake):
    _, result = control_status(catalogue, fake, [disk("a", None, unreadable="ec2:DescribeVolumes AccessDenied")])
    (finding,) = [f for f in result.findings if f.check_id == "fake.disk.encrypted"]
    assert finding.status is U and "AccessDenied" in finding.reason


def test_not_automated_control_is_unknown_with_reason(catalogue, fake):
    fake.manual = {"time.sync": "this cloud exposes no time-source setting"}
    controls, _ = control_status(catalogue, fake, [])
    assert controls["time.sync"].status is U
    assert "time-source" in controls["time.sync"].reason


def test_inherited_control(catalogue, fake):
    controls, _ = control_status(catalogue, fake, [])
    assert controls["csp.certification"].status is Status.INHERITED


def items(catalogue, checklist_id, controls, profile=None, attestations=None):
    checklist = catalogue.checklists[checklist_id]
    result = rollup_checklist(checklist, controls, profile or Profile(), attestations or {})
    return {i.item_id: i for i in result.items}


def ctrl(control_id: str, provider: str, status: Status) -> ControlResult:
    return ControlResult(control_id, provider, status, "", StatusCounts())


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([P], P),
        ([F], F),
        ([U], U),
        ([NA], NA),
        ([P, F], F),
        ([P, U], U),
        ([F, U], F),
        ([P, NA], P),
    ],
)
def test_full_coverage_item_from_controls_across_clouds(catalogue, statuses, expected):
    # ext-service-requirements#25 データはすべて国内に保存 ← residency.japan (full)
    controls = [ctrl("residency.japan", f"cloud{n}", s) for n, s in enumerate(statuses)]
    assert items(catalogue, "ext-service-requirements", controls)["25"].status is expected


def test_partial_coverage_item_needs_review_even_when_controls_pass(catalogue):
    controls = [ctrl("resilience.backup", "aws", P)]
    item = items(catalogue, "ext-service-requirements", controls)["13"]
    assert item.status is Status.MANUAL and "自動判定部分は適合" in item.reason


def attest(checklist_id, item_id, answer="yes"):
    answer_ = Attestation(checklist_id, item_id, answer, ("復旧手順書 v2",), "山田", "2026-11-01")
    return {(checklist_id, item_id): answer_}


def test_partial_coverage_with_attestation_is_attested(catalogue):
    controls = [ctrl("resilience.backup", "aws", P)]
    answers = attest("ext-service-requirements", "13")
    item = items(catalogue, "ext-service-requirements", controls, attestations=answers)["13"]
    assert item.status is Status.ATTESTED and "復旧手順書 v2" in item.reason


def test_manual_item_is_manual_until_attested(catalogue):
    assert items(catalogue, "ext-service-requirements", [])["1"].status is Status.MANUAL
    attested = items(catalogue, "ext-service-requirements", [], attestations=attest("ext-service-requirements", "1"))
    assert attested["1"].status is Status.ATTESTED
    assert attested["1"].attestation.evidence == ("復旧手順書 v2",)


@pytest.mark.parametrize(("answer", "expected"), [("no", F), ("partial", Status.PARTIAL), ("n/a", NA)])
def test_attested_answer_other_than_yes(catalogue, answer, expected):
    answers = attest("ext-service-requirements", "1", answer)
    result = items(catalogue, "ext-service-requirements", [], attestations=answers)
    assert result["1"].status is expected


def test_inherited_items_follow_their_coverage(catalogue):
    checklist = catalogue.checklists["ext-service-requirements"]
    decided = items(catalogue, "ext-service-requirements", [])
    inherited = [i for i in checklist.items if i.basis == "inherited"]
    assert inherited
    for item in inherited:
        expected = Status.INHERITED if item.coverage == "full" else Status.MANUAL
        assert decided[item.id].status is expected, item.id
        assert "ismap.go.jp" in decided[item.id].reason


def test_item_not_applicable_to_profile(catalogue):
    # 002 row 77 applies only to remote maintenance (the cloud column is "—")
    cloud = items(catalogue, "infosec-requirements-annex4", [])
    assert cloud["77"].status is NA and "—" in cloud["77"].reason
    remote = items(catalogue, "infosec-requirements-annex4", [], profile=Profile.from_options(["usage=remote"]))
    assert remote["77"].status is Status.MANUAL


def test_internet_pc_items_apply_only_when_used_from_internet_pcs(catalogue):
    default = items(catalogue, "usage-decision-criteria", [])
    assert default["inet-1"].status is NA and default["common-1"].status is not NA
    assert default["inet-1"].reason == ("インターネットに接続したパソコンから利用しないため対象外"
                                        "（この項目はインターネットに接続したパソコンから利用する場合のみ）")
    assert default["inet-1"].reason_en == (
        "Not applicable: the service is not used from internet-connected PCs "
        "(this item applies only when the service is used from internet-connected PCs)")
    assert "internet_pc" not in default["inet-1"].reason + default["inet-1"].reason_en
    internet = items(catalogue, "usage-decision-criteria", [], profile=Profile.from_options(["internet_pc=yes"]))
    assert internet["inet-1"].status is Status.MANUAL


def test_selection_criteria_follow_ismap_and_role(catalogue):
    provider = items(catalogue, "ext-service-selection-criteria", [])
    registered = items(
        catalogue, "ext-service-selection-criteria", [], profile=Profile.from_options(["ismap=registered"])
    )
    assert provider["sel-05"].level == "必須" and provider["sel-05"].status is not NA
    assert registered["sel-05"].level == "-" and registered["sel-05"].status is NA


def test_a_vendor_who_builds_and_operates_answers_for_both_roles(catalogue):
    """role=both: an item applies when it applies to either role, and the stricter level is the one to meet."""
    checklist = catalogue.checklists["ext-service-selection-criteria"]
    options = {role: Profile.from_options(["ismap=registered", f"role={role}"])
               for role in ("implementer", "provider", "both")}
    decided = {role: items(catalogue, checklist.id, [], profile=profile) for role, profile in options.items()}
    only_implementer = [i.id for i in checklist.items if i.levels["registered.implementer"] != "-"
                        and i.levels["registered.provider"] == "-"]
    assert only_implementer, "003 has rows only the implementer must meet when the service is registered"
    for item_id in only_implementer:
        assert decided["provider"][item_id].status is NA
        assert decided["both"][item_id].status is not NA
        assert decided["both"][item_id].level == decided["implementer"][item_id].level
    stricter = [i for i in checklist.items if {i.levels["unregistered.implementer"], i.levels["unregistered.provider"]}
                == {"必須", "推奨"}]
    assert stricter, "003 has rows required of one role and recommended for the other"
    both_unregistered = items(catalogue, checklist.id, [], profile=Profile.from_options(["role=both"]))
    for item in stricter:
        assert both_unregistered[item.id].level == "必須"
    neither = [i.id for i in checklist.items if i.levels["registered.implementer"] == "-"
               and i.levels["registered.provider"] == "-"]
    for item_id in neither:
        assert decided["both"][item_id].status is NA


def test_cloud_service_requirements_apply_only_to_confidentiality_class_2_or_above(catalogue):
    default = items(catalogue, "cloud-service-requirements", [])
    assert default["1.5"].status is Status.MANUAL
    below = items(catalogue, "cloud-service-requirements", [], profile=Profile.from_options(["confidentiality=below"]))
    assert {i.status for i in below.values()} == {NA}
    assert below["1.5"].reason == ("取扱情報が自治体機密性2未満であるため対象外"
                                   "（このチェックリストは取扱情報が自治体機密性2以上である場合のみ）")
    english = below["1.5"].reason_en
    assert "this checklist applies only when the information handled is of municipal confidentiality class 2" in english
    assert "confidentiality=" not in below["1.5"].reason + english


def test_written_exemption_of_001(catalogue):
    answers = attest("cloud-service-requirements", "1.7")
    result = items(catalogue, "cloud-service-requirements", [ctrl("residency.japan", "aws", F)], attestations=answers)
    assert result["1.7"].status is Status.ATTESTED
    for item_id in ("1.8", "1.9", "1.10", "1.11"):
        assert result[item_id].status is NA, item_id
        assert "1.7" in result[item_id].reason
        assert result[item_id].reason_en.startswith("Not applicable (exempt: item 1.7 is met, and the checklist says: ")
        assert exemption_text(result[item_id].exemption, "en").startswith("item 1.7 is met, and the checklist says: ")
    # 1.12 (data location limited to Japan) and 1.13 (where the service is run) are exempted in writing,
    # but residency.japan, which answers them, fails: never hidden
    for item_id in ("1.12", "1.13"):
        assert result[item_id].status is F, item_id
        assert "1.7" in result[item_id].exemption and "不適合" in result[item_id].reason
    assert result["1.14"].status is Status.MANUAL
    assert result["1.16"].status is Status.MANUAL  # needs 1.6 as well


def test_exemption_needs_every_item_of_a_condition(catalogue):
    answers = {**attest("cloud-service-requirements", "1.6"), **attest("cloud-service-requirements", "1.7")}
    result = items(catalogue, "cloud-service-requirements", [], attestations=answers)
    assert all(result[f"1.{n}"].status is NA for n in range(16, 29))
    english = exemption_text(result["1.16"].exemption, "en")
    assert english.startswith("items 1.6 and 1.7 are met, and the checklist says: ")
    assert result["1.15"].status is Status.MANUAL


def test_exemption_by_1_1_covers_everything_from_1_6(catalogue):
    answers = attest("cloud-service-requirements", "1.1")
    result = items(catalogue, "cloud-service-requirements", [], attestations=answers)
    assert all(result[f"1.{n}"].status is NA for n in range(6, 29))
    assert result["1.5"].status is Status.MANUAL


def test_a_no_answer_does_not_exempt(catalogue):
    result = items(
        catalogue, "cloud-service-requirements", [], attestations=attest("cloud-service-requirements", "1.1", "no")
    )
    assert result["1.1"].status is F and result["1.6"].status is Status.MANUAL


def test_collected_snapshot_evaluates_identically(catalogue, fake):
    fake.evidence = [disk("a", True), bucket("b", "us-west")]
    collected = collect(catalogue, ["fake"], {})
    first = evaluate(catalogue, collected, list(catalogue.checklists.values()), Profile(), {})
    again = evaluate(catalogue, Collected(collected.run, collected.evidence, collected.gaps),
                     list(catalogue.checklists.values()), Profile(), {})
    assert first == again
    assert first.has_failures
