"""Sharded monthly audits on AWS Batch: an array job for the shards, a merge job, and their monthly schedules.

:func:`aws_batch_documents` gives the request documents of the AWS CLI, each ready for
``--cli-input-json`` (no call is made; the operator registers and submits them):

- two job definitions (``aws batch register-job-definition``): the shards, whose container runs
  ``auditor audit … --shard auto/N --run-group GROUP`` (AWS Batch gives each child of an array job
  ``AWS_BATCH_JOB_ARRAY_INDEX`` 0 … N-1, which :mod:`auditor.shards` turns into shard 1 … N), and the
  merge, ``auditor report --run-group GROUP``, which writes the reports to an EFS file system;
- two jobs (``aws batch submit-job``): the array job of N children, and the merge, submitted with
  ``--depends-on jobId=…`` of the array job so that it starts when every shard has ended;
- two EventBridge Scheduler schedules (``aws scheduler create-schedule``) for the monthly runs: the
  array job on the given day and time (Japan time), the merge ``merge_after_hours`` later the same day.
  A schedule submits one job and cannot name a job id that does not exist yet, so the monthly merge
  is started by time, as on Kubernetes: the shards' ``timeout`` ends before it, and a shard that has
  not finished makes the merge fail, naming it.

The run group is the job definitions' parameter ``group`` (``NAME-{date}``, the day in Japan filled in
by the tool); a submission may give another (``parameters``). A child that is retried continues from
the accounts its shard has already recorded. Both run on Fargate with a read-only root file system,
``AUDITOR_STORE`` from a Secrets Manager secret and the cloud credentials of the job role.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from auditor.errors import AuditorError
from auditor.history.engines import (
    JAPAN_TZ,
    ShardedSchedule,
    merge_file_notes,
    refuse_bad_group,
    split_args,
    validate_sharded,
)
from auditor.history.schedule import _comments, refuse_secrets

#: EventBridge Scheduler's universal target for Batch's SubmitJob.
SUBMIT_JOB_TARGET = "arn:aws:scheduler:::aws-sdk:batch:submitJob"
REPORTS = "/reports"
SCRATCH = "/scratch"


@dataclass(frozen=True)
class BatchSettings:
    """Where the jobs run in the operator's AWS account: each is an ARN or an id that already exists there."""

    job_queue: str
    job_role: str  # the role the containers run as (it assumes the audit roles)
    execution_role: str  # lets Fargate pull the image, read the secret and write the logs
    store_secret: str  # Secrets Manager secret (or its key, ARN:KEY::) holding AUDITOR_STORE
    scheduler_role: str  # lets EventBridge Scheduler call batch:SubmitJob
    reports_file_system: str  # EFS file system id the merged reports are written to
    vcpus: str = "1"
    memory_mib: int = 2048

    def missing(self) -> list[str]:
        options = {"--batch-queue": self.job_queue, "--batch-job-role": self.job_role,
                   "--batch-execution-role": self.execution_role, "--store-secret": self.store_secret,
                   "--scheduler-role": self.scheduler_role, "--reports-efs": self.reports_file_system}
        return [name for name, value in options.items() if not value]


def _validate(plan: ShardedSchedule, batch: BatchSettings) -> None:
    validate_sharded(plan)
    missing = batch.missing()
    if missing:
        raise AuditorError("raw", ja=f"--aws-batch には {'、'.join(missing)} が必要です。",
                           en=f"--aws-batch needs {', '.join(missing)}.")
    values = (batch.job_queue, batch.job_role, batch.execution_role, batch.store_secret, batch.scheduler_role,
              batch.reports_file_system)
    refuse_secrets(values)
    for value in values:
        if any(ch.isspace() for ch in value):
            raise AuditorError("raw", ja=f"値が不正です: {value!r}", en=f"Invalid value: {value!r}")
    if not re.fullmatch(r"arn:aws[a-z-]*:(secretsmanager|ssm):\S+", batch.store_secret):
        raise AuditorError("raw", ja="--store-secret には AUDITOR_STORE を保存した Secrets Manager のシークレット"
                                     "（または SSM パラメーター）の ARN を指定します（URL そのものは書きません）。",
                           en="--store-secret takes the ARN of the Secrets Manager secret (or SSM parameter) that "
                              "holds AUDITOR_STORE, not the URL itself.")
    if plan.shards < 2:
        raise AuditorError("raw", ja="--aws-batch の --shards は 2 以上です（AWS Batch の配列ジョブは 2〜10,000 個）。",
                           en="--shards is at least 2 with --aws-batch (an AWS Batch array job has 2 to 10,000 "
                              "children).")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,57}", plan.request.name):
        raise AuditorError("raw", ja=f"--name {plan.request.name} は AWS Batch のジョブ定義と EventBridge Scheduler の"
                                     "名前に使えません（英数字・- _ で 57 文字まで）。",
                           en=f"--name {plan.request.name} cannot name AWS Batch job definitions and EventBridge "
                              "Scheduler schedules (letters, digits, - and _, at most 57 characters).")
    refuse_bad_group(plan.request.name, plan.group.replace("{date}", "20261101"), plan.group)


def _definition(plan: ShardedSchedule, batch: BatchSettings, suffix: str, command: list[str],
                timeout: int | None, attempts: int) -> dict[str, Any]:
    reports = suffix == "merge"
    container: dict[str, Any] = {
        "image": plan.image,
        "command": command,
        "jobRoleArn": batch.job_role,
        "executionRoleArn": batch.execution_role,
        "resourceRequirements": [{"type": "VCPU", "value": batch.vcpus},
                                 {"type": "MEMORY", "value": str(batch.memory_mib)}],
        "environment": [{"name": "HOME", "value": SCRATCH}, {"name": "TMPDIR", "value": SCRATCH},
                        {"name": "TZ", "value": JAPAN_TZ}, {"name": "AUDITOR_LANG", "value": plan.request.lang}],
        "secrets": [{"name": "AUDITOR_STORE", "valueFrom": batch.store_secret}],
        "readonlyRootFilesystem": True,
        "volumes": [{"name": "scratch"},
                    *([{"name": "reports", "efsVolumeConfiguration": {
                        "fileSystemId": batch.reports_file_system, "transitEncryption": "ENABLED"}}]
                      if reports else [])],
        "mountPoints": [{"sourceVolume": "scratch", "containerPath": SCRATCH, "readOnly": False},
                        *([{"sourceVolume": "reports", "containerPath": REPORTS, "readOnly": False}]
                          if reports else [])],
        "networkConfiguration": {"assignPublicIp": "DISABLED"},
        "fargatePlatformConfiguration": {"platformVersion": "LATEST"},
    }
    document: dict[str, Any] = {
        "jobDefinitionName": f"{plan.request.name}-{suffix}",
        "type": "container",
        "parameters": {"group": plan.group},
        "platformCapabilities": ["FARGATE"],
        "containerProperties": container,
        "retryStrategy": {"attempts": attempts},
        "propagateTags": True,
        "tags": {"app": "auditor"},
    }
    if reports:  # a failed container is retried, but the merge's exit 1 (failures found) is its answer
        document["retryStrategy"]["evaluateOnExit"] = [{"onExitCode": "1", "action": "EXIT"}]
    if timeout is not None:
        document["timeout"] = {"attemptDurationSeconds": timeout}
    return document


def _submission(plan: ShardedSchedule, batch: BatchSettings, suffix: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "jobName": f"{plan.request.name}-{suffix}",
        "jobQueue": batch.job_queue,
        "jobDefinition": f"{plan.request.name}-{suffix}",
    }
    if suffix == "shards":
        document["arrayProperties"] = {"size": plan.shards}
    return document


def _schedule(plan: ShardedSchedule, batch: BatchSettings, suffix: str, hour: int,
              submission: dict[str, Any]) -> dict[str, Any]:
    request = plan.request
    return {
        "Name": f"{request.name}-{suffix}",
        "Description": f"auditor: {request.name} ({suffix}), monthly",
        "ScheduleExpression": f"cron({request.minute} {hour} {request.day} * ? *)",
        "ScheduleExpressionTimezone": "Asia/Tokyo",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED",
        "Target": {
            "Arn": SUBMIT_JOB_TARGET,
            "RoleArn": batch.scheduler_role,
            "Input": json.dumps(submission, ensure_ascii=False, sort_keys=True),
            "RetryPolicy": {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 3},
        },
    }


@dataclass(frozen=True)
class BatchDocument:
    """One request document: the file it is meant for, and the AWS CLI command that takes it."""

    file: str
    command: str
    body: dict[str, Any]


def aws_batch_documents(plan: ShardedSchedule, batch: BatchSettings) -> tuple[BatchDocument, ...]:
    """The job definitions, the two submissions and the two monthly schedules (see the module docstring)."""
    _validate(plan, batch)
    request = plan.request
    shard_args, merge_args = split_args(request.audit_args)
    shard_timeout = plan.merge_after_hours * 3600 - 600
    shards = _definition(plan, batch, "shards",
                         ["audit", *shard_args, "--shard", f"auto/{plan.shards}", "--run-group", "Ref::group"],
                         shard_timeout, 3)
    merge = _definition(plan, batch, "merge",
                        ["report", "--run-group", "Ref::group", *merge_args, "--output", f"{REPORTS}/{{date}}"],
                        None, 2)
    submit_shards, submit_merge = _submission(plan, batch, "shards"), _submission(plan, batch, "merge")
    name = request.name
    return (
        BatchDocument(f"{name}-shards.job-definition.json",
                      f"aws batch register-job-definition --cli-input-json file://{name}-shards.job-definition.json",
                      shards),
        BatchDocument(f"{name}-merge.job-definition.json",
                      f"aws batch register-job-definition --cli-input-json file://{name}-merge.job-definition.json",
                      merge),
        BatchDocument(f"{name}-shards.submit-job.json",
                      f"aws batch submit-job --cli-input-json file://{name}-shards.submit-job.json", submit_shards),
        BatchDocument(f"{name}-merge.submit-job.json",
                      f"aws batch submit-job --cli-input-json file://{name}-merge.submit-job.json", submit_merge),
        BatchDocument(f"{name}-shards.schedule.json",
                      f"aws scheduler create-schedule --cli-input-json file://{name}-shards.schedule.json",
                      _schedule(plan, batch, "shards", request.hour, submit_shards)),
        BatchDocument(f"{name}-merge.schedule.json",
                      f"aws scheduler create-schedule --cli-input-json file://{name}-merge.schedule.json",
                      _schedule(plan, batch, "merge", request.hour + plan.merge_after_hours, submit_merge)),
    )


def _notes(plan: ShardedSchedule, documents: Sequence[BatchDocument]) -> list[str]:
    request = plan.request
    at = f"{request.hour:02d}:{request.minute:02d}"
    merge_at = f"{request.hour + plan.merge_after_hours:02d}:{request.minute:02d}"
    definitions, (shards, merge), schedules = documents[:2], documents[2:4], documents[4:]
    group = f"--parameters group={request.name}-now"
    now = [f"  SHARDS_JOB_ID=$({shards.command} {group} --query jobId --output text)",
           f"  {merge.command} {group} --depends-on jobId=$SHARDS_JOB_ID"]
    if request.lang == "ja":
        return [
            f"{request.name}: AWS Batch の配列ジョブで {plan.shards} 個のシャードを並列に収集し、統合ジョブが報告書を",
            f"EFS の {REPORTS}/日付/ に書きます。各子ジョブは AWS_BATCH_JOB_ARRAY_INDEX（0 始まり）+ 1 を",
            "自分のシャード番号にします（--shard auto/N）。AUDITOR_STORE（共有の PostgreSQL）は Secrets Manager の",
            "シークレットから、クラウドの資格情報はジョブロールから渡します。AWS Batch はエントリーポイントを",
            f"変えられないため、イメージ {plan.image} の ENTRYPOINT は auditor にします。",
            "以下の JSON を、区切り行に書かれたファイル名で保存します。まずジョブ定義を登録します:",
            *(f"  {d.command}" for d in definitions),
            "すぐに 1 回実行するときは、両方のジョブに同じ実行グループを渡し、統合ジョブを配列ジョブの終了後に",
            "始めます（--depends-on）:",
            *now,
            f"毎月の実行: 毎月 {request.day} 日 {at}（日本時間）に配列ジョブ、{merge_at} に統合ジョブを",
            "EventBridge Scheduler が投入します。終わっていないシャードがあると統合は失敗し、",
            "そのシャードを名指しします:",
            *(f"  {d.command}" for d in schedules),
        ]
    return [
        f"{request.name}: {plan.shards} shards collect in parallel as an AWS Batch array job; the merge job",
        f"writes the reports to {REPORTS}/DATE/ on EFS. Each child takes AWS_BATCH_JOB_ARRAY_INDEX (from 0) + 1",
        "as its shard (--shard auto/N). AUDITOR_STORE (the shared PostgreSQL) comes from a Secrets Manager",
        "secret, cloud credentials from the job role. AWS Batch cannot set the entrypoint, so the image",
        f"{plan.image} needs ENTRYPOINT auditor.",
        "Save each JSON document below under the file name in its separator line. First register the job definitions:",
        *(f"  {d.command}" for d in definitions),
        "For one run now, give both jobs the same run group and start the merge when the array job has ended",
        "(--depends-on):",
        *now,
        f"Monthly: EventBridge Scheduler submits the array job on day {request.day} at {at} (Japan time) and the",
        f"merge at {merge_at}; a shard that has not finished makes the merge fail, naming the shard:",
        *(f"  {d.command}" for d in schedules),
    ]


def aws_batch_text(plan: ShardedSchedule, batch: BatchSettings) -> str:
    """What ``auditor schedule --aws-batch`` prints: the notes as comments, then each document after a
    ``# ----- FILE`` line (the documents themselves are plain JSON)."""
    documents = aws_batch_documents(plan, batch)
    parts = [_comments([*_notes(plan, documents), *merge_file_notes(plan, f"EFS {batch.reports_file_system}")])]
    for document in documents:
        parts.append(f"# ----- {document.file}\n{json.dumps(document.body, ensure_ascii=False, indent=2)}\n")
    return "".join(parts)

