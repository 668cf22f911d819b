"""tls.in-transit: ELBv2 listeners (HTTP must redirect, TLS 1.2 or later), CloudFront (HTTPS to viewers,
TLS 1.2 minimum), S3 bucket policies that deny requests without TLS."""

from __future__ import annotations

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.aws.checks.common import check
from providers.aws.policies import denies_insecure_transport

CONTROL = "tls.in-transit"
WEAK = frozenset({"SSLv2", "SSLv3", "TLSv1", "TLSv1.1"})
HTTPS_POLICIES = frozenset({"redirect-to-https", "https-only"})


def listener(evidence: Evidence) -> Verdict:
    a = evidence.attributes
    if a.get("scheme") != "internet-facing":
        return Verdict.not_applicable(("内部向けロードバランサーのリスナー", "a listener of an internal load balancer"))
    protocol = a.get("protocol")
    if protocol in ("HTTPS", "TLS"):
        protocols = need(evidence, "ssl_protocols")
        if not protocols:
            return Verdict.unknown((f"セキュリティポリシー {a.get('ssl_policy')} の TLS バージョンを取得できなかった",
                                    f"the TLS versions of security policy {a.get('ssl_policy')} could not be read"))
        weak = sorted(set(protocols) & WEAK)
        return Verdict.of(not weak, (f"{protocol} リスナー（{a.get('ssl_policy')}: {', '.join(protocols)}）",
                                     f"{protocol} listener ({a.get('ssl_policy')}: {', '.join(protocols)})"),
                          (f"TLS1.2 未満を許可するポリシー {a.get('ssl_policy')}（{', '.join(weak)}）",
                           f"policy {a.get('ssl_policy')} allows versions below TLS 1.2 ({', '.join(weak)})"),
                          {"protocol": protocol, "ssl_policy": a.get("ssl_policy"), "ssl_protocols": protocols})
    if protocol == "HTTP":
        redirect = bool(a.get("redirects_to_https"))
        return Verdict.of(redirect, ("HTTP リスナーは HTTPS へリダイレクトする",
                                     "the HTTP listener redirects to HTTPS"),
                          (f"HTTP リスナー（ポート {a.get('port')}）が平文で応答する（HTTPS へのリダイレクトなし）",
                           f"the HTTP listener (port {a.get('port')}) answers in plain text (no redirect to HTTPS)"),
                          {"protocol": protocol, "port": a.get("port"), "redirects_to_https": redirect})
    return Verdict.not_applicable((f"{protocol} リスナー（TCP/UDP の透過転送。TLS はロードバランサーでは判定しない）",
                                   f"{protocol} listener (TCP/UDP pass-through; TLS is not decided at the load"
                                   " balancer)"))


def viewer_https(evidence: Evidence) -> Verdict:
    policies = need(evidence, "viewer_protocol_policies") or {}
    plain = {path: p for path, p in policies.items() if p not in HTTPS_POLICIES}
    shown = ", ".join(f"{k}={v}" for k, v in plain.items())
    return Verdict.of(not plain,
                      ("すべてのキャッシュ動作のビューワープロトコルポリシーが HTTPS のみ（またはリダイレクト）",
                                  "every cache behaviour's viewer protocol policy is HTTPS only (or redirect)"),
                      (f"HTTP を許可するキャッシュ動作がある: {shown}", f"cache behaviours allow HTTP: {shown}"),
                      policies)


def minimum_tls(evidence: Evidence) -> Verdict:
    if need(evidence, "default_certificate"):
        return Verdict.failed(("既定の *.cloudfront.net 証明書を使っており、CloudFront は TLSv1 を許可する",
                               "the default *.cloudfront.net certificate is used, so CloudFront allows TLSv1"),
                              {"default_certificate": True})
    version = need(evidence, "minimum_protocol_version") or ""
    ok = version.startswith(("TLSv1.2", "TLSv1.3"))
    return Verdict.of(ok, (f"最小プロトコル {version}", f"minimum protocol {version}"),
                      (f"最小プロトコルが {version or '未設定'}（TLS1.2 未満を許可）",
                       f"minimum protocol is {version or 'not set'} (allows versions below TLS 1.2)"),
                      {"minimum_protocol_version": version})


def secure_transport(evidence: Evidence) -> Verdict:
    policy = need(evidence, "bucket_policy")
    if policy is None:
        return Verdict.failed(("バケットポリシーがなく、暗号化されていない (HTTP) リクエストを拒否していない",
                               "no bucket policy, so unencrypted (HTTP) requests are not denied"), None)
    ok = denies_insecure_transport(policy)
    return Verdict.of(ok, ("バケットポリシーが aws:SecureTransport=false のリクエストを拒否している",
                           "the bucket policy denies requests with aws:SecureTransport=false"),
                      ("バケットポリシーが HTTP（非 TLS）のリクエストを拒否していない",
                       "the bucket policy does not deny HTTP (non-TLS) requests"),
                      {"denies_insecure_transport": ok})


CHECKS = [
    check("elbv2.listener_tls", CONTROL, "aws.elbv2.listener",
          ("HTTPS/TLS（TLS1.2 以上）または HTTPS へのリダイレクト",
           "HTTPS/TLS (TLS 1.2 or later) or a redirect to HTTPS"),
          listener, "ロードバランサーのリスナーの TLS", "TLS of load balancer listeners"),
    check("cloudfront.viewer_https", CONTROL, "aws.cloudfront.distribution",
          ("redirect-to-https または https-only", "redirect-to-https or https-only"),
          viewer_https, "CloudFront のビューワープロトコルポリシー", "CloudFront viewer protocol policy"),
    check("cloudfront.minimum_tls", CONTROL, "aws.cloudfront.distribution", ("最小プロトコル TLSv1.2 以上",
                                                                             "minimum protocol TLSv1.2 or later"),
          minimum_tls, "CloudFront の最小 TLS バージョン", "CloudFront minimum TLS version"),
    check("s3.bucket_secure_transport", CONTROL, "aws.s3.bucket", ("aws:SecureTransport=false を Deny",
                                                                   "Deny aws:SecureTransport=false"),
          secure_transport, "S3 バケットの通信暗号化の強制", "S3 bucket requires encrypted transport"),
]
