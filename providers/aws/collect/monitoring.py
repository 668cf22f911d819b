"""CloudWatch alarms and whether they notify someone (SNS topics with confirmed subscriptions).

Each alarm is one record; each region also gets one record counting its notifying alarms, so a region
in use without any alarm is visible (``aws.cloudwatch.region``; "in use" is added after collection).
"""

from __future__ import annotations

from typing import Any

from auditor.model import Said
from providers.aws.collect.account import AccountContext
from providers.aws.collect.common import list_or_gap
from providers.aws.failures import CallFailed
from providers.aws.kinds import REGIONAL, Collector, Kind, Listing, Outcome

ALARM = Kind("aws.cloudwatch.alarm", REGIONAL,
             Listing("cloudwatch", "DescribeAlarms", "[MetricAlarms, CompositeAlarms][]",
                     {"AlarmTypes": ["MetricAlarm", "CompositeAlarm"]}),
             follow_ups=("sns:ListSubscriptionsByTopic",), title_ja="CloudWatch アラーム")
REGION = Kind("aws.cloudwatch.region", REGIONAL, ALARM.listing, parent=ALARM.resource_type,
              title_ja="CloudWatch アラーム（リージョン）")
FAMILY = (ALARM, REGION)
#: Alarm actions that reach a person: SNS topics (when subscribed), Systems Manager OpsItems and incidents.
NOTIFYING_PREFIXES = ("arn:aws:ssm:", "arn:aws:ssm-incidents:")


def alarms(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    found = list_or_gap(ctx, region, ALARM, FAMILY, wanted, out)
    if found is None:
        return out
    notifying = 0
    doubts: list[tuple[str, str]] = []
    for item in found:
        actions = sorted(set(item.get("AlarmActions") or []))  # OK actions only tell of a recovery
        topics: dict[str, Any] = {}
        unreadable: dict[str, Said] = {}
        for arn in actions:
            if ":sns:" in arn:
                try:
                    topics[arn] = confirmed_subscriptions(ctx, arn)
                except CallFailed as failed:
                    unreadable["notifies"] = failed.failure.cause()
        others = [a for a in actions if a.startswith(NOTIFYING_PREFIXES)]
        enabled = bool(item.get("ActionsEnabled", True))
        notifies = enabled and (any(count > 0 for count in topics.values()) or bool(others))
        if notifies:
            unreadable.pop("notifies", None)
        attributes: dict[str, Any] = {"actions_enabled": enabled, "actions": actions, "sns_confirmed": topics,
                                      "ok_actions": item.get("OKActions") or [], "state": item.get("StateValue"),
                                      "composite": "AlarmRule" in item}
        if "notifies" in unreadable:
            doubts.append(unreadable["notifies"])
        else:
            attributes["notifies"] = notifies
            notifying += int(notifies)
        if ALARM.resource_type in wanted:
            out.evidence.append(ctx.evidence(region, ALARM.resource_type, item["AlarmArn"], ALARM.listing.source,
                                             attributes, unreadable=unreadable, raw=item,
                                             name=item.get("AlarmName", "")))
    if REGION.resource_type in wanted:
        unsure = {"notifying_alarms": doubts[0]} if doubts and not notifying else {}
        out.evidence.append(ctx.evidence(region, REGION.resource_type, "cloudwatch-alarms", ALARM.listing.source,
                                         {"alarms": len(found), "notifying_alarms": notifying},
                                         unreadable=unsure, name="cloudwatch:alarms"))
    return out


def confirmed_subscriptions(ctx: AccountContext, topic_arn: str) -> int:
    """How many confirmed subscriptions a topic has (``PendingConfirmation`` ones reach no one)."""
    region = topic_arn.split(":")[3]

    def count() -> int:
        found = ctx.pages(region, "sns", "ListSubscriptionsByTopic", "Subscriptions", TopicArn=topic_arn)
        return sum(1 for s in found if s.get("SubscriptionArn", "").startswith("arn:"))

    return ctx.memo(("sns-subscriptions", topic_arn), count)


COLLECTORS = (Collector("cloudwatch", REGIONAL, FAMILY, alarms),)
