"""Telling people that a run regressed: an e-mail (SMTP) or a JSON POST to a webhook.

Used by ``auditor diff --notify-email / --notify-webhook``. Settings come from options or the
environment (``AUDITOR_SMTP_HOST``, ``AUDITOR_SMTP_PORT``, ``AUDITOR_SMTP_FROM``, ``AUDITOR_SMTP_USER``,
``AUDITOR_SMTP_SECURITY``, ``AUDITOR_NOTIFY_EMAIL``, ``AUDITOR_NOTIFY_WEBHOOK``); the SMTP password only
from ``AUDITOR_SMTP_PASSWORD``, never from the command line. A message that cannot be delivered
is an :class:`~auditor.errors.AuditorError`, so a scheduled job fails visibly instead of staying quiet.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import urlsplit

from auditor import __version__
from auditor.errors import AuditorError
from auditor.history.diff import RunDiff, diff_to_dict
from auditor.history.targets import target_of
from auditor.model import Finding

SECURITY_MODES = ("starttls", "ssl", "none")
PASSWORD_ENV = "AUDITOR_SMTP_PASSWORD"  # noqa: S105 - the variable's name, not a password
LISTED = 20  # findings listed per section in a message; the rest are counted


@dataclass(frozen=True)
class SmtpSettings:
    """How to hand an e-mail to a mail server."""

    host: str
    sender: str
    port: int = 587
    security: str = "starttls"
    username: str = ""
    password: str = ""
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise ValueError(f"security must be one of {SECURITY_MODES}")


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def compose(diff: RunDiff, lang: str) -> Message:
    """A plain-text account of the differences (Japanese or English)."""
    ja = lang == "ja"
    target = target_of(diff.current_run)
    state = ("前回から悪化あり" if diff.regressed else "前回からの悪化なし") if ja else (
        "regressed since the previous run" if diff.regressed else "no regression since the previous run")
    subject = f"[auditor] {target}: {state}"
    lines = [
        f"{'対象' if ja else 'Target'}: {target}",
        f"{'前回' if ja else 'Previous run'}: {diff.previous_run.run_id}",
        f"{'今回' if ja else 'Current run'}: {diff.current_run.run_id}",
        "",
    ]
    listed = [
        ("新たな不適合" if ja else "New failures", diff.new_failures),
        ("新たに確認不能" if ja else "Newly unknown", diff.newly_unknown),
        ("是正済み" if ja else "Fixed", diff.fixed),
        ("追加されたリソース" if ja else "Resources added", diff.resources_added),
        ("なくなったリソース" if ja else "Resources removed", diff.resources_removed),
    ]
    for title, findings in listed:
        lines.append(f"{title}: {len(findings)}")
        lines.extend(_finding_line(f, lang) for f in findings[:LISTED])
        if len(findings) > LISTED:
            lines.append(f"  … {'ほか' if ja else 'and'} {len(findings) - LISTED}")
    lines.append(f"{'引き続き不適合' if ja else 'Still failing'}: {len(diff.still_failing)}")
    worse = "悪化した項目" if ja else "Items worse"
    better = "改善した項目" if ja else "items better"
    lines.append(f"{worse}: {len(diff.worse_items)} / {better}: {len(diff.better_items)}")
    for change in diff.item_changes:
        mark = "↓" if change.worse else "→"
        lines.append(f"  {mark} {change.checklist_id}#{change.item_id}: {change.before.sheet_value} → "
                     f"{change.after.sheet_value}")
    if diff.scope_changes:
        lines.extend(_scope_lines(diff, lang))
    return Message(subject, "\n".join(lines) + "\n")


def _scope_lines(diff: RunDiff, lang: str) -> list[str]:
    """Per account: the items that got worse, then those that got better (at most ``LISTED`` each)."""
    ja = lang == "ja"
    new_scope = "前回なし" if ja else "not in the previous run"
    lines = []
    sections = (("アカウント別の悪化した項目" if ja else "Items worse by account", diff.worse_scope_items),
                ("アカウント別の改善した項目" if ja else "Items better by account", diff.better_scope_items))
    for title, changes in sections:
        lines.append(f"{title}: {len(changes)}")
        for change in changes[:LISTED]:
            mark = "↓" if change.worse else "↑"
            before = change.before.sheet_value if change.before is not None else (
                f"（{new_scope}）" if ja else f"({new_scope})")
            lines.append(f"  {mark} {change.provider} {change.scope} {change.checklist_id}#{change.item_id}: "
                         f"{before} → {change.after.sheet_value}")
        if len(changes) > LISTED:
            lines.append(f"  … {'ほか' if ja else 'and'} {len(changes) - LISTED}")
    return lines


def _finding_line(finding: Finding, lang: str) -> str:
    name = finding.resource_name or finding.resource_id
    return f"  {finding.status.symbol} {finding.check_id} — {name} ({finding.region}): {finding.reason_in(lang)}"


def send_email(settings: SmtpSettings, recipients: Sequence[str], message: Message) -> None:
    """Send one plain-text UTF-8 e-mail to every recipient."""
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = settings.sender
    email["To"] = ", ".join(recipients)
    email["Date"] = formatdate(localtime=False, usegmt=True)
    email["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    email.set_content(message.body, charset="utf-8")
    try:
        if settings.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.username:
                client.login(settings.username, settings.password)
            client.send_message(email, from_addr=settings.sender, to_addrs=list(recipients))
    except (smtplib.SMTPException, OSError) as exc:
        raise AuditorError(
            "raw",
            ja=f"通知メールを {settings.host}:{settings.port} 経由で送れませんでした: {exc}",
            en=f"Could not send the notification e-mail through {settings.host}:{settings.port}: {exc}",
        ) from None


def webhook_payload(diff: RunDiff, message: Message) -> dict[str, Any]:
    """``text`` for chat tools that show one (Slack-style), ``diff`` for programs."""
    return {"text": f"{message.subject}\n{message.body}", "subject": message.subject, "diff": diff_to_dict(diff)}


def post_webhook(url: str, payload: Mapping[str, Any], timeout: float = 30.0) -> None:
    """POST the payload as JSON; anything but a 2xx answer is an error."""
    parts = urlsplit(url)
    shown = f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AuditorError(
            "raw", ja=f"Webhook の URL が不正です（http/https のみ）: {shown}",
            en=f"Invalid webhook URL (http or https only): {shown}",
        )
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": f"auditor/{__version__}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise AuditorError(
            "raw", ja=f"Webhook {shown} が HTTP {exc.code} を返しました。",
            en=f"Webhook {shown} answered HTTP {exc.code}.",
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise AuditorError(
            "raw", ja=f"Webhook {shown} に送れませんでした: {reason}",
            en=f"Could not reach webhook {shown}: {reason}",
        ) from None
