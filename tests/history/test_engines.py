"""``auditor schedule --kubernetes`` / ``--github-actions``: the generated manifests are valid Kubernetes objects
(checked against the Kubernetes JSON schemas kubernetes-validate ships), the shards form an Indexed Job whose
index becomes the shard, the merge comes after them with the same run group, and every argument is one the
real ``auditor audit`` / ``auditor report`` commands accept."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from auditor.cli import cli
from auditor.commands.audit import audit
from auditor.commands.report import report
from auditor.shards import Shard, parse_shard, run_group_name

kubernetes_validate = pytest.importorskip("kubernetes_validate")

AUDIT_ARGS = ["--", "-p", "aws", "--org", "--target", "vendor-a", "--regions", "ap-northeast-1",
              "--checklist", "ext-service-requirements", "--attestations", "/config/answers.yaml"]


def schedule(*args: str) -> str:
    result = CliRunner().invoke(cli, ["--lang", "en", "schedule", "--executable", "/usr/bin/auditor", *args])
    assert result.exit_code == 0, result.output
    return result.output


def manifests(*args: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(schedule("--kubernetes", *args, *AUDIT_ARGS)) if d]


@pytest.mark.parametrize("version", ["1.30.0", kubernetes_validate.latest_version()])
def test_kubernetes_manifests_are_valid_against_the_kubernetes_schema(version):
    documents = manifests("--shards", "5")
    assert [d["kind"] for d in documents] == ["CronJob", "CronJob"]
    for document in documents:
        kubernetes_validate.validate(document, version, strict=True)  # raises on any unknown or mistyped field


def test_the_shards_are_an_indexed_job_whose_index_is_the_shard():
    shards, merge = manifests("--shards", "5", "--at", "02:30", "--merge-after", "4")
    job = shards["spec"]["jobTemplate"]["spec"]
    assert (job["completionMode"], job["completions"], job["parallelism"]) == ("Indexed", 5, 5)
    assert job["activeDeadlineSeconds"] < 4 * 3600  # the shards are over before the merge starts
    assert shards["spec"]["schedule"] == "30 2 1 * *" and merge["spec"]["schedule"] == "30 6 1 * *"
    assert shards["spec"]["timeZone"] == merge["spec"]["timeZone"] == "Asia/Tokyo"
    (container,) = job["template"]["spec"]["containers"]
    args = container["args"]
    assert args[0] == "audit" and args[args.index("--shard") + 1] == "auto/5"
    # each pod of an Indexed Job gets JOB_COMPLETION_INDEX 0…4; the tool counts shards from 1
    assert [parse_shard("auto/5", {"JOB_COMPLETION_INDEX": str(i)}) for i in range(5)] == [
        Shard(k, 5) for k in range(1, 6)]
    audit.make_context("audit", list(args[1:]))  # every argument is one the audit command accepts
    assert "--checklist" not in args and "--attestations" not in args  # those shape the merged reports
    (merger,) = merge["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert merger["args"][0] == "report"
    report.make_context("report", list(merger["args"][1:]))
    group = args[args.index("--run-group") + 1]
    assert merger["args"][merger["args"].index("--run-group") + 1] == group
    assert "--checklist" in merger["args"] and "/config/answers.yaml" in merger["args"]
    from datetime import UTC, datetime

    shard_start, merge_start = datetime(2026, 11, 1, 2, 30, tzinfo=UTC), datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert run_group_name(group, shard_start) == run_group_name(group, merge_start) == "auditor-monthly-20261101"
    rules = merge["spec"]["jobTemplate"]["spec"]["podFailurePolicy"]["rules"]
    assert {"action": "FailJob", "onExitCodes": {"containerName": "auditor", "operator": "In", "values": [1]}} in rules


def test_github_actions_runs_the_shards_as_a_matrix_then_merges():
    text = schedule("--github-actions", "--shards", "3", *AUDIT_ARGS)
    workflow = yaml.safe_load(text)
    jobs = workflow["jobs"]
    assert jobs["shard"]["strategy"]["matrix"]["shard"] == [1, 2, 3]
    assert jobs["shard"]["strategy"]["fail-fast"] is False
    assert jobs["merge"]["needs"] == ["shard"] and "!cancelled()" in jobs["merge"]["if"]
    assert workflow["permissions"]["id-token"] == "write" and "schedule" in workflow["on"]
    (collect,) = [s for s in jobs["shard"]["steps"] if "auditor audit" in s.get("run", "")]
    assert '--shard "${{ matrix.shard }}/3"' in collect["run"]
    group = collect["run"].split("--run-group ")[1].split()[0]
    (merge,) = [s for s in jobs["merge"]["steps"] if "auditor report" in s.get("run", "")]
    assert f"--run-group {group}" in merge["run"] and "--checklist ext-service-requirements" in merge["run"]
    assert "auditor diff --target vendor-a" in merge["run"]
    for job in jobs.values():
        for step in job["steps"]:
            assert "uses" not in step or "@v" in step["uses"]  # every action pinned to a release
    assert any(s.get("uses", "").startswith("aws-actions/configure-aws-credentials") for s in jobs["shard"]["steps"])


def test_options_the_entry_sets_itself_are_refused():
    result = CliRunner().invoke(cli, ["--lang", "en", "schedule", "--kubernetes", "--", "-p", "aws", "--shard", "1/2"])
    assert result.exit_code == 2 and "Leave --shard out of the audit arguments" in result.output
    result = CliRunner().invoke(cli, ["--lang", "en", "schedule", "--kubernetes", "--at", "22:00", "--merge-after",
                                      "3", "--", "-p", "aws"])
    assert result.exit_code == 2 and "--merge-after must be 1 to 1 hours" in result.output


def refused(lang: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--lang", lang, "schedule", *args, *AUDIT_ARGS])
    assert result.exit_code == 2 and len(result.output.splitlines()) == 1, result.output
    return result.output


def test_a_store_url_given_as_the_secret_name_is_refused_without_printing_its_password():
    for lang in ("ja", "en"):
        output = refused(lang, "--kubernetes", "--env-secret", "postgresql://auditor:hunter2@db.example.lg.jp/audit")
        assert "hunter2" not in output and "post…" in output


@pytest.mark.parametrize("option, value, most", [
    ("--name", "Auditor_Monthly", 45), ("--name", "a" * 46, 45), ("--env-secret", "Auditor", 253),
    ("--reports-claim", "reports/2026", 253),
])
def test_names_kubernetes_would_reject_are_refused(option, value, most):
    assert refused("en", "--kubernetes", option, value).startswith(
        f"Error: {option} {value} is not a Kubernetes name (lower-case letters, digits, - and ., at most {most}")
    assert refused("ja", "--kubernetes", option, value).startswith(
        f"エラー: {option} {value} は Kubernetes の名前に使えません")


def test_a_matrix_larger_than_github_runs_is_refused():
    assert refused("en", "--github-actions", "--shards", "257").startswith(
        "Error: --shards is at most 256 with --github-actions")
    assert refused("ja", "--github-actions", "--shards", "257").startswith(
        "エラー: --github-actions の --shards は 256 までです")
    workflow = yaml.safe_load(schedule("--github-actions", "--shards", "256", *AUDIT_ARGS))
    assert workflow["jobs"]["shard"]["strategy"]["matrix"]["shard"] == list(range(1, 257))


def test_the_merged_reports_folder_is_dated_the_japanese_day_of_the_run_group():
    from datetime import UTC, datetime

    from tests.history.container_clock import folder_named

    _shards, merge = manifests("--shards", "2", "--at", "02:00")
    assert merge["spec"]["schedule"] == "0 5 1 * *" and merge["spec"]["timeZone"] == "Asia/Tokyo"
    (container,) = merge["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    args = container["args"]
    fired = datetime(2026, 10, 31, 20, 0, tzinfo=UTC)  # 05:00 on 1 November in Japan
    assert run_group_name(args[args.index("--run-group") + 1], fired) == "auditor-monthly-20261101"
    environment = {item["name"]: item["value"] for item in container["env"] if "value" in item}
    assert folder_named(args[args.index("--output") + 1], fired, environment) == "/reports/2026-11-01"


@pytest.mark.parametrize("entry", [("--github-actions",), ("--only", "github-actions")])
def test_a_github_schedule_says_when_it_fires_in_japan_including_the_day(entry):
    args = [*entry, "--day", "1", "--at", "17:00", *AUDIT_ARGS]
    english = schedule(*args)
    workflow = yaml.safe_load(english)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare on: as true; GitHub as "on"
    assert triggers["schedule"] == [{"cron": "0 17 1 * *"}]  # GitHub reads it as UTC
    assert "day 1 at 17:00 UTC (02:00 JST the next day, day 2)" in english
    result = CliRunner().invoke(cli, ["--lang", "ja", "schedule", *args])
    assert "毎月 1 日 17:00 UTC（日本時間では翌日（2 日）の 02:00）" in result.output
    assert "day 28 at 20:30 UTC (05:30 JST the next day, day 29, or 1 March when February has 28 days)" in schedule(
        *entry, "--day", "28", "--at", "20:30", *AUDIT_ARGS)
    assert "day 1 at 03:00 UTC (12:00 JST)" in schedule(*entry, "--at", "03:00", *AUDIT_ARGS)


def test_the_matrix_installs_auditor_from_the_source_given_as_one_word():
    import shlex

    source = "auditor @ git+https://git.example.lg.jp/it/auditor.git@v1.2"
    workflow = yaml.safe_load(schedule("--github-actions", "--install-from", source, *AUDIT_ARGS))
    for job in ("shard", "merge"):
        (step,) = [s for s in workflow["jobs"][job]["steps"] if s.get("name") == "Install auditor"]
        assert shlex.split(step["run"]) == ["python", "-m", "pip", "install", source]


@pytest.mark.parametrize("hours", ["1", "3"])
def test_shards_that_start_as_late_as_kubernetes_allows_still_end_before_the_merge(hours):
    shards, merge = manifests("--shards", "2", "--merge-after", hours)
    latest_start = shards["spec"]["startingDeadlineSeconds"]
    deadline = shards["spec"]["jobTemplate"]["spec"]["activeDeadlineSeconds"]
    assert merge["spec"]["schedule"] == f"0 {3 + int(hours)} 1 * *"  # --at 03:00, then --merge-after hours
    assert latest_start + deadline < int(hours) * 3600 and deadline >= 1800


def test_the_pods_run_the_installed_auditor_command_whatever_the_image_entrypoint():
    import tomllib
    from pathlib import Path

    scripts = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]["scripts"]
    for cron_job in manifests("--shards", "2"):
        (container,) = cron_job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        assert container["command"] == ["auditor"] and "auditor" in scripts
        assert container["args"][0] in ("audit", "report")


@pytest.mark.parametrize("name", ["a" * 52, "audit@city", "_monthly"])
def test_a_name_that_makes_a_run_group_the_shards_would_refuse_is_refused(name):
    engine, group = "--github-actions", f"{name}-${{{{ github.run_id }}}}"
    assert refused("en", engine, "--name", name).startswith(
        f"Error: --name {name} makes the run group {group}, which --run-group does not accept")
    assert refused("ja", engine, "--name", name).startswith(
        f"エラー: --name {name} からできる実行グループ（{group}）は --run-group に使えません")


def test_the_longest_names_accepted_make_run_groups_the_shards_accept():
    (shards, _merge) = manifests("--name", "a" * 45)
    (container,) = shards["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    group = container["args"][container["args"].index("--run-group") + 1]
    assert run_group_name(group, datetime_in_november()) == "a" * 45 + "-20261101"
    workflow = yaml.safe_load(schedule("--github-actions", "--name", "a" * 51, *AUDIT_ARGS))
    (collect,) = [s for s in workflow["jobs"]["shard"]["steps"] if "auditor audit" in s.get("run", "")]
    group = collect["run"].split('--run-group "')[1].split('"')[0].replace("${{ github.run_id }}", "12345678901")
    assert run_group_name(group, datetime_in_november()) == "a" * 51 + "-12345678901"


def datetime_in_november():
    from datetime import UTC, datetime

    return datetime(2026, 11, 1, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("entry", [("--github-actions",), ("--only", "github-actions")])
@pytest.mark.parametrize("lang, said", [("en", "The AUDITOR_STORE secret is not set"),
                                        ("ja", "AUDITOR_STORE シークレットがありません。")])
def test_a_workflow_without_the_store_secret_stops_before_recording_anywhere(entry, lang, said):
    import os
    import subprocess

    result = CliRunner().invoke(cli, ["--lang", lang, "schedule", *entry, *AUDIT_ARGS])
    workflow = yaml.safe_load(result.output)
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = [step["run"] for step in steps if "auditor " in step.get("run", "") and "pip install" not in step["run"]]
    assert len(runs) == (2 if entry == ("--github-actions",) else 1)
    for run in runs:
        check = run.splitlines()[0]  # the secret is checked before anything runs
        env = {key: value for key, value in os.environ.items() if key != "AUDITOR_STORE"}
        empty = subprocess.run(["sh", "-c", check], env={**env, "AUDITOR_STORE": ""}, capture_output=True, text=True)
        assert empty.returncode == 2 and f"::error::{said}" in empty.stdout
        given = subprocess.run(["sh", "-c", check], env={**env, "AUDITOR_STORE": "postgresql://db/audit"})
        assert given.returncode == 0


def test_the_pods_cannot_start_without_the_store_in_their_secret():
    for cron_job in manifests("--shards", "2", "--env-secret", "auditor-store"):
        (container,) = cron_job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        (store,) = [item for item in container["env"] if item["name"] == "AUDITOR_STORE"]
        assert store["valueFrom"] == {"secretKeyRef": {"name": "auditor-store", "key": "AUDITOR_STORE",
                                                       "optional": False}}


def test_the_notes_name_the_merge_files_the_container_would_not_see():
    args = ["--", "-p", "aws", "--org", "--attestations", "/config/answers.yaml", "--risk-acceptances",
            "/reports/risks.yaml", "--sign-key", "keys/auditor.pem"]
    english = schedule("--kubernetes", *args)
    assert "# The merge container reads /config/answers.yaml, keys/auditor.pem; it sees only its image and " \
           "/reports (auditor-reports)," in english
    japanese = CliRunner().invoke(cli, ["--lang", "ja", "schedule", "--kubernetes", *args]).output
    assert "# 統合のコンテナーが読むファイル: /config/answers.yaml、keys/auditor.pem。" in japanese
    assert "merge container" not in schedule("--kubernetes", "--", "-p", "aws", "--org", "--attestations",
                                             "/reports/answers.yaml")
