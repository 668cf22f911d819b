"""The Azure checks: one small pure function per check over one kind of evidence, listed in a table.

Every function reads the normalised attributes :mod:`providers.azure.normalize` builds, through
:func:`auditor.checks.need` where an attribute may have been unreadable, and returns a
:class:`~auditor.checks.Verdict`. Nothing here calls Azure or imports an Azure SDK. Reasons are
``(Japanese, English)`` pairs, the Japanese as the municipal reports print it; Azure's own product and
setting names (minimumTlsVersion, Defender for Cloud, Log Analytics …) keep their usual form in both.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from auditor.checks import Check, Verdict, need
from auditor.model import Evidence, said
from auditor.status import Status
from providers.azure import facts
from providers.azure import kinds as k

ARG = "Microsoft.ResourceGraph/resources/read"

#: The Japanese names Azure gives its two regions in Japan.
JAPAN_REGION_NAMES = {"japaneast": "東日本", "japanwest": "西日本"}


def _lower(value) -> str:
    return str(value or "").lower()


def _region(location: str) -> str:
    """'japaneast' → 'japaneast（東日本）'; any other region as it is."""
    name = JAPAN_REGION_NAMES.get(_lower(location).replace(" ", ""))
    return f"{location}（{name}）" if name else location


def _tls_rank(version) -> float:
    """'TLS1_2', 'TLSv1_2', '1.2', 'TLS12' → 1.2; unknown or absent → 0."""
    text = _lower(version).replace("tlsv", "").replace("tls", "").replace("_", ".").strip(".")
    if text in ("12", "13", "10", "11"):
        text = f"{text[0]}.{text[1]}"
    try:
        return float(text)
    except ValueError:
        return 0.0


# ---------------------------------------------------------------- residency.japan


def resource_in_japan(e: Evidence) -> Verdict:
    location = _lower(e.attributes.get("location"))
    if not location:
        return Verdict.not_applicable(("Azure がこのリソースの所在リージョン（location）を返していない",
                                       "Azure returns no region (location) for this resource"), location)
    if location in facts.NON_REGIONAL:
        return Verdict.passed(("location が global（リージョンに属さないリソースで、管理策上は許容される）",
                               "location is global (a resource outside any region, which the control allows)"),
                              location)
    return Verdict.of(facts.in_japan(location),
                      (f"国内リージョン {_region(location)}にある", f"in the Japanese region {location}"),
                      (f"国外リージョン {location} にある（国内は japaneast / japanwest）",
                       f"in {location}, a region outside Japan (Japan is japaneast / japanwest)"), location)


def storage_secondary_in_japan(e: Evidence) -> Verdict:
    sku = _lower(e.attributes.get("sku"))
    if sku not in facts.GEO_REPLICATED_SKUS:
        return Verdict.not_applicable((f"{sku or 'この SKU'} は別リージョンに複製を持たない",
                                       f"{sku or 'this SKU'} keeps no copy in another region"), {"sku": sku})
    secondary = e.attributes.get("secondary_location")
    observed = {"sku": sku, "secondary_location": secondary}
    if not secondary:
        return Verdict.unknown(("地理冗長の SKU だが、Azure がセカンダリリージョン（secondaryLocation）を返していない",
                                "a geo-redundant SKU, but Azure returns no secondary region (secondaryLocation)"),
                               observed)
    return Verdict.of(facts.in_japan(secondary),
                      (f"地理冗長コピーは国内リージョン {_region(secondary)}にある",
                       f"the geo-redundant copy is in the Japanese region {secondary}"),
                      (f"地理冗長コピーが国外リージョン {secondary} にある",
                       f"the geo-redundant copy is in {secondary}, a region outside Japan"), observed)


def location_policy(e: Evidence) -> Verdict:
    assignments = need(e, "assignments") or []
    if not assignments:
        return Verdict.not_applicable((
            "「許可されている場所」（Allowed locations）ポリシーの割り当てがなく、国外でのリソースの新規作成を"
            "防ぐ仕組みがない（所在は各リソースの location で判定する）",
            "no Allowed locations policy is assigned, so nothing prevents new resources outside Japan"
            " (residency is decided by each resource's location)"), [])
    enforced = [a for a in assignments if _lower(a.get("enforcement_mode")) != "donotenforce"]
    if not enforced:
        return Verdict.failed(("「許可されている場所」ポリシーの割り当てはあるが、いずれも適用されていない"
                               "（DoNotEnforce）",
                               "Allowed locations policies are assigned, but none is enforced (DoNotEnforce)"),
                              assignments)
    allowed = None
    for assignment in enforced:
        listed = {_lower(loc) for loc in assignment.get("allowed_locations") or []}
        allowed = listed if allowed is None else allowed & listed
    outside = sorted(loc for loc in allowed or () if not facts.in_japan(loc) and loc not in facts.NON_REGIONAL)
    if outside:
        return Verdict.failed((f"適用中の「許可されている場所」ポリシーが国外の {', '.join(outside)} を許可している",
                               f"the enforced Allowed locations policy allows {', '.join(outside)}, outside Japan"),
                              assignments)
    listed = ", ".join(sorted(allowed or ()))
    return Verdict.passed((f"適用中の「許可されている場所」ポリシーが {listed} 以外へのデプロイを拒否している",
                           f"the enforced Allowed locations policy denies deployments outside {listed}"), assignments)


# ---------------------------------------------------------------- encryption.at-rest


def storage_encrypted(e: Evidence) -> Verdict:
    key_source = need(e, "key_source")
    services = e.attributes.get("encrypted_services") or {}
    observed = {"key_source": key_source, "services": services,
                "infrastructure_encryption": e.attributes.get("infrastructure_encryption")}
    if key_source is None:
        return Verdict.unknown(("Azure がこのストレージアカウントの暗号化設定を返していない",
                                "Azure returns no encryption settings for this storage account"), observed)
    disabled = sorted(name for name, on in services.items() if on is False)
    if disabled:
        return Verdict.failed((f"{', '.join(disabled)} の暗号化が無効と報告されている",
                               f"encryption is reported off for {', '.join(disabled)}"), observed)
    if _lower(key_source) == "microsoft.keyvault":
        return Verdict.passed(("Key Vault のカスタマー マネージド キーで保存時に暗号化されている",
                               "encrypted at rest with a customer-managed key in Key Vault"), observed)
    return Verdict.passed(("Microsoft マネージド キーで保存時に暗号化されている（Azure Storage は常に暗号化する。"
                           "プラットフォーム既定）",
                           "encrypted at rest with a Microsoft-managed key (Azure Storage always encrypts;"
                           " platform default)"), observed)


def disk_encrypted(e: Evidence) -> Verdict:
    kind = e.attributes.get("encryption_type")
    observed = {"encryption_type": kind, "disk_encryption_set": e.attributes.get("disk_encryption_set"),
                "azure_disk_encryption": e.attributes.get("ade_enabled")}
    if not kind:
        return Verdict.unknown(("Azure がこのディスクの暗号化の種類を返していない",
                                "Azure returns no encryption type for this disk"), observed)
    if "customerkey" in _lower(kind):
        return Verdict.passed((f"カスタマー マネージド キーによるサーバー側暗号化（{kind}）",
                               f"server-side encryption with a customer-managed key ({kind})"), observed)
    return Verdict.passed((f"プラットフォーム マネージド キーによるサーバー側暗号化（{kind}、プラットフォーム既定）",
                           f"server-side encryption with a platform-managed key ({kind}, platform default)"),
                          observed)


def sql_tde(e: Evidence) -> Verdict:
    state = need(e, "tde_state")
    return Verdict.of(_lower(state) == "enabled",
                      ("透過的データ暗号化（TDE）が有効", "transparent data encryption (TDE) is on"),
                      (f"透過的データ暗号化（TDE）が {state} 状態", f"transparent data encryption (TDE) is {state}")
                      if state else ("透過的データ暗号化（TDE）の状態が返されていない",
                                     "no transparent data encryption (TDE) state was returned"), state,
                      "arm:GET Microsoft.Sql/servers/databases/transparentDataEncryption")


# ---------------------------------------------------------------- tls.in-transit


def storage_min_tls(e: Evidence) -> Verdict:
    version = e.attributes.get("min_tls")
    if not version:
        return Verdict.failed(("minimumTlsVersion が未設定（TLS 1.0 以上をすべて受け付ける）",
                               "minimumTlsVersion is not set (TLS 1.0 and later are all accepted)"), version)
    return Verdict.of(_tls_rank(version) >= 1.2,
                      (f"最小 TLS バージョン（minimumTlsVersion）は {version}",
                       f"the minimum TLS version (minimumTlsVersion) is {version}"),
                      (f"最小 TLS バージョン（minimumTlsVersion）が {version}（1.2 未満）",
                       f"the minimum TLS version (minimumTlsVersion) is {version} (below 1.2)"), version)


def storage_https_only(e: Evidence) -> Verdict:
    https_only = e.attributes.get("https_only")
    return Verdict.of(https_only is True, ("安全な転送が必須（HTTPS のみ）", "secure transfer required (HTTPS only)"),
                      ("安全な転送が必須になっていない（暗号化されない HTTP の要求を受け付ける）",
                       "secure transfer is not required (unencrypted HTTP requests are accepted)"), https_only)


def webapp_https_only(e: Evidence) -> Verdict:
    https_only = e.attributes.get("https_only")
    return Verdict.of(https_only is True, ("HTTPS のみ（HTTP の要求は HTTPS にリダイレクトされる）",
                                           "HTTPS only (HTTP requests are redirected to HTTPS)"),
                      ("httpsOnly が無効（アプリが暗号化されない HTTP に応答する）",
                       "httpsOnly is off (the app answers unencrypted HTTP)"), https_only)


def webapp_min_tls(e: Evidence) -> Verdict:
    version = need(e, "min_tls")
    if not version:
        return Verdict.unknown(("サイトの Web 構成に最小 TLS バージョン（minTlsVersion）がない",
                                "the site's web configuration has no minimum TLS version (minTlsVersion)"), version)
    return Verdict.of(_tls_rank(version) >= 1.2,
                      (f"最小 TLS バージョン（minTlsVersion）は {version}",
                       f"the minimum TLS version (minTlsVersion) is {version}"),
                      (f"最小 TLS バージョン（minTlsVersion）が {version}（1.2 未満）",
                       f"the minimum TLS version (minTlsVersion) is {version} (below 1.2)"), version)


def sql_min_tls(e: Evidence) -> Verdict:
    version = e.attributes.get("min_tls")
    if not version or _lower(version) == "none":
        return Verdict.failed(("minimalTlsVersion が未設定（サービスが提供するすべての TLS バージョンを受け付ける）",
                               "minimalTlsVersion is not set (every TLS version the service offers is accepted)"),
                              version)
    return Verdict.of(_tls_rank(version) >= 1.2,
                      (f"最小 TLS バージョン（minimalTlsVersion）は {version}",
                       f"the minimum TLS version (minimalTlsVersion) is {version}"),
                      (f"最小 TLS バージョン（minimalTlsVersion）が {version}（1.2 未満）",
                       f"the minimum TLS version (minimalTlsVersion) is {version} (below 1.2)"), version)


def appgw_min_tls(e: Evidence) -> Verdict:
    policy = e.attributes.get("ssl_policy") or {}
    if not policy:
        return Verdict.failed(("SSL ポリシーが未設定（作成時の API バージョンの既定が使われ、TLS 1.0 を受け付ける"
                               "おそれがある）",
                               "no SSL policy is set (the default of the API version it was created with applies,"
                               " which may accept TLS 1.0)"), policy)
    kind = _lower(policy.get("policyType"))
    if kind == "predefined":
        version = facts.APPGW_PREDEFINED_MIN_TLS.get(_lower(policy.get("policyName")))
        if version is None:
            name = policy.get("policyName")
            return Verdict.unknown((f"定義済み SSL ポリシー {name} は本ツールが把握していないもの",
                                    f"the predefined SSL policy {name} is not one this tool knows"), policy)
    else:
        version = policy.get("minProtocolVersion")
    return Verdict.of(_tls_rank(version) >= 1.2,
                      (f"SSL ポリシーの最小プロトコルバージョンは {version}",
                       f"the SSL policy's minimum protocol version is {version}"),
                      (f"SSL ポリシーが {version} を許可している（TLS 1.2 未満）",
                       f"the SSL policy allows {version} (below TLS 1.2)"), policy)


NO_PUBLIC_FRONTEND = ("パブリックのフロントエンド IP がない（インターネットからの入口ではない）",
                      "no public frontend IP (not an entry point from the internet)")


def appgw_https_redirect(e: Evidence) -> Verdict:
    if not e.attributes.get("public"):
        return Verdict.not_applicable(NO_PUBLIC_FRONTEND)
    plain = e.attributes.get("http_listeners_without_redirect") or []
    return Verdict.of(not plain, ("公開の HTTP リスナーはすべて HTTPS にリダイレクトする",
                                  "every public HTTP listener redirects to HTTPS"),
                      (f"HTTPS へのリダイレクトがない公開の HTTP リスナー: {', '.join(plain)}",
                       f"public HTTP listeners without a redirect to HTTPS: {', '.join(plain)}"), plain)


def frontdoor_min_tls(e: Evidence) -> Verdict:
    endpoints = need(e, "endpoints") or []
    custom = [ep for ep in endpoints if ep.get("custom")]
    if not custom:
        return Verdict.not_applicable(("カスタムドメインがない（Front Door 既定ドメインの TLS 設定は Microsoft が"
                                       "管理し、変更できない）",
                                       "no custom domain (Microsoft manages the TLS settings of the Front Door"
                                       " default domain, and they cannot be changed)"), endpoints)
    weak = [ep for ep in custom if _tls_rank(ep.get("min_tls")) < 1.2]
    weak_ja = ", ".join(f"{ep.get('host') or ep.get('name')} ({ep.get('min_tls') or '未設定'})" for ep in weak)
    weak_en = ", ".join(f"{ep.get('host') or ep.get('name')} ({ep.get('min_tls') or 'not set'})" for ep in weak)
    return Verdict.of(not weak, ("すべてのカスタムドメインで TLS 1.2 以上が必須",
                                 "every custom domain requires TLS 1.2 or later"),
                      (f"TLS 1.2 未満を受け付けるカスタムドメイン: {weak_ja}",
                       f"custom domains accepting TLS below 1.2: {weak_en}"), custom)


# ---------------------------------------------------------------- identity


def _policy_covers(policy: dict, role_id: str) -> bool:
    if _lower(policy.get("state")) != "enabled":
        return False
    if role_id in policy.get("exclude_roles", ()):
        return False
    apps = set(policy.get("include_applications") or ())
    if not apps & {"All", facts.AZURE_MANAGEMENT_APP_ID, "MicrosoftAdminPortals"}:
        return False
    return "All" in (policy.get("include_users") or ()) or role_id in (policy.get("include_roles") or ())


def _requires_mfa(policy: dict) -> bool:
    controls = {_lower(c) for c in policy.get("grant_controls") or ()}
    if policy.get("authentication_strength"):
        return True
    if "mfa" not in controls:
        return False
    return _lower(policy.get("grant_operator")) == "and" or controls == {"mfa"}


def _restricts_origin(policy: dict) -> bool:
    controls = {_lower(c) for c in policy.get("grant_controls") or ()}
    include = set(policy.get("include_locations") or ())
    exclude = set(policy.get("exclude_locations") or ())
    if "block" in controls and "All" in include and exclude:
        return True
    device = controls & {"compliantdevice", "domainjoineddevice"}
    return bool(device) and (_lower(policy.get("grant_operator")) == "and" or controls == device)


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
    kind = _lower(need(e, "authentication_type"))
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


# ---------------------------------------------------------------- logging


def _settings(e: Evidence) -> list[dict]:
    return need(e, "settings") or []


def activity_log_exported(e: Evidence) -> Verdict:
    settings = _settings(e)
    exporting = [s["name"] for s in settings if facts.exports_administrative(s.get("categories") or ())
                 and (s.get("workspace_id") or s.get("storage_account_id") or s.get("event_hub"))]
    days = facts.PLATFORM_ACTIVITY_LOG_DAYS
    return Verdict.of(bool(exporting),
                      (f"アクティビティログ（Administrative）を診断設定 {', '.join(exporting)} がエクスポートしている",
                       f"the diagnostic settings {', '.join(exporting)} export the activity log (Administrative)"),
                      (f"アクティビティログをエクスポートする診断設定がない（Azure での保持は {days} 日のみ）",
                       f"no diagnostic setting exports the activity log (Azure keeps it only {days} days)"),
                      settings)


def _destinations(e: Evidence) -> list[dict]:
    return [d for s in _settings(e) for d in s.get("destinations") or ()]


def _days(value) -> str:
    return "無期限" if value == "unlimited" else f"{value} 日"


def _days_en(value) -> str:
    return "unlimited" if value == "unlimited" else f"{value} days"


def _cause_en(destination: dict) -> str:
    """Why a destination's setting could not be read, in English (an event hub is the receiver's business)."""
    if destination.get("kind") == "event_hub":
        return "streams to an event hub (the receiving system decides retention and immutability)"
    return destination.get("unreadable") or "retention is managed outside Azure"


def activity_log_retention(e: Evidence) -> Verdict:
    destinations = _destinations(e)
    if not destinations:
        days = facts.PLATFORM_ACTIVITY_LOG_DAYS
        return Verdict.failed((f"アクティビティログがエクスポートされていない（Azure での保持は {days} 日）",
                               f"the activity log is not exported (Azure keeps it {days} days)"), [])
    long_enough = [d for d in destinations if d.get("retention_days") == "unlimited"
                   or (isinstance(d.get("retention_days"), int) and d["retention_days"] >= 365)]
    if long_enough:
        return Verdict.passed((
            "アクティビティログを 365 日以上保存している: "
            + ", ".join(f"{d['name']} ({_days(d['retention_days'])})" for d in long_enough),
            "the activity log is kept 365 days or more: "
            + ", ".join(f"{d['name']} ({_days_en(d['retention_days'])})" for d in long_enough)), destinations)
    unreadable = [d for d in destinations if d.get("unreadable") or d.get("retention_days") is None]
    if unreadable:
        causes = "; ".join(f"{d['name']}: {d.get('unreadable') or '保持期間は Azure の外で管理されている'}"
                           for d in unreadable)
        causes_en = "; ".join(f"{d['name']}: {_cause_en(d)}" for d in unreadable)
        return Verdict.unknown((f"保持期間を読めない送信先がある: {causes}",
                                f"the retention of some destinations cannot be read: {causes_en}"), destinations)
    return Verdict.failed((
        "どの送信先もアクティビティログの保持期間が 365 日未満: "
        + ", ".join(f"{d['name']} ({_days(d['retention_days'])})" for d in destinations),
        "every destination keeps the activity log less than 365 days: "
        + ", ".join(f"{d['name']} ({_days_en(d['retention_days'])})" for d in destinations)), destinations)


def activity_log_immutable(e: Evidence) -> Verdict:
    destinations = _destinations(e)
    if not destinations:
        return Verdict.failed(("アクティビティログがどこにもエクスポートされていない",
                               "the activity log is not exported anywhere"), [])
    locked = [d for d in destinations if d.get("immutability") == "locked"]
    if locked:
        names = ", ".join(d["name"] for d in locked)
        return Verdict.passed((f"アクティビティログは不変（WORM、ロック済みポリシー）のストレージに書き込まれている: "
                               f"{names}",
                               f"the activity log is written to immutable storage (WORM, locked policy): {names}"),
                              destinations)
    unreadable = [d for d in destinations if d.get("kind") in ("storage", "event_hub") and d.get("unreadable")]
    if unreadable:
        return Verdict.unknown((
            "不変性の設定を読めない送信先がある: " + "; ".join(f"{d['name']}: {d['unreadable']}" for d in unreadable),
            "the immutability of some destinations cannot be read: "
            + "; ".join(f"{d['name']}: {_cause_en(d)}" for d in unreadable)), destinations)
    states = ", ".join(f"{d['name']} = {d.get('immutability') or 'none'}" for d in destinations)
    return Verdict.failed((f"ロック済みの不変ストレージにアクティビティログを保存している送信先がない。"
                           f"送信先ごとの不変性: {states}",
                           f"no destination keeps the activity log in locked immutable storage."
                           f" Immutability by destination: {states}"), destinations)


# ---------------------------------------------------------------- network


def _waf_verdict(waf: dict | None, what: str) -> Verdict:
    if not waf:
        return Verdict.failed((f"{what}: WAF が関連付けられていない", f"{what}: no WAF is associated"), waf)
    if not waf.get("enabled"):
        return Verdict.failed((f"{what}: WAF はあるが無効", f"{what}: a WAF is associated but disabled"), waf)
    mode = _lower(waf.get("mode"))
    shown = waf.get("mode")
    return Verdict.of(mode == "prevention",
                      (f"{what}: WAF が防止（Prevention）モードで有効", f"{what}: WAF on in Prevention mode"),
                      (f"{what}: WAF が {shown} モード（検知のみで遮断しない）",
                       f"{what}: WAF in {shown} mode (detects only, blocks nothing)") if shown
                      else (f"{what}: WAF のモードが確認不能（防止モードであることを確認できない）",
                            f"{what}: the WAF mode could not be determined (Prevention mode is not confirmed)"),
                      waf)


def appgw_waf(e: Evidence) -> Verdict:
    if not e.attributes.get("public"):
        return Verdict.not_applicable(NO_PUBLIC_FRONTEND)
    return _waf_verdict(need(e, "waf"), "Application Gateway")


def frontdoor_waf(e: Evidence) -> Verdict:
    endpoints = need(e, "endpoints") or []
    if not endpoints:
        return Verdict.not_applicable(("エンドポイントもドメインもない", "no endpoint and no domain"), [])
    bad, bad_en, unreadable, unreadable_en = [], [], [], []
    for ep in endpoints:
        label = ep.get("host") or ep.get("name")
        waf = ep.get("waf")
        if waf and waf.get("unreadable"):
            unreadable.append(f"{label or 'エンドポイント'}: {waf['unreadable']}")
            unreadable_en.append(f"{label or 'endpoint'}: WAF policy {waf.get('id')} is not visible from the"
                                 " audited subscriptions")
            continue
        verdict = _waf_verdict(waf, label or "エンドポイント")
        if verdict.status is not Status.PASS:
            bad.append(verdict.reason)
            bad_en.append(_waf_verdict(waf, label or "endpoint").reason_en)
    if bad:
        return Verdict.failed(("; ".join(bad), "; ".join(bad_en)), endpoints)
    if unreadable:
        return Verdict.unknown(("WAF ポリシーを読めない: " + "; ".join(unreadable),
                                "WAF policies could not be read: " + "; ".join(unreadable_en)), endpoints)
    return Verdict.passed(("すべてのエンドポイントとドメインに防止（Prevention）モードの WAF ポリシーがある",
                           "every endpoint and domain has a WAF policy in Prevention mode"), endpoints)


def _port_ranges(ports) -> list[tuple[int, int]]:
    ranges = []
    for item in ports or ():
        text = str(item).strip()
        if text in ("*", ""):
            ranges.append((0, 65535))
        elif "-" in text:
            low, _, high = text.partition("-")
            ranges.append((int(low), int(high)))
        elif text.isdigit():
            ranges.append((int(text), int(text)))
    return ranges


def open_admin_ports(rules: list[dict]) -> dict[int, str]:
    """Admin/DB ports whose first matching internet-wide inbound rule (by priority) allows traffic."""
    ordered = sorted((r for r in rules if _lower(r.get("direction")) == "inbound"
                      and _lower(r.get("protocol")) in ("tcp", "*", "any")
                      and {_lower(s) for s in r.get("sources") or ()} & facts.INTERNET_SOURCES),
                     key=lambda r: r.get("priority") or 0)
    exposed: dict[int, str] = {}
    for port in facts.ADMIN_PORTS:
        for rule in ordered:
            if any(low <= port <= high for low, high in _port_ranges(rule.get("ports"))):
                if _lower(rule.get("access")) == "allow":
                    exposed[port] = rule.get("name", "")
                break
    return exposed


def nsg_admin_ports(e: Evidence) -> Verdict:
    exposed = open_admin_ports(e.attributes.get("rules") or [])
    observed = {str(port): rule for port, rule in sorted(exposed.items())}
    names = ", ".join(f"{port}/{facts.ADMIN_PORTS[port]}（規則 {rule}）" for port, rule in sorted(exposed.items()))
    names_en = ", ".join(f"{port}/{facts.ADMIN_PORTS[port]} (rule {rule})" for port, rule in sorted(exposed.items()))
    return Verdict.of(not exposed, ("管理用・DB 用ポートをインターネットに開放していない",
                                    "no admin or database port is open to the internet"),
                      (f"管理用・DB 用ポートをインターネットに開放している: {names}",
                       f"admin or database ports open to the internet: {names_en}"), observed)


def firewall_idps(e: Evidence) -> Verdict:
    policy = need(e, "policy")
    if not policy:
        return Verdict.failed(("ファイアウォールポリシーが関連付けられていない（IDPS には Premium のファイアウォール"
                               "ポリシーが必要）",
                               "no firewall policy is associated (IDPS needs a Premium firewall policy)"),
                              {"sku_tier": e.attributes.get("sku_tier")})
    mode = _lower(policy.get("idps_mode"))
    observed = {"policy_tier": policy.get("tier"), "idps_mode": policy.get("idps_mode")}
    if _lower(policy.get("tier")) != "premium":
        tier = policy.get("tier")
        return Verdict.failed((f"ファイアウォールポリシーのレベルが {tier}（IDPS には Premium が必要）",
                               f"the firewall policy tier is {tier} (IDPS needs Premium)"), observed)
    shown = policy.get("idps_mode")
    return Verdict.of(mode in ("alert", "deny"), (f"IDPS が {shown} モード", f"IDPS in {shown} mode"),
                      (f"IDPS が {shown or 'Off'}（Alert / Deny でない）",
                       f"IDPS is {shown or 'Off'} (not Alert / Deny)"), observed)


def _plan(e: Evidence, name: str) -> dict:
    return (need(e, "plans") or {}).get(name) or {}


def _plan_on(plan: dict) -> bool:
    return _lower(plan.get("tier")) == "standard"


def defender_threat_detection(e: Evidence) -> Verdict:
    in_use = e.attributes.get("types_in_use") or {}
    if not in_use:
        return Verdict.not_applicable(("このサブスクリプションにリソースがない",
                                       "this subscription holds no resources"), {})
    wanted = sorted({facts.DEFENDER_PLAN_FOR_TYPE[t] for t in in_use if t in facts.DEFENDER_PLAN_FOR_TYPE}
                    | {facts.DEFENDER_ARM_PLAN})
    off = [name for name in wanted if not _plan_on(_plan(e, name))]
    observed = {name: _plan(e, name).get("tier") or "Free" for name in wanted}
    return Verdict.of(not off, (f"使用中のすべてのリソースの種類で Defender プランが有効: {', '.join(wanted)}",
                                f"Defender plans are on for every resource kind in use: {', '.join(wanted)}"),
                      (f"使用中のリソースの種類で Defender プランが無効: {', '.join(off)}",
                       f"Defender plans are off for resource kinds in use: {', '.join(off)}"), observed)


def _vms_in_use(e: Evidence) -> int:
    in_use = e.attributes.get("types_in_use") or {}
    return sum(n for t, n in in_use.items() if facts.DEFENDER_PLAN_FOR_TYPE.get(t) == "VirtualMachines")


NO_VMS = ("このサブスクリプションに仮想マシンがない", "this subscription has no virtual machines")


def defender_servers_vulnerability(e: Evidence) -> Verdict:
    if not _vms_in_use(e):
        return Verdict.not_applicable(NO_VMS)
    plan = _plan(e, "VirtualMachines")
    sub_plan = f" {plan['sub_plan']}" if plan.get("sub_plan") else ""
    return Verdict.of(_plan_on(plan), (f"Defender for Servers{sub_plan} が有効（Defender Vulnerability Management "
                                       "による脆弱性評価を含む）",
                                       f"Defender for Servers{sub_plan} is on (with vulnerability assessment by"
                                       " Defender Vulnerability Management)"),
                      ("Defender for Servers が無効（マシンの脆弱性評価が行われていない）",
                       "Defender for Servers is off (machines get no vulnerability assessment)"), plan)


def defender_servers_malware(e: Evidence) -> Verdict:
    if not _vms_in_use(e):
        return Verdict.not_applicable(NO_VMS)
    plan = _plan(e, "VirtualMachines")
    if not _plan_on(plan):
        return Verdict.failed(("Defender for Servers が無効（エンドポイントのマルウェア対策が強制されていない）",
                               "Defender for Servers is off (endpoint anti-malware is not enforced)"), plan)
    wdatp = need(e, "wdatp_enabled")
    observed = {**plan, "defender_for_endpoint_integration": wdatp}
    return Verdict.of(wdatp is True, ("Defender for Servers と Defender for Endpoint 統合が有効（マルウェア対策）",
                                      "Defender for Servers and the Defender for Endpoint integration are on"
                                      " (anti-malware)"),
                      ("Defender for Servers は有効だが、Defender for Endpoint 統合（WDATP）が無効",
                       "Defender for Servers is on, but the Defender for Endpoint integration (WDATP) is off"),
                      observed, "arm:GET Microsoft.Security/settings")


def defender_storage_malware(e: Evidence) -> Verdict:
    in_use = e.attributes.get("types_in_use") or {}
    if not in_use.get("microsoft.storage/storageaccounts"):
        return Verdict.not_applicable(("このサブスクリプションにストレージアカウントがない",
                                       "this subscription has no storage accounts"))
    plan = _plan(e, "StorageAccounts")
    scanning = (plan.get("extensions") or {}).get("OnUploadMalwareScanning")
    return Verdict.of(_plan_on(plan) and scanning is True,
                      ("Defender for Storage のアップロード時マルウェアスキャンが有効",
                       "Defender for Storage malware scanning on upload is on"),
                      ("Defender for Storage のマルウェアスキャンが有効になっていない",
                       "Defender for Storage malware scanning is not on"), plan)


# ---------------------------------------------------------------- resilience


def storage_redundancy(e: Evidence) -> Verdict:
    sku = _lower(e.attributes.get("sku"))
    return Verdict.of(sku in facts.ZONE_OR_GEO_SKUS,
                      (f"SKU {sku}（ゾーンまたはリージョンをまたいで複製される）",
                       f"SKU {sku} (replicated across zones or regions)"),
                      (f"SKU {sku or '確認不能'}（複製が 1 つのデータセンター内にしかない）",
                       f"SKU {sku or 'unknown'} (copies only within one data centre)"), sku)


def _zones(e: Evidence) -> list[str]:
    return [str(z) for z in e.attributes.get("zones") or ()]


def zonal_spread(e: Evidence) -> Verdict:
    zones = _zones(e)
    return Verdict.of(len(zones) >= 2, (f"ゾーン {', '.join(zones)} に分散している",
                                        f"spread across zones {', '.join(zones)}"),
                      (f"ゾーン冗長になっていない（ゾーン: {', '.join(zones) or 'なし'}）",
                       f"not zone-redundant (zones: {', '.join(zones) or 'none'})"), zones)


def sql_zone_redundant(e: Evidence) -> Verdict:
    redundant = e.attributes.get("zone_redundant")
    return Verdict.of(redundant is True, ("ゾーン冗長のデータベース", "a zone-redundant database"),
                      ("データベースがゾーン冗長になっていない", "the database is not zone-redundant"), redundant)


def sql_automated_backup(e: Evidence) -> Verdict:
    redundancy = e.attributes.get("backup_storage_redundancy")
    return Verdict.passed(("Azure SQL Database は常に自動バックアップを取得し、ポイントインタイムリストアができる"
                           "（プラットフォーム既定で、無効にできない）。バックアップストレージ: "
                           f"{redundancy or '報告なし'}",
                           "Azure SQL Database always takes automated backups and supports point-in-time restore"
                           " (platform default, cannot be turned off). Backup storage: "
                           f"{redundancy or 'not reported'}"),
                          redundancy)


def vm_backup(e: Evidence) -> Verdict:
    backup = need(e, "backup")
    if not backup:
        return Verdict.failed(("どの Recovery Services コンテナーでも保護されていない",
                               "not protected by any Recovery Services vault"), None,
                              "arm:GET Microsoft.RecoveryServices/vaults/backupProtectedItems")
    state = _lower(backup.get("state"))
    vault, shown = backup.get("vault"), backup.get("state")
    return Verdict.of(state in ("protected", "irpending"),
                      (f"Recovery Services コンテナー {vault} でバックアップされている（{shown}）",
                       f"backed up by the Recovery Services vault {vault} ({shown})"),
                      (f"{vault} のバックアップ項目が {shown} 状態", f"the backup item in {vault} is {shown}"), backup,
                      "arm:GET Microsoft.RecoveryServices/vaults/backupProtectedItems")


# ---------------------------------------------------------------- time, vulnerabilities, monitoring


def host_time_sync(e: Evidence) -> Verdict:
    image = e.attributes.get("image") or {}
    publisher = _lower(image.get("publisher"))
    if publisher in facts.ENDORSED_IMAGE_PUBLISHERS:
        shown = image.get("publisher")
        return Verdict.passed((
            f"{shown} のイメージ: Azure はこれらのイメージが既定でホストの時刻"
            "（Hyper-V 時刻同期・PTP）またはディストリビューションの NTP サーバーと同期すると文書化している。"
            "ゲスト内で変更された設定は管理 API からは見えない",
            f"an image from {shown}: Azure documents that these images synchronise by default with the host's"
            " clock (Hyper-V time sync, PTP) or the distribution's NTP servers. Settings changed inside the guest"
            " are not visible to the management API"), image)
    return Verdict.unknown(("カスタムまたはサードパーティのイメージ（ゲストが時刻を同期しているかは管理 API からは"
                            "読めない）",
                            "a custom or third-party image (whether the guest synchronises its clock cannot be read"
                            " through the management API)"), image)


def vm_patch_assessment(e: Evidence) -> Verdict:
    mode = e.attributes.get("patch_assessment_mode")
    return Verdict.of(_lower(mode) == "automaticbyplatform",
                      ("Azure Update Manager による定期的なパッチ評価が有効",
                       "periodic patch assessment by Azure Update Manager is on"),
                      (f"パッチ評価モードが {mode or 'ImageDefault'}（不足している更新プログラムが定期的に評価"
                       "されない）",
                       f"the patch assessment mode is {mode or 'ImageDefault'} (missing updates are not assessed"
                       " periodically)"), mode)


def alert_notifies(e: Evidence) -> Verdict:
    if e.attributes.get("enabled") is False:
        return Verdict.not_applicable(("アラートルールが無効", "the alert rule is disabled"))
    groups = e.attributes.get("action_groups") or []
    notifying = [g["name"] for g in groups if g.get("enabled") and g.get("receivers")]
    return Verdict.of(bool(notifying), (f"アクショングループ {', '.join(notifying)} で通知する",
                                        f"notifies through the action groups {', '.join(notifying)}"),
                      ("アラートの通知先がない（受信者を持つ有効なアクショングループがない）",
                       "the alert notifies no one (no enabled action group with a receiver)"), groups)


def subscription_alerting(e: Evidence) -> Verdict:
    notifying = e.attributes.get("notifying_rules") or []
    return Verdict.of(bool(notifying), (f"通知先のある有効なアラートルールが {len(notifying)} 件",
                                        f"{len(notifying)} enabled alert rules with someone to notify"),
                      ("通知先のある有効なアラートルールがない", "no enabled alert rule notifies anyone"),
                      {"notifying_rules": notifying[:20]})


# ---------------------------------------------------------------- the table


def _arm(*actions: str) -> tuple[str, ...]:
    return (ARG, *actions)


def _graph(*permissions: str) -> tuple[str, ...]:
    return tuple(f"graph:{p}" for p in permissions)


TIME_SYNC_EXPECTED = ("既定で Azure ホストまたは NTP と時刻を同期するイメージ",
                      "image that synchronises with the Azure host or NTP by default")

_ROWS = (
    # id, control, kind, permissions, expected (Japanese, English), function, title_ja, title (English)
    ("azure.resource.location_japan", "residency.japan", k.RESOURCE, _arm("*/read"),
     ("location が japaneast / japanwest（または global）", "location japaneast / japanwest (or global)"),
     resource_in_japan, "リソースの所在リージョンが国内", "Region of the resource in Japan"),
    ("azure.storage.geo_secondary_japan", "residency.japan", k.STORAGE,
     _arm("Microsoft.Storage/storageAccounts/read"),
     ("地理冗長コピー先（secondaryLocation）も国内リージョン", "geo-replica (secondaryLocation) in Japan too"),
     storage_secondary_in_japan, "ストレージの地理冗長コピー先が国内", "Storage geo-replica region in Japan"),
    ("azure.policy.allowed_locations_japan", "residency.japan", k.SUB_LOCATION_POLICY,
     ("Microsoft.Authorization/policyAssignments/read",),
     ("国内リージョンに限定した「許可されている場所」ポリシーを適用",
      "enforced Allowed locations policy limited to Japan"), location_policy,
     "許可リージョンポリシーが国内に限定", "Allowed locations policy limited to Japan (preventive)"),
    ("azure.storage.encrypted", "encryption.at-rest", k.STORAGE, _arm("Microsoft.Storage/storageAccounts/read"),
     ("ストレージサービス暗号化が有効（キーの種類を記録）", "storage service encryption on (key source stated)"),
     storage_encrypted, "ストレージの保存時暗号化", "Storage account encryption at rest"),
    ("azure.disk.encrypted", "encryption.at-rest", k.DISK, _arm("Microsoft.Compute/disks/read"),
     ("マネージドディスクのサーバー側暗号化", "managed disk server-side encryption"), disk_encrypted,
     "マネージドディスクの暗号化", "Managed disk encryption"),
    ("azure.sql.tde_enabled", "encryption.at-rest", k.SQL_DATABASE,
     _arm("Microsoft.Sql/servers/databases/read", "Microsoft.Sql/servers/databases/transparentDataEncryption/read"),
     ("透過的データ暗号化（TDE）が Enabled", "transparent data encryption Enabled"), sql_tde, "SQL Database の TDE",
     "SQL Database transparent data encryption"),
    ("azure.storage.min_tls_1_2", "tls.in-transit", k.STORAGE, _arm("Microsoft.Storage/storageAccounts/read"),
     ("minimumTlsVersion が TLS1_2 以上", "minimumTlsVersion TLS1_2 or later"), storage_min_tls,
     "ストレージの最小 TLS 1.2", "Storage account minimum TLS 1.2"),
    ("azure.storage.https_only", "tls.in-transit", k.STORAGE, _arm("Microsoft.Storage/storageAccounts/read"),
     "supportsHttpsTrafficOnly = true", storage_https_only, "ストレージの HTTPS 強制", "Storage account HTTPS only"),
    ("azure.appservice.https_only", "tls.in-transit", k.WEB_APP, _arm("Microsoft.Web/sites/read"),
     "httpsOnly = true", webapp_https_only, "App Service の HTTPS 強制", "App Service HTTPS only"),
    ("azure.appservice.min_tls_1_2", "tls.in-transit", k.WEB_APP,
     _arm("Microsoft.Web/sites/read", "Microsoft.Web/sites/config/read"),
     ("minTlsVersion が 1.2 以上", "minTlsVersion 1.2 or later"), webapp_min_tls, "App Service の最小 TLS 1.2",
     "App Service minimum TLS 1.2"),
    ("azure.sql.min_tls_1_2", "tls.in-transit", k.SQL_SERVER, _arm("Microsoft.Sql/servers/read"),
     ("minimalTlsVersion が 1.2 以上", "minimalTlsVersion 1.2 or later"), sql_min_tls, "SQL Server の最小 TLS 1.2",
     "SQL Server minimum TLS 1.2"),
    ("azure.appgw.min_tls_1_2", "tls.in-transit", k.APP_GATEWAY,
     _arm("Microsoft.Network/applicationGateways/read"),
     ("SSL ポリシーの最小プロトコルバージョンが TLSv1_2 以上", "SSL policy with minimum protocol TLSv1_2 or later"),
     appgw_min_tls, "Application Gateway の SSL ポリシー", "Application Gateway SSL policy"),
    ("azure.appgw.https_redirect", "tls.in-transit", k.APP_GATEWAY,
     _arm("Microsoft.Network/applicationGateways/read"),
     ("公開の HTTP リスナーは HTTPS へリダイレクト", "public HTTP listeners redirect to HTTPS"),
     appgw_https_redirect, "Application Gateway の HTTP→HTTPS リダイレクト",
     "Application Gateway HTTP→HTTPS redirect"),
    ("azure.frontdoor.min_tls_1_2", "tls.in-transit", k.FRONT_DOOR,
     _arm("Microsoft.Cdn/profiles/read", "Microsoft.Cdn/profiles/customDomains/read",
          "Microsoft.Network/frontDoors/read"),
     ("カスタムドメインの最小 TLS が 1.2 以上", "custom domains with minimum TLS 1.2 or later"), frontdoor_min_tls,
     "Front Door カスタムドメインの最小 TLS", "Front Door custom domain minimum TLS"),
    ("azure.entra.admin_mfa_enforced", "identity.admin-mfa", k.TENANT,
     _graph("Policy.Read.All", "RoleManagement.Read.Directory"),
     ("セキュリティの既定値群が有効、または条件付きアクセスで使用中の全特権ロールに MFA を要求",
      "security defaults on, or Conditional Access requires MFA for every privileged role in use"),
     admin_mfa_enforced, "管理者ロールへの MFA 強制", "MFA enforced for administrator roles"),
    ("azure.entra.admin_mfa_registered", "identity.admin-mfa", k.ADMIN, _graph("AuditLog.Read.All"),
     ("すべての管理者が MFA を登録済み", "every administrator has registered MFA"), admin_mfa_registered,
     "管理者の MFA 登録", "Administrator MFA registration"),
    ("azure.entra.password_policy", "identity.password-policy", k.DOMAIN, _graph("Domain.Read.All"),
     ("8 文字以上・大文字・小文字・数字・記号", "8+ characters requiring upper, lower, digit and symbol"),
     password_policy, "パスワードポリシー", "Password policy"),
    ("azure.rbac.subscription_owners", "identity.least-privilege", k.SUB_RBAC,
     _arm("Microsoft.Authorization/roleAssignments/read"),
     (f"サブスクリプションスコープの Owner は {facts.MAX_SUBSCRIPTION_OWNERS} 件以下",
      f"at most {facts.MAX_SUBSCRIPTION_OWNERS} Owners at subscription scope"), subscription_owners,
     "サブスクリプション Owner の限定", "Few subscription Owners"),
    ("azure.entra.global_admin_count", "identity.least-privilege", k.TENANT,
     _graph("RoleManagement.Read.Directory"),
     ("グローバル管理者（Global Administrator）は 5 件未満", "fewer than five Global Administrators"),
     global_admin_count, "グローバル管理者の人数", "Number of Global Administrators"),
    ("azure.entra.user_not_stale", "identity.account-lifecycle", k.USER,
     _graph("User.Read.All", "AuditLog.Read.All"),
     (f"有効なアカウントは {facts.STALE_AFTER_DAYS} 日以内に使用",
      f"enabled accounts used within {facts.STALE_AFTER_DAYS} days"), user_not_stale, "未使用アカウントの管理",
     "Unused accounts"),
    ("azure.entra.admin_access_restricted", "identity.access-restriction", k.TENANT,
     _graph("Policy.Read.All", "RoleManagement.Read.Directory"),
     ("条件付きアクセスで特権ロールの接続元をネームド ロケーションまたは管理対象デバイスに制限",
      "Conditional Access limits privileged roles to named locations or managed devices"), admin_access_restricted,
     "管理者の接続元制限", "Where administrators may sign in from"),
    ("azure.activitylog.exported", "logging.audit-trail", k.SUB_ACTIVITY_LOG,
     ("Microsoft.Insights/diagnosticSettings/read",),
     ("診断設定が Administrative カテゴリをエクスポート", "a diagnostic setting exports the Administrative category"),
     activity_log_exported, "アクティビティログの取得", "Activity log export"),
    ("azure.activitylog.retention_365", "logging.retention-1y", k.SUB_ACTIVITY_LOG,
     ("Microsoft.Insights/diagnosticSettings/read", "Microsoft.OperationalInsights/workspaces/read",
      "Microsoft.OperationalInsights/workspaces/tables/read",
      "Microsoft.Storage/storageAccounts/managementPolicies/read"),
     ("アクティビティログを 365 日以上保存", "activity log kept ≥ 365 days"), activity_log_retention,
     "アクティビティログの 1 年以上保存", "Activity log kept for a year or more"),
    ("azure.activitylog.immutable", "logging.integrity", k.SUB_ACTIVITY_LOG,
     ("Microsoft.Insights/diagnosticSettings/read", "Microsoft.Storage/storageAccounts/read",
      "Microsoft.Storage/storageAccounts/blobServices/containers/read"),
     ("ロック済みの不変ポリシーを持つコンテナーにアクティビティログを保存",
      "activity log in a container with a locked immutability policy"), activity_log_immutable,
     "アクティビティログの改ざん防止", "Activity log tamper protection"),
    ("azure.appgw.waf_prevention", "network.waf", k.APP_GATEWAY,
     _arm("Microsoft.Network/applicationGateways/read",
          "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/read"),
     ("WAF が防止（Prevention）モードで有効", "WAF enabled in Prevention mode"), appgw_waf,
     "Application Gateway の WAF", "Application Gateway WAF"),
    ("azure.frontdoor.waf_prevention", "network.waf", k.FRONT_DOOR,
     _arm("Microsoft.Cdn/profiles/read", "Microsoft.Cdn/profiles/securityPolicies/read",
          "Microsoft.Cdn/profiles/afdEndpoints/read", "Microsoft.Network/frontDoors/read",
          "Microsoft.Network/frontDoorWebApplicationFirewallPolicies/read"),
     ("すべてのエンドポイント・ドメインに防止（Prevention）モードの WAF ポリシー",
      "every endpoint and domain has a WAF policy in Prevention mode"), frontdoor_waf, "Front Door の WAF",
     "Front Door WAF"),
    ("azure.defender.threat_detection", "network.ids", k.SUB_DEFENDER,
     _arm("*/read", "Microsoft.Security/pricings/read"),
     ("使用中のすべてのリソースの種類（と Resource Manager）で Defender プランが有効",
      "Defender plans on for every resource kind in use (and Resource Manager)"), defender_threat_detection,
     "Defender for Cloud の脅威検知", "Defender for Cloud threat detection"),
    ("azure.firewall.idps", "network.ids", k.FIREWALL,
     _arm("Microsoft.Network/azureFirewalls/read", "Microsoft.Network/firewallPolicies/read"),
     ("IDPS が Alert または Deny の Premium ファイアウォールポリシー",
      "Premium firewall policy with IDPS in Alert or Deny"), firewall_idps, "Azure Firewall の IDPS",
     "Azure Firewall IDPS"),
    ("azure.nsg.admin_ports_closed", "network.firewall", k.NSG,
     _arm("Microsoft.Network/networkSecurityGroups/read"),
     ("管理用・DB 用ポートを Internet・*・0.0.0.0/0 に開放しない",
      "no admin/DB port open to Internet / * / 0.0.0.0/0"), nsg_admin_ports, "NSG の管理・DB ポート開放",
     "NSG admin and database ports"),
    ("azure.storage.redundant", "resilience.redundancy", k.STORAGE, _arm("Microsoft.Storage/storageAccounts/read"),
     ("ZRS・GRS・RA-GRS・GZRS・RA-GZRS のいずれか", "ZRS, GRS, RA-GRS, GZRS or RA-GZRS"), storage_redundancy,
     "ストレージの冗長化", "Storage account redundancy"),
    ("azure.sql.zone_redundant", "resilience.redundancy", k.SQL_DATABASE, _arm("Microsoft.Sql/servers/databases/read"),
     "zoneRedundant = true", sql_zone_redundant, "SQL Database のゾーン冗長", "SQL Database zone redundancy"),
    ("azure.appgw.zone_redundant", "resilience.redundancy", k.APP_GATEWAY,
     _arm("Microsoft.Network/applicationGateways/read"), ("2 つ以上のゾーンに配置", "deployed in two or more zones"),
     zonal_spread, "Application Gateway のゾーン冗長", "Application Gateway zone redundancy"),
    ("azure.vmss.zone_redundant", "resilience.redundancy", k.VMSS,
     _arm("Microsoft.Compute/virtualMachineScaleSets/read"),
     ("インスタンスを 2 つ以上のゾーンに分散", "instances spread across two or more zones"), zonal_spread,
     "スケールセットのゾーン分散", "Scale set zone spread"),
    ("azure.vm.backup", "resilience.backup", k.VM,
     _arm("Microsoft.Compute/virtualMachines/read", "Microsoft.RecoveryServices/vaults/read",
          "Microsoft.RecoveryServices/vaults/backupProtectedItems/read"),
     ("Recovery Services コンテナーで保護", "protected by a Recovery Services vault"), vm_backup, "VM のバックアップ",
     "VM backup"),
    ("azure.sql.automated_backup", "resilience.backup", k.SQL_DATABASE, _arm("Microsoft.Sql/servers/databases/read"),
     ("自動バックアップ（プラットフォーム既定）", "automated backups (platform default)"), sql_automated_backup,
     "SQL Database の自動バックアップ", "SQL Database automated backups"),
    ("azure.vm.host_time_sync", "time.sync", k.VM, _arm("Microsoft.Compute/virtualMachines/read"),
     TIME_SYNC_EXPECTED, host_time_sync, "VM の時刻同期", "VM time synchronisation"),
    ("azure.vmss.host_time_sync", "time.sync", k.VMSS, _arm("Microsoft.Compute/virtualMachineScaleSets/read"),
     TIME_SYNC_EXPECTED, host_time_sync, "スケールセットの時刻同期", "Scale set time synchronisation"),
    ("azure.defender.servers_vulnerability", "vuln.management", k.SUB_DEFENDER,
     _arm("*/read", "Microsoft.Security/pricings/read"),
     ("VM のあるサブスクリプションで Defender for Servers が有効", "Defender for Servers on where VMs exist"),
     defender_servers_vulnerability, "Defender for Servers の脆弱性評価",
     "Defender for Servers vulnerability assessment"),
    ("azure.vm.patch_assessment", "vuln.management", k.VM, _arm("Microsoft.Compute/virtualMachines/read"),
     "patchSettings.assessmentMode = AutomaticByPlatform", vm_patch_assessment, "VM のパッチ評価",
     "VM patch assessment"),
    ("azure.defender.servers_malware", "vuln.malware", k.SUB_DEFENDER,
     _arm("*/read", "Microsoft.Security/pricings/read", "Microsoft.Security/settings/read"),
     ("Defender for Servers と Defender for Endpoint 統合が有効",
      "Defender for Servers with the Defender for Endpoint integration"), defender_servers_malware,
     "サーバーのマルウェア対策", "Server anti-malware"),
    ("azure.defender.storage_malware", "vuln.malware", k.SUB_DEFENDER,
     _arm("*/read", "Microsoft.Security/pricings/read"),
     ("Defender for Storage のアップロード時マルウェアスキャンが有効",
      "Defender for Storage with malware scanning on upload"), defender_storage_malware,
     "ストレージのマルウェアスキャン", "Storage malware scanning"),
    ("azure.monitor.alert_notifies", "ops.monitoring", k.ALERT_RULE,
     _arm("Microsoft.Insights/metricAlerts/read", "Microsoft.Insights/activityLogAlerts/read",
          "Microsoft.Insights/scheduledQueryRules/read", "Microsoft.Insights/actionGroups/read"),
     ("有効なアラートルールが、受信者のいる有効なアクショングループに通知",
      "enabled alert rule routed to an enabled action group with a receiver"), alert_notifies, "アラートの通知先",
     "Who an alert notifies"),
    ("azure.monitor.subscription_alerting", "ops.monitoring", k.SUB_MONITORING,
     _arm("Microsoft.Insights/metricAlerts/read", "Microsoft.Insights/actionGroups/read"),
     ("誰かに通知する有効なアラートルールが 1 件以上", "at least one enabled alert rule that notifies someone"),
     subscription_alerting, "サブスクリプションの監視通知", "Subscription alerting"),
)

CHECKS: tuple[Check, ...] = tuple(
    Check(id=cid, control_id=control, provider="azure", resource_type=kind, permissions=perms,
          expected=said(expected)[0], evaluate=fn, title=title, title_ja=title_ja, expected_en=said(expected)[1])
    for cid, control, kind, perms, expected, fn, title_ja, title in _ROWS
)

#: Controls no Azure check decides, with the reason (shown as UNKNOWN, never PASS).
NOT_AUTOMATED: dict[str, str] = {}
