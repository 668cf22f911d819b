"""As whom the audit runs, and the start-up failures a user meets before any evidence is read.

A delegated role is assumed with its external ID and named in the run; a role that cannot be assumed,
credentials that do not work, no base credentials for the role, an endpoint that answers with an HTML
page, one that refuses connections, one that never answers: each ends in one clear message (exit
code 2 from the command line), and a network problem is never called a credential problem."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.errors import AuditorError
from auditor.status import Status
from providers.aws.emulator.server import DUMMY_CREDENTIALS
from providers.aws.settings import AwsSettings
from tests.aws.conftest import ENVIRONMENT, TOKYO, denied
from tests.aws.estates import volume
from tests.endpoints import html_endpoint, silent_endpoint

ROLE = "arn:aws:iam::123456789012:role/MunicipalAuditReadOnly"
CREDENTIAL_WORDING = ("credentials could not be verified", "expired")


@pytest.fixture
def aws_env(monkeypatch):
    """An environment of the standard chain with nothing configured (no profile, no metadata server)."""
    for name, value in {**ENVIRONMENT, "AWS_EC2_METADATA_DISABLED": "true"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_ACCESS_KEY_ID",
                 "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _audit(tmp_path, *extra: str):
    return CliRunner().invoke(cli, ["--lang", "en", "audit", "--provider", "aws", "--regions", TOKYO,
                                    "--output", str(tmp_path / "out"), *extra])


def _with_dummy_credentials(env, endpoint: str) -> None:
    for name, value in DUMMY_CREDENTIALS.items():
        env.setenv(name, value)
    env.setenv("AWS_ENDPOINT_URL", endpoint)


def test_a_role_without_base_credentials_is_a_clear_error(aws_env, tmp_path):
    result = _audit(tmp_path, "--role-arn", ROLE, "--external-id", "city-2026")
    assert result.exit_code == 2, result.output
    assert f"no base AWS credentials to assume the role {ROLE}" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out" / "results.json").exists()


def test_an_endpoint_answering_html_is_named(aws_env, tmp_path):
    with html_endpoint() as url:
        _with_dummy_credentials(aws_env, url)
        result = _audit(tmp_path)
        assert result.exit_code == 2, result.output
        assert f"The answer of the AWS endpoint {url} could not be read" in result.output
        assert "not an AWS API response" in result.output
        role = _audit(tmp_path, "--role-arn", ROLE)
        assert role.exit_code == 2, role.output
        assert f"AWS endpoint {url} could not be read (sts:AssumeRole" in role.output
    assert not any(words in result.output for words in CREDENTIAL_WORDING)


def test_a_refused_connection_is_a_network_problem_not_a_credential_one(aws_env, tmp_path):
    _with_dummy_credentials(aws_env, "http://127.0.0.1:9")
    result = _audit(tmp_path)
    assert result.exit_code == 2, result.output
    assert "The AWS endpoint http://127.0.0.1:9 could not be reached (sts:GetCallerIdentity" in result.output
    assert not any(words in result.output for words in CREDENTIAL_WORDING)
    japanese = CliRunner().invoke(cli, ["--lang", "ja", "audit", "--provider", "aws", "--regions", TOKYO,
                                        "--output", str(tmp_path / "ja")])
    assert "接続できません" in japanese.output and "認証情報の期限切れ" not in japanese.output


@pytest.mark.parametrize("role", [False, True])
def test_a_silent_endpoint_ends_promptly_with_a_timeout(aws_env, tmp_path, role):
    aws_env.setenv("AUDITOR_CONNECT_TIMEOUT", "1")
    aws_env.setenv("AUDITOR_READ_TIMEOUT", "1")
    aws_env.setenv("AUDITOR_MAX_ATTEMPTS", "5")  # the credential check is still tried only once
    with silent_endpoint() as port:
        _with_dummy_credentials(aws_env, f"http://127.0.0.1:{port}")
        started = time.monotonic()
        result = _audit(tmp_path, *(("--role-arn", ROLE) if role else ()))
        elapsed = time.monotonic() - started
    assert result.exit_code == 2, result.output
    assert f"The AWS endpoint http://127.0.0.1:{port} did not answer in time (timeout)" in result.output
    assert ("sts:AssumeRole" if role else "sts:GetCallerIdentity") in result.output
    assert elapsed < 6, f"took {elapsed:.1f} s"


def test_default_limits_give_the_first_message_within_30_seconds():
    probe = AwsSettings().probe_config(environ={})
    assert probe.retries["total_max_attempts"] == 1
    assert probe.connect_timeout + probe.read_timeout < 30
    usual = AwsSettings().client_config(environ={})
    assert usual.retries == {"mode": "adaptive", "total_max_attempts": 3}
    tuned = AwsSettings().client_config(environ={"AUDITOR_READ_TIMEOUT": "45", "AUDITOR_MAX_ATTEMPTS": "6",
                                                 "AWS_MAX_ATTEMPTS": "2"})
    assert tuned.read_timeout == 45 and tuned.retries["total_max_attempts"] == 6
    assert AwsSettings().client_config(environ={"AWS_MAX_ATTEMPTS": "2"}).retries["total_max_attempts"] == 2


@pytest.mark.parametrize("name, value", [("AUDITOR_READ_TIMEOUT", "soon"), ("AUDITOR_CONNECT_TIMEOUT", "-1"),
                                         ("AUDITOR_MAX_ATTEMPTS", "0")])
def test_an_unusable_limit_is_refused_with_its_name(aws_env, tmp_path, name, value):
    _with_dummy_credentials(aws_env, "http://127.0.0.1:9")
    aws_env.setenv(name, value)
    result = _audit(tmp_path)
    assert result.exit_code == 2, result.output
    assert f"{name}={value!r} is not usable" in result.output


def test_delegated_role_with_external_id(shared):
    volume(shared, TOKYO, "delegated-data", encrypted=True)
    role = f"arn:aws:iam::{shared.account_id}:role/MunicipalAuditReadOnly"
    audit = shared.audit(kinds=frozenset({"aws.ec2.volume"}), role_arn=role, external_id="wakaba-2026",
                          role_session_name="wakaba-city-audit")
    identity = audit.collection.scope.identity
    assert identity["arn"].endswith("assumed-role/MunicipalAuditReadOnly/wakaba-city-audit")
    assert identity["role_arn"] == role and identity["external_id"] == "yes"
    assume = [params for service, op, params in shared.calls if (service, op) == ("sts", "AssumeRole")]
    assert assume and assume[0]["ExternalId"] == "wakaba-2026" and assume[0]["RoleArn"] == role
    assert audit.one("aws.ec2.volume_in_japan", "delegated-data").status is Status.PASS


def test_a_role_that_cannot_be_assumed_stops_with_a_clear_message(shared):
    shared.refuse("sts:AssumeRole", denied(message="not authorized to perform: sts:AssumeRole"))
    role = f"arn:aws:iam::{shared.account_id}:role/Missing"
    with pytest.raises(AuditorError) as raised:
        shared.collect(role_arn=role, external_id="city-ext-id")
    assert role in raised.value.message("en") and "外部 ID" in raised.value.message("ja")


def test_credentials_that_do_not_work_stop_the_audit(shared):
    shared.refuse("sts:GetCallerIdentity", denied("ExpiredToken",
                                                   "The security token included in the request is expired"))
    with pytest.raises(AuditorError) as raised:
        shared.collect()
    assert "ExpiredToken" in raised.value.message("en") and "認証情報" in raised.value.message("ja")
