"""The Google APIs the adapter reads, each with its endpoint override, and the calls it makes on them.

Every call is declared once here with the IAM permission it needs and the predefined role that grants
it, so gaps name the exact grant that would close them and ``auditor permissions gcp`` prints them.
Endpoints follow DESIGN §6: ``AUDITOR_GCP_ASSET_ENDPOINT`` for Cloud Asset, and the same pattern
(``AUDITOR_GCP_<API>_ENDPOINT``) for the other APIs; each may be ``http://`` (local emulator) or a
private endpoint. Nothing here imports a Google library.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


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


@dataclass(frozen=True)
class Call:
    """One read-only method the adapter calls, with what a city must grant for it."""

    api: Api
    method: str
    permission: str
    role: str
    hint: str = ""

    @property
    def source(self) -> str:
        """How findings and gaps name the call, e.g. ``ids:projects.locations.endpoints.list``."""
        return f"{self.api.key}:{self.method}"

    @property
    def grant(self) -> str:
        if self.hint:
            return self.hint
        return f"{self.permission} ({self.role})" if self.permission else self.role


ASSET_VIEWER = "roles/cloudasset.viewer"
DIRECTORY_SCOPE = "https://www.googleapis.com/auth/admin.directory.user.readonly"
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"

WORKSPACE_GRANT_JA = (
    "Cloud Identity / Google Workspace の管理コンソールで、監査用サービスアカウントに「ユーザー › 読み取り」権限"
    "（Admin API 権限）を含む管理者ロールを割り当てる（OAuth スコープ " + DIRECTORY_SCOPE + "）"
)
WORKSPACE_GRANT_EN = (
    "in the Cloud Identity / Google Workspace Admin console, assign the auditing service account an admin role "
    "with the Admin API privilege Users › Read (OAuth scope " + DIRECTORY_SCOPE + ")"
)

#: Not an IAM permission: Cloud Identity / Workspace admin privileges.
GET_DIRECTORY_USER = Call(
    DIRECTORY, "directory.users.get", "", "Cloud Identity / Workspace admin role", hint=WORKSPACE_GRANT_EN
)

LIST_RESOURCES = Call(ASSET, "assets.list[RESOURCE]", "cloudasset.assets.listResource", ASSET_VIEWER)
LIST_IAM_POLICIES = Call(ASSET, "assets.list[IAM_POLICY]", "cloudasset.assets.listIamPolicy", ASSET_VIEWER)
LIST_ORG_POLICIES = Call(ASSET, "assets.list[ORG_POLICY]", "cloudasset.assets.listOrgPolicy", ASSET_VIEWER)
LIST_ACCESS_POLICIES = Call(ASSET, "assets.list[ACCESS_POLICY]", "cloudasset.assets.listAccessPolicy", ASSET_VIEWER)
LIST_IDS_ENDPOINTS = Call(IDS, "projects.locations.endpoints.list", "ids.endpoints.list", "roles/ids.viewer")
LIST_SCC_SERVICES = Call(
    SCC, "projects.locations.securityCenterServices.list", "securitycentermanagement.securityCenterServices.list",
    "roles/securitycentermanagement.viewer",
)
LIST_VULNERABILITY_REPORTS = Call(
    OSCONFIG, "projects.locations.instances.vulnerabilityReports.list", "osconfig.vulnerabilityReports.list",
    "roles/osconfig.vulnerabilityReportViewer",
)
LIST_USER_ACCESS_BINDINGS = Call(
    ACCESS_CONTEXT, "organizations.gcpUserAccessBindings.list", "accesscontextmanager.gcpUserAccessBindings.list",
    "roles/accesscontextmanager.gcpAccessReader",
)

