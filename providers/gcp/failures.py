"""A call that failed, as a value: HTTP status, Google's reason, message, and what would fix it.

Google answers errors as ``{"error": {"code", "message", "status", "details": [ErrorInfo …]}}``;
``google.api_core.exceptions`` parses that for both the Cloud Asset client and the plain REST GETs,
so a disabled API (``SERVICE_DISABLED``) and a missing permission (``IAM_PERMISSION_DENIED``) are
told apart the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from providers.gcp.calls import Call
from providers.paging import ERROR_CODE as PAGING_REFUSED


@dataclass(frozen=True)
class Failure:
    call: Call
    status: int
    reason: str
    message: str

    @property
    def code(self) -> str:
        """What a gap records as ``error_code``: Google's reason, else the HTTP status."""
        if self.reason:
            return self.reason
        return f"HTTP {self.status}" if self.status else "UNAVAILABLE"

    @property
    def api_disabled(self) -> bool:
        return self.reason in ("SERVICE_DISABLED", "API_DISABLED") or "has not been used in project" in self.message

    @property
    def fix(self) -> tuple[str, str]:
        """What would close the gap, in Japanese and English."""
        if self.reason == PAGING_REFUSED:
            return ("API のページ送りが正しく終わらなかった。時間をおいて再実行するか、これほど長い一覧であれば "
                    "AUDITOR_MAX_PAGES を引き上げる",
                    "the API's paging did not end properly; re-run later, or raise AUDITOR_MAX_PAGES for a listing "
                    "this long")
        if self.status == 0 and self.reason == "UNAVAILABLE":
            return ("ネットワーク、プロキシ、API のエンドポイントを確認する（待ち時間は AUDITOR_CONNECT_TIMEOUT / "
                    "AUDITOR_READ_TIMEOUT で設定する）",
                    "check the network, the proxy and the API endpoint (AUDITOR_CONNECT_TIMEOUT / "
                    "AUDITOR_READ_TIMEOUT set how long to wait)")
        if self.status == 404:
            return ("見つからない（ディレクトリのユーザーの場合: この ID が読む Cloud Identity / Workspace の"
                    "アカウントにいない）",
                    "not found (for a directory user: not in the Cloud Identity / Workspace account this identity "
                    "reads)")
        if self.api_disabled:
            host = self.call.api.host
            return (f"プロジェクトで {host} を有効にするか、そのまま監査する（その機能は使われていないことになる）",
                    f"enable {host} in the project, or audit it as it is (the feature is then unused)")
        return f"{self.call.grant} を付与する", f"grant {self.call.grant}"

    def describe(self) -> tuple[str, str]:
        """One line, Japanese and English, for a finding's reason or an unreadable attribute's cause."""
        said = f"{self.call.source} → {self.code}: {self.message}"
        ja, en = self.fix
        return f"{said} [{ja}]", f"{said} [{en}]"


def failure_from_exception(call: Call, error: Exception) -> Failure:
    """Turn a ``GoogleAPICallError`` or a transport error into a :class:`Failure`."""
    from google.api_core import exceptions as core
    from google.auth import exceptions as auth

    if isinstance(error, auth.GoogleAuthError):
        return Failure(call, 401, "UNAUTHENTICATED", f"credentials could not be refreshed: {error}")
    if isinstance(error, core.GoogleAPICallError):
        status = int(error.code) if isinstance(error.code, int) else _http_status(error)
        return Failure(call, status, error.reason or _status_name(error), error.message or str(error))
    return Failure(call, 0, "UNAVAILABLE", f"{type(error).__name__}: {error}")


def _http_status(error) -> int:
    response = getattr(error, "response", None)
    return int(getattr(response, "status_code", 0) or 0)


def _status_name(error) -> str:
    grpc_status = getattr(error, "grpc_status_code", None)
    return grpc_status.name if grpc_status is not None else ""
