"""``auditor permissions gcp``: the read-only grant a city gives the auditing service account.

Generated from the permissions the checks declare: the predefined roles that hold them, a minimal
custom role (the YAML ``gcloud iam roles create --file`` reads, with ``includedPermissions``), the
``gcloud`` commands to grant it at the organisation, a folder or a project, and the Cloud Identity
admin privilege that makes administrators' 2-Step Verification readable (not an IAM permission).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from auditor.checks import Check, permissions_for
from providers.gcp.calls import (
    DIRECTORY_SCOPE,
    LIST_ACCESS_POLICIES,
    LIST_IAM_POLICIES,
    LIST_IDS_ENDPOINTS,
    LIST_ORG_POLICIES,
    LIST_RESOURCES,
    LIST_SCC_SERVICES,
    LIST_USER_ACCESS_BINDINGS,
    LIST_VULNERABILITY_REPORTS,
    WORKSPACE_GRANT_EN,
    WORKSPACE_GRANT_JA,
)
from providers.gcp.settings import GcpOptions

CUSTOM_ROLE_ID = "municipalCloudAuditor"

#: Predefined roles, what each is for (English, Japanese), and the permissions of the checks it covers.
PREDEFINED_ROLES = (
    ("roles/cloudasset.viewer", "Cloud Asset Viewer",
     ("resources, IAM policies, organisation policies and access policies through Cloud Asset Inventory",
      "Cloud Asset Inventory によるリソース、IAM ポリシー、組織のポリシー、アクセス ポリシーの読み取り"),
     (LIST_RESOURCES, LIST_IAM_POLICIES, LIST_ORG_POLICIES, LIST_ACCESS_POLICIES)),
    ("roles/ids.viewer", "Cloud IDS Viewer", ("Cloud IDS endpoints", "Cloud IDS のエンドポイント"),
     (LIST_IDS_ENDPOINTS,)),
    ("roles/securitycentermanagement.viewer", "Security Center Management Viewer",
     ("Security Command Center service enablement (Event / VM Threat Detection)",
      "Security Command Center のサービスの有効化状態（Event Threat Detection・VM Threat Detection）"),
     (LIST_SCC_SERVICES,)),
    ("roles/osconfig.vulnerabilityReportViewer", "OS Config Vulnerability Report Viewer",
     ("VM Manager vulnerability reports", "VM Manager の脆弱性レポート"), (LIST_VULNERABILITY_REPORTS,)),
    ("roles/accesscontextmanager.gcpAccessReader", "Cloud Access Context Manager GCP Access Reader",
     ("Context-Aware Access bindings (organisation level)",
      "コンテキストアウェア アクセスのバインディング（組織レベル）"),
     (LIST_USER_ACCESS_BINDINGS,)),
)
ALTERNATIVE_ROLES = (
    ("roles/iam.securityReviewer", "Security Reviewer",
     ("broad read of every IAM policy, often already granted to auditors; does not replace Cloud Asset Viewer",
      "すべての IAM ポリシーを広く読み取るロールで、監査者に付与済みのことが多いものです。"
      "Cloud Asset Viewer の代わりにはなりません。")),
    ("roles/viewer", "Viewer",
     ("broad read of resource configuration; not needed when the roles above are granted",
      "リソースの設定を広く読み取るロールです。上のロールを付与していれば不要です。")),
)
NOTES = (
    ("Grant at the organisation (or folder) to audit every project under it in one run.",
     "組織（またはフォルダー）で付与すると、その下のすべてのプロジェクトを 1 回の実行で監査できます。"),
    ("The Cloud Asset API must be enabled in the project that owns the service account (or the quota "
     "project of user credentials; then the caller also needs serviceusage.services.use there).",
     "サービスアカウントが属するプロジェクト（ユーザーの認証情報の場合は割り当てプロジェクト。このとき呼び出し元には"
     "そのプロジェクトの serviceusage.services.use も必要です）で Cloud Asset API を有効にしてください。"),
    ("The organisation-level access policies and Context-Aware Access bindings are read at the "
     "organisation: grant those two at the organisation even for a project audit.",
     "組織レベルのアクセス ポリシーとコンテキストアウェア アクセスのバインディングは組織で読み取ります。"
     "プロジェクトだけを監査する場合も、この 2 つは組織で付与してください。"),
)


def grant_document(checks: Sequence[Check], options: Mapping[str, Any], lang: str = "ja") -> dict[str, Any]:
    side = 0 if lang == "en" else 1
    permissions = permissions_for(checks)
    used = set(permissions)
    roles = [
        {"role": role, "title": title, "for": purpose[side],
         "permissions": sorted(c.permission for c in calls if c.permission in used)}
        for role, title, purpose, calls in PREDEFINED_ROLES
        if any(c.permission in used for c in calls)
    ]
    scopes = GcpOptions.from_mapping(options).scopes or ("organizations/ORGANIZATION_ID",)
    member = (options.get("impersonate_service_account") or "AUDITOR_SA@PROJECT.iam.gserviceaccount.com")
    return {
        "provider": "gcp",
        "grant_at": list(scopes),
        "member": f"serviceAccount:{member}",
        "predefined_roles": roles,
        "alternative_roles": [{"role": r, "title": t, "note": n[side]} for r, t, n in ALTERNATIVE_ROLES],
        "custom_role": {
            "title": "Municipal cloud auditor (read-only)",
            "description": "Read-only permissions the municipal cloud auditor's checks declare.",
            "stage": "GA",
            "includedPermissions": permissions,
        },
        "commands": list(dict.fromkeys(c for scope in scopes for c in _commands(scope, member))),
        "cloud_identity": {
            "needed_for": "identity.admin-mfa (administrators' 2-Step Verification)",
            "oauth_scope": DIRECTORY_SCOPE,
            "grant_ja": WORKSPACE_GRANT_JA,
            "grant_en": WORKSPACE_GRANT_EN,
        },
        "notes": [note[side] for note in NOTES],
    }


def _role_home(scope: str) -> tuple[str, str]:
    """Where the custom role is created for a scope (``gcloud`` flag, role name prefix).

    A custom role lives in an organisation or a project; one granted on a folder must be the
    organisation's, whose number an offline command cannot know.
    """
    kind, _, ident = scope.partition("/")
    if kind == "organizations":
        return f"--organization={ident}", f"organizations/{ident}"
    if kind == "projects":
        return f"--project={ident}", f"projects/{ident}"
    return "--organization=ORGANIZATION_ID", "organizations/ORGANIZATION_ID"


def _commands(scope: str, member: str) -> list[str]:
    kind, _, ident = scope.partition("/")
    group = {"organizations": "organizations", "folders": "resource-manager folders", "projects": "projects"}[kind]
    flag, home = _role_home(scope)
    return [
        f"gcloud iam roles create {CUSTOM_ROLE_ID} {flag} --file={CUSTOM_ROLE_ID}.yaml",
        f"gcloud {group} add-iam-policy-binding {ident} --member=serviceAccount:{member} "
        f"--role={home}/roles/{CUSTOM_ROLE_ID}",
    ]


def render(checks: Sequence[Check], options: Mapping[str, Any], fmt: str, lang: str = "ja") -> str:
    """``json`` (the grant), ``text`` (explained, in ``lang`` only) or ``policy`` (the custom role file)."""
    document = grant_document(checks, options, lang)
    if fmt == "policy":  # the file `gcloud iam roles create … --file=` takes
        return yaml.safe_dump(document["custom_role"], sort_keys=False, allow_unicode=True).rstrip()
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2)
    ja = lang != "en"

    def heading(japanese: str, english: str) -> str:
        return japanese if ja else english

    lines = [heading("# GCP: 監査用の読み取り専用権限", "# GCP: read-only grant for the auditor"), "",
             heading("## 事前定義ロール", "## Predefined roles")]
    for role in document["predefined_roles"]:
        lines.append(f"- {role['role']} ({role['title']}): {role['for']}")
    lines += ["", heading("## 代替のロール", "## Alternatives")]
    lines += [f"- {r['role']} ({r['title']}): {r['note']}" for r in document["alternative_roles"]]
    lines += ["", heading("## 最小のカスタムロール", "## Minimal custom role") + f" ({CUSTOM_ROLE_ID}.yaml)", ""]
    lines.append(yaml.safe_dump(document["custom_role"], sort_keys=False, allow_unicode=True).rstrip())
    cloud_identity = document["cloud_identity"]
    lines += [
        "", heading("## 作成と付与", "## Create and grant"), *document["commands"],
        "", heading("## Cloud Identity / Google Workspace（2 段階認証プロセス）",
                    "## Cloud Identity / Google Workspace (2-Step Verification)"),
        f"- {cloud_identity['grant_ja'] if ja else cloud_identity['grant_en']}",
        "", heading("## 注記", "## Notes"), *[f"- {note}" for note in document["notes"]],
    ]
    return "\n".join(lines)
