"""IAM: the account (root MFA and keys, password policy), users (console access, MFA, administrator
rights, source-IP restrictions, last use), access keys (age, last use) and policies granting ``*:*``.

Four reads cover it, whatever the number of users: ``GetAccountSummary``, ``GetAccountPasswordPolicy``,
the credential report (``GenerateCredentialReport`` + ``GetCredentialReport``) and
``GetAccountAuthorizationDetails`` (every user, group, role and customer-managed policy with its
documents). The AWS-managed policies attached to a user, group or role are read one by one
(``GetPolicy`` for the default version, ``GetPolicyVersion`` for its document), so that a principal
holding ``AdministratorAccess`` or any other AWS-managed grant is judged by what it really allows.
Root facts come from the account summary, which real IAM and emulators both answer; the credential
report is reduced to the columns the checks read.
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from auditor.model import Said
from providers.aws.collect.account import AccountContext
from providers.aws.collect.common import gap, read, wants
from providers.aws.failures import CallFailed, Failure
from providers.aws.kinds import GLOBAL, Collector, Kind, Listing, Outcome
from providers.aws.policies import (
    ADMIN_MANAGED_POLICIES,
    denies_outside_source,
    full_access_statements_all_source_limited,
    grants_full_access,
)

API_REGION = "us-east-1"
DETAILS = Listing("iam", "GetAccountAuthorizationDetails", "UserDetailList",
                  {"Filter": ["User", "Group", "Role", "LocalManagedPolicy"]})
REPORT = ("iam:GenerateCredentialReport", "iam:GetCredentialReport")
AWS_MANAGED_READS = ("iam:GetPolicy", "iam:GetPolicyVersion")
IAM_ACCOUNT = Kind("aws.iam.account", GLOBAL, Listing("iam", "GetAccountSummary", "SummaryMap"),
                   follow_ups=("iam:GetAccountPasswordPolicy", "iam:GetAccountAuthorizationDetails",
                               *AWS_MANAGED_READS),
                   title_ja="IAM（アカウント: ルート・パスワードポリシー）")
USER = Kind("aws.iam.user", GLOBAL, DETAILS, follow_ups=(*REPORT, *AWS_MANAGED_READS), title_ja="IAM ユーザー")
ACCESS_KEY = Kind("aws.iam.access_key", GLOBAL, Listing("iam", "GetCredentialReport", "Content"),
                  follow_ups=("iam:GenerateCredentialReport",), title_ja="IAM アクセスキー")
POLICY = Kind("aws.iam.policy", GLOBAL, Listing("iam", "GetAccountAuthorizationDetails", "Policies",
                                                 DETAILS.params), follow_ups=AWS_MANAGED_READS,
              title_ja="IAM ポリシー")
FAMILY = (IAM_ACCOUNT, USER, ACCESS_KEY, POLICY)
FULL_ACCESS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
REPORT_COLUMNS = ("user", "arn", "user_creation_time", "password_enabled", "password_last_used",
                  "password_last_changed", "mfa_active", "access_key_1_active", "access_key_1_last_rotated",
                  "access_key_1_last_used_date", "access_key_2_active", "access_key_2_last_rotated",
                  "access_key_2_last_used_date")


def collect_iam(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    details, details_failure = _details(ctx)
    report, report_failure = (None, None)
    if wants(wanted, USER, ACCESS_KEY):
        report, report_failure = _report(ctx)
    if details_failure is not None:
        blocked = [k.resource_type for k in (USER, POLICY) if k.resource_type in wanted]
        if blocked:
            out.gaps.append(gap(ctx, "global", details_failure, blocked))
    if report_failure is not None and ACCESS_KEY.resource_type in wanted:
        out.gaps.append(gap(ctx, "global", report_failure, [ACCESS_KEY.resource_type]))
    graph = _Graph(details, _aws_managed(ctx, details)) if details is not None else None
    if IAM_ACCOUNT.resource_type in wanted:
        out.evidence.append(_account(ctx, graph, details_failure, report))
    if graph is not None and USER.resource_type in wanted:
        out.evidence.extend(_user(ctx, graph, user, report, report_failure) for user in graph.users)
    if graph is not None and POLICY.resource_type in wanted:
        out.evidence.extend(_policies(ctx, graph))
    if report is not None and ACCESS_KEY.resource_type in wanted:
        out.evidence.extend(_access_keys(ctx, report))
    return out


# ---------------------------------------------------------------------------------------------- reads


def _details(ctx: AccountContext) -> tuple[dict[str, list[Any]] | None, Failure | None]:
    try:
        pages = ctx.all_pages(API_REGION, "iam", DETAILS.operation, **DETAILS.params)
    except CallFailed as failed:
        return None, failed.failure
    merged: dict[str, list[Any]] = {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
    for page in pages:
        for key in merged:
            merged[key].extend(page.get(key) or [])
    return merged, None


@dataclass(frozen=True)
class ManagedRead:
    """One AWS-managed policy attached in the account: its metadata and default document, or why not read."""

    policy: dict[str, Any] | None
    document: dict[str, Any] | None
    failure: Failure | None = None


def attached_arns(details: dict[str, list[Any]]) -> list[str]:
    """Every managed policy ARN attached to a user, group or role (each once, in order)."""
    principals = [*details["UserDetailList"], *details["GroupDetailList"], *details["RoleDetailList"]]
    return list(dict.fromkeys(p.get("PolicyArn", "") for principal in principals
                              for p in principal.get("AttachedManagedPolicies") or [] if p.get("PolicyArn")))


def _aws_managed(ctx: AccountContext, details: dict[str, list[Any]]) -> dict[str, ManagedRead]:
    """The attached policies the details did not return (AWS-managed ones), each with its default version."""
    listed = {policy["Arn"] for policy in details["Policies"]}
    found: dict[str, ManagedRead] = {}
    for arn in (a for a in attached_arns(details) if a not in listed):
        try:
            policy = (ctx.call(API_REGION, "iam", "GetPolicy", PolicyArn=arn) or {}).get("Policy") or {}
            version = ctx.call(API_REGION, "iam", "GetPolicyVersion", PolicyArn=arn,
                               VersionId=policy.get("DefaultVersionId", "")) or {}
        except CallFailed as failed:
            found[arn] = ManagedRead(None, None, failed.failure)
            continue
        found[arn] = ManagedRead(policy, document((version.get("PolicyVersion") or {}).get("Document")))
    return found


def _report(ctx: AccountContext) -> tuple[dict[str, dict[str, str]] | None, Failure | None]:
    """The credential report by user name (``<root_account>`` included when IAM lists it)."""
    try:
        deadline, delay = time.monotonic() + ctx.settings.credential_report_wait, 0.2
        while (ctx.call(API_REGION, "iam", "GenerateCredentialReport") or {}).get("State") != "COMPLETE":
            if time.monotonic() > deadline:
                return None, Failure("iam", "GenerateCredentialReport", "ReportNotReady",
                                     "認証情報レポートが時間内に作成されなかった",
                                     "the credential report was not ready in time")
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
        answer = ctx.call(API_REGION, "iam", "GetCredentialReport") or {}
    except CallFailed as failed:
        return None, failed.failure
    content = answer.get("Content") or b""
    text = content.decode("utf-8") if isinstance(content, bytes) else str(content)
    rows = {}
    for row in csv.DictReader(io.StringIO(text)):
        rows[row.get("user", "")] = {key: row.get(key, "") for key in REPORT_COLUMNS}
    return rows, None


# ---------------------------------------------------------------------------------------------- analysis


def document(value: Any) -> dict[str, Any] | None:
    """A policy document as a dict (the API may return URL-encoded JSON text)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value:
        return json.loads(unquote(value))
    return None


class _Graph:
    """Users, groups, roles and managed policies, with each principal's effective documents."""

    def __init__(self, details: dict[str, list[Any]], aws_managed: dict[str, ManagedRead]) -> None:
        self.users = details["UserDetailList"]
        self.roles = details["RoleDetailList"]
        self.groups = {g["GroupName"]: g for g in details["GroupDetailList"]}
        self.managed = details["Policies"]
        self.aws_managed = aws_managed
        self.managed_docs: dict[str, dict[str, Any] | None] = {}
        for policy in self.managed:
            default = next((v for v in policy.get("PolicyVersionList") or [] if v.get("IsDefaultVersion")), {})
            self.managed_docs[policy["Arn"]] = document(default.get("Document"))
        for arn, read_policy in aws_managed.items():
            self.managed_docs[arn] = read_policy.document

    def attached_doc(self, arn: str) -> dict[str, Any] | None:
        """The document in force; AdministratorAccess is known to grant everything even when it was not read."""
        found = self.managed_docs.get(arn)
        return FULL_ACCESS if found is None and arn in ADMIN_MANAGED_POLICIES else found

    def holders(self, arn: str) -> dict[str, list[str]]:
        """Who a managed policy is attached to: users directly, groups (and their members), roles."""
        def attached(principal: dict[str, Any]) -> bool:
            return any(p.get("PolicyArn") == arn for p in principal.get("AttachedManagedPolicies") or [])

        groups = [g for g in self.groups.values() if attached(g)]
        names = {g["GroupName"] for g in groups}
        return {
            "users": [u["Arn"] for u in self.users if attached(u)],
            "groups": [g["Arn"] for g in groups],
            "group_members": [u["Arn"] for u in self.users if names & set(u.get("GroupList") or [])],
            "roles": [r["Arn"] for r in self.roles if attached(r)],
        }

    def sources(self, principal: dict[str, Any], inline_key: str) -> list[tuple[str, dict[str, Any] | None]]:
        """(label, document) for the principal's inline and attached policies."""
        found = [(f"inline {p.get('PolicyName')}", document(p.get("PolicyDocument")))
                 for p in principal.get(inline_key) or []]
        found += [(f"attached {p.get('PolicyName')}", self.attached_doc(p.get("PolicyArn", "")))
                  for p in principal.get("AttachedManagedPolicies") or []]
        return found

    def user_sources(self, user: dict[str, Any]) -> list[tuple[str, dict[str, Any] | None]]:
        found = self.sources(user, "UserPolicyList")
        for name in user.get("GroupList") or []:
            group = self.groups.get(name)
            if group is not None:
                found += [(f"group {name}: {label}", doc) for label, doc in self.sources(group, "GroupPolicyList")]
        return found

    def administrators(self) -> list[str]:
        admins = [u["Arn"] for u in self.users if _admin_via(self.user_sources(u))]
        admins += [g["Arn"] for g in self.groups.values() if _admin_via(self.sources(g, "GroupPolicyList"))]
        admins += [r["Arn"] for r in self.roles if _admin_via(self.sources(r, "RolePolicyList"))]
        return sorted(admins)


def _admin_via(sources: list[tuple[str, dict[str, Any] | None]]) -> list[str]:
    return [label for label, doc in sources if grants_full_access(doc)]


# ---------------------------------------------------------------------------------------------- evidence


def _account(ctx: AccountContext, graph: _Graph | None, details_failure: Failure | None, report) -> Any:
    unreadable: dict[str, Said] = {}
    attributes: dict[str, Any] = {}
    summary = read(unreadable, ("root_mfa", "root_access_keys"),
                   lambda: ctx.call(API_REGION, "iam", "GetAccountSummary"))
    if summary is not None:
        values = summary.get("SummaryMap") or {}
        attributes["root_mfa"] = values.get("AccountMFAEnabled") == 1
        attributes["root_access_keys"] = values.get("AccountAccessKeysPresent") == 1
    policy = read(unreadable, ("password_policy",), lambda: ctx.call(
        API_REGION, "iam", "GetAccountPasswordPolicy", absent=("NoSuchEntity", "NoSuchEntityException")))
    if "password_policy" not in unreadable:
        attributes["password_policy"] = (policy or {}).get("PasswordPolicy")
    if graph is not None:
        attributes["administrators"] = graph.administrators()
    elif details_failure is not None:
        unreadable["administrators"] = details_failure.cause()
    root = (report or {}).get("<root_account>")
    if root:
        attributes["root_password_last_used"] = _when(root.get("password_last_used"))
    return ctx.evidence("global", IAM_ACCOUNT.resource_type, f"arn:{ctx.partition}:iam::{ctx.account}:root",
                        IAM_ACCOUNT.listing.source, attributes, unreadable=unreadable,
                        raw={"SummaryMap": (summary or {}).get("SummaryMap"), "PasswordPolicy": attributes.get(
                            "password_policy")}, name="<root_account>")


def _user(ctx: AccountContext, graph: _Graph, user: dict[str, Any], report, report_failure: Failure | None):
    sources = graph.user_sources(user)
    docs = [doc for _, doc in sources]
    admin_via = _admin_via(sources)
    restricted_by = [label for label, doc in sources if denies_outside_source(doc)]
    if not restricted_by and admin_via and full_access_statements_all_source_limited(docs):
        restricted_by = ["every full-access grant carries an aws:SourceIp / aws:SourceVpc condition"]
    attributes: dict[str, Any] = {
        "user_name": user["UserName"], "created": user.get("CreateDate"), "groups": user.get("GroupList") or [],
        "administrator": bool(admin_via), "administrator_via": admin_via,
        "source_restricted": bool(restricted_by), "source_restricted_by": restricted_by,
        "unanalysed_policies": [label for label, doc in sources if doc is None],
    }
    unreadable: dict[str, Said] = {}
    row = (report or {}).get(user["UserName"])
    if report_failure is not None:
        for key in ("console_access", "mfa_active", "password_last_used"):
            unreadable[key] = report_failure.cause()
    elif row is None:
        for key in ("console_access", "mfa_active", "password_last_used"):
            unreadable[key] = ("iam:GetCredentialReport にこの利用者が含まれていない（レポート作成後に作られた可能性）",
                               "the iam:GetCredentialReport report does not list this user (it may have been"
                               " created after the report)")
    else:
        attributes["console_access"] = row.get("password_enabled") == "true"
        attributes["mfa_active"] = row.get("mfa_active") == "true"
        attributes["password_last_used"] = _when(row.get("password_last_used"))
    raw = {k: v for k, v in user.items() if k not in ("UserPolicyList",)}
    return ctx.evidence("global", USER.resource_type, user["Arn"], "iam:GetAccountAuthorizationDetails", attributes,
                        unreadable=unreadable, raw=raw, name=user["UserName"])


def _policies(ctx: AccountContext, graph: _Graph) -> list[Any]:
    found = []
    for policy in graph.managed:
        doc = graph.managed_docs.get(policy["Arn"])
        found.append(ctx.evidence(
            "global", POLICY.resource_type, policy["Arn"], "iam:GetAccountAuthorizationDetails",
            {"policy_type": "customer-managed", "attachments": policy.get("AttachmentCount", 0),
             "full_access": grants_full_access(doc), "holders": graph.holders(policy["Arn"])},
            raw={"Policy": {k: v for k, v in policy.items() if k != "PolicyVersionList"}, "Document": doc},
            name=policy.get("PolicyName") or policy["Arn"].rsplit("/", 1)[-1],
        ))
    for arn, read_policy in graph.aws_managed.items():
        holders = graph.holders(arn)
        attributes: dict[str, Any] = {"policy_type": "aws-managed", "holders": holders,
                                      "attachments": len(holders["users"] + holders["groups"] + holders["roles"]),
                                      "document_read": read_policy.failure is None}
        unreadable: dict[str, Said] = {}
        doc = graph.attached_doc(arn)
        if doc is None and read_policy.failure is not None:
            unreadable["full_access"] = read_policy.failure.cause()
        else:
            attributes["full_access"] = grants_full_access(doc)
        found.append(ctx.evidence(
            "global", POLICY.resource_type, arn,
            "iam:GetPolicyVersion" if read_policy.failure is None else "iam:GetAccountAuthorizationDetails",
            attributes, unreadable=unreadable,
            raw={"Policy": read_policy.policy, "Document": read_policy.document}, name=arn.rsplit("/", 1)[-1],
        ))
    principals = [(u, "UserPolicyList") for u in graph.users] + [(g, "GroupPolicyList") for g in graph.groups.values()]
    principals += [(r, "RolePolicyList") for r in graph.roles]
    for principal, key in principals:
        for inline in principal.get(key) or []:
            doc = document(inline.get("PolicyDocument"))
            found.append(ctx.evidence(
                "global", POLICY.resource_type, f"{principal['Arn']}#inline:{inline.get('PolicyName')}",
                "iam:GetAccountAuthorizationDetails",
                {"policy_type": "inline", "attachments": 1, "attached_to": principal["Arn"],
                 "full_access": grants_full_access(doc)},
                raw={"Document": doc}, name=f"{principal['Arn'].split(':')[-1]} / {inline.get('PolicyName')}",
            ))
    return found


def _access_keys(ctx: AccountContext, report: dict[str, dict[str, str]]) -> list[Any]:
    found = []
    for name, row in report.items():
        if name == "<root_account>":
            continue
        for slot in ("1", "2"):
            rotated = _when(row.get(f"access_key_{slot}_last_rotated"))
            if rotated is None:
                continue
            found.append(ctx.evidence(
                "global", ACCESS_KEY.resource_type, f"{row.get('arn')}#access-key-{slot}", "iam:GetCredentialReport",
                {"user_name": name, "active": row.get(f"access_key_{slot}_active") == "true",
                 "last_rotated": rotated, "last_used": _when(row.get(f"access_key_{slot}_last_used_date"))},
                raw={k: v for k, v in row.items() if k.startswith(("user", "arn", f"access_key_{slot}"))},
                name=f"{name}#access-key-{slot}",
            ))
    return found


def _when(value: str | None) -> str | None:
    """A credential-report timestamp, or ``None`` for ``N/A``, ``no_information``, ``not_supported``."""
    if not value or not value[:1].isdigit():
        return None
    return value


COLLECTORS = (Collector("iam", GLOBAL, FAMILY, collect_iam),)
