"""``auditor permissions aws``: the least-privilege, read-only IAM policy the checks need, and the trust
policy of the delegated role a city assumes (with its external ID).

The policy is generated from the permissions every check declares (which come from how each evidence
kind is collected), plus the calls the run itself makes (``ec2:DescribeRegions``, and
``organizations:ListAccounts`` with ``--org``). ``sts:GetCallerIdentity`` needs no grant, and
``sts:AssumeRole`` is the auditor's own permission, not the audited role's. The read-only guard
(:mod:`providers.aws.transport`) allows exactly these calls, from the same declarations.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from auditor.checks import Check, permissions_for
from auditor.errors import AuditorError
from providers.aws.calls import AUDITOR_SIDE, ORG_CALLS, RUN_CALLS, UNGATED, iam_action

RUN_ACTIONS = tuple(sorted(iam_action(*call) for call in RUN_CALLS))
ORG_ACTIONS = tuple(sorted(iam_action(*call) for call in ORG_CALLS))
API_GATEWAY_RESOURCES = ("arn:aws:apigateway:*::/restapis", "arn:aws:apigateway:*::/restapis/*/stages")
ROLE_NAME = "MunicipalAuditReadOnly"


def actions(checks: Sequence[Check], options: Mapping[str, Any]) -> list[str]:
    """Every IAM action the audit needs, sorted (API Gateway's ``GET`` included)."""
    wanted = set(permissions_for(checks)) | set(RUN_ACTIONS)
    if options.get("org"):
        wanted |= set(ORG_ACTIONS)
    return sorted(wanted - UNGATED - AUDITOR_SIDE)


def permissions_policy(checks: Sequence[Check], options: Mapping[str, Any]) -> dict[str, Any]:
    needed = actions(checks, options)
    general = [a for a in needed if not a.startswith("apigateway:")]
    statements: list[dict[str, Any]] = [
        {"Sid": "MunicipalAuditReadOnly", "Effect": "Allow", "Action": general, "Resource": "*"},
    ]
    gateway = [a for a in needed if a.startswith("apigateway:")]
    if gateway:
        statements.append({"Sid": "ApiGatewayReadOnly", "Effect": "Allow", "Action": gateway,
                           "Resource": list(API_GATEWAY_RESOURCES)})
    return {"Version": "2012-10-17", "Statement": statements}


def trust_policy(options: Mapping[str, Any]) -> dict[str, Any] | None:
    """Who may assume the role: the auditor's account, only with the agreed external ID."""
    account = str(options.get("auditor_account") or "").strip()
    if not account:
        return None
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": account if account.startswith("arn:") else f"arn:aws:iam::{account}:root"},
        "Action": "sts:AssumeRole",
    }
    if options.get("external_id"):
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": str(options["external_id"])}}
    return {"Version": "2012-10-17", "Statement": [statement]}


def render(checks: Sequence[Check], options: Mapping[str, Any], fmt: str, lang: str = "ja") -> str:
    """``json`` (role name, permissions and trust policy), ``text`` (explained, in ``lang``) or ``policy`` (only the
    IAM policy document, to paste into the console's JSON editor or pass to ``aws iam create-policy``)."""
    policy = permissions_policy(checks, options)
    if fmt == "policy":
        return json.dumps(policy, ensure_ascii=False, indent=2)
    if options.get("external_id") and not str(options.get("auditor_account") or "").strip():
        raise AuditorError(
            "raw",
            ja="--external-id は信頼ポリシーの条件です。信頼ポリシーには監査者の AWS アカウント ID が必要なので "
               "--auditor-account ACCOUNT も指定してください（権限ポリシーだけなら --policy-only）。",
            en="--external-id goes into the trust policy, which needs the auditor's AWS account ID: add "
               "--auditor-account ACCOUNT (or use --policy-only for the permissions policy alone).",
        )
    trust = trust_policy(options)
    if fmt == "json":
        return json.dumps({"role_name": ROLE_NAME, "permissions_policy": policy, "trust_policy": trust},
                          ensure_ascii=False, indent=2)
    return _text(checks, options, policy, trust, lang)


def _text(checks: Sequence[Check], options: Mapping[str, Any], policy: dict[str, Any],
          trust: dict[str, Any] | None, lang: str = "ja") -> str:
    ja = lang != "en"

    def say(japanese: str, english: str) -> str:
        return japanese if ja else english

    by_action: dict[str, set[str]] = defaultdict(set)
    for check in checks:
        for permission in check.permissions:
            by_action[permission].add(check.control_id)
    lines = [
        say("# AWS: 監査用の読み取り専用ロール", "# AWS: read-only role for the audit"),
        "",
        say(f"ロール名の例: {ROLE_NAME}", f"Suggested role name: {ROLE_NAME}"),
        say("このロールには読み取り (List/Get/Describe) 権限だけを付与します。"
            "監査ツールは書き込み操作を送信前に拒否します。",
            "Grant only the read permissions below; the auditor also refuses any write call before it is sent."),
        "",
        say("## 権限ポリシー", "## Permissions policy"),
    ]
    for statement in policy["Statement"]:
        for action in statement["Action"]:
            controls = ", ".join(sorted(by_action.get(action, ()))) or say("リージョン・アカウントの列挙", "run setup")
            lines.append(f"  {action:<50} {controls}")
    lines += ["", json.dumps(policy, ensure_ascii=False, indent=2), "", say("## 信頼ポリシー", "## Trust policy")]
    if trust is None:
        lines.append(say("監査者の AWS アカウント ID を --auditor-account で指定すると、信頼ポリシーを出力します。",
                         "Pass --auditor-account (and --external-id) to print the trust policy of the delegated role."))
    else:
        if not options.get("external_id"):
            lines.append(say("注意: --external-id がないため、外部 ID の条件がありません。"
                             "第三者に委任する場合は必ず指定してください。",
                             "Warning: no --external-id given; a role delegated to a third party should require one."))
        lines.append(json.dumps(trust, ensure_ascii=False, indent=2))
        lines.append("")
        role = f"arn:aws:iam::<vendor-account>:role/{ROLE_NAME}"
        example = f"auditor audit --provider aws --role-arn {role}"
        if options.get("external_id"):
            example += f" --external-id {options['external_id']}"
        lines.append(say(f"監査の実行例: {example}", f"Audit with: {example}"))
    return "\n".join(lines)
