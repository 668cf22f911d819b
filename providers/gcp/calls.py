"""The read-only calls the adapter makes on the Google APIs, each with what a city must grant for it.

Every call is declared once here with the IAM permission it needs and the predefined role that grants
it, so gaps name the exact grant that would close them and ``auditor permissions gcp`` prints them.
The API hosts and their endpoint overrides are in :mod:`providers.gcp.settings`. Nothing here
imports a Google library.
"""

from __future__ import annotations

from dataclasses import dataclass

from providers.gcp.settings import ACCESS_CONTEXT, ASSET, DIRECTORY, IDS, OSCONFIG, SCC, Api


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

