"""Merging the shards of a run group into the one collection an unsharded run would have made.

Every shard lists the whole organisation (``planned``) and collects its own scopes; the merge puts the
scopes back together in the provider's order, with the same identity and regions, so that deciding the
merged collection gives the same result as deciding an unsharded run of the same estate.

A shard that is missing, still running (or was killed) or failed makes the merge refuse, naming it,
unless ``allow_incomplete``: then every scope nobody collected becomes a gap of that scope (each check
``UNKNOWN``, source ``shard K/N``), and the scopes a failed shard did complete are used as they are.
Scopes are never silently dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from auditor.checks import resource_types_for
from auditor.collection_settings import difference, shown
from auditor.errors import AuditorError
from auditor.history.progress import COMPLETE, FAILED, CollectionRecord
from auditor.model import Evidence, Gap, ProviderScope, RunInfo, japan_time
from auditor.plugins import ScopeCollection
from auditor.run import Catalogue, Collected, assemble_scope
from auditor.shards import Shard, shard_of


@dataclass(frozen=True)
class ShardProblem:
    """A shard the merge could not take whole: ``missing``, ``running`` or ``failed``."""

    shard: Shard
    state: str
    detail: str = ""
    detail_ja: str = ""

    def describe(self, lang: str) -> str:
        if self.state == "missing":
            return f"シャード {self.shard} は記録されていません" if lang == "ja" else \
                f"shard {self.shard} was never recorded"
        if self.state == OUTDATED:
            return (f"シャード {self.shard} はアカウント {self.detail} を収集していません（そのシャードの一覧の後に"
                    "組織に加わったアカウントです。実行し直すと収集します）" if lang == "ja" else
                    f"shard {self.shard} did not collect the accounts {self.detail} (they joined the organisation "
                    "after it listed the accounts; running it again collects them)")
        if self.state == FAILED:
            return f"シャード {self.shard} は失敗しました（{self.detail_ja or self.detail}）" if lang == "ja" else \
                f"shard {self.shard} failed ({self.detail})"
        return (f"シャード {self.shard} は終わっていません（{self.detail} 開始。実行中か、停止されました）"
                if lang == "ja" else f"shard {self.shard} has not finished (started {self.detail}; still running "
                                     "or stopped)")


@dataclass(frozen=True)
class Merged:
    """The merged collection, the shards that were not whole, and how many scopes became gaps."""

    collected: Collected
    problems: tuple[ShardProblem, ...]
    missing_scopes: int


def merged_run_id(group: str, started: datetime) -> str:
    """The same id for every merge of a group, so that merging again replaces the earlier merge."""
    return f"{started.astimezone(UTC):%Y%m%dT%H%M%SZ}-{hashlib.sha256(group.encode()).hexdigest()[:8]}"


def _refuse(ja: str, en: str) -> AuditorError:
    return AuditorError("raw", ja=ja, en=en)


def shard_problems(records: Sequence[CollectionRecord], count: int) -> list[ShardProblem]:
    by_index = {r.shard.index: r for r in records if r.shard is not None}
    problems = []
    for index in range(1, count + 1):
        record = by_index.get(index)
        if record is None:
            problems.append(ShardProblem(Shard(index, count), "missing"))
        elif record.status == FAILED:
            problems.append(ShardProblem(Shard(index, count), FAILED, record.error_in("en"), record.error_in("ja")))
        elif record.status != COMPLETE:
            problems.append(ShardProblem(Shard(index, count), record.status, japan_time(record.started_at)))
    return problems


def merge_group(group: str, records: Sequence[CollectionRecord], catalogue: Catalogue, allow_incomplete: bool,
                now: datetime, store: str = "") -> Merged:
    """The shards of ``group`` as one collection; refuses an incomplete group unless ``allow_incomplete``.

    ``store`` names the history store the records come from, for the refusal when it holds none of them."""
    sharded = [r for r in records if r.shard is not None]
    if not sharded:
        raise _refuse(f"実行グループ '{group}' のシャードは履歴ストア {store} に記録されていません"
                      "（シャードと同じ AUDITOR_STORE / --store を指定してください。"
                      "収集は auditor audit --shard K/N --run-group）。",
                      f"No shard of run group '{group}' is recorded in the history store {store} (give the "
                      "AUDITOR_STORE / --store the shards used; they collect with "
                      "auditor audit --shard K/N --run-group).")
    counts = sorted({r.shard.count for r in sharded if r.shard is not None})
    if len(counts) > 1:
        ns = ", ".join(map(str, counts))
        raise _refuse(f"実行グループ '{group}' のシャードの分け方が揃っていません（N = {ns}）。",
                      f"The shards of run group '{group}' were cut in different ways (N = {ns}).")
    count = counts[0]
    complete = [r for r in sharded if r.status == COMPLETE and r.run is not None]
    planned = _planned(complete)
    problems = shard_problems(sharded, count) + _outdated(complete, planned, count)
    problems.sort(key=lambda p: p.shard.index)
    if problems and not allow_incomplete:
        raise _refuse(
            f"実行グループ '{group}' を統合できません: " + "、".join(p.describe("ja") for p in problems)
            + "。そのシャードを実行し直すか、--allow-incomplete で統合してください"
              "（そのアカウントは確認不能になります）。",
            f"Cannot merge run group '{group}': " + "; ".join(p.describe("en") for p in problems)
            + ". Run those shards again, or merge with --allow-incomplete (their accounts become unknown).")
    if not complete:
        raise _refuse(f"実行グループ '{group}' のシャードが一つも完了していないため、"
                      "監査対象のアカウントが分かりません。",
                      f"No shard of run group '{group}' has finished, so which accounts belong to the audit is "
                      "not known.")
    targets = sorted({r.target for r in sharded})
    if len(targets) > 1:
        raise _refuse(f"実行グループ '{group}' のシャードの対象（--target）が揃っていません: {', '.join(targets)}",
                      f"The shards of run group '{group}' name different targets (--target): {', '.join(targets)}")
    _same_settings(group, sharded)
    evidence: list[Evidence] = []
    gaps: list[Gap] = []
    scopes: list[ProviderScope] = []
    missing = 0
    for base in _provider_scopes(complete):
        name = base.provider
        parts = _parts_of(sharded, name)
        order = {scope: i for i, scope in enumerate(planned[name])}
        parts.sort(key=lambda p: (order.get(p.scope, len(order)), p.scope))
        absent = [s for s in planned[name] if s not in {p.scope for p in parts}]
        missing += len(absent)
        for part in parts:
            evidence.extend(part.evidence)
            gaps.extend(part.gaps)
        gaps.extend(_missing_gap(catalogue, name, scope, count, group, now) for scope in absent)
        scopes.append(assemble_scope(replace(base, scopes=(), regions=()), planned[name], parts, absent))
    first = complete[0].run
    assert first is not None
    started = min(r.started_at for r in sharded)
    finished = max([r.run.finished_at for r in complete if r.run is not None] + [r.updated_at for r in sharded])
    run = RunInfo(
        run_id=merged_run_id(group, started), started_at=started, finished_at=finished,
        tool_version=first.tool_version, providers=tuple(scopes), target=targets[0],
        third_party_providers={k: v for r in complete if r.run is not None
                               for k, v in r.run.third_party_providers.items()},
    )
    return Merged(Collected(run, tuple(evidence), tuple(gaps), planned), tuple(problems), missing)


def _same_settings(group: str, records: Sequence[CollectionRecord]) -> None:
    """Shards collected with other provider options (other regions, roles…) are two audits, never one report."""
    known = [r for r in records if r.options is not None and r.shard is not None]
    for record in known[1:]:
        changed = difference(known[0].options or {}, record.options or {})
        if changed is None:
            continue
        key, first, other = changed
        raise _refuse(
            f"実行グループ '{group}' のシャードは違う設定で収集されています: シャード {known[0].shard} は "
            f"{shown(key, first, 'ja')}、シャード {record.shard} は {shown(key, other, 'ja')}。"
            "一つの報告書にはできないため、同じ設定でシャードを実行し直すか、別の --run-group で監査してください。",
            f"The shards of run group '{group}' were collected with different settings: shard {known[0].shard} "
            f"with {shown(key, first, 'en')}, shard {record.shard} with {shown(key, other, 'en')}. They cannot make "
            "one report: run the shards again with the same settings, or audit under another --run-group.")


def _planned(complete: Sequence[CollectionRecord]) -> dict[str, tuple[str, ...]]:
    """Every scope any finished shard found, per provider: the first one's order, then those others found too
    (an account that joined the organisation between two shards' listings belongs to the audit all the same)."""
    planned: dict[str, dict[str, None]] = {}
    for record in complete:
        for name, found in record.planned.items():
            planned.setdefault(name, {}).update(dict.fromkeys(found))  # a dict keeps the order scopes came in
    return {name: tuple(found) for name, found in planned.items()}


OUTDATED = "outdated"
SHOWN_SCOPES = 5


def _outdated(complete: Sequence[CollectionRecord], planned: dict[str, tuple[str, ...]],
              count: int) -> list[ShardProblem]:
    """Finished shards that never saw some of their own scopes, which another shard found later."""
    problems = []
    for record in complete:
        if record.shard is None:
            continue
        done = record.collected()
        unseen = [scope for name, found in planned.items() for scope in found
                  if shard_of(name, scope, count) == record.shard.index and (name, scope) not in done
                  and scope not in record.planned.get(name, ())]
        if unseen:
            shown = ", ".join(unseen[:SHOWN_SCOPES]) + (f" (+{len(unseen) - SHOWN_SCOPES})"
                                                       if len(unseen) > SHOWN_SCOPES else "")
            problems.append(ShardProblem(record.shard, OUTDATED, shown))
    return problems


def _provider_scopes(complete: Sequence[CollectionRecord]) -> list[ProviderScope]:
    """Each provider once, as the first finished shard saw it (identity: who audited)."""
    seen: dict[str, ProviderScope] = {}
    for record in complete:
        for scope in record.run.providers if record.run is not None else ():
            seen.setdefault(scope.provider, scope)
    return list(seen.values())


def _parts_of(records: Sequence[CollectionRecord], provider: str) -> list[ScopeCollection]:
    """Every scope of ``provider`` some shard completed (one record per scope; complete shards first)."""
    chosen: dict[str, ScopeCollection] = {}
    for record in sorted(records, key=lambda r: r.status != COMPLETE):
        for part in record.scopes:
            if part.provider == provider:
                chosen.setdefault(part.scope, part)
    return list(chosen.values())


def _missing_gap(catalogue: Catalogue, provider: str, scope: str, count: int, group: str, now: datetime) -> Gap:
    index = shard_of(provider, scope, count)
    return Gap(
        provider=provider, scope=scope, region="*", source=f"shard {index}/{count}",
        resource_types=tuple(sorted(resource_types_for(catalogue.provider(provider).checks()))),
        error_code="ShardNotCollected",
        message=f"shard {index}/{count} of run group {group} did not collect this scope "
                "(missing, failed or unfinished; merged with --allow-incomplete)",
        permission="", collected_at=now,
    )
