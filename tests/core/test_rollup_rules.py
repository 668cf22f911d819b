"""The roll-up rules of docs/statuses.md as tables: each row is one sentence of the rules.

A small checklist written here (not one of the shipped ones, so the rules are tested apart from any
mapping) has one item per shape: full and partial coverage, two controls that must all hold, two
alternatives of which one suffices, manual, inherited in full and in part, and a written exemption.
"""

from __future__ import annotations

import pytest

from auditor.checklists import Checklist, Column, ControlRef, Exemption, Item, Profile
from auditor.controls import Control
from auditor.model import Attestation, ControlResult, StatusCounts
from auditor.rollup import (
    ALTERNATIVE_FAILS,
    AUTOMATED_PART_PASSES,
    CONTROL_NEEDS_REVIEW,
    EXEMPT_BUT_FAILS,
    EXEMPTED,
    INHERITED_IN_PART,
    NOTHING_FOUND_REST_OPEN,
    rollup_checklist,
    rollup_controls,
)
from auditor.status import Status

P, F, U, NA, M = Status.PASS, Status.FAIL, Status.UNKNOWN, Status.NOT_APPLICABLE, Status.MANUAL
PARTIAL, ATTESTED, INHERITED = Status.PARTIAL, Status.ATTESTED, Status.INHERITED


def item(item_id, basis="controls", controls=(), satisfied_by="all", applies_when=None) -> Item:
    refs = tuple(ControlRef(cid, coverage) for cid, coverage in controls)
    return Item(item_id, item_id, "", f"text of {item_id}", {"level": "必須"}, basis, refs,
                applies_when=applies_when or {}, satisfied_by=satisfied_by)


CHECKLIST = Checklist(
    id="rules", version="1", title="rules", title_en="rules", source="", columns=(Column("level", "要否"),),
    level_column="level", not_applicable_levels=(), answer_columns=("適用状況", "備考"),
    items=(
        item("full", controls=[("a", "full")]),
        item("partial", controls=[("a", "partial")]),
        item("both", controls=[("a", "full"), ("b", "full")]),
        item("either", controls=[("a", "full"), ("b", "full")], satisfied_by="any"),
        item("manual", "manual"),
        item("inherited", "inherited", controls=[("cert", "full")]),
        item("inherited-part", "inherited", controls=[("cert", "partial")]),
        item("gate", "manual"),
        item("gated-full", controls=[("a", "full")]),
        item("gated-manual", "manual"),
        item("internet-only", controls=[("a", "full")], applies_when={"internet_pc": "yes"}),
    ),
    exemptions=(Exemption(("gated-full", "gated-manual"), (("gate",), ("inherited",)), "gate holds"),),
)


def ctrl(control_id: str, provider: str, status: Status) -> ControlResult:
    return ControlResult(control_id, provider, status, "", StatusCounts())


def decide(controls, answers=None, profile=None):
    attestations = {
        ("rules", item_id): Attestation("rules", item_id, answer, ("規程 v1",), "山田", "2026-11-01")
        for item_id, answer in (answers or {}).items()
    }
    result = rollup_checklist(CHECKLIST, controls, profile or Profile(), attestations)
    return {i.item_id: i for i in result.items}


def on_clouds(control_id: str, *statuses: Status) -> list[ControlResult]:
    return [ctrl(control_id, f"cloud{n}", s) for n, s in enumerate(statuses)]


# -- One control, every cloud: a proven failure anywhere is ×; unknown beats pass; nothing present is 対象外
# only with full coverage; partial coverage without a failure is 要確認（自動判定部分は適合）.
@pytest.mark.parametrize(
    ("clouds", "full", "partial"),
    [
        ([P], P, M),
        ([F], F, F),
        ([U], U, U),
        ([NA], NA, M),
        ([M], M, M),
        ([P, F, P], F, F),  # SSH open on two clouds, the third clean: ×, never △
        ([P, U], U, U),
        ([F, U], F, F),
        ([P, NA], P, M),
        ([M, P], M, M),
        ([NA, NA, NA], NA, M),
    ],
)
def test_one_control_across_clouds(clouds, full, partial):
    items = decide(on_clouds("a", *clouds))
    assert items["full"].status is full
    assert items["partial"].status is partial


def test_partial_coverage_says_which_kind_of_open():
    assert decide([ctrl("a", "aws", P)])["partial"].qualifier == AUTOMATED_PART_PASSES
    assert decide([ctrl("a", "aws", NA)])["partial"].qualifier == NOTHING_FOUND_REST_OPEN
    assert decide([ctrl("a", "aws", M)])["full"].qualifier == CONTROL_NEEDS_REVIEW


# -- Two controls that must both hold (the default), and two alternatives (satisfied_by: any).
@pytest.mark.parametrize(
    ("a", "b", "both", "either"),
    [
        (P, P, P, P),
        (P, F, F, PARTIAL),  # one measure meets the item, the other fails: △ 一部適合（一部不適合）
        (F, F, F, F),
        (P, U, U, P),
        (F, U, F, U),
        (P, NA, P, P),
        (F, NA, F, F),
        (NA, NA, NA, NA),
        (U, NA, U, U),
        (M, P, M, P),
    ],
)
def test_two_controls_all_of_and_any_of(a, b, both, either):
    items = decide([ctrl("a", "aws", a), ctrl("b", "aws", b)])
    assert items["both"].status is both
    assert items["either"].status is either


def test_alternatives_are_judged_per_cloud():
    # WAF fails but IDS passes on one cloud; on the other cloud both fail → the item fails there: ×
    controls = [ctrl("a", "aws", F), ctrl("b", "aws", P), ctrl("a", "gcp", F), ctrl("b", "gcp", F)]
    assert decide(controls)["either"].status is F
    controls[-1] = ctrl("b", "gcp", P)
    item = decide(controls)["either"]
    assert item.status is PARTIAL and item.qualifier == ALTERNATIVE_FAILS


# -- The user's answer: never better than the evidence.
@pytest.mark.parametrize(
    ("automated", "answer", "full", "partial"),
    [
        (F, "yes", F, F),  # an attestation never overrides a failure
        (F, "n/a", F, F),
        (U, "yes", U, U),  # nor fills in what could not be read
        (U, "no", F, F),
        (P, "yes", P, ATTESTED),
        (P, "partial", PARTIAL, PARTIAL),
        (P, "no", F, F),
        (P, "n/a", P, ATTESTED),  # the automated part passed; the rest is declared not applicable
        (NA, "yes", ATTESTED, ATTESTED),
        (NA, "n/a", NA, NA),
        (M, "yes", ATTESTED, ATTESTED),
        (M, "no", F, F),
    ],
)
def test_attestation_on_a_controls_item(automated, answer, full, partial):
    items = decide([ctrl("a", "aws", automated)], {"full": answer, "partial": answer})
    assert items["full"].status is full
    assert items["partial"].status is partial
    assert items["full"].attestation is not None and items["full"].automated is automated


def test_attestation_on_a_failing_item_keeps_both_in_the_reason():
    reason = decide([ctrl("a", "aws", F)], {"partial": "yes"})["partial"].reason
    assert "不適合" in reason and "規程 v1" in reason


def test_n_a_on_a_passing_item_gives_no_contradiction():
    item = decide([ctrl("a", "aws", P)], {"full": "n/a"})["full"]
    assert item.status is P and "対象外" not in item.reason.split(";")[0]


@pytest.mark.parametrize(
    ("answer", "manual", "inherited", "inherited_part"),
    [
        (None, M, INHERITED, M),  # coverage: partial on an inherited item is honoured
        ("yes", ATTESTED, ATTESTED, ATTESTED),
        ("partial", PARTIAL, PARTIAL, PARTIAL),
        ("no", F, F, F),
        ("n/a", NA, NA, NA),
    ],
)
def test_manual_and_inherited_items(answer, manual, inherited, inherited_part):
    answers = {} if answer is None else {"manual": answer, "inherited": answer, "inherited-part": answer}
    items = decide([], answers)
    assert (items["manual"].status, items["inherited"].status, items["inherited-part"].status) == (
        manual, inherited, inherited_part)
    if answer is None:
        assert items["inherited-part"].qualifier == INHERITED_IN_PART


# -- Written exemptions: only a real PASS or a "yes" answer meets a condition; a failure is never hidden.
@pytest.mark.parametrize(
    ("gate", "automated", "gated_full", "gated_manual"),
    [
        (None, P, P, M),  # condition not met
        ("no", P, P, M),
        ("partial", P, P, M),
        ("yes", P, NA, NA),
        ("yes", U, NA, NA),
        ("yes", NA, NA, NA),
        ("yes", F, F, NA),  # exempted in writing, but the control fails: stays ×
    ],
)
def test_written_exemption(gate, automated, gated_full, gated_manual):
    items = decide([ctrl("a", "aws", automated)], {} if gate is None else {"gate": gate})
    assert items["gated-full"].status is gated_full
    assert items["gated-manual"].status is gated_manual


def test_an_exempted_failure_shows_both_the_exemption_and_the_failure():
    item = decide([ctrl("a", "aws", F)], {"gate": "yes"})["gated-full"]
    assert item.qualifier == EXEMPT_BUT_FAILS and item.exemption and "gate holds" in item.reason
    assert item.automated is F
    exempted = decide([ctrl("a", "aws", P)], {"gate": "yes"})["gated-full"]
    assert exempted.qualifier == EXEMPTED and "参考" in exempted.reason


def test_an_item_merely_inherited_does_not_exempt():
    items = decide([ctrl("a", "aws", P)])
    assert items["inherited"].status is INHERITED
    assert items["gated-manual"].status is M
    confirmed = decide([ctrl("a", "aws", P)], {"inherited": "yes"})
    assert confirmed["gated-manual"].status is NA


def test_profile_not_applicable_items_are_not_decided_by_controls():
    assert decide([ctrl("a", "aws", F)])["internet-only"].status is NA
    internet = decide([ctrl("a", "aws", F)], profile=Profile.from_options(["internet_pc=yes"]))
    assert internet["internet-only"].status is F


# -- Controls: a control whose checks cover only some resource kinds needs review when none of them exists.
def control(control_id: str, absence: str = "") -> Control:
    return Control(control_id, control_id, control_id, "", "", absence_ja=absence, absence_en=absence)


@pytest.mark.parametrize(
    ("statuses", "plain", "partial_kinds"),
    [
        ([], NA, M),
        ([NA, NA], NA, M),
        ([P], P, P),
        ([P, NA], P, P),
        ([F, U, P], F, F),
        ([U, P], U, U),
    ],
)
def test_control_status_from_findings(statuses, plain, partial_kinds):
    from auditor.model import Finding
    from tests.core.fake_provider import AT

    findings = [
        Finding("c", cid, "aws", "1", "r", "t", f"id{n}", s, "", None, "", "", AT)
        for cid in ("plain", "kinds") for n, s in enumerate(statuses)
    ]
    catalogue = {"plain": control("plain"), "kinds": control("kinds", "RDS・ELB のみ判定")}
    results = {r.control_id: r for r in rollup_controls(findings, catalogue, ["aws"], {})}
    assert results["plain"].status is plain
    assert results["kinds"].status is partial_kinds
    if partial_kinds is M:
        assert "RDS・ELB のみ判定" in results["kinds"].reason
