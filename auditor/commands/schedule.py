"""``auditor schedule``: cron, systemd and CI entries for a monthly audit with the user's audit arguments.

The entries themselves are written by :mod:`auditor.history.schedule` and :mod:`auditor.history.ci_workflow`
(and, for a sharded audit on a job engine, :mod:`auditor.commands.engines`).
"""

from __future__ import annotations

import re
import shutil
from typing import Any

import click

from auditor.commands.common import lang_of, say
from auditor.commands.engines import engine_entries, engine_options
from auditor.history.ci_workflow import github_workflow
from auditor.history.schedule import ScheduleRequest, cron_entry, systemd_service, systemd_timer, validate

ENTRIES = {
    "cron": ("cron（crontab の 1 行）", "cron (one crontab line)", cron_entry),
    "systemd-service": ("systemd サービス", "systemd service", systemd_service),
    "systemd-timer": ("systemd タイマー", "systemd timer", systemd_timer),
    "github-actions": ("GitHub Actions ワークフロー", "GitHub Actions workflow", github_workflow),
}


def _time_of_day(_ctx, _param, value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise click.BadParameter("HH:MM, e.g. 03:00")
    return int(match[1]), int(match[2])


@click.command(context_settings={"ignore_unknown_options": True})
@click.option("--day", type=click.IntRange(1, 28), default=1, show_default=True, help="Day of the month.")
@click.option("--at", "at", default="03:00", show_default=True, callback=_time_of_day,
              help="Time of day, HH:MM (the machine's time; UTC on GitHub Actions).")
@click.option("--name", default="auditor-monthly", show_default=True, help="Unit / workflow name.")
@click.option("--workdir", default="/var/lib/auditor", show_default=True, help="Where the job runs and keeps reports.")
@click.option("--env-file", default="/etc/auditor/auditor.env", show_default=True,
              help="Environment file with credentials (mode 0600).")
@click.option("--user", "run_as", default="auditor", show_default=True, help="Account the job runs as.")
@click.option("--executable", default=None, help="Path of the auditor command (default: the one on PATH).")
@click.option("--store", "store", default="", metavar="URL|PATH",
              help="History store for the scheduled runs (default: WORKDIR/history.sqlite; a URL with a password "
                   "belongs in the environment file).")
@click.option("--notify-email", "notify_emails", multiple=True, metavar="ADDRESS",
              help="E-mail these addresses on a regression (SMTP settings from the environment file / secrets).")
@click.option("--notify-webhook", is_flag=True,
              help="Post regressions to the webhook in AUDITOR_NOTIFY_WEBHOOK (environment file / secrets).")
@click.option("--install-from", "--install", "install", default=None, metavar="SOURCE",
              help="What CI installs auditor from: a git URL (git+https://…@TAG), the path of a wheel in the "
                   "repository, or a pip requirement on your own index (default: the repository the workflow "
                   "is committed to).")
@click.option("--only", type=click.Choice(list(ENTRIES)), default=None, help="Print only this entry (for a file).")
@engine_options
@click.argument("audit_args", nargs=-1, type=click.UNPROCESSED, metavar="[--] AUDIT_ARGS...")
@click.pass_context
def schedule(ctx: click.Context, day: int, at: tuple[int, int], name: str, workdir: str, env_file: str, run_as: str,
             executable: str | None, store: str, notify_emails: tuple[str, ...], notify_webhook: bool,
             install: str | None, only: str | None, audit_args: tuple[str, ...], **engine: Any) -> None:
    """Print cron, systemd and CI entries for a monthly audit with your audit arguments. / 毎月の定期実行の設定例

    Example: auditor schedule -- -p aws --target vendor-a --attestations answers.yaml
    """
    args = audit_args[1:] if audit_args[:1] == ("audit",) else audit_args
    found = executable or shutil.which("auditor")
    if not found:
        say(ctx, "注意: auditor が PATH にありません。--executable でフルパスを指定してください。",
            "Note: auditor is not on PATH; give its full path with --executable.", err=True)
    request = ScheduleRequest(
        audit_args=tuple(args), day=day, hour=at[0], minute=at[1], name=name, workdir=workdir, env_file=env_file,
        user=run_as, executable=found or "auditor", store=store,
        notify_emails=notify_emails, notify_webhook=notify_webhook, lang=lang_of(ctx),
        **({"install": install} if install else {}),
    )
    validate(request)
    if engine_entries(request, engine):
        return
    if only:
        click.echo(ENTRIES[only][2](request), nl=False)
        return
    ja = lang_of(ctx) == "ja"
    for key, (title_ja, title_en, build) in ENTRIES.items():
        click.echo(f"# ===== {title_ja if ja else title_en} (--only {key}) =====")
        click.echo(build(request))
