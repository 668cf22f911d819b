"""tls.in-transit — data in transit is encrypted.

- Target HTTPS / SSL proxies refuse TLS below 1.2 (no SSL policy = Google's default COMPATIBLE
  profile, minimum TLS 1.0).
- External HTTP forwarding rules redirect to HTTPS.
- Cloud SQL requires encrypted connections.
"""

from __future__ import annotations

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.gcp.checks.common import EXTERNAL_SCHEMES, check

TLS_OK = ("TLS_1_2", "TLS_1_3")
SQL_ENCRYPTED_MODES = ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")


def proxy_min_tls(evidence: Evidence) -> Verdict:
    version = need(evidence, "min_tls_version")
    policy = evidence.attributes.get("ssl_policy") or ""
    observed = {"ssl_policy": policy or None, "min_tls_version": version, "profile": evidence.attributes.get("profile")}
    if version in TLS_OK:
        return Verdict.passed((f"SSL ポリシー {policy} の最小 TLS バージョンは {version}",
                               f"the SSL policy {policy} has minimum TLS version {version}"), observed=observed)
    if not policy:
        return Verdict.failed((
            "SSL ポリシー未設定: Google の既定（COMPATIBLE プロファイル、最小 TLS 1.0）が適用され"
            " TLS1.0/1.1 を受け付ける",
            "no SSL policy: Google's default (COMPATIBLE profile, minimum TLS 1.0) applies and TLS1.0/1.1 are"
            " accepted"),
            observed=observed,
        )
    return Verdict.failed((f"SSL ポリシー {policy} の最小 TLS バージョンが {version}（TLS1.2 未満を許可）",
                           f"the SSL policy {policy} has minimum TLS version {version} (allows below TLS1.2)"),
                          observed=observed)


def http_redirects_to_https(evidence: Evidence) -> Verdict:
    scheme = need(evidence, "scheme")
    if scheme not in EXTERNAL_SCHEMES:
        return Verdict.not_applicable((f"内部向けの転送ルール（{scheme}）", f"an internal forwarding rule ({scheme})"))
    if need(evidence, "target_kind") != "targetHttpProxies":
        target_kind = evidence.attributes.get("target_kind") or "-"
        return Verdict.not_applicable((f"HTTP プロキシ以外への転送ルール（{target_kind}）",
                                       f"a forwarding rule to something other than an HTTP proxy ({target_kind})"))
    redirect = need(evidence, "https_redirect")
    observed = {"target": evidence.attributes.get("target"), "url_map": evidence.attributes.get("url_map"),
                "https_redirect": redirect}
    return Verdict.of(
        bool(redirect),
        (f"外部 HTTP の入口は URL マップ {evidence.attributes.get('url_map')} で HTTPS にリダイレクトされる",
         f"the external HTTP entry point redirects to HTTPS through the URL map {evidence.attributes.get('url_map')}"),
        ("外部に HTTP（平文）で公開され、HTTPS へのリダイレクトがない",
         "exposed externally over HTTP (plain text) with no redirect to HTTPS"),
        observed=observed,
    )


def sql_requires_ssl(evidence: Evidence) -> Verdict:
    mode = need(evidence, "ssl_mode") or ""
    mode = "" if mode == "SSL_MODE_UNSPECIFIED" else mode
    require = bool(need(evidence, "require_ssl"))
    observed = {"sslMode": mode or None, "requireSsl": require}
    if mode in SQL_ENCRYPTED_MODES or (not mode and require):
        return Verdict.passed((f"暗号化された接続のみ受け付ける（sslMode={mode or '-'}, requireSsl={require}）",
                               f"only encrypted connections are accepted (sslMode={mode or '-'},"
                               f" requireSsl={require})"),
                              observed=observed)
    return Verdict.failed((
        f"暗号化されていない接続も受け付ける（sslMode={mode or '未設定'}, requireSsl={require}）。"
        "Cloud SQL Auth Proxy / コネクタ経由の接続は暗号化されるが、直接接続は平文を許す",
        f"unencrypted connections are accepted too (sslMode={mode or 'not set'}, requireSsl={require}). Connections"
        " through the Cloud SQL Auth Proxy / connectors are encrypted, but direct connections may be plain text"),
        observed=observed,
    )


CHECKS = (
    check("gcp.compute.proxy_min_tls12", "tls.in-transit", "gcp.compute.target_proxy", proxy_min_tls,
          expected=("SSL ポリシーの最小 TLS バージョンが TLS 1.2 以上",
                    "SSL policy with minimum TLS version TLS 1.2 or later"),
          title="HTTPS/SSL proxy refuses TLS below 1.2",
          title_ja="HTTPS/SSL プロキシの最小 TLS1.2"),
    check("gcp.compute.http_redirects_to_https", "tls.in-transit", "gcp.compute.forwarding_rule",
          http_redirects_to_https,
          expected=("外部 HTTP の入口は HTTPS へリダイレクト",
                    "external HTTP entry points redirect to HTTPS"),
          title="External HTTP redirects to HTTPS", title_ja="外部 HTTP の HTTPS リダイレクト"),
    check("gcp.sql.ssl_required", "tls.in-transit", "gcp.sql.instance", sql_requires_ssl,
          expected=("sslMode が ENCRYPTED_ONLY / TRUSTED_CLIENT_CERTIFICATE_REQUIRED（または requireSsl）",
                    "sslMode ENCRYPTED_ONLY / TRUSTED_CLIENT_CERTIFICATE_REQUIRED (or requireSsl)"),
          title="Cloud SQL requires encrypted connections", title_ja="Cloud SQL の暗号化接続の強制"),
)
