"""Where the adapter connects and how: API hosts and endpoint overrides, the follow-up pool, retries.

Endpoints follow DESIGN §6: ``AUDITOR_GCP_ASSET_ENDPOINT`` for Cloud Asset, and the same pattern
(``AUDITOR_GCP_<API>_ENDPOINT``) for the other APIs; each may be ``http://`` (local emulator) or a
private endpoint. The REST follow-ups run on a pool of :data:`WORKERS` threads. Timeouts, the number
of attempts and the page limit come from :class:`auditor.network.NetworkLimits`
(``AUDITOR_CONNECT_TIMEOUT``, ``AUDITOR_READ_TIMEOUT``, ``AUDITOR_MAX_ATTEMPTS``, ``AUDITOR_MAX_PAGES``).
:class:`GcpOptions` reads which scopes to audit, and as whom, from the ``auditor audit`` / ``auditor
permissions`` options. Nothing here imports a Google library.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from auditor.errors import AuditorError

#: REST follow-ups in flight at once (one thread each).
WORKERS = 8

#: REST answers worth another try, and the waits before the second, third and fourth attempt.
RETRY_STATUSES = frozenset({429, 500, 503})
RETRY_DELAYS = (0.5, 2.0, 4.0)


@dataclass(frozen=True)
class Api:
    """One Google API host."""

    key: str
    title: str
    host: str
    env_var: str

    def base_url(self, environ: Mapping[str, str] | None = None) -> str:
        """``https://host`` or the override from the environment, without a trailing slash."""
        env = os.environ if environ is None else environ
        override = (env.get(self.env_var) or "").strip().rstrip("/")
        if not override:
            return f"https://{self.host}"
        return override if "://" in override else f"https://{override}"


ASSET = Api("asset", "Cloud Asset API", "cloudasset.googleapis.com", "AUDITOR_GCP_ASSET_ENDPOINT")
IDS = Api("ids", "Cloud IDS API", "ids.googleapis.com", "AUDITOR_GCP_IDS_ENDPOINT")
SCC = Api(
    "securitycentermanagement", "Security Command Center Management API", "securitycentermanagement.googleapis.com",
    "AUDITOR_GCP_SECURITYCENTERMANAGEMENT_ENDPOINT",
)
OSCONFIG = Api("osconfig", "OS Config API", "osconfig.googleapis.com", "AUDITOR_GCP_OSCONFIG_ENDPOINT")
ACCESS_CONTEXT = Api(
    "accesscontextmanager", "Access Context Manager API", "accesscontextmanager.googleapis.com",
    "AUDITOR_GCP_ACCESSCONTEXTMANAGER_ENDPOINT",
)
DIRECTORY = Api("admin", "Admin SDK Directory API", "admin.googleapis.com", "AUDITOR_GCP_ADMIN_ENDPOINT")
IAM_CREDENTIALS = Api(
    "iamcredentials", "IAM Service Account Credentials API", "iamcredentials.googleapis.com",
    "AUDITOR_GCP_IAMCREDENTIALS_ENDPOINT",
)

ALL_APIS = (ASSET, IDS, SCC, OSCONFIG, ACCESS_CONTEXT, DIRECTORY, IAM_CREDENTIALS)


_PROJECT_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$|^[a-z][a-z0-9.:-]{3,62}$")
_NUMBER = re.compile(r"^\d{1,20}$")


@dataclass(frozen=True)
class GcpOptions:
    """The parsed GCP options: the asset scopes (``projects/P``, ``folders/N``, ``organizations/N``)."""

    scopes: tuple[str, ...]
    impersonate: str = ""

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any]) -> GcpOptions:
        scopes: list[str] = []
        for value in _values(options.get("organization")):
            scopes.append(_numbered("organizations", value))
        for value in _values(options.get("folder")):
            scopes.append(_numbered("folders", value))
        for value in _values(options.get("project")):
            project = value.removeprefix("projects/")
            if not _PROJECT_ID.match(project):
                raise _bad("--project", value)
            scopes.append(f"projects/{project}")
        impersonate = (options.get("impersonate_service_account") or "").strip()
        if impersonate and "@" not in impersonate:
            raise _bad("--impersonate-service-account", impersonate)
        return cls(tuple(dict.fromkeys(scopes)), impersonate)


def _values(value: Any) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return [str(item).strip() for item in items if str(item).strip()]


def _numbered(kind: str, value: str) -> str:
    number = value.removeprefix(f"{kind}/")
    if not _NUMBER.match(number):
        raise _bad(f"--{kind[:-1]}", value)
    return f"{kind}/{number}"


def _bad(option: str, value: str) -> AuditorError:
    return AuditorError(
        "raw",
        ja=f"GCP の指定 {option} {value!r} が不正です。",
        en=f"Invalid GCP option {option} {value!r}.",
    )
