"""identity.* — administrator MFA, password policy, least privilege, unused accounts, admin sign-in origin.

All read Entra ID (Microsoft Graph) except the subscription Owners, which read Azure RBAC.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from auditor.checks import Check, Verdict, need
from auditor.model import Evidence
from providers.azure import facts
from providers.azure import kinds as k
from providers.azure.checks.common import arm, graph, lower, table


def _policy_covers(policy: dict, role_id: str) -> bool:
    if lower(policy.get("state")) != "enabled":
        return False
    if role_id in policy.get("exclude_roles", ()):
        return False
    apps = set(policy.get("include_applications") or ())
    if not apps & {"All", facts.AZURE_MANAGEMENT_APP_ID, "MicrosoftAdminPortals"}:
        return False
    return "All" in (policy.get("include_users") or ()) or role_id in (policy.get("include_roles") or ())


def _requires_mfa(policy: dict) -> bool:
    controls = {lower(c) for c in policy.get("grant_controls") or ()}
    if policy.get("authentication_strength"):
        return True
    if "mfa" not in controls:
        return False
    return lower(policy.get("grant_operator")) == "and" or controls == {"mfa"}


def _restricts_origin(policy: dict) -> bool:
    controls = {lower(c) for c in policy.get("grant_controls") or ()}
    include = set(policy.get("include_locations") or ())
    exclude = set(policy.get("exclude_locations") or ())
    if "block" in controls and "All" in include and exclude:
        return True
    device = controls & {"compliantdevice", "domainjoineddevice"}
    return bool(device) and (lower(policy.get("grant_operator")) == "and" or controls == device)


def _uncovered(e: Evidence, predicate) -> tuple[dict, list[str]]:
    roles = need(e, "privileged_roles_in_use") or {}
    policies = [p for p in need(e, "ca_policies") or [] if predicate(p)]
    missing = [facts.PRIVILEGED_DIRECTORY_ROLES.get(rid, rid) for rid in sorted(roles)
               if not any(_policy_covers(p, rid) for p in policies)]
    return roles, missing


def admin_mfa_enforced(e: Evidence) -> Verdict:
    source = "graph:GET /policies/identitySecurityDefaultsEnforcementPolicy"
    if need(e, "security_defaults") is True:
        return Verdict.passed(("セキュリティの既定値群が有効（Entra ID が管理者ロールに MFA を要求する）",
                               "security defaults are on (Entra ID requires MFA for administrator roles)"),
                              {"security_defaults": True}, source)
    roles, missing = _uncovered(e, _requires_mfa)
    observed = {"security_defaults": False, "privileged_roles_in_use": roles, "uncovered": missing}
    source = "graph:GET /identity/conditionalAccess/policies"
    if not roles:
        return Verdict.not_applicable(NO_PRIVILEGED_ROLES, observed, source)
    return Verdict.of(not missing, ("使用中のすべての特権ロールに、有効な条件付きアクセスポリシーが MFA を要求している",
                                    "an enabled Conditional Access policy requires MFA for every privileged role"
                                    " in use"),
                      (f"有効な条件付きアクセスポリシーで MFA が要求されていない特権ロール: {', '.join(missing)}",
                       f"privileged roles for which no enabled Conditional Access policy requires MFA:"
                       f" {', '.join(missing)}"),
                      observed, source)


NO_PRIVILEGED_ROLES = ("特権ディレクトリロールの割り当てがない", "no privileged directory role is assigned")


def admin_mfa_registered(e: Evidence) -> Verdict:
    registered = need(e, "is_mfa_registered")
    methods = e.attributes.get("methods") or []
    return Verdict.of(registered is True,
                      (f"MFA 登録済み（{', '.join(methods) or '認証方法の一覧なし'}）",
                       f"MFA registered ({', '.join(methods) or 'no list of methods'})"),
                      ("管理者が MFA の認証方法を登録していない",
                       "the administrator has registered no MFA method"), {"methods": methods})


def admin_access_restricted(e: Evidence) -> Verdict:
    roles, missing = _uncovered(e, _restricts_origin)
    observed = {"privileged_roles_in_use": roles, "uncovered": missing,
                "named_locations": e.attributes.get("named_locations")}
    if not roles:
        return Verdict.not_applicable(NO_PRIVILEGED_ROLES, observed)
    return Verdict.of(not missing, ("条件付きアクセスにより、使用中のすべての特権ロールの接続元がネームド "
                                    "ロケーションまたは管理対象デバイスに制限されている",
                                    "Conditional Access limits every privileged role in use to named locations"
                                    " or managed devices"),
                      (f"条件付きアクセスポリシーで接続元が制限されていない特権ロール: {', '.join(missing)}",
                       f"privileged roles whose origin no Conditional Access policy restricts: {', '.join(missing)}"),
                      observed)


def global_admin_count(e: Evidence) -> Verdict:
    admins = need(e, "global_admins") or []
    return Verdict.of(len(admins) <= facts.MAX_GLOBAL_ADMINS,
                      (f"グローバル管理者（Global Administrator）の割り当ては {len(admins)} 件",
                       f"{len(admins)} Global Administrator assignments"),
                      (f"グローバル管理者（Global Administrator）の割り当てが {len(admins)} 件"
                       "（Microsoft の推奨は 5 件未満）",
                       f"{len(admins)} Global Administrator assignments (Microsoft recommends fewer than 5)"),
                      {"count": len(admins)}, "graph:GET /roleManagement/directory/roleAssignments")


def subscription_owners(e: Evidence) -> Verdict:
    owners = need(e, "owners") or []
    observed = {"owners": owners, "contributors": e.attributes.get("contributors")}
    return Verdict.of(len(owners) <= facts.MAX_SUBSCRIPTION_OWNERS,
                      (f"サブスクリプションスコープの所有者（Owner）の割り当ては {len(owners)} 件",
                       f"{len(owners)} Owner assignments at subscription scope"),
                      (f"サブスクリプションスコープの所有者（Owner）の割り当てが {len(owners)} 件（推奨は "
                       f"{facts.MAX_SUBSCRIPTION_OWNERS} 件以下）",
                       f"{len(owners)} Owner assignments at subscription scope (at most"
                       f" {facts.MAX_SUBSCRIPTION_OWNERS} recommended)"), observed)


def password_policy(e: Evidence) -> Verdict:
    kind = lower(need(e, "authentication_type"))
    observed = {"authentication_type": e.attributes.get("authentication_type"),
                "password_validity_days": e.attributes.get("password_validity_days")}
    if kind == "federated":
        return Verdict.unknown(("フェデレーションドメイン（パスワードはフェデレーション先の ID プロバイダーが管理して"
                                "おり、Microsoft Graph からは読めない）",
                                "a federated domain (passwords are managed by the federated identity provider and"
                                " cannot be read through Microsoft Graph)"), observed)
    return Verdict.failed((
        "クラウドのアカウントには Entra ID の固定のパスワードポリシーが適用される: 8〜256 文字で、4 種類の文字"
        "（英大文字・英小文字・数字・記号）のうち 3 種類を含むこと。4 種類すべてを必須にする設定はできないため、"
        "代替の対策（MFA、禁止パスワード リスト）を申告で示すこと",
        "cloud accounts get Entra ID's fixed password policy: 8 to 256 characters containing 3 of the 4 kinds"
        " (upper case, lower case, digits, symbols). Requiring all 4 kinds cannot be configured, so attest the"
        " compensating measures (MFA, banned password list)"), observed)


def user_not_stale(e: Evidence) -> Verdict:
    if e.attributes.get("enabled") is False:
        return Verdict.passed(("無効化されたアカウント", "a disabled account"), {"enabled": False})
    last = need(e, "last_sign_in")
    created = e.attributes.get("created")
    limit = e.collected_at - timedelta(days=facts.STALE_AFTER_DAYS)
    observed = {"last_sign_in": last, "created": created, "user_type": e.attributes.get("user_type")}
    days = facts.STALE_AFTER_DAYS
    if last:
        return Verdict.of(_time(last) >= limit, (f"最終サインイン {last[:10]}", f"last sign-in {last[:10]}"),
                          (f"有効なアカウントが {days} 日を超えて使われていない（最終サインイン {last[:10]}）",
                           f"an enabled account unused for more than {days} days (last sign-in {last[:10]})"),
                          observed)
    if created and _time(created) >= limit:
        return Verdict.passed((f"{created[:10]} に作成され、まだサインインしていない",
                               f"created on {created[:10]} and not signed in yet"), observed)
    return Verdict.failed((f"作成から {days} 日を超えて一度もサインインしていない有効なアカウント",
                           f"an enabled account that has never signed in since its creation more than {days} days"
                           " ago"), observed)


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


CHECKS: tuple[Check, ...] = table((
    ("azure.entra.admin_mfa_enforced", "identity.admin-mfa", k.TENANT,
     graph("Policy.Read.All", "RoleManagement.Read.Directory"),
     ("セキュリティの既定値群が有効、または条件付きアクセスで使用中の全特権ロールに MFA を要求",
      "security defaults on, or Conditional Access requires MFA for every privileged role in use"),
     admin_mfa_enforced, "管理者ロールへの MFA 強制", "MFA enforced for administrator roles"),
    ("azure.entra.admin_mfa_registered", "identity.admin-mfa", k.ADMIN, graph("AuditLog.Read.All"),
     ("すべての管理者が MFA を登録済み", "every administrator has registered MFA"), admin_mfa_registered,
     "管理者の MFA 登録", "Administrator MFA registration"),
    ("azure.entra.password_policy", "identity.password-policy", k.DOMAIN, graph("Domain.Read.All"),
     ("8 文字以上・大文字・小文字・数字・記号", "8+ characters requiring upper, lower, digit and symbol"),
     password_policy, "パスワードポリシー", "Password policy"),
    ("azure.rbac.subscription_owners", "identity.least-privilege", k.SUB_RBAC,
     arm("Microsoft.Authorization/roleAssignments/read"),
     (f"サブスクリプションスコープの Owner は {facts.MAX_SUBSCRIPTION_OWNERS} 件以下",
      f"at most {facts.MAX_SUBSCRIPTION_OWNERS} Owners at subscription scope"), subscription_owners,
     "サブスクリプション Owner の限定", "Few subscription Owners"),
    ("azure.entra.global_admin_count", "identity.least-privilege", k.TENANT,
     graph("RoleManagement.Read.Directory"),
     ("グローバル管理者（Global Administrator）は 5 件未満", "fewer than five Global Administrators"),
     global_admin_count, "グローバル管理者の人数", "Number of Global Administrators"),
    ("azure.entra.user_not_stale", "identity.account-lifecycle", k.USER,
     graph("User.Read.All", "AuditLog.Read.All"),
     (f"有効なアカウントは {facts.STALE_AFTER_DAYS} 日以内に使用",
      f"enabled accounts used within {facts.STALE_AFTER_DAYS} days"), user_not_stale, "未使用アカウントの管理",
     "Unused accounts"),
    ("azure.entra.admin_access_restricted", "identity.access-restriction", k.TENANT,
     graph("Policy.Read.All", "RoleManagement.Read.Directory"),
     ("条件付きアクセスで特権ロールの接続元をネームド ロケーションまたは管理対象デバイスに制限",
      "Conditional Access limits privileged roles to named locations or managed devices"), admin_access_restricted,
     "管理者の接続元制限", "Where administrators may sign in from"),
))
