"""As whom the audit runs: boto3's standard chain, ``--profile``, a delegated role with an external ID,
and one role per account of an organisation, and the identity they resolve to (``sts:GetCallerIdentity``).

Every session is guarded (:mod:`providers.aws.transport`) before any client is made from it. Credentials
that do not work at the start (expired, invalid, a role that cannot be assumed) stop the audit with a
clear message; a member account whose role cannot be assumed in ``--org`` mode becomes a gap instead.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from auditor.errors import AuditorError
from providers.aws.failures import TIMEOUTS, CallFailed, Failure, failure_of
from providers.aws.settings import DEFAULT_REGION, AwsSettings
from providers.aws.transport import guard_session, new_botocore_session, share_client_classes

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
        session = boto3.Session(botocore_session=new_botocore_session(), profile_name=profile or None)
    except ProfileNotFound:
        raise AuditorError(
            "raw",
            ja=f"AWS のプロファイル '{profile}' が見つかりません（~/.aws/config を確認してください）。",
            en=f"AWS profile '{profile}' was not found (check ~/.aws/config).",
        ) from None
    return _prepared(session, settings)


def _prepared(session: Any, settings: AwsSettings) -> Any:
    share_client_classes()
    guard_session(session)
    if settings.session_hook is not None:
        settings.session_hook(session)
    return session


def home_region(session: Any) -> str:
    return session.region_name or DEFAULT_REGION


def whoami(session: Any, settings: AwsSettings) -> Identity:
    """sts:GetCallerIdentity; credentials that do not work stop the audit with a readable message.

    The call is tried once (:meth:`AwsSettings.probe_config`): an endpoint that does not answer is
    reported after one timeout, as a network problem, never as a credential problem.
    """
    client = session.client("sts", region_name=home_region(session), config=settings.probe_config())
    try:
        answer = client.get_caller_identity()
        return Identity(answer["Account"], answer["Arn"], answer.get("UserId", ""))
    except Exception as error:
        failure = failure_of("sts", "GetCallerIdentity", error)
        if failure is None:
            if not malformed(error):
                raise
            raise not_an_aws_answer(client.meta.endpoint_url, "sts:GetCallerIdentity", error) from None
        if failure.kind == "unreachable":
            raise unreachable(client.meta.endpoint_url, failure) from None
        raise AuditorError(
            "raw",
            ja=f"AWS の認証情報を確認できません（{failure.error_code}: {failure.message}）。"
               "認証情報の期限切れ・誤り、またはプロファイル指定を確認してください。",
            en=f"The AWS credentials could not be verified ({failure.error_code}: {failure.messages[1]}). "
               "Check that they are valid and not expired, or choose another profile.",
        ) from None


def malformed(error: BaseException) -> bool:
    """True for what botocore raises on an answer it cannot take apart (an HTML page where XML or JSON
    was due): a parser error, or a lookup of the result element the page does not have."""
    from botocore.parsers import ResponseParserError

    return isinstance(error, ResponseParserError | KeyError | TypeError | ValueError)


def unreachable(endpoint: str, failure: Failure) -> AuditorError:
    """The endpoint could not be reached or did not answer in time (a network problem, not credentials)."""
    timed_out = failure.error_code in TIMEOUTS
    why_ja = "時間内に応答がありません（タイムアウト）" if timed_out else "接続できません"
    why_en = "did not answer in time (timeout)" if timed_out else "could not be reached"
    return AuditorError(
        "raw",
        ja=f"AWS のエンドポイント {endpoint} に{why_ja}（{failure.source}、{failure.error_code}）。"
           "ネットワーク、プロキシ、AWS_ENDPOINT_URL を確認してください（待ち時間は AUDITOR_CONNECT_TIMEOUT / "
           "AUDITOR_READ_TIMEOUT で変更できます）。",
        en=f"The AWS endpoint {endpoint} {why_en} ({failure.source}, {failure.error_code}). Check the network, "
           "the proxy and AWS_ENDPOINT_URL (AUDITOR_CONNECT_TIMEOUT / AUDITOR_READ_TIMEOUT change how long to wait).",
    )


def not_an_aws_answer(endpoint: str, source: str, error: BaseException) -> AuditorError:
    """The endpoint answered, but not as an AWS API does (an HTML page from a proxy or a portal)."""
    return AuditorError(
        "raw",
        ja=f"AWS のエンドポイント {endpoint} の応答を読めません（{source}: AWS API の応答ではありません。"
           f"{type(error).__name__}: {error}）。AWS_ENDPOINT_URL とプロキシを確認してください。",
        en=f"The answer of the AWS endpoint {endpoint} could not be read ({source}: not an AWS API response; "
           f"{type(error).__name__}: {error}). Check AWS_ENDPOINT_URL and the proxy.",
    )


class NotAnAwsAnswer(Exception):
    """The STS endpoint answered sts:AssumeRole, but not as AWS does (an HTML page from a proxy or a portal)."""

    def __init__(self, endpoint: str, role_arn: str, error: BaseException, answer: Mapping[str, Any]) -> None:
        self.endpoint = endpoint
        self.role_arn = role_arn
        self.error = error
        self.content_type = str(answer.get("content_type") or "")
        self.html = _html(self.content_type, answer.get("body") or b"")
        self.error_code = f"HTTP {answer.get('status')}"  # there is no AWS error code: the page has none
        super().__init__(f"{endpoint} answered sts:AssumeRole for {role_arn} with HTTP {answer.get('status')} "
                         f"and {self.content_type or 'no Content-Type'}")

    def messages(self) -> tuple[str, str]:
        """The cause, Japanese and English, for a gap of the account or for the message that stops the run."""
        if self.html:
            return (f"STS のエンドポイント {self.endpoint} が、AWS の XML ではなく HTML のページを返しました"
                    f"（ロール {self.role_arn}、{self.error_code}）。プロキシ、キャプティブポータル、"
                    "エンドポイントの指定（AWS_ENDPOINT_URL）を確認してください。",
                    f"The STS endpoint {self.endpoint} answered with an HTML page, not AWS XML (role "
                    f"{self.role_arn}, {self.error_code}) — check the proxy / endpoint (a captive portal, "
                    "AWS_ENDPOINT_URL).")
        shown = self.content_type or "Content-Type なし"
        return (f"STS のエンドポイント {self.endpoint} の応答が AWS の XML ではありません（ロール {self.role_arn}、"
                f"{shown}、{self.error_code}）。プロキシとエンドポイントの指定（AWS_ENDPOINT_URL）を確認してください。",
                f"The STS endpoint {self.endpoint} did not answer with AWS XML (role {self.role_arn}, "
                f"{self.content_type or 'no Content-Type'}, {self.error_code}) — check the proxy / endpoint "
                "(AWS_ENDPOINT_URL).")


def _html(content_type: str, body: bytes) -> bool:
    start = body[:512].lstrip().lower()
    return "html" in content_type.lower() or start.startswith((b"<!doctype html", b"<html"))


def _not_aws(error: BaseException, answer: dict[str, Any]) -> bool:
    """True when the failed first AssumeRole came back in something other than AWS's XML: botocore
    could not take the answer apart, or made an error of an HTTP status out of a page of another kind."""
    from botocore.exceptions import ClientError

    if not answer:  # nothing came back: a network failure, handled as such
        return False
    if isinstance(error, ClientError):  # no AWS error document: no code in it, or botocore fell back to the status
        code = str(error.response.get("Error", {}).get("Code") or "Unknown")
        return code == "Unknown" or code.isdigit() or _html(answer["content_type"], answer["body"])
    return malformed(error)


def assume_role(base: Any, role_arn: str, external_id: str | None, session_name: str, settings: AwsSettings) -> Any:
    """A session in the role, refreshed automatically before its credentials expire (long audits).

    Raises :class:`CallFailed` when the role cannot be assumed, :class:`NotAnAwsAnswer` when the STS
    endpoint does not answer as AWS does (an HTML page), and :class:`AuditorError` when there are no
    base credentials to assume it with. The first request is tried once (a silent endpoint is
    reported after one timeout); later refreshes retry as every other call does.
    """
    import boto3
    from botocore.credentials import AssumeRoleCredentialFetcher, DeferredRefreshableCredentials

    extra: dict[str, Any] = {"RoleSessionName": session_name}
    if external_id:
        extra["ExternalId"] = external_id
    source = base.get_credentials()
    if source is None:
        raise AuditorError(
            "raw",
            ja=f"ロール {role_arn} を引き受けるための元の AWS 認証情報がありません。環境変数、--profile、"
               "インスタンスロールなど、sts:AssumeRole を呼べる認証情報を用意してください。",
            en=f"There are no base AWS credentials to assume the role {role_arn} with. Provide credentials allowed "
               "to call sts:AssumeRole (environment variables, --profile, an instance role …).",
        )
    configs = iter((settings.probe_config(),))  # the first fetch is tried once; refreshes use the usual retries
    first: dict[str, Any] = {}  # the first fetch's endpoint and answer, to name a page that is not AWS's

    def client_creator(*args: Any, **kwargs: Any) -> Any:
        config = next(configs, None)
        client = base.client(*args, **{**kwargs, "config": config or settings.client_config()})
        if config is not None:
            first["endpoint"] = client.meta.endpoint_url
            client.meta.events.register("before-parse.sts.AssumeRole", functools.partial(_keep_answer, first))
        return client

    fetcher = AssumeRoleCredentialFetcher(
        client_creator=client_creator,
        source_credentials=source,
        role_arn=role_arn,
        extra_args=extra,
    )
    credentials = DeferredRefreshableCredentials(refresh_using=fetcher.fetch_credentials, method="assume-role")
    try:
        credentials.get_frozen_credentials()
    except Exception as error:
        if _not_aws(error, first.get("answer", {})):
            raise NotAnAwsAnswer(first["endpoint"], role_arn, error, first["answer"]) from error
        failure = failure_of("sts", "AssumeRole", error)
        if failure is None:
            raise
        raise CallFailed(failure) from error
    core = new_botocore_session()
    core._credentials = credentials  # botocore has no public setter for ready-made refreshable credentials
    session = boto3.Session(botocore_session=core, region_name=home_region(base))
    # The service models the base session has parsed already serve every account's clients (parsing
    # them again costs about 0.5 s per account); registered after boto3 set up the new session's own.
    core.register_component("data_loader", base._session.get_component("data_loader"))
    return _prepared(session, settings)


def _keep_answer(first: dict[str, Any], response_dict: Any = None, **_: Any) -> None:
    """``before-parse`` handler of the first AssumeRole: keep what kind of answer came back."""
    headers = (response_dict or {}).get("headers") or {}
    body = (response_dict or {}).get("body") or b""
    first["answer"] = {"status": (response_dict or {}).get("status_code"),
                       "content_type": str(headers.get("content-type") or headers.get("Content-Type") or ""),
                       "body": body if isinstance(body, bytes) else b""}


def assume_role_or_stop(base: Any, role_arn: str, external_id: str | None, session_name: str,
                        settings: AwsSettings) -> Any:
    try:
        return assume_role(base, role_arn, external_id, session_name, settings)
    except CallFailed as failed:
        if failed.failure.kind == "unreachable":
            raise unreachable(_sts_endpoint(base, settings), failed.failure) from None
        raise AuditorError(
            "raw",
            ja=f"ロール {role_arn} を引き受けられません（{failed.failure.error_code}: {failed.failure.message}）。"
               "ロールの信頼ポリシー（外部 ID を含む）と、監査者側の sts:AssumeRole 権限を確認してください。",
            en=f"Could not assume role {role_arn} ({failed.failure.error_code}: {failed.failure.messages[1]}). "
               "Check the role's trust policy (including the external ID) and the auditor's sts:AssumeRole permission.",
        ) from None
    except NotAnAwsAnswer as answer:
        raise not_an_aws_answer(answer.endpoint, "sts:AssumeRole", answer.error) from None
    except Exception as error:
        if not malformed(error):
            raise
        raise not_an_aws_answer(_sts_endpoint(base, settings), "sts:AssumeRole", error) from None


def _sts_endpoint(session: Any, settings: AwsSettings) -> str:
    return session.client("sts", region_name=home_region(session), config=settings.probe_config()).meta.endpoint_url


def member_role_arn(account: str, role_name: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account}:role/{role_name}"
