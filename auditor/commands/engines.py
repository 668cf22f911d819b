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

from auditor.history.batch import BatchSettings, aws_batch_text
from auditor.history.engines import ShardedSchedule, github_matrix_workflow, kubernetes_manifests
from auditor.history.schedule import ScheduleRequest


def engine_options(command):
    options = [
        click.option("--kubernetes", is_flag=True,
                     help="Print a sharded audit for Kubernetes: a CronJob whose Indexed Job runs one pod per shard, "
                          "then the merge CronJob."),
        click.option("--github-actions", "github_actions", is_flag=True,
                     help="Print a sharded audit as a GitHub Actions workflow: the shards as a matrix, then a "
                          "merge job."),
        click.option("--aws-batch", "aws_batch", is_flag=True,
                     help="Print a sharded audit for AWS Batch as JSON for the AWS CLI: the job definitions, the "
                          "array job of shards and the merge job, and their monthly EventBridge Scheduler schedules."),
        click.option("--shards", type=click.IntRange(1, 1000), default=4, show_default=True,
                     help="How many shards (--kubernetes, --github-actions, --aws-batch)."),
        click.option("--image", default=ShardedSchedule.image, show_default=True,
                     help="Container image with auditor installed (--kubernetes, --aws-batch)."),
        click.option("--merge-after", type=click.IntRange(1, 23), default=3, show_default=True,
                     help="Hours from the shards' start to the merge, the same day (--kubernetes, --aws-batch)."),
        click.option("--env-secret", default=ShardedSchedule.env_from, show_default=True,
                     help="Kubernetes Secret the pods take AUDITOR_STORE from (--kubernetes)."),
        click.option("--reports-claim", default=ShardedSchedule.reports_claim, show_default=True,
                     help="PersistentVolumeClaim the merged reports are written to (--kubernetes)."),
        click.option("--batch-queue", default="", metavar="ARN|NAME", help="AWS Batch job queue (--aws-batch)."),
        click.option("--batch-job-role", default="", metavar="ARN",
                     help="IAM role the containers run as, allowed to assume the audit roles (--aws-batch)."),
        click.option("--batch-execution-role", default="", metavar="ARN",
                     help="ECS task execution role: pulls the image, reads the secret, writes logs (--aws-batch)."),
        click.option("--store-secret", default="", metavar="ARN",
                     help="Secrets Manager secret holding AUDITOR_STORE (--aws-batch)."),
        click.option("--scheduler-role", default="", metavar="ARN",
                     help="IAM role EventBridge Scheduler submits the jobs with (batch:SubmitJob) (--aws-batch)."),
        click.option("--reports-efs", default="", metavar="ID",
                     help="EFS file system the merge writes the reports to (--aws-batch)."),
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
