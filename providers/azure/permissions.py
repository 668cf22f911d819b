"""``auditor permissions azure``: the grant a city gives the auditing service principal, from the checks.

Azure RBAC: every ARM action the checks declare is a read, so the built-in **Reader** role at
subscription scope covers all of them (the tool verifies this rather than assuming it). Microsoft
Graph: the application permissions the identity checks declare, each with the checks that need it.
Nothing else is asked for.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from auditor.checks import Check
from auditor.errors import AuditorError
from providers.azure import facts

GRAPH_PREFIX = "graph:"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"


def arm_actions(checks: Sequence[Check]) -> list[str]:
    return sorted({p for c in checks for p in c.permissions if not p.startswith(GRAPH_PREFIX)})


def graph_permissions(checks: Sequence[Check]) -> dict[str, list[str]]:
    needed: dict[str, list[str]] = {}
    for check in checks:
        for permission in check.permissions:
            if permission.startswith(GRAPH_PREFIX):
                needed.setdefault(permission[len(GRAPH_PREFIX):], []).append(check.id)
    return {name: sorted(ids) for name, ids in sorted(needed.items())}


def covered_by_reader(action: str) -> bool:
    """Reader grants ``*/read``: every action ending in /read (and no data action)."""
    return action == "*/read" or action.lower().endswith("/read")


NOTES = {
    "ja": ["Reader は読み取り専用のロールです。書き込み、キー、データの操作は要求しません。",
           "Microsoft Graph の権限はアプリケーションの許可で、テナントの管理者の同意が必要です。"],
    "en": ["Reader is read-only; no write, key or data action is requested.",
           "Microsoft Graph permissions are application permissions and need tenant admin consent."],
}


def grant(checks: Sequence[Check], options: Mapping[str, Any], lang: str = "ja") -> dict[str, Any]:
    actions = arm_actions(checks)
    not_read = [a for a in actions if not covered_by_reader(a)]
    if not_read:
        raise ValueError(f"checks declare actions that are not reads: {', '.join(not_read)}")
    subscriptions = [s for s in options.get("subscription") or () if s] or ["{subscriptionId}"]
    roles = [{"role": "Reader", "role_definition_id": facts.READER_ROLE_ID, "scope": f"/subscriptions/{sid}",
              "covers": actions} for sid in subscriptions] if actions else []
    graph = graph_permissions(checks)
    return {
        "provider": "azure",
        "azure_rbac_role_assignments": roles,
        "microsoft_graph_application_permissions": [
            {"permission": name, "resource_app_id": GRAPH_APP_ID, "needed_by": ids} for name, ids in graph.items()
        ],
        "notes": list(NOTES["en" if lang == "en" else "ja"]),
    }


def render(checks: Sequence[Check], options: Mapping[str, Any], fmt: str, lang: str = "ja") -> str:
    """``json`` (the grant), ``text`` (the commands that make it) or ``policy`` (refused: Azure has no
    single document); notes and comments in ``lang`` only."""
    if fmt == "policy":
        raise AuditorError(
            "raw",
            ja="Azure には貼り付ける単一のポリシー文書がありません（組み込みの Reader ロールと Microsoft Graph の"
               "アプリケーション権限を付与します）。--format text で付与のコマンドを表示してください。",
            en="Azure has no single policy document to paste (the grant is the built-in Reader role plus Microsoft "
               "Graph application permissions): use --format text for the commands that grant them.",
        )
    document = grant(checks, options, lang)
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2)
    client = options.get("client_id") or "{appId}"
    ja = lang != "en"
    lines = ["# Azure RBAC（サブスクリプションごと）" if ja else "# Azure RBAC (per subscription)"]
    for role in document["azure_rbac_role_assignments"]:
        lines.append(f"az role assignment create --assignee {client} --role Reader --scope {role['scope']}")
    lines += ["", "# Microsoft Graph のアプリケーションの許可（管理者の同意が必要）" if ja
              else "# Microsoft Graph application permissions (admin consent required)"]
    for entry in document["microsoft_graph_application_permissions"]:
        lines.append(f"{entry['permission']}\t← {', '.join(entry['needed_by'])}")
    lines += ["", "# Graph の各権限の ID は次のコマンドで確認できます" if ja
              else "# look up each permission's id with:",
              f"az ad sp show --id {GRAPH_APP_ID} --query \"appRoles[?value=='<permission>'].id\" -o tsv",
              f"az ad app permission add --id {client} --api {GRAPH_APP_ID} --api-permissions <id>=Role",
              f"az ad app permission admin-consent --id {client}",
              "", "# 注記" if ja else "# Notes", *[f"# - {note}" for note in document["notes"]]]
    return "\n".join(lines)
