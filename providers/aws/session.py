"""Credentials as users have them: boto3's standard chain, ``--profile``, a delegated role with an
external ID, and one role per account of an organisation.

Every session is guarded (:mod:`providers.aws.guard`) before any client is made from it. Credentials
that do not work at the start (expired, invalid, a role that cannot be assumed) stop the audit with a
clear message; a member account whose role cannot be assumed in ``--org`` mode becomes a gap instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auditor.errors import AuditorError
from providers.aws.failures import CallFailed, failure_of
from providers.aws.guard import guard_session
from providers.aws.settings import DEFAULT_REGION, AwsSettings

DEFAULT_SESSION_NAME = "municipal-cloud-auditor"
DEFAULT_ORG_ROLE = "OrganizationAccountAccessRole"


@dataclass(frozen=True)
class Identity:
    account: str
    arn: str
    user_id: str


def open_session(profile: str | None, settings: AwsSettings) -> Any:
    """The base session: a named profile, or boto3's default chain (environment, SSO, instance role …)."""
    import boto3
    from botocore.exceptions import ProfileNotFound

    try:
        session = boto3.Session(profile_name=profile or None)
    except ProfileNotFound:
        raise AuditorError(
            "raw",
            ja=f"AWS のプロファイル '{profile}' が見つかりません（~/.aws/config を確認してください）。",
            en=f"AWS profile '{profile}' was not found (check ~/.aws/config).",
        ) from None
    return _prepared(session, settings)


def _prepared(session: Any, settings: AwsSettings) -> Any:
    guard_session(session)
    if settings.session_hook is not None:
        settings.session_hook(session)
    return session


def home_region(session: Any) -> str:
    return session.region_name or DEFAULT_REGION


def whoami(session: Any, settings: AwsSettings) -> Identity:
    """sts:GetCallerIdentity; credentials that do not work stop the audit with a readable message."""
    try:
        client = session.client("sts", region_name=home_region(session), config=settings.client_config())
        answer = client.get_caller_identity()
    except Exception as error:
        failure = failure_of("sts", "GetCallerIdentity", error)
        if failure is None:
            raise
        raise AuditorError(
            "raw",
            ja=f"AWS の認証情報を確認できません（{failure.error_code}: {failure.message}）。"
               "認証情報の期限切れ・誤り、またはプロファイル指定を確認してください。",
            en=f"The AWS credentials could not be verified ({failure.error_code}: {failure.message}). "
               "Check that they are valid and not expired, or choose another profile.",
        ) from None
    return Identity(answer["Account"], answer["Arn"], answer.get("UserId", ""))


def assume_role(base: Any, role_arn: str, external_id: str | None, session_name: str, settings: AwsSettings) -> Any:
    """A session in the role, refreshed automatically before its credentials expire (long audits).

    Raises :class:`CallFailed` when the role cannot be assumed.
    """
    import boto3
    import botocore.session
    from botocore.credentials import AssumeRoleCredentialFetcher, DeferredRefreshableCredentials

    extra: dict[str, Any] = {"RoleSessionName": session_name}
    if external_id:
        extra["ExternalId"] = external_id
    fetcher = AssumeRoleCredentialFetcher(
        client_creator=lambda *args, **kwargs: base.client(*args, **{**kwargs, "config": settings.client_config()}),
        source_credentials=base.get_credentials(),
        role_arn=role_arn,
        extra_args=extra,
    )
    credentials = DeferredRefreshableCredentials(refresh_using=fetcher.fetch_credentials, method="assume-role")
    try:
        credentials.get_frozen_credentials()
    except Exception as error:
        failure = failure_of("sts", "AssumeRole", error)
        if failure is None:
            raise
        raise CallFailed(failure) from error
    core = botocore.session.Session()
    core._credentials = credentials  # botocore has no public setter for ready-made refreshable credentials
    session = boto3.Session(botocore_session=core, region_name=home_region(base))
    return _prepared(session, settings)


def assume_role_or_stop(base: Any, role_arn: str, external_id: str | None, session_name: str,
                        settings: AwsSettings) -> Any:
    try:
        return assume_role(base, role_arn, external_id, session_name, settings)
    except CallFailed as failed:
        raise AuditorError(
            "raw",
            ja=f"ロール {role_arn} を引き受けられません（{failed.failure.error_code}: {failed.failure.message}）。"
               "ロールの信頼ポリシー（外部 ID を含む）と、監査者側の sts:AssumeRole 権限を確認してください。",
            en=f"Could not assume role {role_arn} ({failed.failure.error_code}: {failed.failure.message}). "
               "Check the role's trust policy (including the external ID) and the auditor's sts:AssumeRole permission.",
        ) from None


def member_role_arn(account: str, role_name: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account}:role/{role_name}"
