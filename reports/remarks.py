"""The 備考 text of a checklist row: the basis of its status in plain words.

For an item answered by controls it names each control, its verdict on each cloud with how many
resources passed and failed, the worst failures by resource name and, for anything unknown, the
permission that would let the tool read it. For an organisational item it names the attestation's
documents and who answered when (or the documents a city would expect); for an inherited one, where
to confirm the provider's certification; for one that does not apply, why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from auditor import rollup
from auditor.attestations import ANSWER_WORDS
from auditor.checklists import Item
from auditor.controls import Control
from auditor.model import (
    Attestation,
    ControlResult,
    Finding,
    Gap,
    ItemResult,
    RiskAcceptance,
    RunResult,
    StatusCounts,
)
from auditor.risk import active_by_finding
from auditor.rollup import ISMAP_LIST
from auditor.status import Status
from reports.labels import provider_name, status_text

MAX_FAILURES = 3
MAX_UNKNOWN_CAUSES = 3

@dataclass(frozen=True)
class RunIndex:
    """Look-ups over one run result that every renderer needs (built once per render)."""

    result: RunResult
    providers: tuple[str, ...]
    controls: Mapping[tuple[str, str], ControlResult]
    findings_by_control: Mapping[str, tuple[Finding, ...]]
    gaps: Mapping[tuple[str, str, str, str], Gap]
    accepted: Mapping[tuple[str, str, str, str, str], RiskAcceptance] = field(default_factory=dict)
    lapsed: Mapping[tuple[str, str, str, str, str], RiskAcceptance] = field(default_factory=dict)

    @classmethod
    def of(cls, result: RunResult) -> RunIndex:
        audited = [p.provider for p in result.run.providers]
        providers = tuple(dict.fromkeys(audited + [c.provider for c in result.controls]))
        by_control: dict[str, list[Finding]] = defaultdict(list)
        for finding in result.findings:
            by_control[finding.control_id].append(finding)
        return cls(
            result=result,
            providers=providers,
            controls={(c.control_id, c.provider): c for c in result.controls},
            findings_by_control={k: tuple(v) for k, v in by_control.items()},
            gaps={(g.provider, g.scope, g.region, g.source): g for g in result.gaps},
            accepted=active_by_finding(result.risk_acceptances),
            lapsed={key: a.acceptance for a in result.risk_acceptances if a.state == "expired" for key in a.findings},
        )

    def control_results(self, control_id: str) -> list[ControlResult]:
        return [self.controls[(control_id, p)] for p in self.providers if (control_id, p) in self.controls]

    def gap_of(self, finding: Finding) -> Gap | None:
        """The gap that made a finding UNKNOWN (gap findings name the call as ``*source``)."""
        if finding.status is not Status.UNKNOWN or not finding.resource_id.startswith("*"):
            return None
        return self.gaps.get((finding.provider, finding.scope, finding.region, finding.resource_id[1:]))

    def item_clouds(self, control_ids: tuple[str, ...]) -> list[str]:
        """The clouds on which at least one of these controls was decided from evidence."""
        decided = {Status.PASS, Status.FAIL, Status.UNKNOWN}
        return [
            p for p in self.providers
            if any(self.controls.get((cid, p)) and self.controls[(cid, p)].status in decided for cid in control_ids)
        ]


def resource_label(finding: Finding) -> str:
    return finding.resource_name or finding.resource_id


def counts_text(counts: StatusCounts, lang: str) -> str:
    parts = [
        (counts.passed, "適合", "pass"),
        (counts.failed, "不適合", "fail"),
        (counts.unknown, "確認不能", "unknown"),
        (counts.not_applicable, "対象外", "n/a"),
    ]
    if lang == "ja":
        return "・".join(f"{ja} {n}" for n, ja, _ in parts if n)
    return ", ".join(f"{en} {n}" for n, _, en in parts if n)


def attestation_text(attestation: Attestation, lang: str) -> str:
    ja, en = ANSWER_WORDS.get(attestation.answer, (attestation.answer, attestation.answer))
    digests = dict(attestation.digests)
    named = [f"{name}（SHA-256 {digests[name][:12]}…）" if name in digests else name for name in attestation.evidence]
    documents = "、".join(named) if lang == "ja" else "; ".join(named)
    if lang == "ja":
        who = f"回答者: {attestation.answered_by}、回答日: {attestation.answered_on}"
        if attestation.valid_until:
            who += f"、有効期限: {attestation.valid_until}"
        line = f"申告: {ja}（{who}）。根拠資料: {documents}"
        return line + (f"。補足: {attestation.comment}" if attestation.comment else "")
    until = f", valid until {attestation.valid_until}" if attestation.valid_until else ""
    line = (f"Attested: {en} (by {attestation.answered_by} on {attestation.answered_on}{until})."
            f" Evidence: {documents}")
    return line + (f". Comment: {attestation.comment}" if attestation.comment else "")


def control_line(control_id: str, index: RunIndex, catalogue: Mapping[str, Control], lang: str) -> str:
    control = catalogue.get(control_id)
    title = control.title(lang) if control else control_id
    results = index.control_results(control_id)
    ja = lang == "ja"
    if results and all(r.status is Status.NOT_APPLICABLE and r.counts == StatusCounts() for r in results):
        clouds = ("・" if ja else ", ").join(provider_name(r.provider) for r in results)
        decided = (f"{status_text(Status.NOT_APPLICABLE, lang)}（{clouds} とも該当するリソースなし）" if ja
                   else f"{status_text(Status.NOT_APPLICABLE, lang)} (nothing of this kind on {clouds})")
    else:
        parts = []
        for result in results:
            detail = counts_text(result.counts, lang) or result.reason_in(lang)
            if result.status is Status.MANUAL and control is not None:
                detail = control.absence_ja if ja else control.absence_en
            head = f"{provider_name(result.provider)} {status_text(result.status, lang)}"
            parts.append(f"{head}（{detail}）" if ja else f"{head} ({detail})")
        decided = ("／" if ja else " / ").join(parts) or ("判定なし" if ja else "not decided")
    return f"・{title}（{control_id}）: {decided}" if ja else f"- {title} ({control_id}): {decided}"


def acceptance_text(acceptance: RiskAcceptance, lang: str) -> str:
    """``リスク受容（期限 2027-03-31、承認者 …）``: shown beside a failure that stays a failure."""
    if lang == "ja":
        return f"リスク受容（期限 {acceptance.until}、承認者 {acceptance.accepted_by}、理由: {acceptance.reason}）"
    return f"risk accepted (until {acceptance.until}, by {acceptance.accepted_by}, because: {acceptance.reason})"


def failures_line(
    findings: list[Finding], lang: str,
    accepted: Mapping[tuple[str, str, str, str, str], RiskAcceptance] | None = None,
) -> str:
    """The main failures by resource; accepted ones first name their acceptance, and still count."""
    accepted = accepted or {}
    failed = sorted((f for f in findings if f.status is Status.FAIL),
                    key=lambda f: (f.key in accepted, f.provider, f.scope, f.region, resource_label(f)))
    if not failed:
        return ""

    def one(f: Finding) -> str:
        where = (f"{resource_label(f)}（{provider_name(f.provider)} {f.region}）— {f.reason}" if lang == "ja"
                 else f"{resource_label(f)} ({provider_name(f.provider)} {f.region}) — {f.reason_in(lang)}")
        acceptance = accepted.get(f.key)
        return f"{where} [{acceptance_text(acceptance, lang)}]" if acceptance else where

    shown = [one(f) for f in failed[:MAX_FAILURES]]
    in_acceptance = sum(1 for f in failed if f.key in accepted)
    if in_acceptance:
        shown.append(f"うちリスク受容 {in_acceptance} 件（不適合として数える）" if lang == "ja"
                     else f"{in_acceptance} of them risk-accepted (still counted as failures)")
    rest = len(failed) - len(shown)
    if lang == "ja":
        return "主な不適合: " + "；".join(shown) + (f"；ほか {rest} 件（検出結果シート参照）" if rest else "")
    return "Main failures: " + "; ".join(shown) + (f"; and {rest} more (see the findings)" if rest else "")


def unknown_line(findings: list[Finding], index: RunIndex, lang: str) -> str:
    causes: dict[str, str] = {}
    for finding in findings:
        if finding.status is not Status.UNKNOWN:
            continue
        gap = index.gap_of(finding)
        if gap is not None:
            key = f"{gap.source}:{gap.permission}"
            if lang == "ja":
                cause = f"{gap.source} が読めない（{gap.error_code}）→ 必要な権限: {gap.permission or '不明'}"
            else:
                cause = f"{gap.source} could not be read ({gap.error_code}) → needs {gap.permission or '?'}"
            causes.setdefault(key, cause)
        else:
            causes.setdefault(finding.reason, f"{resource_label(finding)}: {finding.reason_in(lang)}")
    if not causes:
        return ""
    shown = list(causes.values())[:MAX_UNKNOWN_CAUSES]
    rest = len(causes) - len(shown)
    if lang == "ja":
        return "確認不能の原因: " + "；".join(shown) + (f"；ほか {rest} 件（確認不能シート参照）" if rest else "")
    return "Could not read: " + "; ".join(shown) + (f"; and {rest} more" if rest else "")


def inherited_line(index: RunIndex, lang: str) -> str:
    clouds = ("、" if lang == "ja" else ", ").join(provider_name(p) for p in index.providers) or "-"
    if lang == "ja":
        return (f"クラウド事業者（{clouds}）の第三者認証を継承。"
                f"登録と言明対象範囲は ISMAP クラウドサービスリストで確認: {ISMAP_LIST}"
                "（登録番号は本ツールでは記載しない）")
    return (f"Inherited from the cloud provider's certification ({clouds}). Confirm the registration and its scope in "
            f"the ISMAP cloud service list: {ISMAP_LIST} (the tool states no registration number)")


#: The first line of the 備考 for an item whose status has more than one possible cause.
QUALIFIER_LINES: dict[str, tuple[str, str]] = {
    rollup.AUTOMATED_PART_PASSES: (
        "要確認（自動判定部分は適合）: 自動判定できるのは項目の一部のみ。残りは申告（根拠資料の提示）が必要",
        "Needs an answer (the automated part passes): the controls decide only part of the item; the rest needs an"
        " attestation",
    ),
    rollup.NOTHING_FOUND_REST_OPEN: (
        "要確認（該当リソースなし）: 自動判定の対象となるリソースはないが、項目の残りは自動判定できないため申告が必要",
        "Needs an answer: nothing the controls check exists, but the rest of the item is not checked automatically",
    ),
    rollup.CONTROL_NEEDS_REVIEW: (
        "要確認: 統制の自動判定は一部のリソース種別のみが対象で、その種別のリソースがない（下記）",
        "Needs an answer: a control's checks cover only some resource kinds and none of them exists (below)",
    ),
    rollup.ALTERNATIVE_FAILS: (
        "一部適合（一部不適合）: いずれかの対策で要件を満たすが、他の対策に不適合がある",
        "Partly met: one of the alternative measures meets the item, another fails",
    ),
    rollup.INHERITED_IN_PART: (
        "要確認: クラウド事業者の第三者認証で答えられるのは項目の一部のみ。残りは申告（根拠資料の提示）が必要",
        "Needs an answer: the provider's certification answers only part of the item; the rest needs an attestation",
    ),
}


def _exemption_lines(item_result: ItemResult, lang: str) -> list[str]:
    ja = lang == "ja"
    automated = item_result.automated or (item_result.attestation and Status.ATTESTED)
    exemption = rollup.exemption_text(item_result.exemption, lang)
    if item_result.qualifier == rollup.EXEMPT_BUT_FAILS:
        return [
            f"× のまま: 記載の条件により本来は対象外（{exemption}）だが、不適合が確認されたため隠さない"
            if ja else
            f"Stays failed: exempted in writing ({exemption}), but a failure was found and is never hidden"
        ]
    if item_result.qualifier == rollup.EXEMPTED:
        lines = [f"対象外（{exemption}）" if ja else f"Not applicable (exempted: {exemption})"]
        if isinstance(automated, Status) and automated is not Status.NOT_APPLICABLE:
            lines.append(f"参考: 自動判定は {status_text(automated, lang)}" if ja
                         else f"For reference: the automated result is {status_text(automated, lang)}")
        return lines
    return []


def item_remarks(
    item_result: ItemResult,
    item: Item | None,
    index: RunIndex,
    catalogue: Mapping[str, Control],
    lang: str,
    with_rationale: bool = True,
) -> str:
    """The whole 備考 cell for one row (lines separated by newlines).

    The first lines say why the status is what it is where it could have more than one cause (the
    qualifier, an exemption that held, the user's answer); the rest is the evidence: each control's
    verdict per cloud, the main failures, the causes of anything unreadable. ``with_rationale=False``
    leaves out the mapping's long rationale (the HTML report shows it in the item's details instead).
    """
    ja = lang == "ja"
    if item_result.qualifier == rollup.NOT_FOR_PROFILE:
        return item_result.reason_in(lang)
    lines = _exemption_lines(item_result, lang)
    qualifier = QUALIFIER_LINES.get(item_result.qualifier)
    if qualifier:
        lines.append(qualifier[0] if ja else qualifier[1])
    if item_result.attestation is not None:
        lines.append(attestation_text(item_result.attestation, lang))
        if rollup.ATTESTATION_EXPIRED in item_result.flags:
            until = item_result.attestation.valid_until
            lines.append(f"申告の期限切れ（有効期限 {until}）: 判定に使っていない。再申告が必要" if ja
                         else f"Attestation expired (valid until {until}): not used; needs a new answer")
        elif rollup.ATTESTATION_RECHECK in item_result.flags:
            lines.append("要再確認: 申告した項目の統制が不適合になっている。申告は不適合を打ち消さないため、"
                         "内容を見直すこと" if ja else "Re-examine: the item's controls now fail; the attestation does"
                         " not override the failure and should be reviewed")
    rationale = item.rationale_in(lang) if item else ""
    if item_result.basis == "manual" and item_result.attestation is None:
        lines.append("組織的対策のため、申告（根拠資料の提示）が必要。" if ja
                     else "Organisational measure: needs an attestation naming its evidence documents.")
        if rationale and with_rationale:
            lines.append(f"想定される根拠資料: {rationale}" if ja else f"Expected evidence: {rationale}")
    elif item_result.basis == "inherited":
        lines.append(inherited_line(index, lang))
    elif item_result.basis == "controls":
        findings: list[Finding] = []
        for control_id in item_result.control_ids:
            lines.append(control_line(control_id, index, catalogue, lang))
            findings.extend(index.findings_by_control.get(control_id, ()))
        lapsed = sorted({(a.check_id, a.resource_id, a.until) for f in findings
                         if (a := index.lapsed.get(f.key)) is not None and f.key not in index.accepted})
        if lapsed:
            shown = "；".join(f"{c} — {r}（期限 {u}）" for c, r, u in lapsed) if ja else "; ".join(
                f"{c} — {r} (until {u})" for c, r, u in lapsed)
            lines.append(f"期限切れのリスク受容（無視）: {shown}" if ja
                         else f"Expired risk acceptances (ignored): {shown}")
        for extra in (failures_line(findings, lang, index.accepted), unknown_line(findings, index, lang)):
            if extra:
                lines.append(extra)
        if item is not None and item.coverage == "partial" and with_rationale and rationale:
            lines.append(f"※ 自動判定は項目の一部のみ: {rationale}" if ja
                         else f"Note: the controls decide only part of the item: {rationale}")
    if not lines:
        lines.append(item_result.reason_in(lang))
    return "\n".join(lines)


def gap_controls(result: RunResult) -> dict[tuple[str, str, str, str], list[str]]:
    """Which controls each gap left undecided (gap findings name the call as ``*source``)."""
    affected: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    for f in result.findings:
        if f.status is Status.UNKNOWN and f.resource_id.startswith("*"):
            key = (f.provider, f.scope, f.region, f.resource_id[1:])
            if f.control_id not in affected[key]:
                affected[key].append(f.control_id)
    return affected


def not_automated(result: RunResult) -> list:
    """Control results that are UNKNOWN without any finding: no check decides them on that cloud."""
    return [c for c in result.controls
            if c.status is Status.UNKNOWN and not (c.counts.passed or c.counts.failed or c.counts.unknown)]
