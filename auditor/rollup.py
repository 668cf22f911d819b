"""Roll-up: findings → control status per provider → checklist item status (DESIGN §5).

Control per provider: any FAIL → FAIL; else any UNKNOWN → UNKNOWN; else any PASS → PASS; no
finding at all (nothing of that kind exists) → NOT_APPLICABLE. A control the provider cannot
automate is UNKNOWN with the provider's reason — never PASS.

Item: not applicable to the profile or exempted in writing → NOT_APPLICABLE with the reason;
``manual`` → ATTESTED (or the attested answer) / MANUAL; ``inherited`` → INHERITED (ATTESTED when
the user confirms it); ``controls`` → FAIL if controls fail and none passes, PARTIAL if some fail and some pass,
UNKNOWN if any is unknown, PASS when all pass with full coverage, PARTIAL (or ATTESTED with an
attestation for the rest) when coverage is partial.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from auditor.checklists import Checklist, Item, Profile
from auditor.controls import Control
from auditor.model import Attestation, ChecklistResult, ControlResult, Finding, ItemResult, StatusCounts
from auditor.status import Status

ISMAP_LIST = "https://www.ismap.go.jp/csm?id=cloud_service_list"

_ANSWER_STATUS = {
    "yes": Status.ATTESTED,
    "partial": Status.PARTIAL,
    "no": Status.FAIL,
    "n/a": Status.NOT_APPLICABLE,
}


def rollup_controls(
    findings: Iterable[Finding],
    controls: Mapping[str, Control],
    providers: Sequence[str],
    not_automated: Mapping[str, Mapping[str, str]],
) -> list[ControlResult]:
    """One result per control × audited provider."""
    statuses: dict[tuple[str, str], list[Status]] = defaultdict(list)
    for finding in findings:
        statuses[(finding.control_id, finding.provider)].append(finding.status)
    results = []
    for control in controls.values():
        for provider in providers:
            found = statuses.get((control.id, provider), [])
            results.append(_decide_control(control, provider, found, not_automated.get(provider, {})))
    return results


def _decide_control(control: Control, provider: str, found: list[Status], manual: Mapping[str, str]) -> ControlResult:
    counts = StatusCounts.of(found)
    if control.inherited:
        return ControlResult(
            control.id, provider, Status.INHERITED, f"クラウド事業者の認証を継承（確認先: {ISMAP_LIST}）", counts
        )
    if not found and control.id in manual:
        return ControlResult(control.id, provider, Status.UNKNOWN, f"自動判定なし: {manual[control.id]}", counts)
    if counts.failed:
        return ControlResult(control.id, provider, Status.FAIL, f"{counts.failed} 件の不適合", counts)
    if counts.unknown:
        return ControlResult(control.id, provider, Status.UNKNOWN, f"{counts.unknown} 件が確認不能", counts)
    if counts.passed:
        return ControlResult(control.id, provider, Status.PASS, f"{counts.passed} 件すべて適合", counts)
    return ControlResult(control.id, provider, Status.NOT_APPLICABLE, "該当する資源なし", counts)


def rollup_checklist(
    checklist: Checklist,
    control_results: Sequence[ControlResult],
    profile: Profile,
    attestations: Mapping[tuple[str, str], Attestation],
) -> ChecklistResult:
    """Decide every item of one checklist, then apply its written exemptions."""
    by_control: dict[str, list[ControlResult]] = defaultdict(list)
    for result in control_results:
        by_control[result.control_id].append(result)
    base = {
        item.id: _decide_item(checklist, item, by_control, profile, attestations.get((checklist.id, item.id)))
        for item in checklist.items
    }
    exempted = _exemptions(checklist, base)
    items = []
    for item in checklist.items:
        result = base[item.id]
        if item.id in exempted and result.status is not Status.NOT_APPLICABLE:
            result = ItemResult(
                checklist.id, item.id, Status.NOT_APPLICABLE, item.basis, item.control_ids,
                exempted[item.id], result.level, result.attestation,
            )
        items.append(result)
    return ChecklistResult(checklist.id, checklist.title, checklist.version, tuple(items))


def _holds(result: ItemResult) -> bool:
    return result.status is Status.PASS or (
        result.status is Status.ATTESTED and result.attestation is not None and result.attestation.answer == "yes"
    )


def _exemptions(checklist: Checklist, base: Mapping[str, ItemResult]) -> dict[str, str]:
    exempted: dict[str, str] = {}
    for exemption in checklist.exemptions:
        for condition in exemption.when_any:
            if all(_holds(base[i]) for i in condition):
                held = "・".join(condition)
                for item_id in exemption.items:
                    exempted.setdefault(item_id, f"対象外（{held} が満たされているため）: {exemption.reason}")
                break
    return exempted


def _decide_item(
    checklist: Checklist,
    item: Item,
    by_control: Mapping[str, list[ControlResult]],
    profile: Profile,
    attestation: Attestation | None,
) -> ItemResult:
    level = checklist.level_for(item, profile)

    def result(status: Status, reason: str, with_attestation: bool = False) -> ItemResult:
        return ItemResult(
            checklist.id, item.id, status, item.basis, item.control_ids, reason, level,
            attestation if with_attestation else None,
        )

    not_applicable = checklist.not_applicable_reason(item, profile)
    if not_applicable:
        return result(Status.NOT_APPLICABLE, not_applicable)
    if attestation is not None and item.basis in ("manual", "inherited"):
        status = _ANSWER_STATUS[attestation.answer]
        return result(status, _attested_reason(attestation), with_attestation=True)
    if item.basis == "manual":
        return result(Status.MANUAL, "組織的対策: 申告（根拠資料の提示）が必要")
    if item.basis == "inherited":
        return result(
            Status.INHERITED, f"クラウド事業者の第三者認証を継承（ISMAP クラウドサービスリストで確認: {ISMAP_LIST}）"
        )
    return _decide_from_controls(item, by_control, attestation, result)


def _decide_from_controls(item, by_control, attestation, result) -> ItemResult:
    decided = [r for cid in item.control_ids for r in by_control.get(cid, []) if r.status is not Status.INHERITED]
    relevant = [r for r in decided if r.status is not Status.NOT_APPLICABLE]
    summary = "; ".join(f"{r.control_id}@{r.provider}={r.status.value}" for r in decided)
    failed = [r for r in relevant if r.status is Status.FAIL]
    if not decided:
        return result(Status.UNKNOWN, "対応する統制を判定したプロバイダがない")
    if failed:
        some_pass = any(r.status is Status.PASS for r in relevant)
        status = Status.PARTIAL if some_pass else Status.FAIL
        return result(status, f"不適合の統制あり: {summary}")
    if any(r.status is Status.UNKNOWN for r in relevant):
        return result(Status.UNKNOWN, f"確認不能の統制あり: {summary}")
    if not relevant:
        return result(Status.NOT_APPLICABLE, f"該当する資源なし: {summary}")
    if item.coverage == "full":
        return result(Status.PASS, f"全統制が適合: {summary}")
    if attestation is not None:
        return result(
            _ANSWER_STATUS[attestation.answer],
            f"自動判定は適合（一部のみ）、残りは申告: {summary}; {_attested_reason(attestation)}",
            with_attestation=True,
        )
    return result(Status.PARTIAL, f"自動判定は適合、ただし項目の一部のみを確認（残りは申告が必要）: {summary}")


def _attested_reason(attestation: Attestation) -> str:
    documents = "、".join(attestation.evidence)
    return f"申告（{attestation.answered_by}、{attestation.answered_on}）根拠資料: {documents}"
