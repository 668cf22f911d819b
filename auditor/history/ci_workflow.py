"""The GitHub Actions workflow for the monthly audit (:func:`github_workflow`): the job of
:mod:`auditor.history.schedule` on a runner, with OIDC credentials per cloud and the reports kept as an
artifact; no key is ever written into the workflow."""

from __future__ import annotations

import shlex

from auditor.history.schedule import (
    INSTALL_FROM_CHECKOUT,
    ScheduleRequest,
    _comments,
    _target_note,
    _when,
    dated_audit_args,
    job_lines,
    option_values,
)

_CI_CREDENTIALS = {
    "aws": [
        "      - name: AWS credentials (OIDC, read-only role)",
        "        uses: aws-actions/configure-aws-credentials@v4",
        "        with:",
        "          role-to-assume: ${{ secrets.AUDITOR_AWS_ROLE_ARN }}",
        "          aws-region: ap-northeast-1",
    ],
    "azure": [
        "      - name: Azure credentials (OIDC, Reader)",
        "        uses: azure/login@v2",
        "        with:",
        "          client-id: ${{ secrets.AZURE_CLIENT_ID }}",
        "          tenant-id: ${{ secrets.AZURE_TENANT_ID }}",
        "          subscription-id: ${{ secrets.AZURE_SUBSCRIPTION_ID }}",
    ],
    "gcp": [
        "      - name: Google Cloud credentials (workload identity federation, viewer roles)",
        "        uses: google-github-actions/auth@v2",
        "        with:",
        "          workload_identity_provider: ${{ secrets.GCP_WORKLOAD_IDENTITY_PROVIDER }}",
        "          service_account: ${{ secrets.GCP_SERVICE_ACCOUNT }}",
    ],
}


def github_workflow(request: ScheduleRequest) -> str:
    """``.github/workflows/NAME.yml``: the job on GitHub Actions, with OIDC credentials per cloud."""
    providers = [p for p in dict.fromkeys(option_values(request.audit_args, "--provider", "-p"))]
    env = ["      AUDITOR_STORE: ${{ secrets.AUDITOR_STORE }}"]
    if request.notify_emails:
        env += [f"      AUDITOR_SMTP_{name}: ${{{{ secrets.AUDITOR_SMTP_{name} }}}}"
                for name in ("HOST", "PORT", "FROM", "USER", "PASSWORD")]
    if request.notify_webhook:
        env.append("      AUDITOR_NOTIFY_WEBHOOK: ${{ secrets.AUDITOR_NOTIFY_WEBHOOK }}")
    credentials = [line for p in providers for line in _CI_CREDENTIALS.get(p, [])]
    if request.lang == "ja":
        notes = [
            f"{request.name}.yml — GitHub Actions で毎月監査し、前回と比較します（.github/workflows/ に置く）。",
            f"{utc_schedule_note(request)}既定ブランチでのみ動きます。",
            "認証情報: 鍵は置かず、OIDC フェデレーション（AWS のロール、Azure のフェデレーション資格情報、",
            "GCP の Workload Identity）を使います。ロール ARN などの識別子はリポジトリのシークレットに置きます。",
            "履歴: ランナーは毎回消えるため、AUDITOR_STORE シークレットに共有ストア（PostgreSQL の URL）を設定します。",
            "悪化があるとジョブが失敗（赤）になります。レポートは成果物（artifact）として保存されます。",
            *_install_note(request),
            *_target_note(request),
        ]
    else:
        notes = [
            f"{request.name}.yml — monthly audit and comparison on GitHub Actions (put it in .github/workflows/).",
            f"{utc_schedule_note(request)} It runs on the default branch only.",
            "Credentials: no keys — OIDC federation (an AWS role, an Azure federated credential, GCP workload",
            "identity); identifiers such as the role ARN go in the repository's secrets.",
            "History: runners are discarded after each run, so set the AUDITOR_STORE secret to a shared store",
            "(a PostgreSQL URL). A regression turns the job red; the reports are kept as an artifact.",
            *_install_note(request),
            *_target_note(request),
        ]
    script = [f"          {line}" for line in (store_check(request), *job_lines(request, "auditor"))]
    _args, reports = dated_audit_args(request.audit_args)
    return _comments(notes) + "\n".join([
        f"name: {request.name}",
        "on:",
        "  schedule:",
        f'    - cron: "{request.minute} {request.hour} {request.day} * *"',
        "  workflow_dispatch: {}",
        "permissions:",
        "  contents: read",
        "  id-token: write",
        "jobs:",
        "  audit:",
        "    runs-on: ubuntu-latest",
        "    timeout-minutes: 120",
        "    env:",
        *env,
        "    steps:",
        "      - uses: actions/checkout@v4",
        "      - uses: actions/setup-python@v5",
        "        with:",
        '          python-version: "3.12"',
        "      - name: Install auditor",
        "        run: " + _yaml_quote(install_command(request)),
        *credentials,
        "      - name: Audit and compare with the previous run",
        "        shell: sh",
        "        run: |",
        *script,
        "      - name: Keep the reports",
        "        if: always()",
        "        uses: actions/upload-artifact@v4",
        "        with:",
        f"          name: {request.name}-reports",
        f"          path: {_yaml_quote(reports.rstrip('/') + '/')}",
        "          if-no-files-found: ignore",
        "",
    ])


def utc_schedule_note(request: ScheduleRequest) -> str:
    """When a GitHub Actions schedule fires: its cron is UTC, given here with the Japanese time, and the day after
    when 09:00 UTC or later is past midnight in Japan (``--day 1 --at 17:00`` is 02:00 on the 2nd in Japan)."""
    hour = request.hour + 9
    jst = f"{hour % 24:02d}:{request.minute:02d}"
    day = request.day + 1
    if request.lang == "ja":
        later = f"{day} 日" + ("、平年の 2 月は 3 月 1 日" if day == 29 else "")
        japan = f"日本時間 {jst}" if hour < 24 else f"日本時間では翌日（{later}）の {jst}"
        return f"GitHub のスケジュールは UTC です: 毎月 {request.day} 日 {_when(request)} UTC（{japan}）。"
    later = f"day {day}" + (", or 1 March when February has 28 days" if day == 29 else "")
    japan = f"{jst} JST" if hour < 24 else f"{jst} JST the next day, {later}"
    return f"GitHub schedules run in UTC: day {request.day} at {_when(request)} UTC ({japan})."


def store_check(request: ScheduleRequest) -> str:
    """A shell line that stops the job (exit 2) when the AUDITOR_STORE secret is missing: a runner's own SQLite
    file would be discarded with it, so the run would be lost and the next one compared with nothing."""
    if request.lang == "ja":
        message = ("AUDITOR_STORE シークレットがありません。共有の履歴ストア（PostgreSQL の URL）を"
                   "リポジトリのシークレットに設定してください。")
    else:
        message = ("The AUDITOR_STORE secret is not set: set it to the shared history store (a PostgreSQL URL) "
                   "in the repository's secrets.")
    return f'if [ -z "${{AUDITOR_STORE:-}}" ]; then echo "::error::{message}"; exit 2; fi'


def install_command(request: ScheduleRequest) -> str:
    """The shell line that installs auditor on the runner; the source is one word, whatever it holds
    (``auditor @ git+https://…`` has spaces)."""
    return f"python -m pip install {shlex.quote(request.install)}"


def _install_note(request: ScheduleRequest) -> list[str]:
    """Where CI installs auditor from: this repository's checkout unless ``--install-from`` says otherwise."""
    if request.install != INSTALL_FROM_CHECKOUT:
        return [f"インストール元: {request.install}" if request.lang == "ja" else f"Installed from: {request.install}"]
    if request.lang == "ja":
        return ["インストール元: このワークフローを置いたリポジトリ（auditor の複製）をそのまま pip install します。",
                "別の場所から入れるなら --install-from に git の URL（git+https://…@タグ）か",
                "wheel のパスを指定します。"]
    return ["Installed from: the repository this workflow is committed to (a copy of auditor), with pip install .;",
            "to install from elsewhere give --install-from a git URL (git+https://…@TAG) or the path of a wheel."]


def _yaml_quote(text: str) -> str:
    """A double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
