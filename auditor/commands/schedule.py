"""``auditor schedule``: cron, systemd and CI entries for a monthly audit with the user's audit arguments.

The entries themselves are written by :mod:`auditor.history.schedule` and :mod:`auditor.history.ci_workflow`
(and, for a sharded audit on a job engine, :mod:`auditor.commands.engines`).
"""

from __future__ import annotations

import re
import shutil
from typing import Any

import click
from click.core import ParameterSource

from auditor.commands.audit import audit as audit_command
from auditor.commands.common import lang_of, say
from auditor.commands.engines import engine_entries, engine_options
from auditor.history.ci_workflow import github_workflow
from auditor.history.schedule import (
    ScheduleRequest,
    cron_entry,
    option_values,
    systemd_service,
    systemd_timer,
    validate,
)
from auditor.usage_errors import LocalizedBadParameter, LocalizedUsageError

ENTRIES = {
    "cron": ("cron（crontab の 1 行）", "cron (one crontab line)", cron_entry),
    "systemd-service": ("systemd サービス", "systemd service", systemd_service),
    "systemd-timer": ("systemd タイマー", "systemd timer", systemd_timer),
    "github-actions": ("GitHub Actions ワークフロー", "GitHub Actions workflow", github_workflow),
}
ENGINES = {"kubernetes": "--kubernetes", "github_actions": "--github-actions", "aws_batch": "--aws-batch"}
_LOCAL = frozenset({"cron", "systemd-service"})
_SHARDED = frozenset(ENGINES.values())
#: the printed entries each option shapes; given for none of the chosen entries, it is refused
SHAPES: dict[str, frozenset[str]] = {
    "workdir": _LOCAL, "env_file": _LOCAL, "run_as": _LOCAL, "store": _LOCAL,
    "notify_emails": _LOCAL | {"github-actions"},
    "notify_webhook": frozenset({"github-actions"}),
    "install": frozenset({"github-actions", "--github-actions"}),
    "name": frozenset(ENTRIES) - {"cron"} | _SHARDED,
    "only": frozenset(ENTRIES),
    "shards": _SHARDED,
    "image": frozenset({"--kubernetes", "--aws-batch"}),
    "merge_after": frozenset({"--kubernetes", "--aws-batch"}),
    "env_secret": frozenset({"--kubernetes"}),
    "reports_claim": frozenset({"--kubernetes"}),
    **{key: frozenset({"--aws-batch"}) for key in ("batch_queue", "batch_job_role", "batch_execution_role",
                                                    "store_secret", "scheduler_role", "reports_efs")},
}


def _time_of_day(_ctx, _param, value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise LocalizedBadParameter("時刻は HH:MM（例: 03:00）で指定してください。",
                                    "Give the time as HH:MM (e.g. 03:00).")
    return int(match[1]), int(match[2])


@click.command(context_settings={"ignore_unknown_options": True})
@click.option("--day", type=click.IntRange(1, 28), default=1, show_default=True,
              help="Day of the month. / 実行する日（毎月）")
@click.option("--at", "at", default="03:00", show_default=True, callback=_time_of_day,
              help="Time of day, HH:MM (the machine's time for cron and systemd; UTC on GitHub Actions; Japan time "
                   "with --kubernetes and --aws-batch). / 実行する時刻 HH:MM（cron・systemd ではそのマシンの時刻、"
                   "GitHub Actions では UTC、--kubernetes・--aws-batch では日本時間）")
@click.option("--name", default="auditor-monthly", show_default=True,
              help="Unit / workflow name. / systemd のユニット名・ワークフロー名")
@click.option("--workdir", default="/var/lib/auditor", show_default=True,
              help="Where the job runs and keeps reports (cron, systemd). / "
                   "ジョブを実行し報告書を置くフォルダー（cron・systemd）")
@click.option("--env-file", default="/etc/auditor/auditor.env", show_default=True,
              help="Environment file with credentials, mode 0600 (cron, systemd). / "
                   "認証情報を書いた環境ファイル。モード 0600（cron・systemd）")
@click.option("--user", "run_as", default="auditor", show_default=True,
              help="Account the job runs as (cron, systemd). / ジョブを実行するアカウント（cron・systemd）")
@click.option("--executable", default=None,
              help="Path of the auditor command (default: the one on PATH; cron, systemd). / "
                   "auditor コマンドのパス（既定: PATH にあるもの。cron・systemd）")
@click.option("--store", "store", default="", metavar="URL|PATH",
              help="History store for the scheduled runs (default: WORKDIR/history.sqlite; a URL with a password "
                   "belongs in the environment file; cron, systemd). / 定期実行の履歴ストア（既定: "
                   "WORKDIR/history.sqlite。パスワードを含む URL は環境ファイルに書きます。cron・systemd）")
@click.option("--notify-email", "notify_emails", multiple=True, metavar="ADDRESS",
              help="E-mail these addresses on a regression (SMTP settings from the environment file / secrets). / "
                   "悪化したときに知らせるメールアドレス（SMTP の設定は環境ファイルまたはシークレットから）")
@click.option("--notify-webhook", is_flag=True,
              help="Post regressions to the webhook in AUDITOR_NOTIFY_WEBHOOK (CI secrets; cron and systemd read "
                   "it from the environment file without this option). / 悪化を AUDITOR_NOTIFY_WEBHOOK の "
                   "Webhook に送る（CI のシークレット。cron・systemd はこの指定なしで環境ファイルから読みます）")
@click.option("--install-from", "--install", "install", default=None, metavar="SOURCE",
              help="What CI installs auditor from: a git URL (git+https://…@TAG), the path of a wheel in the "
                   "repository, or a pip requirement on your own index (default: the repository the workflow "
                   "is committed to). / CI が auditor をインストールする元: git の URL（git+https://…@タグ）、"
                   "リポジトリ内の wheel のパス、自組織のインデックスの pip の指定（既定: ワークフローを置いた"
                   "リポジトリ）")
@click.option("--only", type=click.Choice(list(ENTRIES)), default=None,
              help="Print only this entry (for a file). / この設定だけを出力（ファイルに保存する場合）")
@engine_options
@click.argument("audit_args", nargs=-1, type=click.UNPROCESSED, metavar="[--] AUDIT_ARGS...")
@click.pass_context
def schedule(ctx: click.Context, day: int, at: tuple[int, int], name: str, workdir: str, env_file: str, run_as: str,
             executable: str | None, store: str, notify_emails: tuple[str, ...], notify_webhook: bool,
             install: str | None, only: str | None, audit_args: tuple[str, ...], **engine: Any) -> None:
    """Print cron, systemd and CI entries for a monthly audit with your audit arguments. / 毎月の定期実行の設定例

    The audit arguments (after --, at least --provider) are required. An option that shapes none of the
    entries printed (--install-from with --only cron, --workdir with --kubernetes, …) is refused, so that
    no setting is silently left out of the job.

    監査の引数（-- の後。少なくとも --provider）は必須です。出力する設定のどれにも効かないオプション
    （--only cron での --install-from、--kubernetes での --workdir など）は、ジョブに反映されないまま
    見落とされないよう、エラーにします。

    Example: auditor schedule -- -p aws --target vendor-a --attestations answers.yaml

    例: auditor schedule -- -p aws --target vendor-a --attestations answers.yaml
    """
    args = audit_args[1:] if audit_args[:1] == ("audit",) else audit_args
    chosen = _refuse_what_does_nothing(ctx, tuple(args), only, engine)
    found = executable or shutil.which("auditor")
    if not found and chosen & _LOCAL:
        say(ctx, "注意: auditor が PATH にありません。--executable でフルパスを指定してください。",
            "Note: auditor is not on PATH; give its full path with --executable.", err=True)
    request = ScheduleRequest(
        audit_args=tuple(args), day=day, hour=at[0], minute=at[1], name=name, workdir=workdir, env_file=env_file,
        user=run_as, executable=found or "auditor", store=store,
        notify_emails=notify_emails, notify_webhook=notify_webhook, lang=lang_of(ctx),
        **({"install": install} if install else {}),
    )
    validate(request)
    _refuse_what_audit_rejects(ctx, tuple(args))
    if engine_entries(request, engine):
        return
    if only:
        click.echo(ENTRIES[only][2](request), nl=False)
        return
    ja = lang_of(ctx) == "ja"
    for key, (title_ja, title_en, build) in ENTRIES.items():
        click.echo(f"# ===== {title_ja if ja else title_en} (--only {key}) =====")
        click.echo(build(request))


def _refuse_what_does_nothing(ctx: click.Context, args: tuple[str, ...], only: str | None,
                              engine: dict[str, Any]) -> set[str]:
    """The entries to print. A job without audit arguments (or without a provider) would fail every month; an
    option that shapes none of the chosen entries would be silently dropped: both are usage errors."""
    if not args:
        raise LocalizedUsageError(
            "監査の引数がありません。-- の後に auditor audit の引数を指定してください"
            "（例: auditor schedule -- -p aws --target vendor-a）。",
            "No audit arguments: give auditor audit's arguments after -- "
            "(e.g. auditor schedule -- -p aws --target vendor-a).", ctx)
    if not option_values(args, "--provider", "-p"):
        raise LocalizedUsageError(
            "監査の引数に --provider（-p）がありません。このままでは毎月の監査が失敗します"
            "（例: auditor schedule -- -p aws）。",
            "The audit arguments have no --provider (-p); every monthly audit would fail "
            "(e.g. auditor schedule -- -p aws).", ctx)
    engines = [flag for key, flag in ENGINES.items() if engine.get(key)]
    if len(engines) > 1:
        raise LocalizedUsageError(
            f"{'、'.join(engines)} は一緒に指定できません。それぞれ別のファイル（Kubernetes のマニフェスト、"
            "ワークフロー、AWS CLI の JSON）になるため、1 つずつ出力してください。",
            f"{', '.join(engines)} cannot be given together: each is a file of its own (Kubernetes manifests, a "
            "workflow, AWS CLI JSON), so print them one at a time.", ctx)
    chosen = set(engines) if engines else ({only} if only else set(ENTRIES))
    given = [param for param in ctx.command.params if param.name in SHAPES
             and ctx.get_parameter_source(param.name) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)]
    idle = [param.opts[0] for param in given if not SHAPES[param.name] & chosen]
    if idle:
        entries = ", ".join(sorted(chosen))
        raise LocalizedUsageError(
            f"{', '.join(idle)} は出力する設定（{entries}）のどれにも効きません。外すか、効く設定を選んでください。",
            f"{', '.join(idle)} shapes none of the entries printed ({entries}); leave it out or choose an entry "
            "it applies to.", ctx)
    return chosen


def _refuse_what_audit_rejects(ctx: click.Context, args: tuple[str, ...]) -> None:
    """An option ``auditor audit`` does not have, one without its value or a stray word would make every
    monthly run fail at its start: refuse it now, naming it."""
    try:
        _options, extra, _order = audit_command.make_parser(click.Context(audit_command)).parse_args(list(args))
    except click.NoSuchOption as error:
        if error.option_name == "--lang":
            raise LocalizedUsageError(
                "--lang は auditor の直後に指定します（例: auditor --lang en schedule …）。"
                "監査の引数に入れると毎月の監査が失敗します。",
                "Give --lang right after auditor (e.g. auditor --lang en schedule …): among the audit arguments "
                "it would make every monthly audit fail.", ctx) from None
        raise LocalizedUsageError(
            f"監査の引数の {error.option_name} は auditor audit のオプションではありません"
            "（auditor audit --help で確認できます）。このままでは毎月の監査が失敗します。",
            f"{error.option_name} in the audit arguments is not an option of auditor audit (see auditor audit "
            "--help); every monthly audit would fail.", ctx) from None
    except click.BadOptionUsage as error:
        raise LocalizedUsageError(
            f"監査の引数の {error.option_name} に値がありません。このままでは毎月の監査が失敗します。",
            f"{error.option_name} in the audit arguments has no value; every monthly audit would fail.", ctx) from None
    if extra:
        raise LocalizedUsageError(
            f"監査の引数の {extra[0]} はどのオプションの値でもありません（auditor audit は引数を取りません）。",
            f"{extra[0]} in the audit arguments is not the value of any option (auditor audit takes no "
            "arguments).", ctx)
