"""Sharded monthly audits on an existing job engine: a Kubernetes CronJob pair and a GitHub Actions matrix.

The engine runs the shards and the merge; the tool only shards, records and merges (no scheduler or
queue of its own). Both entries run ``auditor audit … --shard K/N --run-group GROUP`` once per shard,
every shard writing its accounts into the shared history store (``AUDITOR_STORE``, PostgreSQL), then
``auditor report --run-group GROUP`` once, which merges them into one set of reports.

- **Kubernetes**: a CronJob whose Job is *Indexed* (``completionMode: Indexed``, ``completions`` =
  ``parallelism`` = N): each pod gets ``JOB_COMPLETION_INDEX`` 0 … N-1 and runs ``--shard auto/N``.
  Kubernetes has no "after that Job" trigger, so the merge is a second CronJob a few hours later the
  same day; both name the group ``NAME-{date}`` (the day in Japan, filled in by the tool), and the
  shard Job's ``activeDeadlineSeconds`` ends before the merge starts. A shard that has not finished by
  then makes the merge fail, naming it (re-run it, then the merge: ``kubectl create job --from=cronjob/…``).
  A retried pod continues its shard from the accounts already recorded.
- **GitHub Actions**: one job per shard as a matrix, then a merge job with ``needs:`` that runs even when
  a shard failed (so the failure is reported by name instead of the merge being skipped).

Arguments that only shape the reports (``--checklist``, ``--attestations``, ``--format`` …) go to the
merge; the others (provider, ``--org``, regions, roles, ``--target``) to the shards.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from auditor.errors import AuditorError
from auditor.history.ci_workflow import _CI_CREDENTIALS, install_command, store_check, utc_schedule_note
from auditor.history.schedule import ScheduleRequest, _comments, option_value, option_values, refuse_secrets
from auditor.shards import GROUP_NAME

#: Options of ``auditor audit`` that belong to the merge step (``auditor report``), with whether they take a value.
REPORT_OPTIONS = {
    "--checklist": True, "--attestations": True, "--risk-acceptances": True, "--profile-option": True,
    "--format": True, "--sign-key": True, "--bundle": False, "--force": False,
}
#: Options the engine entry sets itself.
OWN_OPTIONS = ("--shard", "--run-group", "--resume", "--output", "-o", "--no-history", "--store")
LABELS = {"app.kubernetes.io/name": "auditor"}
#: A writable emptyDir (the root file system is read-only): working folder and HOME.
SCRATCH = "/scratch"
#: The containers' time zone, Japan as the schedules are (a POSIX rule, so no time zone database is needed in the
#: image): ``--output /reports/{date}`` then names the same day as the run group and the schedule.
JAPAN_TZ = "JST-9"


@dataclass(frozen=True)
class ShardedSchedule:
    """A sharded monthly audit: the usual schedule request, how many shards, and the engine's settings."""

    request: ScheduleRequest
    shards: int = 4
    image: str = "registry.example.lg.jp/auditor:latest"
    merge_after_hours: int = 3
    env_from: str = "auditor"  # the Kubernetes Secret the pods take their environment from
    reports_claim: str = "auditor-reports"

    @property
    def group(self) -> str:
        return f"{self.request.name}-{{date}}"


def _refuse(ja: str, en: str) -> AuditorError:
    return AuditorError("raw", ja=ja, en=en)


def validate_sharded(plan: ShardedSchedule) -> None:
    if not 1 <= plan.shards <= 1000:
        raise _refuse("--shards は 1〜1000 で指定してください。", "--shards must be 1 to 1000.")
    if not 1 <= plan.merge_after_hours <= 23 - plan.request.hour:
        most = 23 - plan.request.hour
        raise _refuse(f"--merge-after は 1〜{most} 時間で指定してください（統合は同じ日のうちに行います）。",
                      f"--merge-after must be 1 to {most} hours (the merge runs the same day).")
    refuse_secrets((plan.image, plan.env_from, plan.reports_claim))
    for word in (plan.image, plan.env_from, plan.reports_claim):
        if not word or any(ch.isspace() for ch in word) or "${{" in word:
            raise _refuse(f"値が不正です: {word!r}", f"Invalid value: {word!r}")
    given = [a.split("=", 1)[0] for a in plan.request.audit_args if a.split("=", 1)[0] in OWN_OPTIONS]
    if given:
        raise _refuse(f"{given[0]} はこの設定が決めるため、監査の引数に含めないでください。",
                      f"Leave {given[0]} out of the audit arguments: the entry sets it.")


#: A Kubernetes object name (RFC 1123 subdomain): lower-case letters, digits, '-' and '.'.
_KUBERNETES_NAME = re.compile(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?")
#: GitHub Actions runs at most this many jobs of one matrix.
MATRIX_LIMIT = 256


def _kubernetes_names(plan: ShardedSchedule) -> None:
    """The CronJobs (``NAME-shards``; a CronJob name has at most 52 characters), the service account, the Secret
    and the claim must be names Kubernetes accepts, or ``kubectl apply`` refuses the manifest."""
    names = {"--name": (plan.request.name, 52 - len("-shards")), "--env-secret": (plan.env_from, 253),
             "--reports-claim": (plan.reports_claim, 253)}
    for option, (name, most) in names.items():
        if len(name) > most or not _KUBERNETES_NAME.fullmatch(name):
            raise _refuse(f"{option} {name} は Kubernetes の名前に使えません（英小文字・数字・- . で {most} 文字まで、"
                          "先頭と末尾は英小文字か数字）。",
                          f"{option} {name} is not a Kubernetes name (lower-case letters, digits, - and ., at most "
                          f"{most} characters, starting and ending with a letter or digit).")


def refuse_bad_group(name: str, group: str, shown: str = "") -> None:
    """The run group the entry makes of ``--name`` (``group``, as it will be on a run; ``shown`` as it is
    printed) must be one ``--run-group`` accepts, or every shard stops."""
    shown = shown or group
    if not GROUP_NAME.fullmatch(group):
        raise _refuse(f"--name {name} からできる実行グループ（{shown}）は --run-group に使えません（英数字で始まり、"
                      "英数字と . _ - で 64 文字まで）。短くするか、使える文字にしてください。",
                      f"--name {name} makes the run group {shown}, which --run-group does not accept (a letter or "
                      "digit first, then letters, digits, '.', '_' and '-', at most 64 characters); shorten it or "
                      "use those characters.")


def split_args(args: Sequence[str]) -> tuple[list[str], list[str]]:
    """The audit arguments for the shards, and those for the merge."""
    shard: list[str] = []
    merge: list[str] = []
    words = list(args)
    index = 0
    while index < len(words):
        word = words[index]
        name = word.split("=", 1)[0]
        if name in REPORT_OPTIONS:
            takes = REPORT_OPTIONS[name] and "=" not in word
            merge.extend(words[index:index + 1 + takes])
            index += 1 + takes
            continue
        shard.append(word)
        index += 1
    return shard, merge


#: ``auditor report`` options that name a file the merge container reads.
_MERGE_FILES = ("--attestations", "--risk-acceptances", "--sign-key")


def merge_file_notes(plan: ShardedSchedule, volume: str) -> list[str]:
    """Where the files the merge reads must be: its container sees only its image and the reports volume
    mounted at /reports, so a file elsewhere is named (a file on /reports needs no word)."""
    files = [value for name in _MERGE_FILES for value in option_values(plan.request.audit_args, name)
             if not value.startswith("/reports/")]
    if not files:
        return []
    if plan.request.lang == "ja":
        return [f"統合のコンテナーが読むファイル: {'、'.join(files)}。コンテナーから見えるのはイメージと",
                f"/reports（{volume}）だけのため、イメージに入れるか /reports に置きます",
                "（そうでないと統合は毎月失敗します）。"]
    return [f"The merge container reads {', '.join(files)}; it sees only its image and /reports ({volume}),",
            "so put them in the image or under /reports (otherwise every monthly merge fails)."]


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (a job's shell script) as literal blocks, the way people write them."""


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


def _dump(documents: Sequence[dict[str, Any]]) -> str:
    return "---\n".join(yaml.dump(d, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
                         for d in documents)


def _pod(plan: ShardedSchedule, args: list[str], mounts: list[dict], volumes: list[dict]) -> dict[str, Any]:
    return {
        "metadata": {"labels": dict(LABELS)},
        "spec": {
            "restartPolicy": "Never",
            "serviceAccountName": plan.request.name,
            "securityContext": {"runAsNonRoot": True, "runAsUser": 10001,
                                "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{
                "name": "auditor",
                "image": plan.image,
                "command": ["auditor"],  # whatever the image's entrypoint, as long as auditor is on its PATH
                "args": args,
                "workingDir": SCRATCH,
                "envFrom": [{"secretRef": {"name": plan.env_from}}],
                # required: without it a pod would record into its own file and the merge would find nothing
                "env": [{"name": "AUDITOR_STORE", "valueFrom": {"secretKeyRef": {
                            "name": plan.env_from, "key": "AUDITOR_STORE", "optional": False}}},
                        {"name": "HOME", "value": SCRATCH}, {"name": "TZ", "value": JAPAN_TZ},
                        {"name": "AUDITOR_LANG", "value": plan.request.lang}],
                "resources": {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"memory": "2Gi"}},
                "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                    "capabilities": {"drop": ["ALL"]}},
                "volumeMounts": [{"name": "scratch", "mountPath": SCRATCH}, *mounts],
            }],
            "volumes": [{"name": "scratch", "emptyDir": {}}, *volumes],
        },
    }


#: How late the shards' Job may still start (a controller restart, a busy cluster): their deadline counts from
#: the Job's start, so it is taken off the time the shards have and a late start still ends before the merge.
SHARDS_START_DEADLINE = 600


def _cron(plan: ShardedSchedule, suffix: str, hour: int, job: dict[str, Any], starting_deadline: int = 3600
          ) -> dict[str, Any]:
    request = plan.request
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": f"{request.name}-{suffix}", "labels": dict(LABELS)},
        "spec": {
            "schedule": f"{request.minute} {hour} {request.day} * *",
            "timeZone": "Asia/Tokyo",
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": starting_deadline,
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {"metadata": {"labels": dict(LABELS)}, "spec": job},
        },
    }


def kubernetes_manifests(plan: ShardedSchedule) -> str:
    """The two CronJobs (shards as an Indexed Job, then the merge), with their explanation as comments."""
    validate_sharded(plan)
    _kubernetes_names(plan)
    request = plan.request
    shard_args, merge_args = split_args(request.audit_args)
    shards = {
        "completionMode": "Indexed",
        "completions": plan.shards,
        "parallelism": plan.shards,
        "backoffLimit": 2 * plan.shards,
        "activeDeadlineSeconds": plan.merge_after_hours * 3600 - 600 - SHARDS_START_DEADLINE,
        "podFailurePolicy": {"rules": [
            {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]},
        ]},
        "template": _pod(plan, ["audit", *shard_args, "--shard", f"auto/{plan.shards}", "--run-group", plan.group],
                         [], []),
    }
    merge = {
        "backoffLimit": 1,
        "podFailurePolicy": {"rules": [
            {"action": "FailJob", "onExitCodes": {"containerName": "auditor", "operator": "In", "values": [1]}},
            {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]},
        ]},
        "template": _pod(plan, ["report", "--run-group", plan.group, *merge_args, "--output", "/reports/{date}"],
                         [{"name": "reports", "mountPath": "/reports"}],
                         [{"name": "reports", "persistentVolumeClaim": {"claimName": plan.reports_claim}}]),
    }
    merge_hour = request.hour + plan.merge_after_hours
    at, merge_at = f"{request.hour:02d}:{request.minute:02d}", f"{merge_hour:02d}:{request.minute:02d}"
    if request.lang == "ja":
        notes = [
            f"{request.name}: 毎月 {request.day} 日 {at}（日本時間）に {plan.shards} 個のシャードを",
            f"Indexed Job で並列に収集し、{merge_at} に統合して報告書を {plan.reports_claim} の",
            "/reports/日付/ に書きます。",
            "各 Pod は JOB_COMPLETION_INDEX（0 始まり）+ 1 を自分のシャード番号にします（--shard auto/N）。",
            f"Secret {plan.env_from} に AUDITOR_STORE（共有の PostgreSQL）を置きます。クラウドの資格情報は",
            f"サービスアカウント {request.name} のワークロード ID（IRSA、Azure / GKE Workload Identity）で渡します。",
            "統合は同じ日付の実行グループを使います。終わっていないシャードがあると統合は失敗し、",
            "そのシャードを名指しします。再試行された Pod は記録済みのアカウントの続きから収集します。",
        ]
    else:
        notes = [
            f"{request.name}: on day {request.day} of every month at {at} (Japan time) {plan.shards} shards",
            f"collect in parallel as an Indexed Job; at {merge_at} the merge writes the reports to /reports/DATE/",
            f"on {plan.reports_claim}. Each pod takes JOB_COMPLETION_INDEX (from 0) + 1 as its shard (--shard auto/N).",
            f"Secret {plan.env_from} holds AUDITOR_STORE (the shared PostgreSQL); cloud credentials come from the",
            f"service account {request.name} through workload identity (IRSA, Azure / GKE Workload Identity).",
            "The merge uses the same day's run group; a shard that has not finished makes it fail, naming the",
            "shard. A retried pod continues from the accounts its shard has already recorded.",
        ]
    notes += merge_file_notes(plan, plan.reports_claim)
    return _comments(notes) + _dump([
        _cron(plan, "shards", request.hour, shards, SHARDS_START_DEADLINE),
        _cron(plan, "merge", merge_hour, merge),
    ])


def _setup_steps(request: ScheduleRequest) -> list[dict[str, Any]]:
    return [
        {"uses": "actions/checkout@v4"},
        {"uses": "actions/setup-python@v5", "with": {"python-version": "3.12"}},
        {"name": "Install auditor", "run": install_command(request)},
    ]


def _credential_steps(request: ScheduleRequest) -> list[dict[str, Any]]:
    providers = dict.fromkeys(option_values(request.audit_args, "--provider", "-p"))
    text = "\n".join(line[6:] for p in providers for line in _CI_CREDENTIALS.get(p, []))
    return list(yaml.safe_load(text) or []) if text else []


def github_matrix_workflow(plan: ShardedSchedule) -> str:
    """``.github/workflows/NAME.yml``: one job per shard (a matrix), then the merge job (``needs:``)."""
    validate_sharded(plan)
    if plan.shards > MATRIX_LIMIT:
        raise _refuse(f"--github-actions の --shards は {MATRIX_LIMIT} までです（GitHub Actions の matrix の上限）。",
                      f"--shards is at most {MATRIX_LIMIT} with --github-actions (the most jobs a GitHub Actions "
                      "matrix runs).")
    request = plan.request
    shard_args, merge_args = split_args(request.audit_args)
    group = f"{request.name}-${{{{ github.run_id }}}}"
    refuse_bad_group(request.name, f"{request.name}-{'9' * 12}", group)  # a run id has 11 digits today
    quoted = " ".join(shlex.quote(a) for a in shard_args)
    target = option_value(request.audit_args, "--target")
    diff = "auditor diff" + (f" --target {shlex.quote(target)}" if target else "")
    workflow = {
        "name": request.name,
        "on": {"schedule": [{"cron": f"{request.minute} {request.hour} {request.day} * *"}], "workflow_dispatch": {}},
        "permissions": {"contents": "read", "id-token": "write"},
        "concurrency": {"group": request.name, "cancel-in-progress": False},
        "env": {"AUDITOR_STORE": "${{ secrets.AUDITOR_STORE }}", "AUDITOR_LANG": request.lang},
        "jobs": {
            "shard": {
                "runs-on": "ubuntu-latest",
                "timeout-minutes": 180,
                "strategy": {"fail-fast": False, "matrix": {"shard": list(range(1, plan.shards + 1))}},
                "steps": [
                    *_setup_steps(request), *_credential_steps(request),
                    {"name": "Collect this shard",
                     "run": f"{store_check(request)}\nauditor audit {quoted} "
                            f"--shard \"${{{{ matrix.shard }}}}/{plan.shards}\" --run-group \"{group}\"\n"},
                ],
            },
            "merge": {
                "needs": ["shard"],
                "if": "${{ !cancelled() }}",
                "runs-on": "ubuntu-latest",
                "timeout-minutes": 60,
                "steps": [
                    *_setup_steps(request),
                    {"name": "Merge the shards and compare with the previous run", "shell": "sh", "run": "\n".join([
                        store_check(request),
                        "rc=0",
                        " ".join(["auditor report --run-group", f"\"{group}\"", *(shlex.quote(a) for a in merge_args),
                                  "--output reports/merged"]) + " || rc=$?",
                        'if [ "$rc" -gt 1 ]; then exit "$rc"; fi',
                        f"exec {diff}",
                    ]) + "\n"},
                    {"name": "Keep the reports", "if": "${{ always() }}", "uses": "actions/upload-artifact@v4",
                     "with": {"name": f"{request.name}-reports", "path": "reports/", "if-no-files-found": "ignore"}},
                ],
            },
        },
    }
    if request.lang == "ja":
        notes = [f"{request.name}.yml — {plan.shards} シャードを matrix で並列に収集し、merge ジョブで統合します。",
                 utc_schedule_note(request),
                 "AUDITOR_STORE シークレットに共有の PostgreSQL を設定します。",
                 "失敗したシャードを再実行すると、記録済みのアカウントの続きから収集します。"]
    else:
        notes = [f"{request.name}.yml — {plan.shards} shards collect in parallel as a matrix; the merge job",
                 f"combines them. {utc_schedule_note(request)}",
                 "Set the AUDITOR_STORE secret to a shared PostgreSQL; a failed shard that is",
                 "re-run continues from the accounts it has already recorded."]
    return _comments(notes) + _dump([workflow])

