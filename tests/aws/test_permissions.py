"""``auditor permissions aws``: the printed policy grants every call a full collection makes, and
nothing that is not a read; the trust policy carries the external ID."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from providers.aws.calls import AUDITOR_SIDE, UNGATED, iam_action
from providers.aws.plugin import provider
from providers.aws.transport import READ_PREFIXES


def _policy_actions(options: dict) -> set[str]:
    document = json.loads(provider.permissions(list(provider.checks()), options, "json"))
    return {a for s in document["permissions_policy"]["Statement"] for a in s["Action"]}


def ungranted(calls, options: dict) -> list[str]:
    """The IAM actions of recorded calls that the printed policy does not grant."""
    made = {iam_action(service, operation) for service, operation, _ in calls} - UNGATED - AUDITOR_SIDE
    return sorted(made - _policy_actions(options))


def test_the_region_sweep_is_granted(account):
    account.collect(regions=None, kinds=frozenset({"aws.ec2.ebs_default_encryption"}))
    assert ("ec2", "DescribeRegions") in {(service, op) for service, op, _ in account.calls}
    assert ungranted(account.calls, {}) == []


def test_the_policy_grants_only_reads():
    for action in _policy_actions({"org": True}):
        verb = action.split(":", 1)[1]
        assert verb.startswith(READ_PREFIXES) or verb in ("GenerateCredentialReport", "GET"), action


def test_json_and_text_with_the_trust_policy():
    runner = CliRunner()
    result = runner.invoke(cli, ["permissions", "aws", "--format", "json", "--external-id", "wakaba-2026",
                                 "--auditor-account", "111122223333"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    (statement,) = document["trust_policy"]["Statement"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": "wakaba-2026"}}
    assert "ec2:DescribeVolumes" in document["permissions_policy"]["Statement"][0]["Action"]
    text = runner.invoke(cli, ["permissions", "aws", "--format", "text", "--external-id", "wakaba-2026",
                               "--auditor-account", "111122223333"]).output
    assert "sts:ExternalId" in text and "residency.japan" in text and "--role-arn" in text
    bare = runner.invoke(cli, ["permissions", "aws", "--format", "text"]).output
    assert "--auditor-account" in bare


def test_an_external_id_without_the_auditor_account_is_refused_with_the_missing_option_named():
    for lang, missing in (("en", "--auditor-account ACCOUNT"), ("ja", "--auditor-account ACCOUNT")):
        result = CliRunner().invoke(cli, ["--lang", lang, "permissions", "aws", "--external-id", "wakaba-2026"])
        assert result.exit_code == 2 and "Traceback" not in result.output
        [line] = result.output.splitlines()
        assert missing in line and "--policy-only" in line and "trust_policy" not in line


def test_policy_only_is_the_iam_policy_document_alone():
    runner = CliRunner()
    full = json.loads(runner.invoke(cli, ["permissions", "aws", "--org"]).output)
    for extra in ([], ["--external-id", "wakaba-2026"], ["--format", "text"]):
        result = runner.invoke(cli, ["permissions", "aws", "--org", "--policy-only", *extra])
        assert result.exit_code == 0, result.output
        document = json.loads(result.output)  # nothing around it: pastes into the console's JSON editor
        assert set(document) == {"Version", "Statement"} and document == full["permissions_policy"]
        assert all(set(s) == {"Sid", "Effect", "Action", "Resource"} for s in document["Statement"])
        assert "organizations:ListAccounts" in document["Statement"][0]["Action"]


def test_permissions_help_offers_only_the_options_that_shape_each_clouds_grant():
    listing = CliRunner().invoke(cli, ["permissions", "--help"]).output
    assert all(name in listing for name in ("aws", "azure", "gcp"))
    assert "--external-id" not in listing and "--subscription" not in listing
    offered = {"aws": ("--external-id", "--auditor-account", "--org ", "--policy-only"),
               "azure": ("--subscription", "--client-id", "--policy-only"),
               "gcp": ("--project", "--folder", "--organization", "--impersonate-service-account")}
    for cloud, own in offered.items():
        text = CliRunner().invoke(cli, ["permissions", cloud, "--help"]).output
        assert all(option in text for option in own), (cloud, text)
        others = [option for other, theirs in offered.items() if other != cloud for option in theirs
                  if option != "--policy-only" and option not in own]
        assert not [option for option in others if option in text], (cloud, text)
        for audit_only in ("--role-arn", "--profile", "--regions", "--role-session-name", "--tenant",
                           "--connection-verify", "--org-role"):
            assert audit_only not in text
    audit = CliRunner().invoke(cli, ["audit", "--help"]).output
    assert "--role-arn" in audit and "--auditor-account" in audit and "--policy-only" not in audit


@pytest.mark.parametrize("args, japanese, english", [
    (("--client-id", "x"), "--client-id は azure のオプションです。auditor permissions aws には指定できません。",
     "--client-id is an option of azure; auditor permissions aws does not take it."),
    (("--project", "p"), "--project は gcp のオプションです。", "--project is an option of gcp;"),
    (("--role-arn", "arn:aws:iam::1:role/x"), "--role-arn は監査だけに使うオプションで、付与する権限を変えません。",
     "--role-arn only matters for an audit and does not change the grant;"),
])
def test_an_option_that_does_not_shape_the_aws_grant_is_refused_in_one_line(args, japanese, english):
    for lang, expected in (("ja", "エラー: " + japanese), ("en", "Error: " + english)):
        result = CliRunner().invoke(cli, ["--lang", lang, "permissions", "aws", *args])
        assert result.exit_code == 2 and result.output.startswith(expected), result.output
        assert len(result.output.splitlines()) == 1


def test_an_unknown_cloud_is_refused_with_the_known_ones():
    result = CliRunner().invoke(cli, ["--lang", "en", "permissions", "nope"])
    assert result.exit_code == 2 and result.output.startswith("Error: Unknown provider 'nope'. Known providers: ")
