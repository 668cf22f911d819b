"""Calls that could not be made, as values: the cause of a gap or of an unreadable attribute.

Every botocore error a read can end in (denied, opt-in region, unknown endpoint, throttled after the
retries, an API the endpoint does not implement) becomes a :class:`CallFailed` naming the call, its
error code and the permission that would close it. The collection turns a failed listing into a
:class:`~auditor.model.Gap` and a failed follow-up into ``Evidence.unreadable``; nothing is skipped
silently and one failing service never stops the run.
"""

from __future__ import annotations

from dataclasses import dataclass

from providers.aws.calls import iam_action

DENIED = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
    "UnauthorizedAccess", "Client.UnauthorizedOperation", "AuthFailure", "UnrecognizedClientException",
    "InvalidClientTokenId", "OptInRequired", "SubscriptionRequiredException", "NotAuthorized",
})
THROTTLED = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded",
    "TooManyRequestsException", "SlowDown", "RequestThrottled", "RequestThrottledException",
})
#: Network failures: the endpoint could not be reached or did not answer in time (never a credential problem).
UNREACHABLE = frozenset({
    "EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError", "ConnectionClosedError",
    "ProxyConnectionError", "ConnectionError", "HTTPClientError",
})
TIMEOUTS = frozenset({"ConnectTimeoutError", "ReadTimeoutError"})


@dataclass(frozen=True)
class Failure:
    """Why one call failed.

    ``message`` is the cloud's own message, or the tool's Japanese wording of the failure; a message
    the tool words itself comes with its English in ``message_en`` (empty when the cloud worded it).
    """

    service: str
    operation: str
    error_code: str
    message: str
    message_en: str = ""

    @property
    def source(self) -> str:
        return f"{self.service}:{self.operation}"

    @property
    def permission(self) -> str:
        return iam_action(self.service, self.operation)

    @property
    def kind(self) -> str:
        if self.error_code in DENIED:
            return "denied"
        if self.error_code in THROTTLED:
            return "throttled"
        if self.error_code in UNREACHABLE:
            return "unreachable"
        return "error"

    @property
    def messages(self) -> tuple[str, str]:
        """The message in Japanese and in English (the cloud's own message serves both)."""
        return self.message, self.message_en or self.message

    def cause(self) -> tuple[str, str]:
        """``Evidence.unreadable``'s cause, Japanese and English: what failed, why, what permission it needs."""
        denied = self.kind == "denied"
        hint_ja = f"（必要な権限: {self.permission}）" if denied else ""
        hint_en = f" (needs {self.permission})" if denied else ""
        ja, en = self.messages
        return (f"{self.source} の呼び出しに失敗（{self.error_code}）: {ja}{hint_ja}",
                f"{self.source} failed ({self.error_code}): {en}{hint_en}")


class CallFailed(Exception):
    """Raised by the call helpers; carries the :class:`Failure`."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.cause()[1])
        self.failure = failure


def failure_of(service: str, operation: str, error: BaseException) -> Failure | None:
    """Classify a botocore exception; ``None`` for anything that is not a cloud-side failure (a bug)."""
    from botocore import exceptions as bce

    if isinstance(error, bce.ClientError):
        info = error.response.get("Error", {}) if isinstance(error.response, dict) else {}
        code = str(info.get("Code") or error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or "Unknown")
        message = str(info.get("Message") or error).strip()
        if code.isdigit():
            return Failure(service, operation, code, *_http_message(code, message))
        return Failure(service, operation, code, message[:500])
    if isinstance(error, bce.NoCredentialsError | bce.PartialCredentialsError):
        return Failure(service, operation, type(error).__name__, str(error))
    if isinstance(error, bce.ConnectTimeoutError | bce.ReadTimeoutError):
        return Failure(service, operation, type(error).__name__,
                       f"エンドポイントが時間内に応答しない（タイムアウト）: {error}",
                       f"the endpoint did not answer in time (timeout): {error}")
    if isinstance(error, bce.EndpointConnectionError | bce.ConnectionError | bce.HTTPClientError):
        return Failure(service, operation, type(error).__name__, f"エンドポイントに接続できない: {error}",
                       f"the endpoint could not be reached: {error}")
    if isinstance(error, bce.UnknownEndpointError | bce.UnknownRegionError | bce.NoRegionError):
        return Failure(service, operation, type(error).__name__, f"このリージョンにエンドポイントがない: {error}",
                       f"there is no endpoint in this region: {error}")
    if isinstance(error, bce.BotoCoreError):
        return Failure(service, operation, type(error).__name__, str(error))
    return None


def _http_message(code: str, message: str) -> tuple[str, str]:
    """A bare HTTP status in the tool's words, Japanese and English."""
    if code == "500" and "not been implemented" in message:
        return ("エンドポイントがこの操作を実装していない（HTTP 500）",
                "the endpoint does not implement this operation (HTTP 500)")
    if code in ("501", "500"):
        return (f"エンドポイントが HTTP {code} を返した（この操作が未実装の可能性）",
                f"the endpoint returned HTTP {code} (the operation may not be implemented)")
    if code == "404":
        return ("エンドポイントが HTTP 404 を返した（このリージョンにサービスがない可能性）",
                "the endpoint returned HTTP 404 (the service may not exist in this region)")
    return f"HTTP {code}: {message[:200]}", ""
