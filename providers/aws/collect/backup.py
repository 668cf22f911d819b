"""AWS Backup: vaults (where recovery points live, vault lock) and plans (rules, copy targets, selections)."""

from __future__ import annotations

from typing import Any

from auditor.model import Said
from providers.aws.collect.account import AccountContext
from providers.aws.collect.common import list_or_gap, read
from providers.aws.kinds import REGIONAL, Collector, Kind, Listing, Outcome, Task

VAULT = Kind("aws.backup.vault", REGIONAL, Listing("backup", "ListBackupVaults", "BackupVaultList"), holds_data=True,
             title_ja="AWS Backup ボールト")
PLAN = Kind("aws.backup.plan", REGIONAL, Listing("backup", "ListBackupPlans", "BackupPlansList"),
            follow_ups=("backup:GetBackupPlan",
                        "backup:ListBackupSelections"), title_ja="AWS Backup バックアッププラン")


def vaults(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, region, VAULT, [VAULT], wanted, out) or []:
        points = item.get("NumberOfRecoveryPoints") or 0
        out.evidence.append(ctx.evidence(
            region, VAULT.resource_type, item["BackupVaultArn"], VAULT.listing.source,
            {"recovery_points": points, "holds_data": points > 0, "locked": bool(item.get("Locked")),
             "encryption_key": item.get("EncryptionKeyArn")},
            raw=item, name=item.get("BackupVaultName", ""),
        ))
    return out


def plans(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, region, PLAN, [PLAN], wanted, out) or []:
        out.tasks.append(Task(f"backup {region} {item.get('BackupPlanName')}", lambda item=item: _plan(ctx, region,
                                                                                                       item)))
    return out


def _plan(ctx: AccountContext, region: str, item: dict[str, Any]) -> Outcome:
    unreadable: dict[str, Said] = {}
    plan_id = item["BackupPlanId"]
    answer = read(unreadable, ("rules", "copy_targets"),
                  lambda: ctx.call(region, "backup", "GetBackupPlan", BackupPlanId=plan_id))
    selections = read(unreadable, ("selections",),
                      lambda: ctx.pages(region, "backup", "ListBackupSelections", "BackupSelectionsList",
                                        BackupPlanId=plan_id))
    attributes: dict[str, Any] = {}
    if answer is not None:
        rules = ((answer.get("BackupPlan") or {}).get("Rules")) or []
        attributes["rules"] = [{"name": r.get("RuleName"), "schedule": r.get("ScheduleExpression"),
                                "vault": r.get("TargetBackupVaultName"),
                                "delete_after_days": (r.get("Lifecycle") or {}).get("DeleteAfterDays")} for r in rules]
        targets = sorted({a.get("DestinationBackupVaultArn", "") for r in rules for a in r.get("CopyActions") or []})
        attributes["copy_targets"] = {arn: arn.split(":")[3] for arn in targets if arn.count(":") >= 5}
    if selections is not None:
        attributes["selections"] = [s.get("SelectionName") for s in selections]
    return Outcome(evidence=[ctx.evidence(region, PLAN.resource_type, item.get("BackupPlanArn") or plan_id,
                                          PLAN.listing.source, attributes, unreadable=unreadable,
                                          raw={"Plan": item, "Detail": (answer or {}).get("BackupPlan"),
                                               "Selections": selections},
                                          name=item.get("BackupPlanName", ""))])


COLLECTORS = (
    Collector("backup-vaults", REGIONAL, (VAULT,), vaults),
    Collector("backup-plans", REGIONAL, (PLAN,), plans),
)
