"""``auditor schedule --kubernetes`` / ``--github-actions`` / ``--aws-batch``: a sharded monthly audit for an
existing job engine.

The options are added to ``auditor schedule``; :func:`engine_entries` prints the chosen entries
(:mod:`auditor.history.engines`, :mod:`auditor.history.batch`) and says whether it did, so the usual
cron / systemd / CI entries are printed only when none is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from auditor.errors import AuditorError
from auditor.history.batch import BatchSettings, aws_batch_text
from auditor.history.engines import ShardedSchedule, github_matrix_workflow, kubernetes_manifests, validate_sharded
from auditor.history.schedule import ScheduleRequest, option_values
from auditor.plugins import discover_providers, selects_scopes


def engine_options(command):
    options = [
        click.option("--kubernetes", is_flag=True,
                     help="Print a sharded audit for Kubernetes: a CronJob whose Indexed Job runs one pod per shard, "
                          "then the merge CronJob."
                          " / Kubernetes 向けの分割監査を出力する（シャードごとに 1 つの Pod を動かす Indexed Job の "
                          "CronJob と、統合の CronJob）"),
        click.option("--github-actions", "github_actions", is_flag=True,
                     help="Print a sharded audit as a GitHub Actions workflow: the shards as a matrix, then a "
                          "merge job."
                          " / 分割監査を GitHub Actions のワークフローとして出力する（シャードを matrix で実行し、次"
                          "に統合のジョブ）"),
        click.option("--aws-batch", "aws_batch", is_flag=True,
                     help="Print a sharded audit for AWS Batch as JSON for the AWS CLI: the job definitions, the "
                          "array job of shards and the merge job, and their monthly EventBridge Scheduler schedules."
                          " / AWS Batch 向けの分割監査を AWS CLI 用の JSON で出力する（ジョブ定義、シャードの配列ジョ"
                          "ブと統合のジョブ、それぞれの毎月の EventBridge Scheduler のスケジュール）"),
        click.option("--shards", type=click.IntRange(1, 1000), default=4, show_default=True,
                     help="How many shards (--kubernetes, --github-actions, --aws-batch)."
                          " / シャードの数（--kubernetes・--github-actions・--aws-batch）"),
        click.option("--image", default=ShardedSchedule.image, show_default=True,
                     help="Container image with auditor installed (--kubernetes, --aws-batch)."
                          " / auditor をインストールしたコンテナイメージ（--kubernetes・--aws-batch）"),
        click.option("--merge-after", type=click.IntRange(1, 23), default=3, show_default=True,
                     help="Hours from the shards' start to the merge, the same day (--kubernetes, --aws-batch)."
                          " / シャードの開始から統合までの時間（同じ日のうち。--kubernetes・--aws-batch）"),
        click.option("--env-secret", default=ShardedSchedule.env_from, show_default=True,
                     help="Kubernetes Secret the pods take AUDITOR_STORE from (--kubernetes)."
                          " / Pod が AUDITOR_STORE を読む Kubernetes の Secret（--kubernetes）"),
        click.option("--reports-claim", default=ShardedSchedule.reports_claim, show_default=True,
                     help="PersistentVolumeClaim the merged reports are written to (--kubernetes)."
                          " / 統合した報告書を書き出す PersistentVolumeClaim（--kubernetes）"),
        click.option("--batch-queue", default="", metavar="ARN|NAME",
                     help="AWS Batch job queue (--aws-batch). / AWS Batch のジョブキュー（--aws-batch）"),
        click.option("--batch-job-role", default="", metavar="ARN",
                     help="IAM role the containers run as, allowed to assume the audit roles (--aws-batch)."
                          " / コンテナを実行する IAM ロール。監査用のロールを引き受けられるもの（--aws-batch）"),
        click.option("--batch-execution-role", default="", metavar="ARN",
                     help="ECS task execution role: pulls the image, reads the secret, writes logs (--aws-batch)."
                          " / ECS タスク実行ロール（イメージの取得、シークレットの読み取り、ログの書き込み。"
                          "--aws-batch）"),
        click.option("--store-secret", default="", metavar="ARN",
                     help="Secrets Manager secret holding AUDITOR_STORE (--aws-batch)."
                          " / AUDITOR_STORE を保存した Secrets Manager のシークレット（--aws-batch）"),
        click.option("--scheduler-role", default="", metavar="ARN",
                     help="IAM role EventBridge Scheduler submits the jobs with (batch:SubmitJob) (--aws-batch)."
                          " / EventBridge Scheduler がジョブを投入するときの IAM ロール"
                          "（batch:SubmitJob。--aws-batch）"),
        click.option("--reports-efs", default="", metavar="ID",
                     help="EFS file system the merge writes the reports to (--aws-batch)."
                          " / 統合が報告書を書き出す EFS ファイルシステム（--aws-batch）"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def engine_entries(request: ScheduleRequest, engine: Mapping[str, Any]) -> bool:
    """Print the sharded entries asked for; False when none of --kubernetes, --github-actions, --aws-batch was
    given."""
    if not (engine.get("kubernetes") or engine.get("github_actions") or engine.get("aws_batch")):
        return False
    plan = ShardedSchedule(request, shards=engine["shards"], image=engine["image"],
                           merge_after_hours=engine["merge_after"], env_from=engine["env_secret"],
                           reports_claim=engine["reports_claim"])
    validate_sharded(plan)
    _refuse_unshardable(request)
    texts = []
    if engine.get("kubernetes"):
        texts.append(kubernetes_manifests(plan))
    if engine.get("github_actions"):
        texts.append(github_matrix_workflow(plan))
    if engine.get("aws_batch"):
        texts.append(aws_batch_text(plan, BatchSettings(
            engine["batch_queue"], engine["batch_job_role"], engine["batch_execution_role"], engine["store_secret"],
            engine["scheduler_role"], engine["reports_efs"])))
    click.echo("---\n".join(texts), nl=False)
    return True


def _refuse_unshardable(request: ScheduleRequest) -> None:
    """Every pod, matrix job or array child runs ``--shard``: a provider that cannot choose which accounts to
    collect refuses it, and without ``--org`` there is one account to share out. Either way every monthly
    run would fail or do nothing, so the entry is refused and the unsharded entries are pointed to."""
    installed = discover_providers()
    providers = option_values(request.audit_args, "--provider", "-p")
    cannot = [name for name in dict.fromkeys(providers) if not selects_scopes(installed.get(name))]
    plain = "auditor schedule --only cron|systemd-service|github-actions"
    if cannot:
        raise AuditorError(
            "raw", ja=f"--kubernetes・--github-actions・--aws-batch はシャードに分けて監査しますが、プロバイダー "
                      f"{'、'.join(cannot)} は分割できません（分割できるのは -p aws --org）。分割しない定期実行は "
                      f"{plain} で出力します。",
            en=f"--kubernetes, --github-actions and --aws-batch audit in shards, and provider {', '.join(cannot)} "
               f"cannot be sharded (-p aws --org can). For a monthly audit without shards use {plain}.")
    if "--org" not in request.audit_args:
        raise AuditorError(
            "raw", ja="--kubernetes・--github-actions・--aws-batch は組織のアカウントをシャードに分けるため、"
                      f"監査の引数に --org が必要です。1 つのアカウントの定期実行は {plain} で出力します。",
            en="--kubernetes, --github-actions and --aws-batch share an organisation's accounts out among shards, "
               f"so the audit arguments need --org. For one account use {plain}.")
