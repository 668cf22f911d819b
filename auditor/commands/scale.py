"""Large estates: ``auditor audit --shard K/N --run-group ID`` and ``--resume RUN_ID``.

- While an audit collects, every completed account / subscription / project is written to the history
  store (:mod:`auditor.history.progress`). A run that crashes or is killed can be continued with
  ``--resume RUN_ID``: only the scopes not yet recorded are collected, the run keeps its id and start.
- ``--shard K/N --run-group ID`` collects only the scopes of shard K (:mod:`auditor.shards`), records
  them under the group and exits 0 without writing reports; a shard started again in the same group
  (a retried pod, a re-run CI job) continues where the earlier attempt stopped.
- ``auditor report --run-group ID`` (:mod:`auditor.commands.report`) merges the shards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import click

from auditor.collection_settings import difference, settings_of, shown
from auditor.commands.common import say
from auditor.errors import AuditorError
from auditor.history import HistoryStore
from auditor.history.progress import CollectionLog, CollectionRecord
from auditor.model import japan_time, utc_now
from auditor.plugins import ScopeCollection, selects_scopes
from auditor.run import Catalogue, Collected, ScopePlan, cannot_select, new_run_id
from auditor.shards import Shard, parse_shard, run_group_name, shard_run_id
from auditor.terminal import printable


def scale_options(command):
    """``--shard``, ``--run-group`` and ``--resume`` of ``auditor audit``."""
    options = [
        click.option("--shard", default=None, metavar="K/N",
                     help="Collect only shard K of N (K from 1; auto/N takes K from JOB_COMPLETION_INDEX + 1) and "
                          "record it in the history store under --run-group; merge with 'auditor report'."
                          " / N 分割のうち K 番目だけを収集し（K は 1 から。auto/N は JOB_COMPLETION_INDEX + 1）、--r"
                          "un-group の名前で履歴ストアに記録する（統合は auditor report）"),
        click.option("--run-group", default=None, metavar="ID",
                     help="Name of the sharded audit, the same for every shard ({date}, {month}: the day in Japan)."
                          " / 分割監査の名前。すべてのシャードで同じにします（{date}・{month} は日本時間の日付）"),
        click.option("--resume", default=None, metavar="RUN_ID",
                     help="Continue a run that stopped: collect only the accounts it has not recorded yet."
                          " / 止まった実行を続ける（まだ記録していないアカウントだけを収集）"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@dataclass(frozen=True)
class ScaleRequest:
    shard: Shard | None = None
    group: str = ""
    resume: str = ""


def scale_request(params: dict[str, Any], no_history: bool) -> ScaleRequest:
    """Split ``--shard`` / ``--run-group`` / ``--resume`` out of the audit's arguments and check them."""
    shard_text, group_text, resume = params.pop("shard", None), params.pop("run_group", None), params.pop("resume",
                                                                                                         None)
    shard = parse_shard(shard_text, os.environ) if shard_text is not None else None
    if shard is not None and not group_text:
        raise AuditorError("raw", ja="--shard には --run-group（全シャードで同じ名前）が必要です。",
                           en="--shard needs --run-group (the same name for every shard).")
    if group_text and shard is None:
        raise AuditorError("raw", ja="--run-group は --shard と一緒に使います（統合は auditor report --run-group）。",
                           en="--run-group goes with --shard (merge with auditor report --run-group).")
    if (shard is not None or resume) and no_history:
        raise AuditorError("raw", ja="--shard と --resume は履歴ストアに記録するため、"
                                     "--no-history とは併用できません。",
                           en="--shard and --resume record in the history store: they cannot go with --no-history.")
    if resume is not None and not resume.strip():
        raise AuditorError("raw", ja="--resume には続ける実行の ID が必要です（失敗したときに表示された ID）。",
                           en="--resume needs the id of the run to continue (the one printed when it failed).")
    group = run_group_name(group_text, utc_now()) if group_text else ""
    return ScaleRequest(shard, group, (resume or "").strip())


@dataclass
class Recording:
    """The progress record of one audit (``log`` None: nothing is recorded)."""

    log: CollectionLog | None = None
    run_id: str = ""
    target: str = ""
    shard: Shard | None = None
    group: str = ""
    collect_args: dict[str, Any] = field(default_factory=dict)

    def collected(self, ctx: click.Context, collected: Collected) -> None:
        """Collection is complete: record it; a shard stops here (exit 0), its reports come from the merge."""
        if self.log is None:
            return
        self.log.complete(self.run_id, collected.run, collected.planned)
        if self.shard is None:
            return
        found = sum(len(s) for s in collected.planned.values())
        mine = sum(len(p.scopes) for p in collected.run.providers)
        group = printable(self.group)
        say(ctx, f"シャード {self.shard}（実行グループ {group}）を記録しました: "
                 f"{found} 件中 {mine} 件のアカウントを収集。"
                 f"全シャードの終了後に統合: auditor report --run-group {group}",
            f"Recorded shard {self.shard} of run group {group}: collected {mine} of {found} accounts. "
            f"Merge once every shard is done: auditor report --run-group {group}")
        ctx.exit(0)

    def saved(self) -> None:
        """The whole run is in the history: its progress is no longer needed."""
        if self.log is not None and self.shard is None:
            self.log.forget(self.run_id)


@contextmanager
def recording(ctx: click.Context, history: HistoryStore | None, request: ScaleRequest, target: str,
              catalogue: Catalogue, providers: Sequence[str], options: Mapping[str, Any]) -> Iterator[Recording]:
    """Record the collection as it goes when the store and the providers allow; a failure is recorded too.

    ``options`` are the provider options: a shard run again or a resumed run must collect as it did before."""
    unable = [name for name in providers if not selects_scopes(catalogue.provider(name))]
    if history is None or (unable and not (request.shard or request.resume)):
        yield Recording()
        return
    if unable:
        raise cannot_select(unable[0])
    log = CollectionLog(history)
    earlier = _earlier(log, request)
    settings = settings_of(options)
    record = _recording(ctx, log, request, earlier, target, providers, settings)
    log.begin(record.run_id, record.target, providers, record.collect_args["started_at"], record.group, record.shard,
              settings)
    try:
        yield record
    except click.exceptions.Exit:
        raise
    except BaseException as error:
        detail = error.message("en") if isinstance(error, AuditorError) else f"{type(error).__name__}: {error}"
        log.fail(record.run_id, detail or type(error).__name__,
                 error.message("ja") if isinstance(error, AuditorError) else "")
        recorded = log.load(record.run_id)
        if record.shard is None and recorded is not None and recorded.collected():
            say(ctx, f"収集済みのアカウントは記録してあります。続きから: auditor audit … --resume {record.run_id}",
                f"The accounts collected so far are recorded. Continue with: auditor audit … --resume {record.run_id}",
                err=True)
        raise


def _earlier(log: CollectionLog, request: ScaleRequest) -> CollectionRecord | None:
    if request.resume:
        found = log.load(request.resume)
        if found is None:
            raise AuditorError(
                "raw",
                ja=f"実行 '{request.resume}' の収集の記録が履歴ストア {log.store.location} にありません"
                   "（最後まで保存された実行は続きから再開する必要がないため、記録を残しません）。",
                en=f"No collection of run '{request.resume}' is recorded in the history store {log.store.location} "
                   "(a run saved to the end needs no resuming and keeps no such record).",
            )
        if request.shard is not None and found.shard != request.shard:
            raise AuditorError("raw", ja=f"実行 '{request.resume}' はシャード {found.shard or '-'} の実行です。",
                               en=f"Run '{request.resume}' is shard {found.shard or '-'}, not {request.shard}.")
        return found
    if request.shard is not None:
        return log.load(shard_run_id(request.group, request.shard))
    return None


def _recording(ctx, log: CollectionLog, request: ScaleRequest, earlier: CollectionRecord | None, target: str,
               providers: Sequence[str], settings: Mapping[str, Any]) -> Recording:
    if earlier is not None:
        if target and target != earlier.target:
            raise AuditorError("raw", ja=f"実行 '{earlier.run_id}' の対象は '{earlier.target}' です"
                                         f"（--target {target}）。",
                               en=f"Run '{earlier.run_id}' audits target '{earlier.target}', not '{target}'.")
        if tuple(providers) != earlier.providers:
            names = ", ".join(earlier.providers)
            raise AuditorError("raw", ja=f"実行 '{earlier.run_id}' のプロバイダは {names} です。",
                               en=f"Run '{earlier.run_id}' audits the providers {names}.")
        changed = difference(earlier.options, settings) if earlier.options is not None else None
        if changed is not None:
            raise _collected_otherwise(earlier, *changed)
        done = earlier.collected()
        started = japan_time(earlier.started_at)
        hint = ("。新しい監査には別の --run-group を使ってください", "; a new audit needs another --run-group") \
            if earlier.shard else ("", "")
        say(ctx, f"実行 {earlier.run_id}（{started} 開始）の続きから収集します（記録済みのアカウント {len(done)} 件は"
                 f"収集しません{hint[0]}）。",
            f"Continuing run {earlier.run_id}, started {started} ({len(done)} accounts already recorded are not "
            f"collected again{hint[1]}).", err=True)
        shard = earlier.shard
        plan = ScopePlan(_wanted(shard, done), None, earlier.scopes)
        run_id, started, target, group = earlier.run_id, earlier.started_at, earlier.target, earlier.group
    else:
        shard, group = request.shard, request.group
        started = utc_now()
        run_id = shard_run_id(group, shard) if shard is not None else new_run_id(started)
        plan = ScopePlan(_wanted(shard, set()))
    announce = [earlier is None and shard is None]  # the run id is worth saying once something is recorded

    def done_scope(part: ScopeCollection) -> None:
        log.record_scope(run_id, part)
        if announce[0]:
            announce[0] = False
            say(ctx, f"実行 ID: {run_id}（中断しても --resume {run_id} で続きから収集できます）",
                f"Run id: {run_id} (if it stops, --resume {run_id} continues it)", err=True)

    plan = ScopePlan(plan.wants, done_scope, plan.restored)
    return Recording(log, run_id, target, shard, group,
                     {"plan": plan, "run_id": run_id, "started_at": started, "target": target})


def _collected_otherwise(earlier: CollectionRecord, key: str, then: Any, now: Any) -> AuditorError:
    what = f"シャード {earlier.shard}（実行グループ {earlier.group}）" if earlier.shard else f"実行 '{earlier.run_id}'"
    what_en = f"Shard {earlier.shard} of run group {earlier.group}" if earlier.shard else f"Run '{earlier.run_id}'"
    again = "別の --run-group を使う" if earlier.shard else "--resume を付けずに新しく監査する"
    again_en = "use another --run-group" if earlier.shard else "start a new audit without --resume"
    return AuditorError(
        "raw",
        ja=printable(f"{what}は {shown(key, then, 'ja')} で収集されています（今回は {shown(key, now, 'ja')}）。"
                     f"一つの監査を違う設定で続けると結果が混ざるため、同じ設定で実行するか、{again}必要があります。"),
        en=printable(f"{what_en} was collected with {shown(key, then, 'en')}, not {shown(key, now, 'en')}: "
                     f"continuing one audit with other settings would mix two audits. Run it as before, or "
                     f"{again_en}."),
    )


def _wanted(shard: Shard | None, done: set[tuple[str, str]]):
    def wants(provider: str, scope: str) -> bool:
        return (provider, scope) not in done and (shard is None or shard.owns(provider, scope))

    return wants
