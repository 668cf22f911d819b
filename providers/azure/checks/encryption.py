"""encryption.at-rest — storage accounts, managed disks and SQL databases are encrypted at rest."""

from __future__ import annotations

from auditor.checks import Check, Verdict, need
from auditor.model import Evidence
from providers.azure import kinds as k
from providers.azure.checks.common import arm, lower, table


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
    if lower(key_source) == "microsoft.keyvault":
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
    if "customerkey" in lower(kind):
        return Verdict.passed((f"カスタマー マネージド キーによるサーバー側暗号化（{kind}）",
                               f"server-side encryption with a customer-managed key ({kind})"), observed)
    return Verdict.passed((f"プラットフォーム マネージド キーによるサーバー側暗号化（{kind}、プラットフォーム既定）",
                           f"server-side encryption with a platform-managed key ({kind}, platform default)"),
                          observed)


def sql_tde(e: Evidence) -> Verdict:
    state = need(e, "tde_state")
    return Verdict.of(lower(state) == "enabled",
                      ("透過的データ暗号化（TDE）が有効", "transparent data encryption (TDE) is on"),
                      (f"透過的データ暗号化（TDE）が {state} 状態", f"transparent data encryption (TDE) is {state}")
                      if state else ("透過的データ暗号化（TDE）の状態が返されていない",
                                     "no transparent data encryption (TDE) state was returned"), state,
                      "arm:GET Microsoft.Sql/servers/databases/transparentDataEncryption")


CHECKS: tuple[Check, ...] = table((
    ("azure.storage.encrypted", "encryption.at-rest", k.STORAGE, arm("Microsoft.Storage/storageAccounts/read"),
     ("ストレージサービス暗号化が有効（キーの種類を記録）", "storage service encryption on (key source stated)"),
     storage_encrypted, "ストレージの保存時暗号化", "Storage account encryption at rest"),
    ("azure.disk.encrypted", "encryption.at-rest", k.DISK, arm("Microsoft.Compute/disks/read"),
     ("マネージドディスクのサーバー側暗号化", "managed disk server-side encryption"), disk_encrypted,
     "マネージドディスクの暗号化", "Managed disk encryption"),
    ("azure.sql.tde_enabled", "encryption.at-rest", k.SQL_DATABASE,
     arm("Microsoft.Sql/servers/databases/read", "Microsoft.Sql/servers/databases/transparentDataEncryption/read"),
     ("透過的データ暗号化（TDE）が Enabled", "transparent data encryption Enabled"), sql_tde, "SQL Database の TDE",
     "SQL Database transparent data encryption"),
))
