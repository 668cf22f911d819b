"""Ready-to-use entries for a monthly audit: a cron line, a systemd service + timer, a CI workflow.

Every entry runs the same small POSIX shell job: ``auditor audit`` with the user's own arguments
(each shell-quoted), always writing into a folder of its own, ``reports/{timestamp}`` or
``OUTPUT/{timestamp}`` when ``--output OUTPUT`` is given (the audit fills in the date itself, so the
job needs no shell date and works alike under cron, systemd and CI), then ``auditor diff`` against
the previous run of the target. The job's exit code is the
scheduler's signal: 0 nothing regressed, 1 something regressed (so cron mails, systemd marks the
unit failed, CI turns red), 2 the audit or the diff could not run.

Credentials never appear in an entry: an instance role / managed identity / attached service
account, an environment file readable only by the service user (0600), or the CI's secret store
with OIDC federation. Arguments that look like secrets are refused.

The CI workflow is written by :mod:`auditor.history.ci_workflow` from the same request and job.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import AuditorError
from auditor.output import DATE_PLACEHOLDERS

#: What CI installs unless ``--install-from`` names something else: the repository the workflow is
#: committed to (a copy of this project). The package is not published on a package index.
INSTALL_FROM_CHECKOUT = "."
_SECRET_OPTION = re.compile(r"secret|passw|token|access-key|private-key|api-key|apikey|sas-key|connection-string")
_SECRET_VALUE = re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b|-----BEGIN [A-Z ]*PRIVATE KEY-----|://[^/\s:@]+:[^/\s@]+@")


@dataclass(frozen=True)
class ScheduleRequest:
    """What to schedule: the audit arguments and where and when the job runs."""

    audit_args: tuple[str, ...]
    day: int = 1
    hour: int = 3
    minute: int = 0
    name: str = "auditor-monthly"
    workdir: str = "/var/lib/auditor"
    env_file: str = "/etc/auditor/auditor.env"
    user: str = "auditor"
    executable: str = "auditor"
    store: str = ""
    notify_emails: tuple[str, ...] = ()
    notify_webhook: bool = False
    install: str = INSTALL_FROM_CHECKOUT
    lang: str = "ja"

    @property
    def store_location(self) -> str:
        """Where the scheduled runs keep their history (an explicit file next to the job by default)."""
        return self.store or f"{self.workdir.rstrip('/')}/history.sqlite"


def _refuse(ja: str, en: str) -> AuditorError:
    return AuditorError("raw", ja=ja, en=en)


def validate(request: ScheduleRequest) -> None:
    """Refuse what cannot go into a scheduler entry: secrets, line breaks, CI expressions."""
    if not 1 <= request.day <= 28:
        raise _refuse("--day は 1〜28 で指定してください（毎月必ずある日）。",
                      "--day must be 1 to 28 (a day every month has).")
    if not (0 <= request.hour <= 23 and 0 <= request.minute <= 59):
        raise _refuse("時刻が不正です。", "Invalid time of day.")
    if not re.fullmatch(r"[A-Za-z0-9_.@-]+", request.name):
        raise _refuse("--name には英数字と _ . @ - だけを使えます。",
                      "--name may use letters, digits and _ . @ - only.")
    if not re.fullmatch(r"[a-z_][a-z0-9_-]*\$?", request.user):
        raise _refuse("--user はユーザー名で指定してください。", "--user must be a user name.")
    for word in (*request.audit_args, request.workdir, request.env_file, request.executable, request.store,
                 *request.notify_emails, request.install):
        if any(ch in word for ch in "\n\r\0"):
            raise _refuse(f"改行を含む引数は使えません: {word!r}", f"Arguments cannot contain line breaks: {word!r}")
        if "${{" in word:
            raise _refuse(f"'${{{{' を含む引数は CI の式として解釈されるため使えません: {word}",
                          f"Arguments cannot contain '${{{{' (CI would evaluate it): {word}")
    for path in (request.workdir, request.env_file):
        if not path.startswith("/"):
            raise _refuse(f"絶対パスで指定してください: {path}", f"Give an absolute path: {path}")
    refuse_secrets((*request.audit_args, request.store))


def refuse_secrets(words: Sequence[str]) -> None:
    """Refuse an option named like a secret or a value that is one (a key id, a private key, a URL with a
    password), naming it without showing it: an entry is pasted into files and job engines in clear."""
    for word in words:
        option = word[2:].split("=", 1)[0].lower() if word.startswith("--") else ""
        if _SECRET_OPTION.search(option) or _SECRET_VALUE.search(word):
            raise _refuse(
                f"秘密情報をコマンドラインに書かないでください（{_shown(word)}）。"
                "環境ファイル（0600）や CI のシークレットに置きます。",
                f"Keep secrets off the command line ({_shown(word)}): put them in the environment file (0600) "
                "or the CI's secret store.",
            )


def _shown(word: str) -> str:
    """Enough of an argument to find it, never the secret itself."""
    return word.split("=", 1)[0] + ("=…" if "=" in word else "") if word.startswith("--") else word[:4] + "…"


def option_value(args: Sequence[str], *names: str) -> str | None:
    """The last value given to an option (``--name VALUE`` or ``--name=VALUE``) among the arguments."""
    found = None
    for index, word in enumerate(args):
        for name in names:
            if word == name and index + 1 < len(args):
                found = args[index + 1]
            elif word.startswith(f"{name}=") and name.startswith("--"):
                found = word.split("=", 1)[1]
    return found


def option_values(args: Sequence[str], *names: str) -> list[str]:
    values = []
    for index, word in enumerate(args):
        for name in names:
            if word == name and index + 1 < len(args):
                values.append(args[index + 1])
            elif word.startswith(f"{name}=") and name.startswith("--"):
                values.append(word.split("=", 1)[1])
    return values


def dated_audit_args(args: Sequence[str]) -> tuple[list[str], str]:
    """The audit arguments with one ``--output`` that names a new folder for every run, and the folder
    the runs' folders go in.

    ``--output ./reports`` becomes ``--output reports/{timestamp}``; a folder that already holds a
    placeholder (``reports/{month}``) is kept; without ``--output`` the runs go under ``reports``.
    """
    kept: list[str] = []
    output = "reports"
    words = iter(args)
    for word in words:
        if word in ("--output", "-o"):
            output = next(words, output)
        elif word.startswith("--output="):
            output = word.split("=", 1)[1]
        elif word.startswith("-o") and len(word) > 2:
            output = word[2:]
        else:
            kept.append(word)
    parts = Path(output).parts
    dated_at = next((i for i, part in enumerate(parts) if any(p in part for p in DATE_PLACEHOLDERS)), None)
    if dated_at is None:
        return [*kept, "--output", str(Path(output, "{timestamp}"))], str(Path(output))
    return [*kept, "--output", output], str(Path(*parts[:dated_at])) if dated_at else "."


def job_lines(request: ScheduleRequest, executable: str) -> list[str]:
    """The shell job shared by every entry: audit, stop on an error (exit ≥ 2), then diff."""
    quoted = shlex.quote(executable)
    args, _folder = dated_audit_args(request.audit_args)
    audit = [quoted, "audit", *(shlex.quote(a) for a in args)]
    lines = []
    diff = [quoted, "diff"]
    target = option_value(request.audit_args, "--target")
    if target:
        diff += ["--target", shlex.quote(target)]
    for address in request.notify_emails:
        diff += ["--notify-email", shlex.quote(address)]
    lines += [
        "rc=0",
        " ".join(audit) + " || rc=$?",
        'if [ "$rc" -gt 1 ]; then exit "$rc"; fi',
        "exec " + " ".join(diff),
    ]
    return lines


def _comments(lines: Sequence[str]) -> str:
    return "\n".join(f"# {line}".rstrip() for line in lines) + "\n"


def _when(request: ScheduleRequest) -> str:
    return f"{request.hour:02d}:{request.minute:02d}"


def _target_note(request: ScheduleRequest) -> list[str]:
    if option_value(request.audit_args, "--target"):
        return []
    if request.lang == "ja":
        return ["注意: --target がないため、diff は直近の実行の対象と比較します",
                "（同じストアで複数の対象を監査するなら --target を指定）。"]
    return ["Note: without --target, diff compares the most recent run's target (give --target when one store "
            "holds several vendors)."]


def cron_entry(request: ScheduleRequest) -> str:
    """A user crontab line (``crontab -u USER -e``), with its explanation as comments."""
    setup = [
        f"cd {shlex.quote(request.workdir)} || exit 2",
        f"AUDITOR_STORE={shlex.quote(request.store_location)}",
        "export AUDITOR_STORE",
        "set -a",
        f". {shlex.quote(request.env_file)}",
        "set +a",
    ]
    command = "; ".join(setup + job_lines(request, request.executable)).replace("%", "\\%")
    if request.lang == "ja":
        notes = [
            f"auditor: 毎月 {request.day} 日 {_when(request)}（このマシンの時刻）に監査し、前回と比較します。",
            f"登録: crontab -u {request.user} -e で次の行を貼り付けます（cron の % は \\% と書きます）。",
            "終了コード: 0 悪化なし / 1 悪化あり / 2 実行できず。MAILTO を設定すると出力がメールで届きます。",
            "認証情報: クラウド上のマシンならインスタンスロール / マネージド ID / 割り当てたサービスアカウントを使い、",
            f"ファイルには何も置きません。それ以外は {request.env_file} に SDK 標準の環境変数を書き、",
            f"chown {request.user} と chmod 0600 にします（コマンドラインには書かない）。",
            "共有ストア（PostgreSQL の URL）や SMTP のパスワード、Webhook の URL も同じファイルに置きます。",
            *_target_note(request),
        ]
    else:
        notes = [
            f"auditor: audit on day {request.day} of every month at {_when(request)} (this machine's time), "
            "then compare with the previous run.",
            f"Install: crontab -u {request.user} -e and paste the line below (cron needs % written as \\%).",
            "Exit code: 0 no regression / 1 regressed / 2 could not run. Set MAILTO to get the output by e-mail.",
            "Credentials: on a cloud machine use its instance role / managed identity / attached service account",
            f"and keep nothing on disk. Otherwise put the SDKs' standard variables in {request.env_file},",
            f"owned by {request.user}, mode 0600 (never on the command line). The shared store URL, the SMTP",
            "password and the webhook URL belong in that file too.",
            *_target_note(request),
        ]
    return _comments(notes) + f"{request.minute} {request.hour} {request.day} * * {command}\n"


def systemd_word(text: str, *, exec_line: bool) -> str:
    """One double-quoted word of a unit file: C escapes, ``%%`` for ``%``, and ``$$`` in Exec lines."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    if exec_line:
        escaped = escaped.replace("$", "$$")
    return f'"{escaped}"'


def _systemd_path(path: str) -> str:
    return path.replace("%", "%%")


def systemd_service(request: ScheduleRequest) -> str:
    """``NAME.service``: one run of the job as the service user, with the environment file."""
    script = "; ".join(job_lines(request, request.executable))
    if request.lang == "ja":
        notes = [
            f"{request.name}.service — 監査を 1 回実行し、前回と比較します（{request.name}.timer が毎月起動）。",
            f"配置: /etc/systemd/system/{request.name}.service、その後 systemctl daemon-reload。",
            f"認証情報: {request.env_file}（所有者 root、chmod 0600; systemd が読んで渡します）に SDK 標準の",
            "環境変数を書きます。クラウド上ならインスタンスロール / マネージド ID を使い、ファイルに鍵を置きません。",
            "悪化があると終了コード 1 でユニットが失敗扱いになります（OnFailure= で通知も可能）。",
            *_target_note(request),
        ]
    else:
        notes = [
            f"{request.name}.service — one audit plus the comparison with the previous run ({request.name}.timer "
            "starts it monthly).",
            f"Install as /etc/systemd/system/{request.name}.service, then systemctl daemon-reload.",
            f"Credentials: the SDKs' standard variables in {request.env_file} (owned by root, chmod 0600; systemd",
            "reads it and passes them on). On a cloud machine use the instance role / managed identity instead.",
            "A regression exits 1 and marks the unit failed (hook OnFailure= for alerts).",
            *_target_note(request),
        ]
    return _comments(notes) + "\n".join([
        "[Unit]",
        "Description=Monthly read-only cloud configuration audit (auditor)",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        f"User={request.user}",
        f"WorkingDirectory={_systemd_path(request.workdir)}",
        "Environment=" + systemd_word(f"AUDITOR_STORE={request.store_location}", exec_line=False),
        f"EnvironmentFile={_systemd_path(request.env_file)}",
        "ExecStart=/bin/sh -c " + systemd_word(script, exec_line=True),
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "ProtectSystem=strict",
        "ReadWritePaths=" + systemd_word(request.workdir, exec_line=False),
        "",
    ])


def systemd_timer(request: ScheduleRequest) -> str:
    """``NAME.timer``: starts the service once a month; a missed run is caught up after boot."""
    if request.lang == "ja":
        notes = [f"{request.name}.timer — 毎月 {request.day} 日 {_when(request)} に",
                 f"{request.name}.service を起動します。有効化: systemctl enable --now {request.name}.timer"]
    else:
        notes = [f"{request.name}.timer — starts {request.name}.service on day {request.day} of every month at "
                 f"{_when(request)}.", f"Enable: systemctl enable --now {request.name}.timer"]
    return _comments(notes) + "\n".join([
        "[Unit]",
        f"Description=Run {request.name}.service monthly",
        "",
        "[Timer]",
        f"OnCalendar=*-*-{request.day:02d} {_when(request)}:00",
        "Persistent=true",
        "RandomizedDelaySec=10min",
        f"Unit={request.name}.service",
        "",
        "[Install]",
        "WantedBy=timers.target",
        "",
    ])
