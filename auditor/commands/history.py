"""``auditor history`` and ``auditor diff``: runs kept and what changed (``auditor schedule`` is in
:mod:`auditor.commands.schedule`).

``diff`` exits 1 when the newer run regressed (a new failure, a newly unknown finding, or a
checklist item that got worse) so that a scheduler can alert on it; 0 otherwise; 2 on errors.
With ``--notify-email`` / ``--notify-webhook`` it also tells people (only on a regression unless
``--notify-always``).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import click

from auditor.commands.common import FORMAT, catalogue_of, lang_of, print_table, say
from auditor.errors import AuditorError
from auditor.history.diff import RunDiff, diff_runs, diff_to_dict
from auditor.history.store import HistoryStore, RunSummary, TargetSummary, open_store
from auditor.history.targets import target_of
from auditor.model import Finding, RunResult, japan_time
from auditor.notify import (
    PASSWORD_ENV,
    SECURITY_MODES,
    SmtpSettings,
    compose,
    post_webhook,
    send_email,
    webhook_payload,
)
from auditor.serialize import dumps, iso, run_to_dict
from auditor.status import Status


def store_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--store URL|PATH`` (env ``AUDITOR_STORE``): the history database, for every command that uses it."""
    return click.option(
        "--store", "store", envvar="AUDITOR_STORE", default=None, metavar="URL|PATH",
        help="History store: an SQLAlchemy URL (postgresql://…) or an SQLite file "
             "(default: history.sqlite in the user data folder; env AUDITOR_STORE). / 履歴ストア",
    )(command)


def _when(moment: datetime) -> str:
    return japan_time(moment)


def _count_cells(counts: dict[Status, int], lang: str) -> str:
    """Counts by status: the sheets' marks in Japanese (``○232 ×16 要確認18``), words in English
    (``Pass 232, Fail 16, Needs answer 18``), as the audit summary writes them."""
    if lang == "ja":
        return " ".join(f"{status.symbol}{counts[status]}" for status in Status if counts.get(status))
    return ", ".join(f"{status.label_en} {counts[status]}" for status in Status if counts.get(status))


def _status_cell(status: Status | None, lang: str) -> str:
    """One status as a table cell: ``○ 適合`` in Japanese, ``○ Pass`` in English (the word alone where the
    sheets' mark is a Japanese word)."""
    if status is None:
        return "-"
    if lang == "ja":
        return status.sheet_value
    return status.label_en if status.symbol == status.label_ja else f"{status.symbol} {status.label_en}"


# ---------------------------------------------------------------- history


@click.command()
@store_option
@click.option("--target", default=None, help="Only the runs of this target (vendor / service)."
                                             " / この対象（事業者・サービス）の実行だけ")
@click.option("--targets", "list_targets", is_flag=True, help="List the targets instead of the runs."
                                                              " / 実行の代わりに対象を一覧表示する")
@FORMAT
@click.pass_context
def history(ctx: click.Context, store: str | None, target: str | None, list_targets: bool, fmt: str) -> None:
    """List the runs kept in the history store, with their counts. / 監査履歴の一覧"""
    with open_store(store, existing=True) as opened:
        if list_targets:
            _print_targets(ctx, opened, opened.targets(), fmt)
            return
        summaries = opened.runs(target)
        if target and not summaries:
            raise _unknown_target(opened, target)
    if fmt == "json":
        click.echo(dumps({"store": opened.location, "runs": [_summary_json(s) for s in summaries]}))
        return
    if not summaries:
        say(ctx, f"履歴ストア {opened.location} に実行はまだありません。",
            f"No runs in the history store {opened.location} yet.")
        return
    lang = lang_of(ctx)
    ja = lang == "ja"
    header = (["実行 ID", "対象", "開始", "検出結果", "収集不能", "チェックリスト項目"] if ja
              else ["run", "target", "started", "findings", "gaps", "checklist items"])
    rows = [
        [
            s.run_id + (" (demo)" if s.demo else ""),
            s.target,
            _when(s.started_at),
            _count_cells({Status.PASS: s.findings.passed, Status.FAIL: s.findings.failed,
                          Status.UNKNOWN: s.findings.unknown, Status.NOT_APPLICABLE: s.findings.not_applicable}, lang),
            str(s.gaps),
            "\n".join(f"{checklist}: {_count_cells(dict(counts), lang)}" for checklist, counts in s.items.items()),
        ]
        for s in summaries
    ]
    print_table(f"{'監査履歴' if ja else 'History'} — {opened.location}", header, rows)


def _summary_json(summary: RunSummary) -> dict[str, Any]:
    return {
        "run_id": summary.run_id,
        "target": summary.target,
        "scopes": list(summary.scopes),
        "started_at": iso(summary.started_at),
        "finished_at": iso(summary.finished_at),
        "saved_at": iso(summary.saved_at),
        "tool_version": summary.tool_version,
        "demo": summary.demo,
        "findings": {
            "pass": summary.findings.passed,
            "fail": summary.findings.failed,
            "unknown": summary.findings.unknown,
            "not_applicable": summary.findings.not_applicable,
        },
        "gaps": summary.gaps,
        "items": {checklist: {s.value: n for s, n in counts.items()} for checklist, counts in summary.items.items()},
    }


def _print_targets(ctx: click.Context, store: HistoryStore, targets: Sequence[TargetSummary], fmt: str) -> None:
    if fmt == "json":
        click.echo(dumps({"store": store.location, "targets": [
            {"name": t.name, "scopes": list(t.scopes), "runs": t.runs, "first_started_at": iso(t.first_started_at),
             "last_started_at": iso(t.last_started_at), "last_run_id": t.last_run_id}
            for t in targets
        ]}))
        return
    ja = lang_of(ctx) == "ja"
    print_table(
        f"{'監査対象' if ja else 'Targets'} — {store.location}",
        ["対象" if ja else "target", "スコープ" if ja else "scopes", "実行数" if ja else "runs",
         "最新" if ja else "latest", "最新の実行 ID" if ja else "latest run"],
        [[t.name, "\n".join(t.scopes), str(t.runs), _when(t.last_started_at), t.last_run_id] for t in targets],
    )


def _unknown_target(store: HistoryStore, target: str) -> AuditorError:
    known = ", ".join(t.name for t in store.targets()) or "-"
    return AuditorError(
        "raw",
        ja=f"対象 '{target}' の実行は履歴ストア {store.location} にありません。記録のある対象: {known}",
        en=f"No runs of target '{target}' in the history store {store.location}. Targets with runs: {known}",
    )


# ---------------------------------------------------------------- diff


def _choose_runs(store: HistoryStore, run_a: str | None, run_b: str | None,
                 target: str | None) -> tuple[RunResult | None, RunResult]:
    """(previous, current) from the arguments: two ids, one id (and its predecessor), or a target's last two."""
    if run_a and run_b:
        return store.load_run(store.resolve_run_id(run_a)), store.load_run(store.resolve_run_id(run_b))
    if run_a:
        current_id = store.resolve_run_id(run_a)
        current = store.load_run(current_id)
        return store.previous_run(store.target_of_run(current_id), current_id), current
    name = target or store.latest_target()
    if name is None:
        raise AuditorError(
            "raw", ja=f"履歴ストア {store.location} に実行がありません。先に auditor audit を実行してください。",
            en=f"The history store {store.location} has no runs yet. Run auditor audit first.",
        )
    ids = store.latest_run_ids(name, 2)
    if not ids:
        raise _unknown_target(store, name)
    current = store.load_run(ids[-1])
    return (store.load_run(ids[0]) if len(ids) == 2 else None), current


def _notify_settings(emails: Sequence[str], smtp_host: str | None, smtp_port: int | None,
                     smtp_from: str | None, smtp_user: str | None, smtp_security: str) -> SmtpSettings | None:
    if not emails:
        return None
    if not smtp_host or not smtp_from:
        raise AuditorError(
            "raw",
            ja="メール通知には --smtp-host と --smtp-from（または AUDITOR_SMTP_HOST / AUDITOR_SMTP_FROM）が必要です。",
            en="E-mail notification needs --smtp-host and --smtp-from (or AUDITOR_SMTP_HOST / AUDITOR_SMTP_FROM).",
        )
    password = os.environ.get(PASSWORD_ENV, "")
    if smtp_user and not password:
        raise AuditorError(
            "raw", ja=f"SMTP 認証のパスワードは環境変数 {PASSWORD_ENV} で渡してください。",
            en=f"Pass the SMTP password in the environment variable {PASSWORD_ENV}.",
        )
    default_port = {"ssl": 465, "starttls": 587, "none": 25}[smtp_security]
    return SmtpSettings(smtp_host, smtp_from, smtp_port or default_port, smtp_security, smtp_user or "", password)


@click.command()
@click.argument("run_a", required=False, metavar="[RUN_A]")
@click.argument("run_b", required=False, metavar="[RUN_B]")
@store_option
@click.option("--target", default=None, help="Compare the last two runs of this target (default: the most recent "
              "run's target)."
                                             " / この対象の直近 2 回の実行を比べる（既定: 最新の実行の対象）")
@FORMAT
@click.option("--notify-email", "notify_emails", multiple=True, envvar="AUDITOR_NOTIFY_EMAIL", metavar="ADDRESS",
              help="E-mail this address when something regressed (repeatable; env AUDITOR_NOTIFY_EMAIL)."
                   " / 悪化したときにメールで知らせる宛先（複数指定可。環境変数 AUDITOR_NOTIFY_EMAIL）")
@click.option("--notify-webhook", "notify_webhooks", multiple=True, envvar="AUDITOR_NOTIFY_WEBHOOK", metavar="URL",
              help="POST the differences as JSON to this URL when something regressed (env AUDITOR_NOTIFY_WEBHOOK)."
                   " / 悪化したときに差分を JSON でこの URL に POST する（環境変数 AUDITOR_NOTIFY_WEBHOOK）")
@click.option("--notify-always", is_flag=True, help="Notify even when nothing regressed."
                                                    " / 悪化がなくても通知する")
@click.option("--smtp-host", envvar="AUDITOR_SMTP_HOST", default=None, help="Mail server (env AUDITOR_SMTP_HOST)."
                                                                            " / メールサーバー（環境変数 AUDITOR_SMTP"
                                                                            "_HOST）")
@click.option("--smtp-port", envvar="AUDITOR_SMTP_PORT", type=int, default=None,
              help="Mail server port (default 587, 465 with ssl, 25 with none; env AUDITOR_SMTP_PORT)."
                   " / メールサーバーのポート（既定 587。ssl では 465、none では 25。環境変数 AUDITOR_SMTP_PORT）")
@click.option("--smtp-from", envvar="AUDITOR_SMTP_FROM", default=None, help="Sender address (env AUDITOR_SMTP_FROM)."
                                                                            " / 送信者のアドレス（環境変数 AUDITOR_SM"
                                                                            "TP_FROM）")
@click.option("--smtp-user", envvar="AUDITOR_SMTP_USER", default=None,
              help="Login name (env AUDITOR_SMTP_USER); the password only from env AUDITOR_SMTP_PASSWORD."
                   " / ログイン名（環境変数 AUDITOR_SMTP_USER）。パスワードは環境変数 AUDITOR_SMTP_PASSWORD だけから"
                   "読みます")
@click.option("--smtp-security", envvar="AUDITOR_SMTP_SECURITY", type=click.Choice(SECURITY_MODES),
              default="starttls", show_default=True,
              help="starttls, ssl (implicit TLS) or none (env AUDITOR_SMTP_SECURITY)."
                   " / starttls、ssl（暗黙の TLS）、none のいずれか（環境変数 AUDITOR_SMTP_SECURITY）")
@click.pass_context
def diff(ctx: click.Context, run_a: str | None, run_b: str | None, store: str | None, target: str | None, fmt: str,
         notify_emails: tuple[str, ...], notify_webhooks: tuple[str, ...], notify_always: bool, smtp_host: str | None,
         smtp_port: int | None, smtp_from: str | None, smtp_user: str | None, smtp_security: str) -> None:
    """What changed between two runs; exit 1 if anything regressed. / 前回からの変化（悪化があれば終了コード 1）

    By default the last two runs of a target: new failures, fixes, newly unknown findings, resources added
    and removed, and checklist items that changed.

    既定では対象の直近 2 回の実行を比べます。新たな不適合、是正、新たな確認不能、リソースの増減、
    チェックリスト項目の変化を示します。
    """
    smtp = _notify_settings(notify_emails, smtp_host, smtp_port, smtp_from, smtp_user, smtp_security)
    with open_store(store, existing=True) as opened:
        previous, current = _choose_runs(opened, run_a, run_b, target)
    if previous is None:
        if fmt == "json":
            click.echo(dumps({"kind": "auditor-diff", "previous": None, "current": run_to_dict(current.run),
                              "regressed": False}))
        else:
            say(ctx, f"対象 {target_of(current.run)} には比較できる前回の実行がありません"
                     f"（今回: {current.run.run_id}）。",
                f"No previous run of {target_of(current.run)} to compare with (current: {current.run.run_id}).")
        return
    if target_of(previous.run) != target_of(current.run):
        say(ctx, f"注意: 異なる対象の実行を比較しています（{target_of(previous.run)} と {target_of(current.run)}）。",
            f"Note: comparing runs of different targets ({target_of(previous.run)} and {target_of(current.run)}).",
            err=True)
    catalogue = catalogue_of(ctx)
    changes = diff_runs(previous, current, catalogue.checklists, catalogue.controls)
    if fmt == "json":
        click.echo(dumps(diff_to_dict(changes)))
    else:
        _print_diff(ctx, changes, {f.key: f.status for f in current.findings})
    if changes.regressed or notify_always:
        message = compose(changes, lang_of(ctx))
        if smtp is not None:
            send_email(smtp, notify_emails, message)
        for url in notify_webhooks:
            post_webhook(url, webhook_payload(changes, message))
    ctx.exit(1 if changes.regressed else 0)


def _print_diff(ctx: click.Context, changes: RunDiff, statuses_now: dict[tuple[str, ...], Status]) -> None:
    """The differences as tables in the chosen language; a fixed finding shows the status it has now."""
    lang = lang_of(ctx)
    ja = lang == "ja"
    previous, current = changes.previous_run, changes.current_run
    say(ctx, f"対象 {target_of(current)}: 前回 {previous.run_id}（{_when(previous.started_at)}）→ "
             f"今回 {current.run_id}（{_when(current.started_at)}）",
        f"Target {target_of(current)}: previous {previous.run_id} ({_when(previous.started_at)}) → "
        f"current {current.run_id} ({_when(current.started_at)})")
    where = ["チェック", "リソース", "リージョン", "スコープ"] if ja else ["check", "resource", "region", "scope"]
    gone = "リソースなし" if ja else "resource gone"
    sections: list[tuple[str, str, tuple[Finding, ...]]] = [
        ("新たな不適合", "New failures", changes.new_failures),
        ("新たに確認不能", "Newly unknown", changes.newly_unknown),
        ("是正済み（前回は不適合）", "Fixed (failed before)", changes.fixed),
        ("引き続き不適合", "Still failing", changes.still_failing),
    ]
    for title_ja, title_en, findings in sections:
        if not findings:
            continue
        fixed = findings is changes.fixed
        status_column = ("今回" if ja else "now") if fixed else ""
        reason_column = (("前回の理由" if ja else "reason before") if fixed else ("理由" if ja else "reason"))
        print_table(f"{title_ja if ja else title_en} ({len(findings)})",
                    [status_column, *where, reason_column], [
            [(_status_cell(statuses_now[f.key], lang) if f.key in statuses_now else gone) if fixed
             else _status_cell(f.status, lang), f.check_id, f.resource_name or f.resource_id, f.region, f.scope,
             f.reason_in(lang)]
            for f in findings
        ])
    for title_ja, title_en, findings in (("追加されたリソース", "Resources added", changes.resources_added),
                                         ("なくなったリソース", "Resources removed", changes.resources_removed)):
        grouped: dict[tuple[str, ...], dict[Status, int]] = defaultdict(lambda: defaultdict(int))
        for f in findings:
            grouped[(f.provider, f.scope, f.region, f.resource_type, f.resource_name or f.resource_id)][f.status] += 1
        if grouped:
            print_table(f"{title_ja if ja else title_en} ({len(grouped)})",
                        ["プロバイダー", "スコープ", "リージョン", "種類", "リソース", "チェック結果"] if ja
                        else ["provider", "scope", "region", "type", "resource", "checks"],
                        [[*key, _count_cells(counts, lang)] for key, counts in grouped.items()])
    if changes.item_changes:
        print_table(
            f"{'チェックリスト項目の変化' if ja else 'Checklist item changes'} ({len(changes.item_changes)})",
            ["チェックリスト", "項目", "前回", "今回", ""] if ja else ["checklist", "item", "before", "after", ""],
            [[c.checklist_id, c.item_id, _status_cell(c.before, lang), _status_cell(c.after, lang),
              ("悪化" if ja else "worse") if c.worse else ""] for c in changes.item_changes],
        )
    if changes.scope_changes:
        print_table(
            f"{'アカウント別の項目の変化' if ja else 'Item changes by account'} ({len(changes.scope_changes)})",
            ["プロバイダー", "スコープ", "チェックリスト", "項目", "前回", "今回", ""] if ja
            else ["provider", "scope", "checklist", "item", "before", "after", ""],
            [[c.provider, c.scope, c.checklist_id, c.item_id, _status_cell(c.before, lang),
              _status_cell(c.after, lang), ("悪化" if ja else "worse") if c.worse else ""]
             for c in changes.scope_changes],
        )
    counts = (f"新たな不適合 {len(changes.new_failures)} / 新たに確認不能 {len(changes.newly_unknown)} / "
              f"是正 {len(changes.fixed)} / 引き続き不適合 {len(changes.still_failing)} / "
              f"悪化した項目 {len(changes.worse_items)} / 改善した項目 {len(changes.better_items)}")
    counts_en = (f"new failures {len(changes.new_failures)} / newly unknown {len(changes.newly_unknown)} / "
                 f"fixed {len(changes.fixed)} / still failing {len(changes.still_failing)} / "
                 f"items worse {len(changes.worse_items)} / items better {len(changes.better_items)}")
    say(ctx, counts, counts_en)
    if changes.regressed:
        say(ctx, "前回から悪化しました（終了コード 1）。", "Regressed since the previous run (exit code 1).")
    else:
        say(ctx, "前回からの悪化はありません。", "No regression since the previous run.")
