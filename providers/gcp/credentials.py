"""Credentials for a GCP audit, and who the audit runs as.

The standard chain (DESIGN §6): Application Default Credentials — a service-account key file named
by ``GOOGLE_APPLICATION_CREDENTIALS``, ``gcloud auth application-default login``, workload identity
federation, or the metadata server on Google Cloud — optionally impersonating a service account
(``--impersonate-service-account``) for a delegated audit. The identity recorded in the run is the
principal the API calls are made as.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import google.auth
from google.auth import exceptions as auth_exceptions
from google.auth import impersonated_credentials

from auditor.errors import AuditorError
from providers.gcp.calls import CLOUD_PLATFORM_SCOPE, DIRECTORY_SCOPE

SCOPES = (CLOUD_PLATFORM_SCOPE, DIRECTORY_SCOPE)
IMPERSONATION_LIFETIME = 3600


@dataclass(frozen=True)
class AuditCredentials:
    credentials: object
    default_project: str
    identity: Mapping[str, str]


def load_credentials(impersonate: str = "") -> AuditCredentials:
    """Find credentials through ADC; wrap them for impersonation when asked."""
    try:
        source, project = google.auth.default(scopes=list(SCOPES))
    except auth_exceptions.DefaultCredentialsError as error:
        raise AuditorError(
            "raw",
            ja="GCP の認証情報が見つかりません。gcloud auth application-default login を実行するか、"
            f"GOOGLE_APPLICATION_CREDENTIALS にサービスアカウント鍵ファイルを指定してください（{error}）",
            en="No GCP credentials found. Run 'gcloud auth application-default login' or point "
            f"GOOGLE_APPLICATION_CREDENTIALS at a service-account key file ({error}).",
        ) from None
    identity = describe(source)
    credentials = source
    if impersonate:
        credentials = impersonated_credentials.Credentials(
            source_credentials=source,
            target_principal=impersonate,
            target_scopes=list(SCOPES),
            lifetime=IMPERSONATION_LIFETIME,
        )
        identity = {
            "principal": impersonate,
            "credential_type": "impersonated_service_account",
            "impersonated_by": identity.get("principal", ""),
            "source_credential_type": identity.get("credential_type", ""),
        }
    return AuditCredentials(credentials, project or "", identity)


def ensure_token(credentials, environ=None) -> None:
    """Get an access token now, so a credential problem stops the audit with one clear message."""
    from providers.gcp.transport import auth_request_session

    try:
        credentials.refresh(auth_request_session(environ))
    except auth_exceptions.TransportError as error:
        raise AuditorError(
            "raw",
            ja="GCP のトークンエンドポイントに接続できないか、時間内に応答がありません（認証情報の問題ではありません。"
            f"ネットワーク・プロキシを確認してください。待ち時間は AUDITOR_READ_TIMEOUT で変更できます）: {error}",
            en="The GCP token endpoint could not be reached or did not answer in time (not a credential problem: "
            f"check the network and the proxy; AUDITOR_READ_TIMEOUT sets how long to wait): {error}",
        ) from None
    except auth_exceptions.GoogleAuthError as error:
        raise AuditorError(
            "raw",
            ja="GCP のアクセストークンを取得できません（認証情報またはサービスアカウント借用の権限を"
            f"確認してください）: {error}",
            en=f"Could not get a GCP access token (check the credentials or the impersonation grant): {error}",
        ) from None


def describe(credentials) -> dict[str, str]:
    """The principal and kind of a google-auth credentials object, without calling any API."""
    module = type(credentials).__module__
    kind = {
        "google.oauth2.service_account": "service_account",
        "google.oauth2.credentials": "authorized_user",
        "google.auth.compute_engine.credentials": "compute_engine",
        "google.auth.impersonated_credentials": "impersonated_service_account",
        "google.auth.identity_pool": "external_account",
        "google.auth.aws": "external_account",
        "google.auth.pluggable": "external_account",
    }.get(module, type(credentials).__name__)
    principal = (
        getattr(credentials, "service_account_email", None)
        or getattr(credentials, "_target_principal", None)
        or getattr(credentials, "account", None)
        or ""
    )
    if principal == "default":  # the metadata server's default service account before the first refresh
        principal = "default compute service account"
    identity = {"credential_type": kind, "principal": principal or "(not stated by the credentials)"}
    quota_project = getattr(credentials, "quota_project_id", None)
    if quota_project:
        identity["quota_project"] = quota_project
    return identity
