"""identity.*: root MFA and keys, console administrators' MFA and source restriction, the password
policy, full-access policies, and users and access keys unused or unrotated for more than 90 days."""

from __future__ import annotations

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.aws.checks.common import STALE_DAYS, check, days_since

PASSWORD_RULES = {
    "MinimumPasswordLength": ("8 文字以上", "8 characters or more"),
    "RequireUppercaseCharacters": ("英大文字", "upper-case letters"),
    "RequireLowercaseCharacters": ("英小文字", "lower-case letters"),
    "RequireNumbers": ("数字", "digits"),
    "RequireSymbols": ("記号", "symbols"),
}


NOT_ADMIN = ("管理者権限を持たない利用者", "a user without administrator rights")
INACTIVE_KEY = ("無効化されたアクセスキー", "an inactive access key")


def root_mfa(evidence: Evidence) -> Verdict:
    on = bool(need(evidence, "root_mfa"))
    return Verdict.of(on, ("ルートユーザーに MFA が設定されている", "the root user has MFA"),
                      ("ルートユーザーに MFA が設定されていない", "the root user has no MFA"),
                      {"AccountMFAEnabled": int(on)}, "iam:GetAccountSummary")


def admin_mfa(evidence: Evidence) -> Verdict:
    if not need(evidence, "administrator"):
        return Verdict.not_applicable(NOT_ADMIN)
    if not need(evidence, "console_access"):
        return Verdict.not_applicable(("コンソールのパスワードを持たない（コンソールにサインインできない）",
                                       "no console password (cannot sign in to the console)"))
    on = bool(need(evidence, "mfa_active"))
    via = "; ".join(evidence.attributes.get("administrator_via") or [])
    return Verdict.of(on, ("管理者権限を持つコンソール利用者に MFA が設定されている",
                           "the console user with administrator rights has MFA"),
                      (f"管理者権限（{via}）を持つコンソール利用者に MFA が設定されていない",
                       f"the console user with administrator rights ({via}) has no MFA"),
                      {"mfa_active": on, "administrator_via": evidence.attributes.get("administrator_via") or []},
                      "iam:GetCredentialReport")


def password_policy(evidence: Evidence) -> Verdict:
    policy = need(evidence, "password_policy")
    if policy is None:
        return Verdict.failed(("パスワードポリシーが設定されていない", "no password policy is set"), None,
                              "iam:GetAccountPasswordPolicy")
    missing = [label for key, label in PASSWORD_RULES.items()
               if (policy.get(key, 0) < 8 if key == "MinimumPasswordLength" else not policy.get(key))]
    observed = {key: policy.get(key) for key in PASSWORD_RULES}
    return Verdict.of(not missing, ("8 文字以上・英大文字・英小文字・数字・記号を必須とするポリシー",
                                    "the policy requires 8 characters or more, upper- and lower-case letters, digits"
                                    " and symbols"),
                      ("パスワードポリシーが次を求めていない: " + "、".join(ja for ja, _ in missing),
                       "the password policy does not require: " + ", ".join(en for _, en in missing)), observed,
                      "iam:GetAccountPasswordPolicy")


def root_keys(evidence: Evidence) -> Verdict:
    present = bool(need(evidence, "root_access_keys"))
    return Verdict.of(not present, ("ルートユーザーにアクセスキーがない", "the root user has no access keys"),
                      ("ルートユーザーにアクセスキーがある", "the root user has access keys"),
                      {"AccountAccessKeysPresent": int(present),
                       "administrators": evidence.attributes.get("administrators")}, "iam:GetAccountSummary")


def full_access(evidence: Evidence) -> Verdict:
    """A policy granting ``*`` on ``*`` in use fails, except the AWS-managed job-function policy
    (AdministratorAccess) held through groups or roles: those administrators are listed, not failed.

    This follows the CIS AWS Foundations Benchmark: no self-written ``*:*`` policy in use (1.16), and
    users receive permissions only through groups (1.15) — so full access attached to a user fails.
    """
    granted = bool(need(evidence, "full_access"))
    attachments = evidence.attributes.get("attachments", 0)
    holders = evidence.attributes.get("holders") or {}
    if not granted:
        return Verdict.passed(("全権限（*:*）を与えないポリシー", "the policy grants no full access (*:*)"),
                              {"full_access": False, "holders": holders})
    if not attachments:
        return Verdict.not_applicable(("全権限（*:*）のポリシーだが、どこにもアタッチされていない",
                                       "a full-access (*:*) policy attached nowhere"),
                                      {"full_access": True, "attachments": 0})
    observed = {"full_access": True, "attachments": attachments, "holders": holders,
                "attached_to": evidence.attributes.get("attached_to")}
    read = evidence.attributes.get("document_read", True)
    basis = "" if read else "（文書は読めなかったが、ARN から全権限と判断）"
    basis_en = "" if read else " (its document could not be read; full access judged from its ARN)"
    if evidence.attributes.get("policy_type") != "aws-managed":
        return Verdict.failed(("全権限（Action * / Resource *）を与えるポリシーが使われている",
                               "a policy granting full access (Action * / Resource *) is in use"), observed)
    direct = ", ".join(_names(holders.get("users") or []))
    if direct:
        return Verdict.failed((f"全権限の AWS 管理ポリシー{basis}が IAM ユーザーに直接アタッチされている: {direct}",
                               f"the AWS managed full-access policy{basis_en} is attached directly to IAM users:"
                               f" {direct}"), observed)
    admins = _names([*holders.get("group_members", []), *holders.get("roles", [])])
    return Verdict.passed((f"全権限の AWS 管理ポリシー{basis}はグループ・ロール経由でのみ付与されている"
                           f"（管理者 {len(admins)} 件: {', '.join(admins) or 'なし'}）",
                           f"the AWS managed full-access policy{basis_en} is granted only through groups and roles"
                           f" ({len(admins)} administrators: {', '.join(admins) or 'none'})"), observed)


def _names(arns: list[str]) -> list[str]:
    return sorted(dict.fromkeys(arn.rsplit("/", 1)[-1] for arn in arns))


def console_unused(evidence: Evidence) -> Verdict:
    if not need(evidence, "console_access"):
        return Verdict.not_applicable(("コンソールのパスワードを持たない", "no console password"))
    last = need(evidence, "password_last_used")
    idle = days_since(last, evidence)
    if idle is None:
        age = days_since(evidence.attributes.get("created"), evidence) or 0
        return Verdict.of(age <= STALE_DAYS, (f"作成後 {age} 日でまだ使われていない（{STALE_DAYS} 日以内）",
                                              f"created {age} days ago, not used yet (within {STALE_DAYS} days)"),
                          (f"作成後 {age} 日間一度もサインインしていない",
                           f"never signed in during the {age} days since it was created"),
                          {"password_last_used": None, "age_days": age}, "iam:GetCredentialReport")
    return Verdict.of(idle <= STALE_DAYS, (f"{idle} 日前にサインイン", f"signed in {idle} days ago"),
                      (f"{idle} 日間サインインしていない（{STALE_DAYS} 日超）",
                       f"no sign-in for {idle} days (more than {STALE_DAYS})"),
                      {"password_last_used": last, "idle_days": idle}, "iam:GetCredentialReport")


def key_unused(evidence: Evidence) -> Verdict:
    if not evidence.attributes.get("active"):
        return Verdict.not_applicable(INACTIVE_KEY)
    last = evidence.attributes.get("last_used")
    idle = days_since(last, evidence)
    if idle is None:
        age = days_since(evidence.attributes.get("last_rotated"), evidence) or 0
        return Verdict.of(age <= STALE_DAYS, (f"発行後 {age} 日で未使用（{STALE_DAYS} 日以内）",
                                              f"issued {age} days ago, not used yet (within {STALE_DAYS} days)"),
                          (f"発行後 {age} 日間一度も使われていない有効なキー",
                           f"an active key never used in the {age} days since it was issued"),
                          {"last_used": None, "age_days": age})
    return Verdict.of(idle <= STALE_DAYS, (f"{idle} 日前に使用", f"used {idle} days ago"),
                      (f"{idle} 日間使われていない有効なキー（{STALE_DAYS} 日超）",
                       f"an active key unused for {idle} days (more than {STALE_DAYS})"),
                      {"last_used": last, "idle_days": idle})


def key_rotated(evidence: Evidence) -> Verdict:
    if not evidence.attributes.get("active"):
        return Verdict.not_applicable(INACTIVE_KEY)
    age = days_since(evidence.attributes.get("last_rotated"), evidence) or 0
    return Verdict.of(age <= STALE_DAYS, (f"発行後 {age} 日（{STALE_DAYS} 日以内に更新）",
                                          f"issued {age} days ago (rotated within {STALE_DAYS} days)"),
                      (f"発行後 {age} 日間更新されていない（{STALE_DAYS} 日超）",
                       f"not rotated in the {age} days since it was issued (more than {STALE_DAYS})"),
                      {"last_rotated": evidence.attributes.get("last_rotated"), "age_days": age})


def source_restricted(evidence: Evidence) -> Verdict:
    if not need(evidence, "administrator"):
        return Verdict.not_applicable(NOT_ADMIN)
    restricted = bool(need(evidence, "source_restricted"))
    by = evidence.attributes.get("source_restricted_by") or []
    return Verdict.of(restricted,
                      ("管理者の操作が接続元（aws:SourceIp / aws:SourceVpc）で制限されている: " + "; ".join(by),
                       "the administrator's actions are restricted by source (aws:SourceIp / aws:SourceVpc): "
                       + "; ".join(by)),
                      ("管理者権限を持つ利用者の操作が接続元 IP・VPC で制限されていない",
                       "the actions of a user with administrator rights are not restricted by source IP or VPC"),
                      {"source_restricted_by": by, "administrator_via": evidence.attributes.get("administrator_via")})


CHECKS = [
    check("iam.root_mfa", "identity.admin-mfa", "aws.iam.account", ("ルートユーザーの MFA が有効", "root user MFA on"),
          root_mfa, "ルートユーザーの MFA", "Root user MFA"),
    check("iam.admin_console_mfa", "identity.admin-mfa", "aws.iam.user",
          ("管理者権限のコンソール利用者は MFA 有効", "console users with administrator rights have MFA"),
          admin_mfa, "管理者の MFA", "Administrator MFA"),
    check("iam.password_policy", "identity.password-policy", "aws.iam.account",
          ("8 文字以上・大文字・小文字・数字・記号", "8 characters or more, upper, lower, digit, symbol"),
          password_policy, "パスワードポリシー", "Password policy"),
    check("iam.root_access_keys", "identity.least-privilege", "aws.iam.account",
          ("ルートのアクセスキーなし", "no root access keys"),
          root_keys, "ルートユーザーのアクセスキー", "Root user access keys"),
    check("iam.policy_full_access", "identity.least-privilege", "aws.iam.policy",
          ("Action * / Resource * を許可するポリシーを使わない", "no policy allowing Action * / Resource * in use"),
          full_access, "全権限ポリシー", "Full-access policies"),
    check("iam.user_console_unused", "identity.account-lifecycle", "aws.iam.user",
          (f"{STALE_DAYS} 日以内にサインイン", f"signed in within {STALE_DAYS} days"), console_unused,
          "未使用のコンソール利用者", "Unused console users"),
    check("iam.access_key_unused", "identity.account-lifecycle", "aws.iam.access_key",
          (f"{STALE_DAYS} 日以内に使用", f"used within {STALE_DAYS} days"),
          key_unused, "未使用のアクセスキー", "Unused access keys"),
    check("iam.access_key_rotated", "identity.account-lifecycle", "aws.iam.access_key",
          (f"{STALE_DAYS} 日以内に更新", f"rotated within {STALE_DAYS} days"), key_rotated, "アクセスキーの更新",
          "Access key rotation"),
    check("iam.admin_source_restricted", "identity.access-restriction", "aws.iam.user",
          ("管理者の操作を aws:SourceIp / aws:SourceVpc 条件で制限",
           "administrators' actions restricted by aws:SourceIp / aws:SourceVpc conditions"),
          source_restricted, "管理者の接続元制限", "Administrator source restriction"),
]
