"""The credential the audit runs as, and who that turned out to be.

A service principal with a secret or a certificate (``--client-id`` with ``AZURE_CLIENT_SECRET`` or
``AZURE_CLIENT_CERTIFICATE_PATH`` in the environment) is used directly; otherwise azure-identity's
``DefaultAzureCredential`` chain (environment, workload identity, managed identity, Azure CLI, …).
The caller is read from the claims of the management token (``tid``, ``oid``, ``appid``), so it
needs no extra permission. :class:`SharedTokens` hands every channel and thread of one audit the
same token per scope.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from providers.azure.settings import Settings


def build_credential(settings: Settings) -> Any:
    from azure.identity import CertificateCredential, ClientSecretCredential, DefaultAzureCredential

    common: dict[str, Any] = {"connection_verify": settings.connection_verify, **settings.credential_transport}
    if settings.authority_host:
        common["authority"] = settings.authority_host
    if not settings.authority_is_known:
        common["disable_instance_discovery"] = True
    if settings.client_id and settings.tenant and settings.client_secret:
        return ClientSecretCredential(settings.tenant, settings.client_id, settings.client_secret, **common)
    if settings.client_id and settings.tenant and settings.client_certificate_path:
        return CertificateCredential(
            settings.tenant, settings.client_id, settings.client_certificate_path,
            password=settings.client_certificate_password or None, **common,
        )
    common.pop("disable_instance_discovery", None)
    credential = DefaultAzureCredential(additionally_allowed_tenants=["*"] if settings.tenant else [], **common)
    return TenantCredential(credential, settings.tenant) if settings.tenant else credential


class TenantCredential:
    """Ask a credential chain for tokens of one tenant (``--tenant`` without a service principal)."""

    def __init__(self, inner: Any, tenant: str) -> None:
        self._inner = inner
        self._tenant = tenant

    def get_token(self, *scopes: str, **kwargs: Any):
        kwargs.setdefault("tenant_id", self._tenant)
        return self._inner.get_token(*scopes, **kwargs)

    def close(self) -> None:
        self._inner.close()


#: A shared token is fetched again this many seconds before it expires (azure-core's refresh window).
REFRESH_MARGIN_SECONDS = 300


class SharedTokens:
    """One access token per scope for a whole audit, shared by every channel and thread.

    Each azure-core bearer policy caches its own token, without a lock, so the ARM, Resource Graph
    and Microsoft Graph channels and their parallel requests would each ask the credential (for the
    Azure CLI a process per call; for a cold cache a request to the authority). Here one token per
    scope (and request options) is fetched once, under a lock, and handed out until it is within
    ``margin`` seconds of its expiry. A claims challenge (Continuous Access Evaluation) always goes
    to the credential.
    """

    def __init__(self, inner: Any, margin: float = REFRESH_MARGIN_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self._inner = inner
        self._margin = margin
        self._clock = clock
        self._tokens: dict[tuple, Any] = {}
        self._locks: dict[tuple, threading.Lock] = {}
        self._guard = threading.Lock()

    def get_token(self, *scopes: str, **kwargs: Any):
        if kwargs.get("claims"):
            return self._inner.get_token(*scopes, **kwargs)
        key = (scopes, tuple(sorted((name, repr(value)) for name, value in kwargs.items())))
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            token = self._tokens.get(key)
            if token is None or token.expires_on - self._clock() <= self._margin:
                token = self._inner.get_token(*scopes, **kwargs)
                self._tokens[key] = token
            return token

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if callable(close):
            close()


def token_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT access token, decoded without verification (only to name the caller)."""
    parts = token.split(".")
    if len(parts) < 2:
        return {}
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except ValueError:
        return {}
    return claims if isinstance(claims, dict) else {}


def caller_identity(claims: dict[str, Any], settings: Settings) -> dict[str, str]:
    identity = {
        "tenant": str(claims.get("tid") or settings.tenant or ""),
        "object_id": str(claims.get("oid") or ""),
        "app_id": str(claims.get("appid") or claims.get("azp") or settings.client_id or ""),
        "name": str(claims.get("upn") or claims.get("unique_name") or claims.get("app_displayname") or ""),
        "kind": "user" if claims.get("upn") or claims.get("scp") else "service principal",
        "arm_endpoint": settings.arm_endpoint,
        "graph_endpoint": settings.graph_endpoint,
    }
    return {key: value for key, value in identity.items() if value}
