"""tls.in-transit — HTTPS only and TLS 1.2 or later.

On storage accounts, App Service, SQL servers, Application Gateway and Front Door custom domains.
"""

from __future__ import annotations

from auditor.checks import Check, Verdict, need
from auditor.model import Evidence
from providers.azure import facts
from providers.azure import kinds as k
from providers.azure.checks.common import NO_PUBLIC_FRONTEND, arm, lower, table


def _tls_rank(version) -> float:
    """'TLS1_2', 'TLSv1_2', '1.2', 'TLS12' → 1.2; unknown or absent → 0."""
    text = lower(version).replace("tlsv", "").replace("tls", "").replace("_", ".").strip(".")
    if text in ("12", "13", "10", "11"):
        text = f"{text[0]}.{text[1]}"
    try:
        return float(text)
    except ValueError:
        return 0.0


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
    if not version or lower(version) == "none":
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
    kind = lower(policy.get("policyType"))
    if kind == "predefined":
        version = facts.APPGW_PREDEFINED_MIN_TLS.get(lower(policy.get("policyName")))
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


CHECKS: tuple[Check, ...] = table((
    ("azure.storage.min_tls_1_2", "tls.in-transit", k.STORAGE, arm("Microsoft.Storage/storageAccounts/read"),
     ("minimumTlsVersion が TLS1_2 以上", "minimumTlsVersion TLS1_2 or later"), storage_min_tls,
     "ストレージの最小 TLS 1.2", "Storage account minimum TLS 1.2"),
    ("azure.storage.https_only", "tls.in-transit", k.STORAGE, arm("Microsoft.Storage/storageAccounts/read"),
     "supportsHttpsTrafficOnly = true", storage_https_only, "ストレージの HTTPS 強制", "Storage account HTTPS only"),
    ("azure.appservice.https_only", "tls.in-transit", k.WEB_APP, arm("Microsoft.Web/sites/read"),
     "httpsOnly = true", webapp_https_only, "App Service の HTTPS 強制", "App Service HTTPS only"),
    ("azure.appservice.min_tls_1_2", "tls.in-transit", k.WEB_APP,
     arm("Microsoft.Web/sites/read", "Microsoft.Web/sites/config/read"),
     ("minTlsVersion が 1.2 以上", "minTlsVersion 1.2 or later"), webapp_min_tls, "App Service の最小 TLS 1.2",
     "App Service minimum TLS 1.2"),
    ("azure.sql.min_tls_1_2", "tls.in-transit", k.SQL_SERVER, arm("Microsoft.Sql/servers/read"),
     ("minimalTlsVersion が 1.2 以上", "minimalTlsVersion 1.2 or later"), sql_min_tls, "SQL Server の最小 TLS 1.2",
     "SQL Server minimum TLS 1.2"),
    ("azure.appgw.min_tls_1_2", "tls.in-transit", k.APP_GATEWAY,
     arm("Microsoft.Network/applicationGateways/read"),
     ("SSL ポリシーの最小プロトコルバージョンが TLSv1_2 以上", "SSL policy with minimum protocol TLSv1_2 or later"),
     appgw_min_tls, "Application Gateway の SSL ポリシー", "Application Gateway SSL policy"),
    ("azure.appgw.https_redirect", "tls.in-transit", k.APP_GATEWAY,
     arm("Microsoft.Network/applicationGateways/read"),
     ("公開の HTTP リスナーは HTTPS へリダイレクト", "public HTTP listeners redirect to HTTPS"),
     appgw_https_redirect, "Application Gateway の HTTP→HTTPS リダイレクト",
     "Application Gateway HTTP→HTTPS redirect"),
    ("azure.frontdoor.min_tls_1_2", "tls.in-transit", k.FRONT_DOOR,
     arm("Microsoft.Cdn/profiles/read", "Microsoft.Cdn/profiles/customDomains/read",
         "Microsoft.Network/frontDoors/read"),
     ("カスタムドメインの最小 TLS が 1.2 以上", "custom domains with minimum TLS 1.2 or later"), frontdoor_min_tls,
     "Front Door カスタムドメインの最小 TLS", "Front Door custom domain minimum TLS"),
))
