"""``auditor schedule --aws-batch``: every printed document is a valid request of the AWS CLI command it is for,
checked offline against botocore's own service models (Batch RegisterJobDefinition and SubmitJob, EventBridge
Scheduler CreateSchedule, and the job a schedule submits); the array index becomes the shard, the merge uses the
shards' run group, and every argument is one the real ``auditor audit`` / ``auditor report`` accept."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import botocore.session
import pytest
from botocore.validate import ParamValidator
from click.testing import CliRunner

from auditor.cli import cli
from auditor.commands.audit import audit
from auditor.commands.report import report
from auditor.shards import Shard, parse_shard, run_group_name

AUDIT_ARGS = ["--", "-p", "aws", "--org", "--target", "vendor-a", "--regions", "ap-northeast-1",
              "--checklist", "ext-service-requirements", "--attestations", "/config/answers.yaml"]
ACCOUNT = "123456789012"
BATCH = ["--batch-queue", f"arn:aws:batch:ap-northeast-1:{ACCOUNT}:job-queue/auditor",
         "--batch-job-role", f"arn:aws:iam::{ACCOUNT}:role/auditor-job",
         "--batch-execution-role", f"arn:aws:iam::{ACCOUNT}:role/auditor-execution",
         "--store-secret", f"arn:aws:secretsmanager:ap-northeast-1:{ACCOUNT}:secret:auditor-store-AbCdEf",
         "--scheduler-role", f"arn:aws:iam::{ACCOUNT}:role/auditor-scheduler",
         "--reports-efs", "fs-0123456789abcdef0"]


def printed(*args: str, lang: str = "en") -> str:
    result = CliRunner().invoke(cli, ["--lang", lang, "schedule", "--executable", "/usr/bin/auditor", "--aws-batch",
                                      *args, *BATCH, *AUDIT_ARGS])
    assert result.exit_code == 0, result.output
    return result.output


def documents(text: str) -> dict[str, dict]:
    """The JSON documents by the file name of the separator line before each, as a person saves them."""
    parts = re.split(r"^# ----- (\S+)\n", text, flags=re.MULTILINE)
    assert parts[0].startswith("# ") and all(line.startswith("#") for line in parts[0].splitlines())
    return {name: json.loads(body) for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def check(service: str, operation: str, params: dict) -> None:
    model = botocore.session.get_session().get_service_model(service)
    report = ParamValidator().validate(params, model.operation_model(operation).input_shape)
    assert not report.has_errors(), report.generate_report()


@pytest.fixture(scope="module")
def printed_documents() -> dict[str, dict]:
    return documents(printed("--shards", "5", "--at", "02:30", "--merge-after", "4"))


def test_every_document_is_a_valid_request_for_its_aws_cli_command(printed_documents):
    assert list(printed_documents) == [
        "auditor-monthly-shards.job-definition.json", "auditor-monthly-merge.job-definition.json",
        "auditor-monthly-shards.submit-job.json", "auditor-monthly-merge.submit-job.json",
        "auditor-monthly-shards.schedule.json", "auditor-monthly-merge.schedule.json"]
    for name, body in printed_documents.items():
        if name.endswith(".job-definition.json"):
            check("batch", "RegisterJobDefinition", body)
        elif name.endswith(".submit-job.json"):
            check("batch", "SubmitJob", body)
        else:
            check("scheduler", "CreateSchedule", body)
            check("batch", "SubmitJob", json.loads(body["Target"]["Input"]))  # what the schedule submits
    # the validator does catch a mistake in such a document
    broken = {**printed_documents["auditor-monthly-shards.submit-job.json"], "arrayProperties": {"size": "5"}}
    model = botocore.session.get_session().get_service_model("batch")
    assert ParamValidator().validate(broken, model.operation_model("SubmitJob").input_shape).has_errors()


def test_the_array_index_is_the_shard_and_the_merge_uses_the_same_run_group(printed_documents):
    shards = printed_documents["auditor-monthly-shards.job-definition.json"]
    merge = printed_documents["auditor-monthly-merge.job-definition.json"]
    submit = printed_documents["auditor-monthly-shards.submit-job.json"]
    assert submit["arrayProperties"] == {"size": 5} and submit["jobDefinition"] == shards["jobDefinitionName"]
    assert printed_documents["auditor-monthly-merge.submit-job.json"]["jobDefinition"] == merge["jobDefinitionName"]
    command = shards["containerProperties"]["command"]
    assert command[0] == "audit" and command[command.index("--shard") + 1] == "auto/5"
    # each child of an array job of 5 gets AWS_BATCH_JOB_ARRAY_INDEX 0…4; the tool counts shards from 1
    assert [parse_shard("auto/5", {"AWS_BATCH_JOB_ARRAY_INDEX": str(i)}) for i in range(5)] == [
        Shard(k, 5) for k in range(1, 6)]
    # Batch puts the job's parameter into Ref::group; the arguments are those of the real commands
    group = shards["parameters"]["group"]

    def substituted(words: list[str], parameters: dict) -> list[str]:
        return [parameters.get(w[len("Ref::"):], w) if w.startswith("Ref::") else w for w in words]

    audit.make_context("audit", substituted(command[1:], shards["parameters"]))
    assert "--checklist" not in command and "--attestations" not in command
    merge_command = merge["containerProperties"]["command"]
    assert merge_command[0] == "report" and "--checklist" in merge_command and "/config/answers.yaml" in merge_command
    report.make_context("report", substituted(merge_command[1:], merge["parameters"]))
    assert command[command.index("--run-group") + 1] == merge_command[merge_command.index("--run-group") + 1]
    assert merge["parameters"]["group"] == group
    shard_start, merge_start = datetime(2026, 11, 1, 2, 30, tzinfo=UTC), datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert run_group_name(group, shard_start) == run_group_name(group, merge_start) == "auditor-monthly-20261101"
    # a shard retries, the merge's exit 1 (failures found) is final; the shards end before the merge starts
    assert merge["retryStrategy"]["evaluateOnExit"] == [{"onExitCode": "1", "action": "EXIT"}]
    assert shards["timeout"]["attemptDurationSeconds"] < 4 * 3600
    assert shards["containerProperties"]["secrets"] == [
        {"name": "AUDITOR_STORE", "valueFrom": BATCH[BATCH.index("--store-secret") + 1]}]
    volumes = {v["name"]: v for v in merge["containerProperties"]["volumes"]}
    assert volumes["reports"]["efsVolumeConfiguration"]["fileSystemId"] == "fs-0123456789abcdef0"


def test_the_monthly_schedules_submit_the_shards_then_the_merge_in_japan_time(printed_documents):
    shards = printed_documents["auditor-monthly-shards.schedule.json"]
    merge = printed_documents["auditor-monthly-merge.schedule.json"]
    assert shards["ScheduleExpression"] == "cron(30 2 1 * ? *)" and merge["ScheduleExpression"] == "cron(30 6 1 * ? *)"
    assert shards["ScheduleExpressionTimezone"] == merge["ScheduleExpressionTimezone"] == "Asia/Tokyo"
    assert shards["Target"]["Arn"] == "arn:aws:scheduler:::aws-sdk:batch:submitJob"
    assert json.loads(shards["Target"]["Input"]) == printed_documents["auditor-monthly-shards.submit-job.json"]
    assert json.loads(merge["Target"]["Input"]) == printed_documents["auditor-monthly-merge.submit-job.json"]


def test_the_notes_name_every_file_and_how_to_run_it_once_in_both_languages():
    english = printed()
    for name in documents(english):
        assert f"file://{name}" in english
    assert "--depends-on jobId=$SHARDS_JOB_ID" in english and "AWS_BATCH_JOB_ARRAY_INDEX (from 0) + 1" in english
    japanese = printed(lang="ja")
    assert list(documents(japanese)) == list(documents(english))
    assert "AWS_BATCH_JOB_ARRAY_INDEX（0 始まり）+ 1" in japanese and "--depends-on jobId=$SHARDS_JOB_ID" in japanese
    definition = documents(japanese)["auditor-monthly-shards.job-definition.json"]
    environment = definition["containerProperties"]["environment"]
    assert {"name": "AUDITOR_LANG", "value": "ja"} in environment


def test_missing_aws_settings_are_named():
    result = CliRunner().invoke(cli, ["--lang", "en", "schedule", "--aws-batch", "--batch-queue", "auditor",
                                      *AUDIT_ARGS])
    assert result.exit_code == 2
    assert ("--aws-batch needs --batch-job-role, --batch-execution-role, --store-secret, --scheduler-role, "
            "--reports-efs") in result.output


def refusal(lang: str, *args: str) -> str:
    settings = dict(zip(BATCH[::2], BATCH[1::2], strict=True))
    overridden = dict(zip(args[::2], args[1::2], strict=True))
    given = [word for option, value in {**settings, **overridden}.items() for word in (option, value)]
    result = CliRunner().invoke(cli, ["--lang", lang, "schedule", "--aws-batch", *given, *AUDIT_ARGS])
    assert result.exit_code == 2 and len(result.output.splitlines()) == 1, result.output
    return result.output


def test_a_store_url_given_as_the_secret_is_refused_without_printing_its_password():
    for lang in ("ja", "en"):
        output = refusal(lang, "--store-secret", "postgresql://auditor:hunter2@db.example.lg.jp/audit")
        assert "hunter2" not in output and "post…" in output
    assert refusal("en", "--store-secret", "postgresql://db.example.lg.jp/audit").startswith(
        "Error: --store-secret takes the ARN of the Secrets Manager secret (or SSM parameter)")
    assert "Secrets Manager のシークレット（または SSM パラメーター）の ARN" in refusal(
        "ja", "--store-secret", "auditor-store")


def test_what_aws_batch_would_reject_is_refused_in_both_languages():
    assert refusal("en", "--shards", "1").startswith("Error: --shards is at least 2 with --aws-batch")
    assert refusal("ja", "--shards", "1").startswith("エラー: --aws-batch の --shards は 2 以上です")
    assert refusal("en", "--name", "audit.monthly").startswith(
        "Error: --name audit.monthly cannot name AWS Batch job definitions and EventBridge Scheduler schedules")
    assert "AWS Batch のジョブ定義と EventBridge Scheduler の名前に使えません" in refusal("ja", "--name", "a@b")
    assert refusal("en", "--name", "a" * 58).startswith("Error: --name")
    documents(printed("--shards", "2", "--name", "a" * 55))


def test_the_merged_reports_folder_is_dated_the_japanese_day_of_the_run_group():
    from tests.history.container_clock import folder_named

    merge = documents(printed("--at", "02:00"))["auditor-monthly-merge.job-definition.json"]
    command, parameters = merge["containerProperties"]["command"], merge["parameters"]
    fired = datetime(2026, 10, 31, 20, 0, tzinfo=UTC)  # the merge schedule's 05:00 on 1 November in Japan
    assert run_group_name(parameters["group"], fired) == "auditor-monthly-20261101"
    environment = {item["name"]: item["value"] for item in merge["containerProperties"]["environment"]}
    assert folder_named(command[command.index("--output") + 1], fired, environment) == "/reports/2026-11-01"


def test_the_notes_say_the_image_must_start_auditor():
    assert "the image\n# registry.example.lg.jp/auditor:latest needs ENTRYPOINT auditor." in printed()
    assert "イメージ registry.example.lg.jp/auditor:latest の ENTRYPOINT は auditor にします。" in printed(lang="ja")


@pytest.mark.parametrize("name", ["a" * 56, "_monthly"])
def test_a_name_that_makes_a_run_group_the_shards_would_refuse_is_refused(name):
    assert refusal("en", "--name", name).startswith(
        f"Error: --name {name} makes the run group {name}-{{date}}, which --run-group does not accept")
    assert refusal("ja", "--name", name).startswith(
        f"エラー: --name {name} からできる実行グループ（{name}-{{date}}）は --run-group に使えません")


def test_the_notes_name_the_merge_files_the_container_would_not_see():
    assert ("# The merge container reads /config/answers.yaml; it sees only its image and /reports "
            "(EFS fs-0123456789abcdef0),") in printed()
    assert "# 統合のコンテナーが読むファイル: /config/answers.yaml。" in printed(lang="ja")
