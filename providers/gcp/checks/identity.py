"""identity.* — administrators' 2-Step Verification, basic roles, service-account keys, access origin.

- admin MFA: every user holding an administrative role (owner, editor, organisation / folder /
  project-IAM / security admin) is enrolled in 2-Step Verification. The state comes from the Admin
  SDK only when the audit identity may read the directory; otherwise UNKNOWN with that grant.
  Groups, domains and federated identities (workforce / workload identity pools) are UNKNOWN: their
  MFA is not in Cloud Identity and must be attested.
- least privilege: no basic role (roles/owner, roles/editor) is granted on a project, folder or
  organisation — basic roles span every service.
- account lifecycle: user-managed service-account keys are younger than 90 days.
- access restriction: each project sits inside a VPC Service Controls perimeter, or the organisation
  binds Context-Aware Access levels to its users (gcpUserAccessBindings).
"""

from __future__ import annotations

from datetime import datetime

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.gcp.calls import WORKSPACE_GRANT_EN, WORKSPACE_GRANT_JA
from providers.gcp.checks.common import ACCESS, IAM, check, readable

BASIC_ROLES = ("roles/owner", "roles/editor")
KEY_MAX_AGE_DAYS = 90


def admin_two_step_verification(evidence: Evidence) -> Verdict:
    kind = need(evidence, "principal_type")
    principal = need(evidence, "principal")
    grants = need(evidence, "grants") or []
    held = "、".join(f"{g['role']}（{g['on']}）" for g in grants)
    held_en = ", ".join(f"{g['role']} ({g['on']})" for g in grants)
    if kind in ("principal", "principalSet"):
        return _federated(principal, (held, held_en), evidence.attributes.get("federation"), grants)
    if kind != "user":
        return Verdict.unknown((
            f"{kind}:{principal} に管理者ロール {held} が付与されている。メンバー個々の 2 段階認証の状態は"
            "グループのメンバー展開が必要なため自動判定していない（メンバー一覧と 2SV 強制設定を申告で示すこと）",
            f"{kind}:{principal} holds the administrator roles {held_en}. Each member's 2-Step Verification state"
            " would need the group's members expanded and is not decided automatically (attest the member list and"
            " the 2SV enforcement setting)"),
            observed={"grants": grants},
        )
    state = need(evidence, "two_step_verification")
    if state is None:
        return Verdict.unknown((f"2 段階認証の状態を読めていない。{WORKSPACE_GRANT_JA}",
                                f"the 2-Step Verification state could not be read: {WORKSPACE_GRANT_EN}"),
                               observed={"grants": grants})
    observed = {"grants": grants, **state}
    if state.get("suspended"):
        return Verdict.not_applicable((f"{principal} は停止中のユーザー（ログイン不可）",
                                       f"{principal} is a suspended user (cannot sign in)"), observed=observed)
    enforced = ("（組織で強制）", " (enforced by the organisation)") if state.get("enforced") else ("", "")
    return Verdict.of(
        bool(state.get("enrolled")),
        (f"管理者 {principal} は 2 段階認証に登録済み{enforced[0]}",
         f"the administrator {principal} is enrolled in 2-Step Verification{enforced[1]}"),
        (f"管理者 {principal}（{held}）が 2 段階認証に登録していない",
         f"the administrator {principal} ({held_en}) is not enrolled in 2-Step Verification"),
        observed=observed,
    )


FEDERATION_NAMES = {"workforce": ("Workforce Identity 連携", "Workforce Identity Federation"),
                    "workload": ("Workload Identity 連携", "Workload Identity Federation")}


def _federated(principal: str, held: tuple[str, str], federation: str | None, grants: list) -> Verdict:
    observed = {"grants": grants, "federation": federation or None}
    if federation in FEDERATION_NAMES:
        name, name_en = FEDERATION_NAMES[federation]
        return Verdict.unknown((
            f"{principal} に管理者ロール {held[0]} が付与されている。{name}の ID は外部の"
            " ID プロバイダー（IdP）で認証され、MFA は外部 IdP 側で強制される。Cloud Identity からは MFA の状態を"
            "読めないため、外部 IdP で MFA を強制している設定を申告で示すこと",
            f"{principal} holds the administrator roles {held[1]}. {name_en} identities are authenticated by an"
            " external identity provider (IdP), which enforces MFA; Cloud Identity cannot read their MFA state, so"
            " attest the setting that enforces MFA at the external IdP"),
            observed=observed,
        )
    return Verdict.unknown((
        f"{principal} に管理者ロール {held[0]} が付与されている。この主体識別子の MFA の状態は自動判定していない"
        "（該当するアカウントと MFA の強制設定を申告で示すこと）",
        f"{principal} holds the administrator roles {held[1]}. The MFA state of this principal identifier is not"
        " decided automatically (attest the accounts concerned and their MFA enforcement)"),
        observed=observed,
    )


def no_basic_roles(evidence: Evidence) -> Verdict:
    bindings = need(evidence, "bindings") or []
    target = evidence.attributes.get("target", evidence.scope)
    found = [
        {"role": b["role"], "member": member}
        for b in bindings if b.get("role") in BASIC_ROLES for member in b.get("members") or []
    ]
    if not found:
        return Verdict.passed((f"{target} に基本ロール（オーナー・編集者）の付与はない",
                               f"no basic role (Owner, Editor) is granted on {target}"), observed=[])
    listed = "、".join(f"{f['member']}={f['role']}" for f in found)
    listed_en = ", ".join(f"{f['member']}={f['role']}" for f in found)
    return Verdict.failed((
        f"{target} に基本ロールが付与されている（全サービスに及ぶ広い権限。事前定義ロールに置き換える）: {listed}",
        f"basic roles are granted on {target} (broad rights over every service; replace them with predefined"
        f" roles): {listed_en}"),
        observed=found,
    )


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None


def service_account_key_age(evidence: Evidence) -> Verdict:
    account = evidence.attributes.get("service_account", "")
    if need(evidence, "disabled"):
        return Verdict.passed((f"{account} のユーザー管理鍵は無効化済み",
                               f"the user-managed key of {account} is disabled"), observed={"disabled": True})
    created = _parse_time(need(evidence, "valid_after") or "")
    if created is None or created.tzinfo is None:
        return Verdict.unknown(("鍵の作成日時（validAfterTime）を読めない",
                                "the key's creation time (validAfterTime) cannot be read"),
                               observed=evidence.attributes.get("valid_after"))
    age = (evidence.collected_at - created).days
    observed = {"service_account": account, "valid_after": evidence.attributes.get("valid_after"), "age_days": age}
    return Verdict.of(
        age <= KEY_MAX_AGE_DAYS,
        (f"{account} のユーザー管理鍵は作成から {age} 日（90 日以内）",
         f"the user-managed key of {account} was created {age} days ago (within 90 days)"),
        (f"{account} のユーザー管理鍵が作成から {age} 日経過（90 日超、ローテーションまたは削除が必要）",
         f"the user-managed key of {account} was created {age} days ago (over 90 days; rotate or delete it)"),
        observed=observed,
    )


def project_access_restricted(evidence: Evidence) -> Verdict:
    project = evidence.attributes.get("project_id", evidence.scope)
    if not evidence.attributes.get("organization"):
        return Verdict.failed((
            f"{project} は組織に属さないため VPC Service Controls・コンテキストアウェアアクセスを使えず、"
            "接続元の制限がない",
            f"{project} belongs to no organisation, so it cannot use VPC Service Controls or Context-Aware Access,"
            " and access origins are not restricted"),
            observed={"organization": None},
        )
    if readable(evidence, "perimeters") and need(evidence, "perimeters"):
        perimeters = need(evidence, "perimeters")
        names = ", ".join(p["title"] or p["name"] for p in perimeters)
        return Verdict.passed(
            (f"{project} は VPC Service Controls の境界 {names} で保護",
             f"{project} is protected by the VPC Service Controls perimeters {names}"),
            observed={"perimeters": perimeters},
        )
    if readable(evidence, "user_access_bindings") and need(evidence, "user_access_bindings"):
        bindings = need(evidence, "user_access_bindings")
        groups = ", ".join(b["group"] for b in bindings)
        return Verdict.passed(
            (f"組織がコンテキストアウェアアクセス（アクセスレベル）をグループ {groups} の Google Cloud 利用に適用",
             f"the organisation applies Context-Aware Access (access levels) to Google Cloud use by the groups"
             f" {groups}"),
            observed={"user_access_bindings": bindings},
        )
    perimeters = need(evidence, "perimeters")
    need(evidence, "user_access_bindings")
    dry_run = evidence.attributes.get("dry_run_perimeters") or []
    dry = ", ".join(p["name"] for p in dry_run)
    extra = (f"（ドライランのみの境界: {dry}）", f" (dry-run-only perimeters: {dry})") if dry_run else ("", "")
    return Verdict.failed(
        (f"{project} は VPC Service Controls の境界に含まれず、コンテキストアウェアアクセスの適用もない{extra[0]}",
         f"{project} is in no VPC Service Controls perimeter, and no Context-Aware Access applies{extra[1]}"),
        observed={"perimeters": perimeters, "dry_run_perimeters": dry_run, "user_access_bindings": []},
    )


CHECKS = (
    check("gcp.iam.admin_2sv", "identity.admin-mfa", "gcp.iam.admin_principal", admin_two_step_verification,
          expected=("管理者ロールを持つ全ユーザーが 2 段階認証に登録済み",
                    "every user holding an administrator role is enrolled in 2-Step Verification"),
          title="Administrators use 2-Step Verification", title_ja="管理者の 2 段階認証", permissions=IAM),
    check("gcp.iam.no_basic_roles", "identity.least-privilege", "gcp.resourcemanager.iam_policy", no_basic_roles,
          expected=("roles/owner・roles/editor（基本ロール）の付与がない",
                    "no roles/owner or roles/editor (basic role) granted"), title="No basic roles granted",
          title_ja="基本ロールの不使用", permissions=IAM),
    check("gcp.iam.service_account_key_rotated", "identity.account-lifecycle", "gcp.iam.service_account_key",
          service_account_key_age,
          expected=("ユーザー管理のサービスアカウント鍵が作成から 90 日以内（または無効化）",
                    "user-managed service account keys created within 90 days (or disabled)"),
          title="User-managed service account keys younger than 90 days",
          title_ja="サービスアカウント鍵の 90 日以内の更新"),
    check("gcp.accesscontext.project_restricted", "identity.access-restriction",
          "gcp.resourcemanager.project_access_context", project_access_restricted,
          expected=("VPC Service Controls の境界内、またはコンテキストアウェアアクセスの適用",
                    "inside a VPC Service Controls perimeter, or Context-Aware Access applied"),
          title="Access restricted by VPC Service Controls / Context-Aware Access", title_ja="接続元の制限",
          permissions=ACCESS),
)
