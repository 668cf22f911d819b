"""Internet entry points: ELBv2 load balancers and listeners, CloudFront distributions, API Gateway REST
APIs and stages — their TLS settings, zones, and the WAFv2 web ACL protecting each.

The web ACL of a load balancer or an API stage is read with ``wafv2:GetWebACLForResource`` (one call
per resource, answered from the resource's region); CloudFront reports its web ACL in the distribution.
"""

from __future__ import annotations

from typing import Any

from auditor.model import Said
from providers.aws.collect.account import AccountContext
from providers.aws.collect.common import list_or_gap, read
from providers.aws.kinds import GLOBAL, REGIONAL, Collector, Kind, Listing, Outcome, Task

LOAD_BALANCER = Kind("aws.elbv2.load_balancer", REGIONAL,
                     Listing("elbv2", "DescribeLoadBalancers", "LoadBalancers"),
                     follow_ups=("wafv2:GetWebACLForResource",), holds_data=True, title_ja="ロードバランサー (ELBv2)")
LISTENER = Kind("aws.elbv2.listener", REGIONAL, Listing("elbv2", "DescribeListeners", "Listeners"),
                follow_ups=("elbv2:DescribeSSLPolicies",), parent=LOAD_BALANCER.resource_type,
                title_ja="ロードバランサーのリスナー")
DISTRIBUTION = Kind("aws.cloudfront.distribution", GLOBAL,
                    Listing("cloudfront", "ListDistributions", "DistributionList.Items"),
                    title_ja="CloudFront ディストリビューション")
REST_API = Kind("aws.apigateway.rest_api", REGIONAL, Listing("apigateway", "GetRestApis", "items"), holds_data=True,
                title_ja="API Gateway REST API")
STAGE = Kind("aws.apigateway.stage", REGIONAL, Listing("apigateway", "GetStages", "item"),
             follow_ups=("wafv2:GetWebACLForResource",), parent=REST_API.resource_type, title_ja="API Gateway ステージ")
ELB_FAMILY = (LOAD_BALANCER, LISTENER)
API_FAMILY = (REST_API, STAGE)


def web_acl(ctx: AccountContext, region: str, resource_arn: str) -> str | None:
    """The ARN of the WAFv2 web ACL associated with a regional resource, or ``None``."""
    answer = ctx.call(region, "wafv2", "GetWebACLForResource", ResourceArn=resource_arn)
    return ((answer or {}).get("WebACL") or {}).get("ARN")


def load_balancers(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, region, LOAD_BALANCER, ELB_FAMILY, wanted, out) or []:
        out.tasks.append(Task(f"elbv2 {region} {item.get('LoadBalancerName')}",
                              lambda item=item: _load_balancer(ctx, region, item, wanted)))
    return out


def _load_balancer(ctx: AccountContext, region: str, item: dict[str, Any], wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    arn, scheme, kind = item["LoadBalancerArn"], item.get("Scheme", ""), item.get("Type", "")
    if LOAD_BALANCER.resource_type in wanted:
        unreadable: dict[str, Said] = {}
        attributes: dict[str, Any] = {
            "type": kind, "scheme": scheme, "dns_name": item.get("DNSName"),
            "availability_zones": sorted(z.get("ZoneName") for z in item.get("AvailabilityZones") or []),
        }
        if kind == "application" and scheme == "internet-facing":
            acl = read(unreadable, ("web_acl",), lambda: web_acl(ctx, region, arn))
            if "web_acl" not in unreadable:
                attributes["web_acl"] = acl
        out.evidence.append(ctx.evidence(region, LOAD_BALANCER.resource_type, arn, LOAD_BALANCER.listing.source,
                                         attributes, unreadable=unreadable, raw=item,
                                         name=item.get("LoadBalancerName", "")))
    if LISTENER.resource_type in wanted:
        out.merge(_listeners(ctx, region, item))
    return out


def _listeners(ctx: AccountContext, region: str, balancer: dict[str, Any]) -> Outcome:
    out = Outcome()
    found = list_or_gap(ctx, region, LISTENER, ELB_FAMILY, frozenset({LISTENER.resource_type}), out,
                        LoadBalancerArn=balancer["LoadBalancerArn"])
    for item in found or []:
        protocol = item.get("Protocol", "")
        unreadable: dict[str, Said] = {}
        attributes: dict[str, Any] = {
            "protocol": protocol, "port": item.get("Port"),
            "load_balancer": balancer.get("LoadBalancerName"), "scheme": balancer.get("Scheme"),
            "lb_type": balancer.get("Type"),
            "redirects_to_https": any(
                a.get("Type") == "redirect" and (a.get("RedirectConfig") or {}).get("Protocol") == "HTTPS"
                for a in item.get("DefaultActions") or []
            ),
        }
        if protocol in ("HTTPS", "TLS"):
            policy = item.get("SslPolicy")
            attributes["ssl_policy"] = policy
            protocols = read(unreadable, ("ssl_protocols",), lambda policy=policy: ssl_protocols(ctx, region, policy))
            if protocols is not None:
                attributes["ssl_protocols"] = protocols
        out.evidence.append(ctx.evidence(
            region, LISTENER.resource_type, item["ListenerArn"], LISTENER.listing.source, attributes,
            unreadable=unreadable, raw=item, name=f"{balancer.get('LoadBalancerName')}:{item.get('Port')}",
        ))
    return out


def ssl_protocols(ctx: AccountContext, region: str, policy: str | None) -> list[str]:
    """The TLS versions an ELB security policy allows, as ELB documents them (DescribeSSLPolicies)."""
    if not policy:
        return []

    def fetch() -> list[str]:
        answer = ctx.call(region, "elbv2", "DescribeSSLPolicies", Names=[policy])
        policies = (answer or {}).get("SslPolicies") or []
        return sorted(policies[0].get("SslProtocols") or []) if policies else []

    return ctx.memo(("ssl-policy", region, policy), fetch)


def distributions(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, "us-east-1", DISTRIBUTION, [DISTRIBUTION], wanted, out) or []:
        behaviours = {"default": (item.get("DefaultCacheBehavior") or {}).get("ViewerProtocolPolicy")}
        for behaviour in (item.get("CacheBehaviors") or {}).get("Items") or []:
            behaviours[behaviour.get("PathPattern", "?")] = behaviour.get("ViewerProtocolPolicy")
        certificate = item.get("ViewerCertificate") or {}
        out.evidence.append(ctx.evidence(
            "global", DISTRIBUTION.resource_type, item["ARN"], DISTRIBUTION.listing.source,
            {"domain_name": item.get("DomainName"), "enabled": bool(item.get("Enabled", True)),
             "viewer_protocol_policies": behaviours,
             "default_certificate": bool(certificate.get("CloudFrontDefaultCertificate")),
             "minimum_protocol_version": certificate.get("MinimumProtocolVersion"),
             "web_acl": item.get("WebACLId") or None,
             "aliases": (item.get("Aliases") or {}).get("Items") or []},
            raw=item, name=item.get("Comment") or item.get("DomainName") or item["Id"],
        ))
    return out


def rest_apis(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, region, REST_API, API_FAMILY, wanted, out) or []:
        types = (item.get("endpointConfiguration") or {}).get("types") or ["EDGE"]
        arn = f"arn:{ctx.partition}:apigateway:{region}::/restapis/{item['id']}"
        if REST_API.resource_type in wanted:
            out.evidence.append(ctx.evidence(
                region, REST_API.resource_type, arn, REST_API.listing.source,
                {"endpoint_types": types, "disable_execute_api_endpoint": bool(item.get("disableExecuteApiEndpoint"))},
                raw=_without_policy(item), name=item.get("name", item["id"]),
            ))
        if STAGE.resource_type in wanted:
            out.tasks.append(Task(f"apigateway {region} {item['id']}",
                                  lambda item=item, arn=arn, types=types: _stages(ctx, region, item, arn, types)))
    return out


def _stages(ctx: AccountContext, region: str, api: dict[str, Any], api_arn: str, types: list[str]) -> Outcome:
    out = Outcome()
    found = list_or_gap(ctx, region, STAGE, API_FAMILY, frozenset({STAGE.resource_type}), out, restApiId=api["id"])
    for stage in found or []:
        arn = f"{api_arn}/stages/{stage['stageName']}"
        unreadable: dict[str, Said] = {}
        attributes: dict[str, Any] = {"api": api.get("name"), "endpoint_types": types,
                                      "internet_facing": "PRIVATE" not in types}
        if attributes["internet_facing"]:
            acl = stage.get("webAclArn") or read(unreadable, ("web_acl",), lambda arn=arn: web_acl(ctx, region, arn))
            if "web_acl" not in unreadable:
                attributes["web_acl"] = acl
        out.evidence.append(ctx.evidence(region, STAGE.resource_type, arn, STAGE.listing.source, attributes,
                                         unreadable=unreadable, raw=stage,
                                         name=f"{api.get('name')}/{stage['stageName']}"))
    return out


def _without_policy(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != "policy"}


COLLECTORS = (
    Collector("elbv2", REGIONAL, ELB_FAMILY, load_balancers),
    Collector("cloudfront", GLOBAL, (DISTRIBUTION,), distributions),
    Collector("apigateway", REGIONAL, API_FAMILY, rest_apis),
)
