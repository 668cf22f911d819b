"""``auditor schedule`` refuses, in one line and with exit 2, a job that would fail every month (no audit
arguments, no provider) and options that shape none of the entries it prints."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from auditor.cli import cli


def schedule(lang: str, *args: str):
    return CliRunner().invoke(cli, ["--lang", lang, "schedule", "--executable", "/usr/bin/auditor", *args])


def refused(lang: str, *args: str) -> str:
    result = schedule(lang, *args)
    assert result.exit_code == 2, result.output
    assert len(result.output.splitlines()) == 1 and "Usage:" not in result.output, result.output
    return result.output


def test_no_audit_arguments_is_refused():
    assert refused("ja").startswith("エラー: 監査の引数がありません。-- の後に auditor audit の引数を指定してください")
    assert refused("en").startswith("Error: No audit arguments: give auditor audit's arguments after --")
    assert refused("en", "--").startswith("Error: No audit arguments")


def test_audit_arguments_without_a_provider_are_refused():
    assert refused("ja", "--", "--target", "vendor-a").startswith("エラー: 監査の引数に --provider（-p）がありません。")
    assert refused("en", "--", "--target", "vendor-a").startswith(
        "Error: The audit arguments have no --provider (-p); every monthly audit would fail")


@pytest.mark.parametrize("options, named, entries", [
    (("--only", "cron", "--install-from", "git+https://example.org/auditor@v1"), "--install-from", "cron"),
    (("--only", "cron", "--kubernetes"), "--only", "--kubernetes"),
    (("--kubernetes", "--workdir", "/srv/audit", "--env-file", "/etc/a.env"), "--workdir, --env-file",
     "--kubernetes"),
    (("--only", "github-actions", "--store", "/srv/history.sqlite"), "--store", "github-actions"),
    (("--only", "cron", "--notify-webhook"), "--notify-webhook", "cron"),
    (("--only", "cron", "--name", "monthly"), "--name", "cron"),
    (("--shards", "8"), "--shards", "cron, github-actions, systemd-service, systemd-timer"),
    (("--aws-batch", "--image", "x", "--reports-claim", "r"), "--reports-claim", "--aws-batch"),
])
def test_options_that_shape_none_of_the_printed_entries_are_refused(options, named, entries):
    japanese = refused("ja", *options, "--", "-p", "aws")
    assert japanese.startswith(f"エラー: {named} は出力する設定（{entries}）のどれにも効きません。"), japanese
    english = refused("en", *options, "--", "-p", "aws")
    assert english.startswith(f"Error: {named} shapes none of the entries printed ({entries});"), english


@pytest.mark.parametrize("options", [
    ("--only", "cron", "--workdir", "/srv/audit", "--store", "/srv/history.sqlite"),
    ("--only", "github-actions", "--install-from", "git+https://example.org/auditor@v1", "--notify-webhook"),
    ("--github-actions", "--install-from", "git+https://example.org/auditor@v1", "--shards", "3"),
    ("--kubernetes", "--image", "registry.example/auditor:1", "--reports-claim", "reports"),
    ("--name", "monthly", "--notify-email", "it@example.jp"),
])
def test_options_that_shape_a_printed_entry_are_accepted(options):
    result = schedule("en", *options, "--", "-p", "aws", "--org")
    assert result.exit_code == 0, result.output
    assert result.output.strip()


@pytest.mark.parametrize("audit_args, ja, en", [
    (("-p", "aws", "--role-name", "AuditorReadOnly"),
     "エラー: 監査の引数の --role-name は auditor audit のオプションではありません",
     "Error: --role-name in the audit arguments is not an option of auditor audit"),
    (("-p", "aws", "--lang", "en"), "エラー: --lang は auditor の直後に指定します",
     "Error: Give --lang right after auditor (e.g. auditor --lang en schedule …)"),
    (("-p", "aws", "--target", "vendor-a", "--regions"), "エラー: 監査の引数の --regions に値がありません。",
     "Error: --regions in the audit arguments has no value"),
    (("-p", "aws", "vendor-a"), "エラー: 監査の引数の vendor-a はどのオプションの値でもありません",
     "Error: vendor-a in the audit arguments is not the value of any option"),
])
@pytest.mark.parametrize("entry", [(), ("--only", "cron"), ("--kubernetes",), ("--github-actions",)])
def test_audit_arguments_the_audit_command_rejects_are_refused(audit_args, ja, en, entry):
    assert refused("ja", *entry, "--", *audit_args).startswith(ja)
    assert refused("en", *entry, "--", *audit_args).startswith(en)


@pytest.mark.parametrize("audit_args, ja, en", [
    (("-p", "azure", "--tenant", "00000000-0000-0000-0000-000000000000"),
     "プロバイダー azure は分割できません", "provider azure cannot be sharded"),
    (("-p", "gcp", "--organization", "123456789"), "プロバイダー gcp は分割できません",
     "provider gcp cannot be sharded"),
    (("-p", "aws", "-p", "azure", "--org"), "プロバイダー azure は分割できません", "provider azure cannot be sharded"),
    (("-p", "aws", "--target", "vendor-a"), "監査の引数に --org が必要です", "so the audit arguments need --org"),
])
@pytest.mark.parametrize("engine", ["--kubernetes", "--github-actions", "--aws-batch"])
def test_a_sharded_entry_that_could_not_shard_is_refused(audit_args, ja, en, engine):
    assert ja in refused("ja", engine, "--shards", "4", "--", *audit_args)
    english = refused("en", engine, "--", *audit_args)
    assert en in english and "auditor schedule --only cron|systemd-service|github-actions" in english


@pytest.mark.parametrize("engines", [("--kubernetes", "--github-actions"), ("--kubernetes", "--aws-batch"),
                                     ("--github-actions", "--aws-batch", "--kubernetes")])
def test_two_job_engines_at_once_are_refused(engines):
    named = [flag for flag in ("--kubernetes", "--github-actions", "--aws-batch") if flag in engines]
    assert refused("ja", *engines, "--", "-p", "aws", "--org").startswith(
        f"エラー: {'、'.join(named)} は一緒に指定できません。")
    assert refused("en", *engines, "--", "-p", "aws", "--org").startswith(
        f"Error: {', '.join(named)} cannot be given together: each is a file of its own")
