"""resilience.redundancy, resilience.backup — zone or geo redundancy, VM backups and SQL automated backups."""

from __future__ import annotations

from auditor.checks import Check, Verdict, need
from auditor.model import Evidence
from providers.azure import facts
from providers.azure import kinds as k
from providers.azure.checks.common import arm, lower, table


def storage_redundancy(e: Evidence) -> Verdict:
    sku = lower(e.attributes.get("sku"))
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
    state = lower(backup.get("state"))
    vault, shown = backup.get("vault"), backup.get("state")
    return Verdict.of(state in ("protected", "irpending"),
                      (f"Recovery Services コンテナー {vault} でバックアップされている（{shown}）",
                       f"backed up by the Recovery Services vault {vault} ({shown})"),
                      (f"{vault} のバックアップ項目が {shown} 状態", f"the backup item in {vault} is {shown}"), backup,
                      "arm:GET Microsoft.RecoveryServices/vaults/backupProtectedItems")


CHECKS: tuple[Check, ...] = table((
    ("azure.storage.redundant", "resilience.redundancy", k.STORAGE, arm("Microsoft.Storage/storageAccounts/read"),
     ("ZRS・GRS・RA-GRS・GZRS・RA-GZRS のいずれか", "ZRS, GRS, RA-GRS, GZRS or RA-GZRS"), storage_redundancy,
     "ストレージの冗長化", "Storage account redundancy"),
    ("azure.sql.zone_redundant", "resilience.redundancy", k.SQL_DATABASE, arm("Microsoft.Sql/servers/databases/read"),
     "zoneRedundant = true", sql_zone_redundant, "SQL Database のゾーン冗長", "SQL Database zone redundancy"),
    ("azure.appgw.zone_redundant", "resilience.redundancy", k.APP_GATEWAY,
     arm("Microsoft.Network/applicationGateways/read"), ("2 つ以上のゾーンに配置", "deployed in two or more zones"),
     zonal_spread, "Application Gateway のゾーン冗長", "Application Gateway zone redundancy"),
    ("azure.vmss.zone_redundant", "resilience.redundancy", k.VMSS,
     arm("Microsoft.Compute/virtualMachineScaleSets/read"),
     ("インスタンスを 2 つ以上のゾーンに分散", "instances spread across two or more zones"), zonal_spread,
     "スケールセットのゾーン分散", "Scale set zone spread"),
    ("azure.vm.backup", "resilience.backup", k.VM,
     arm("Microsoft.Compute/virtualMachines/read", "Microsoft.RecoveryServices/vaults/read",
         "Microsoft.RecoveryServices/vaults/backupProtectedItems/read"),
     ("Recovery Services コンテナーで保護", "protected by a Recovery Services vault"), vm_backup, "VM のバックアップ",
     "VM backup"),
    ("azure.sql.automated_backup", "resilience.backup", k.SQL_DATABASE, arm("Microsoft.Sql/servers/databases/read"),
     ("自動バックアップ（プラットフォーム既定）", "automated backups (platform default)"), sql_automated_backup,
     "SQL Database の自動バックアップ", "SQL Database automated backups"),
))
