"""Roll-up: findings → control status per provider → checklist item status (docs/statuses.md).

The rules, in the order they are applied (each is one small function below):

Control × provider
  any FAIL → FAIL; else any UNKNOWN → UNKNOWN; else any PASS → PASS. No finding at all (or only
  NOT_APPLICABLE ones) → NOT_APPLICABLE, except for a control whose checks cover only some resource
  kinds (``absence`` in the catalogue): then MANUAL (要確認), because the absence of the checked kinds
  does not show that nothing of the kind the control concerns exists. A control the provider cannot
  automate is UNKNOWN with the provider's reason — never PASS.

Item, from its automated outcome (controls items only)
  all-of items (the default): any control FAIL on any cloud → FAIL; else any UNKNOWN → UNKNOWN; else any
  MANUAL (a control that needs review) → MANUAL; else nothing present → NOT_APPLICABLE for full coverage,
  MANUAL for partial coverage; else PASS for full coverage, MANUAL「要確認（自動判定部分は適合）」for partial.
  ``satisfied_by: any`` items, cloud by cloud: one alternative passes → the cloud meets the item (PARTIAL
  「一部適合（一部不適合）」 when another alternative fails there); else any UNKNOWN, then any MANUAL (that
  alternative may still meet it); else any FAIL → FAIL. The clouds then combine as for all-of items.

Item, with an attestation (the user's answer)
  A proven failure stays FAIL whatever the answer; UNKNOWN stays UNKNOWN unless the answer is "no". Where
  the automated outcome leaves the item open (MANUAL) the answer decides: yes → ATTESTED, partial → PARTIAL,
  no → FAIL, n/a → NOT_APPLICABLE when nothing was found, else ATTESTED (the automated part passed, the
  rest was declared not applicable). On a full PASS the answer can only make it worse (partial, no).

Answers over time
  An answer past its ``valid_until`` (against the day the audit ran, JST) has expired: it is shown with
  its flag and not used, so the item is decided as if unanswered. An answer on an item whose controls
  now fail is flagged for re-examination (要再確認) beside the failure.

Written exemptions
  An exemption's condition holds only when each of its items is PASS, or ATTESTED with answer "yes" (an
  item that is merely INHERITED never exempts). An exempted item becomes NOT_APPLICABLE with the sheet's
  own sentence as reason — unless its own result is FAIL: a failure is never hidden, the item stays FAIL
  and keeps the exemption reason beside the automated result.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from auditor.attestations import expired
from auditor.checklists import Checklist, Item, Profile
from auditor.controls import Control
from auditor.model import Attestation, ChecklistResult, ControlResult, Finding, ItemResult, Said, StatusCounts, said
from auditor.status import Status

ISMAP_LIST = "https://www.ismap.go.jp/csm?id=cloud_service_list"

#: Qualifiers: why an item has the status it has, where the status alone has more than one cause.
#: Renderers turn them into words (reports/remarks.py); results.json records them.
AUTOMATED_PART_PASSES = "automated-part-passes"  # 要確認（自動判定部分は適合）
NOTHING_FOUND_REST_OPEN = "nothing-found-rest-open"  # 要確認（該当リソースなし、項目の残りは未確認）
CONTROL_NEEDS_REVIEW = "control-needs-review"  # 要確認（統制の自動判定が一部のリソース種別のみ）
ALTERNATIVE_FAILS = "alternative-fails"  # 一部適合（一部不適合）
EXEMPT_BUT_FAILS = "exempt-but-fails"  # 対象外の条件を満たすが、不適合のため × のまま
EXEMPTED = "exempted"  # 記載された条件により対象外
INHERITED_IN_PART = "inherited-in-part"  # 継承は一部のみ、残りは申告が必要
NOT_FOR_PROFILE = "not-for-profile"  # 利用形態により対象外

#: Flags on an item's attestation, shown wherever the item is.
ATTESTATION_EXPIRED = "attestation-expired"  # 申告の期限切れ: 判定に使わない
ATTESTATION_RECHECK = "attestation-recheck"  # 要再確認: 申告した項目の統制が不適合
FLAGS = (ATTESTATION_EXPIRED, ATTESTATION_RECHECK)

QUALIFIERS = (
    AUTOMATED_PART_PASSES, NOTHING_FOUND_REST_OPEN, CONTROL_NEEDS_REVIEW, ALTERNATIVE_FAILS, EXEMPT_BUT_FAILS,
    EXEMPTED, INHERITED_IN_PART, NOT_FOR_PROFILE,
)

ANSWER_STATUS = {
    "yes": Status.ATTESTED,
    "partial": Status.PARTIAL,
    "no": Status.FAIL,
    "n/a": Status.NOT_APPLICABLE,
}


# --- controls -------------------------------------------------------------------------------------


def rollup_controls(
    findings: Iterable[Finding],
    controls: Mapping[str, Control],
    providers: Sequence[str],
    not_automated: Mapping[str, Mapping[str, Said]],
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


def _decide_control(control: Control, provider: str, found: list[Status], manual: Mapping[str, Said]) -> ControlResult:
    counts = StatusCounts.of(found)

    def decided(status: Status, reason: tuple[str, str]) -> ControlResult:
        return ControlResult(control.id, provider, status, reason[0], counts, reason[1])

    if control.inherited:
        return decided(Status.INHERITED, (f"クラウド事業者の認証を継承（確認先: {ISMAP_LIST}）",
                                          f"Inherited from the provider's certification (confirm at {ISMAP_LIST})"))
    if not found and control.id in manual:
        ja, en = said(manual[control.id])
        return decided(Status.UNKNOWN, (f"自動判定なし: {ja}", f"Not automated: {en}" if en else ""))
    if counts.failed:
        return decided(Status.FAIL, (f"{counts.failed} 件の不適合", f"{counts.failed} failed"))
    if counts.unknown:
        return decided(Status.UNKNOWN, (f"{counts.unknown} 件が確認不能", f"{counts.unknown} could not be read"))
    if counts.passed:
        return decided(Status.PASS, (f"{counts.passed} 件すべて適合", f"all {counts.passed} pass"))
    if control.absence_ja:
        return decided(Status.MANUAL, (f"要確認: {control.absence_ja}", f"Needs review: {control.absence_en}"))
    return decided(Status.NOT_APPLICABLE, ("該当するリソースなし", "nothing of this kind exists"))


# --- items ----------------------------------------------------------------------------------------


def rollup_checklist(
    checklist: Checklist,
    control_results: Sequence[ControlResult],
    profile: Profile,
    attestations: Mapping[tuple[str, str], Attestation],
    as_of: _dt.date | None = None,
) -> ChecklistResult:
    """Decide every item of one checklist, then apply its written exemptions.

    ``as_of`` is the day the audit ran (JST): an attestation whose ``valid_until`` lies before it has
    expired and is shown, flagged, but not used.
    """
    by_control: dict[str, list[ControlResult]] = defaultdict(list)
    for result in control_results:
        by_control[result.control_id].append(result)
    base = {
        item.id: decide_item(checklist, item, by_control, profile, attestations.get((checklist.id, item.id)), as_of)
        for item in checklist.items
    }
    exempted = _exemptions(checklist, base)
    items = [apply_exemption(base[item.id], exempted.get(item.id)) for item in checklist.items]
    return ChecklistResult(checklist.id, checklist.title, checklist.version, tuple(items))


def holds(result: ItemResult) -> bool:
    """Whether an item counts as met for a written exemption: a real PASS or a "yes" attestation."""
    return result.status is Status.PASS or (
        result.status is Status.ATTESTED and result.attestation is not None and result.attestation.answer == "yes"
    )


_HELD_JA = " が満たされているため: "


def exemption_text(exemption: str, lang: str) -> str:
    """An item's recorded exemption (``ItemResult.exemption``) in the reader's language; the sheet's own
    sentence stays as printed (it is checklist text)."""
    held, found, sentence = exemption.partition(_HELD_JA)
    if lang != "en" or not found:
        return exemption
    items = held.split("・")
    which = f"item {items[0]} is met" if len(items) == 1 else f"items {', '.join(items[:-1])} and {items[-1]} are met"
    return f"{which}, and the checklist says: {sentence}"


def _exemptions(checklist: Checklist, base: Mapping[str, ItemResult]) -> dict[str, str]:
    """Item id → the exemption that held: which items hold, and the sheet's own sentence."""
    exempted: dict[str, str] = {}
    for exemption in checklist.exemptions:
        for condition in exemption.when_any:
            if all(holds(base[i]) for i in condition):
                held = "・".join(condition)
                for item_id in exemption.items:
                    exempted.setdefault(item_id, f"{held}{_HELD_JA}{exemption.reason}")
                break
    return exempted


def apply_exemption(result: ItemResult, exemption: str | None) -> ItemResult:
    """An exemption makes an item 対象外 — never when the item itself is a failure."""
    if exemption is None or result.qualifier == NOT_FOR_PROFILE:
        return result
    ja, en = exemption, exemption_text(exemption, "en")
    if result.status is Status.FAIL:
        return replace(
            result, qualifier=EXEMPT_BUT_FAILS, exemption=ja,
            reason=f"対象外の条件を満たすが、不適合のため × のまま（{ja}）。参考: {result.reason}",
            reason_en=f"Exempt in writing, but stays failed ({en}). For reference: {result.reason_in('en')}",
        )
    return replace(
        result, status=Status.NOT_APPLICABLE, qualifier=EXEMPTED, exemption=ja,
        reason=f"対象外（{ja}）。参考: 本来の判定は {result.status.label_ja}（{result.reason}）",
        reason_en=f"Not applicable (exempt: {en}). For reference: its own result is {result.status.label_en}"
                  f" ({result.reason_in('en')})",
    )


def decide_item(
    checklist: Checklist,
    item: Item,
    by_control: Mapping[str, list[ControlResult]],
    profile: Profile,
    given: Attestation | None,
    as_of: _dt.date | None = None,
) -> ItemResult:
    """One item's status before written exemptions (``given``: the user's answer, if any)."""
    level = checklist.level_for(item, profile)
    lapsed = given is not None and as_of is not None and expired(given.valid_until, as_of)
    attestation = None if lapsed else given  # an expired answer is shown, never used

    def result(status: Status, reason: Said, qualifier: str = "", automated: Status | None = None) -> ItemResult:
        flags = ((ATTESTATION_EXPIRED,) if lapsed else ()) + (
            (ATTESTATION_RECHECK,) if attestation is not None and automated is Status.FAIL else ())
        ja, en = said(reason)
        if lapsed:
            ja = f"{ja}; 申告は期限切れ（有効期限 {given.valid_until}）のため判定に使わない"
            en = en and f"{en}; the attestation expired (valid until {given.valid_until}) and is not used"
        return ItemResult(
            checklist.id, item.id, status, item.basis, item.control_ids, ja, level, given,
            qualifier=qualifier, automated=automated, flags=flags, reason_en=en,
        )

    not_applicable = checklist.not_applicable_reason(item, profile)
    if not_applicable:
        reason = (not_applicable, checklist.not_applicable_reason(item, profile, "en") or "")
        return replace(result(Status.NOT_APPLICABLE, reason, NOT_FOR_PROFILE), attestation=None, flags=())
    if item.basis == "manual":
        if attestation is None:
            return result(Status.MANUAL, ("組織的対策: 申告（根拠資料の提示）が必要",
                                          "Organisational measure: needs an attestation naming its documents"))
        return result(ANSWER_STATUS[attestation.answer], attested_said(attestation))
    if item.basis == "inherited":
        return _decide_inherited(item, attestation, result)
    outcome = automated_outcome(item, by_control)
    return _with_attestation(outcome, attestation, result)


def _decide_inherited(item: Item, attestation: Attestation | None, result) -> ItemResult:
    if attestation is not None:
        return result(ANSWER_STATUS[attestation.answer], attested_said(attestation))
    if item.coverage == "partial":
        return result(
            Status.MANUAL,
            ("クラウド事業者の第三者認証で答えられるのは項目の一部のみ。残りは申告（根拠資料の提示）が必要"
             f"（認証の確認先: {ISMAP_LIST}）",
             "The cloud provider's certification answers only part of the item; the rest needs an attestation"
             f" (confirm the certification at {ISMAP_LIST})"),
            INHERITED_IN_PART,
        )
    return result(
        Status.INHERITED, (f"クラウド事業者の第三者認証を継承（ISMAP クラウドサービスリストで確認: {ISMAP_LIST}）",
                           "Inherited from the cloud provider's certification (confirm in the ISMAP cloud service"
                           f" list: {ISMAP_LIST})")
    )


# The automated outcome of a controls item: a status, a qualifier and the summary of what was decided.
Outcome = tuple[Status, str, tuple[str, str], bool]  # status, qualifier, summary (ja, en), nothing_found


def automated_outcome(item: Item, by_control: Mapping[str, list[ControlResult]]) -> Outcome:
    """Decide a controls item from its controls' results on every audited cloud (before any attestation)."""
    decided = [r for cid in item.control_ids for r in by_control.get(cid, []) if r.status is not Status.INHERITED]
    summary = "; ".join(f"{r.control_id}@{r.provider}={r.status.value}" for r in decided)
    if not decided:
        return Status.UNKNOWN, "", ("対応する統制を判定したクラウドがない", "no cloud decided its controls"), False
    per_cloud: dict[str, list[ControlResult]] = defaultdict(list)
    for r in decided:
        per_cloud[r.provider].append(r)
    if item.satisfied_by == "any":
        verdicts = [_any_of(results) for results in per_cloud.values()]
    else:
        verdicts = [_all_of(results) for results in per_cloud.values()]
    statuses = [status for status, _ in verdicts]
    if Status.FAIL in statuses:
        return Status.FAIL, "", (f"不適合の統制あり: {summary}", f"a control fails: {summary}"), False
    if Status.UNKNOWN in statuses:
        return Status.UNKNOWN, "", (f"確認不能の統制あり: {summary}", f"a control could not be read: {summary}"), False
    if Status.MANUAL in statuses:
        reason = (f"自動判定の対象が一部のリソース種別のみの統制あり: {summary}",
                  f"a control checks only some resource kinds: {summary}")
        return Status.MANUAL, CONTROL_NEEDS_REVIEW, reason, False
    nothing_found = all(s is Status.NOT_APPLICABLE for s in statuses)
    if nothing_found:
        if item.coverage == "full":
            reason = (f"該当するリソースなし: {summary}", f"nothing of this kind: {summary}")
            return Status.NOT_APPLICABLE, "", reason, True
        reason = (f"該当するリソースなし（項目の一部のみ自動判定）: {summary}",
                  f"nothing of this kind (the controls decide only part of the item): {summary}")
        return Status.MANUAL, NOTHING_FOUND_REST_OPEN, reason, True
    if any(alternative_failed for _, alternative_failed in verdicts):
        reason = (f"一部適合（一部不適合）: いずれかの対策で適合、他の対策に不適合あり: {summary}",
                  f"partly met: one measure passes, another fails: {summary}")
        return Status.PARTIAL, ALTERNATIVE_FAILS, reason, False
    if item.coverage == "full":
        return Status.PASS, "", (f"全統制が適合: {summary}", f"every control passes: {summary}"), False
    return Status.MANUAL, AUTOMATED_PART_PASSES, (f"要確認（自動判定部分は適合）: {summary}",
                                                  f"needs an answer (the automated part passes): {summary}"), False


def _all_of(results: list[ControlResult]) -> tuple[Status, bool]:
    """One cloud's verdict when every control must hold."""
    statuses = {r.status for r in results}
    for status in (Status.FAIL, Status.UNKNOWN, Status.MANUAL, Status.PASS):
        if status in statuses:
            return status, False
    return Status.NOT_APPLICABLE, False


def _any_of(results: list[ControlResult]) -> tuple[Status, bool]:
    """One cloud's verdict when any one alternative meets the item; True when another alternative fails."""
    statuses = {r.status for r in results}
    if Status.PASS in statuses:
        return Status.PASS, Status.FAIL in statuses
    # no alternative passes: one that could not be read (or needs review) may still meet the item
    for status in (Status.UNKNOWN, Status.MANUAL, Status.FAIL):
        if status in statuses:
            return status, False
    return Status.NOT_APPLICABLE, False


def _with_attestation(outcome: Outcome, attestation: Attestation | None, result) -> ItemResult:
    """Combine the automated outcome with the user's answer; never better than the evidence."""
    status, qualifier, summary, nothing_found = outcome
    if attestation is None:
        return result(status, summary, qualifier, status)
    answer = attestation.answer
    said_by = attested_said(attestation)

    def joined(*parts: tuple[str, str]) -> tuple[str, str]:
        return "; ".join(p[0] for p in parts), "; ".join(p[1] for p in parts)

    if status is Status.FAIL or answer == "no":
        return result(Status.FAIL, joined(summary, said_by), qualifier, status)
    if status is Status.UNKNOWN:
        return result(Status.UNKNOWN, joined(summary, (f"{said_by[0]}（確認不能の部分は申告では補えない）",
                                                       f"{said_by[1]} (an answer cannot stand in for what could"
                                                       " not be read)")), qualifier, status)
    if answer == "partial":
        return result(Status.PARTIAL, joined(summary, said_by), qualifier, status)
    if status in (Status.PASS, Status.PARTIAL):
        return result(status, joined(summary, said_by), qualifier, status)
    if answer == "n/a":
        if nothing_found:
            rest = ("残りの部分も申告により対象外", "the rest is declared not applicable")
            return result(Status.NOT_APPLICABLE, joined(summary, rest, said_by), qualifier, status)
        if status is Status.NOT_APPLICABLE:
            return result(Status.NOT_APPLICABLE, joined(summary, said_by), qualifier, status)
        rest = ("自動判定部分は適合、残りの部分は申告により対象外",
                "the automated part passes, the rest is declared not applicable")
        return result(Status.ATTESTED, joined(summary, rest, said_by), qualifier, status)
    # answer "yes" on an open (MANUAL) or empty (NOT_APPLICABLE) outcome: the user's answer decides
    rest = ("残りの部分は申告で適合", "the rest is met by the answer")
    return result(Status.ATTESTED, joined(summary, rest, said_by), qualifier, status)


def attested_reason(attestation: Attestation) -> str:
    documents = "、".join(attestation.evidence)
    return f"申告（{attestation.answered_by}、{attestation.answered_on}）根拠資料: {documents}"


def attested_said(attestation: Attestation) -> tuple[str, str]:
    """The attestation in a reason, (Japanese, English)."""
    documents = "; ".join(attestation.evidence)
    return attested_reason(attestation), (
        f"attested (by {attestation.answered_by} on {attestation.answered_on}), evidence: {documents}")
