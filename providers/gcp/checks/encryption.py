"""encryption.at-rest — Google encrypts all data at rest by default; CMEK / CSEK noted where set.

Google Cloud encrypts every byte at rest (AES-256) with Google-managed keys and offers no way to
turn that off: a real PASS, stated as the platform default. Customer-managed keys (Cloud KMS) or
customer-supplied keys are named when configured.
"""

from __future__ import annotations

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.gcp.checks.common import check

CONTROL = "encryption.at-rest"
EXPECTED = ("保存データが暗号化されている（Google のデフォルト暗号化、または CMEK / CSEK）",
            "data encrypted at rest (Google's default encryption, or CMEK / CSEK)")
PLATFORM_DEFAULT = (
    "Google のデフォルト暗号化（プラットフォーム既定: Google Cloud は保存データをすべて Google 管理の鍵で AES-256 "
    "暗号化し、無効にはできない）。顧客管理の鍵（CMEK）は未設定",
    "Google's default encryption (platform default: Google Cloud encrypts all data at rest with AES-256 under"
    " Google-managed keys, and this cannot be turned off). No customer-managed key (CMEK) is set",
)


def encrypted_at_rest(evidence: Evidence) -> Verdict:
    key = need(evidence, "cmek_key") or ""
    if key:
        return Verdict.passed((f"顧客管理の暗号鍵（CMEK, Cloud KMS）で暗号化: {key}",
                               f"encrypted with a customer-managed encryption key (CMEK, Cloud KMS): {key}"),
                              observed={"kms_key": key})
    if need(evidence, "csek", False):
        return Verdict.passed(("顧客指定の暗号鍵（CSEK）で暗号化",
                               "encrypted with a customer-supplied encryption key (CSEK)"),
                              observed={"customer_supplied_key": True})
    return Verdict.passed(PLATFORM_DEFAULT, observed={"encryption": "google-default"})


def _row(check_id: str, kind: str, title: str, title_ja: str):
    return check(check_id, CONTROL, kind, encrypted_at_rest, expected=EXPECTED, title=title, title_ja=title_ja)


CHECKS = (
    _row("gcp.storage.bucket_encrypted", "gcp.storage.bucket", "Bucket encrypted at rest", "バケットの暗号化"),
    _row("gcp.compute.disk_encrypted", "gcp.compute.disk", "Disk encrypted at rest", "ディスクの暗号化"),
    _row("gcp.compute.snapshot_encrypted", "gcp.compute.snapshot", "Snapshot encrypted at rest",
         "スナップショットの暗号化"),
    _row("gcp.compute.image_encrypted", "gcp.compute.image", "Custom image encrypted at rest",
         "カスタムイメージの暗号化"),
    _row("gcp.sql.instance_encrypted", "gcp.sql.instance", "Cloud SQL storage encrypted", "Cloud SQL の暗号化"),
    _row("gcp.bigquery.dataset_encrypted", "gcp.bigquery.dataset", "BigQuery dataset encrypted",
         "BigQuery データセットの暗号化"),
)
