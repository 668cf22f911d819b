"""AWS Organizations service control policies that deny regions outside Japan (preventive evidence).

SCPs are readable from the organisation's management account only: in a member account the
collector records nothing for them (and says so in the run's identity); an account outside any
organisation has none.
"""

from __future__ import annotations

import json
from typing import Any

from auditor.model import Said
from providers.aws.collect.account import AccountContext
from providers.aws.collect.common import gap, list_or_gap, read
from providers.aws.failures import CallFailed
from providers.aws.kinds import GLOBAL, Collector, Kind, Listing, Outcome, Task
from providers.aws.policies import allowed_regions

API_REGION = "us-east-1"
SCP = Kind("aws.organizations.scp", GLOBAL,
           Listing("organizations", "ListPolicies", "Policies", {"Filter": "SERVICE_CONTROL_POLICY"}),
           follow_ups=("organizations:DescribeOrganization", "organizations:DescribePolicy",
                       "organizations:ListTargetsForPolicy"),
           title_ja="サービスコントロールポリシー (SCP)")


def scps(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    try:
        organization = ctx.call(API_REGION, "organizations", "DescribeOrganization",
                                absent=("AWSOrganizationsNotInUseException",))
    except CallFailed as failed:
        out.gaps.append(gap(ctx, "global", failed.failure, [SCP.resource_type]))
        return out
    details = (organization or {}).get("Organization") or {}
    if not details or details.get("MasterAccountId") != ctx.account:
        return out
    for item in list_or_gap(ctx, API_REGION, SCP, [SCP], wanted, out) or []:
        out.tasks.append(Task(f"organizations {item.get('Name')}", lambda item=item: _scp(ctx, item)))
    return out


def _scp(ctx: AccountContext, item: dict[str, Any]) -> Outcome:
    unreadable: dict[str, Said] = {}
    described = read(unreadable, ("allowed_regions",),
                     lambda: ctx.call(API_REGION, "organizations", "DescribePolicy", PolicyId=item["Id"]))
    targets = read(unreadable, ("targets",), lambda: ctx.pages(
        API_REGION, "organizations", "ListTargetsForPolicy", "Targets", PolicyId=item["Id"]))
    attributes: dict[str, Any] = {"aws_managed": bool(item.get("AwsManaged"))}
    document = None
    if described is not None:
        content = ((described.get("Policy") or {}).get("Content")) or "{}"
        document = json.loads(content) if isinstance(content, str) else content
        attributes["allowed_regions"] = allowed_regions(document)
    if targets is not None:
        attributes["targets"] = [f"{t.get('Type')}:{t.get('TargetId')}" for t in targets]
    return Outcome(evidence=[ctx.evidence("global", SCP.resource_type, item["Arn"], SCP.listing.source, attributes,
                                          unreadable=unreadable, raw={"Policy": item, "Content": document},
                                          name=item.get("Name", ""))])


def organization_accounts(ctx: AccountContext) -> list[dict[str, Any]]:
    """The organisation's active accounts (``--org``), from its management account."""
    return [a for a in ctx.pages(API_REGION, "organizations", "ListAccounts", "Accounts")
            if a.get("Status", "ACTIVE") == "ACTIVE"]


COLLECTORS = (Collector("organizations", GLOBAL, (SCP,), scps),)
