"""residency.japan — every resource, geo-replica and allowed-locations policy stays in Japan."""

from __future__ import annotations

from auditor.checks import Check, Verdict, need
from auditor.model import Evidence
from providers.azure import facts
from providers.azure import kinds as k
from providers.azure.checks.common import arm, lower, table

#: The Japanese names Azure gives its two regions in Japan.
JAPAN_REGION_NAMES = {"japaneast": "東日本", "japanwest": "西日本"}


def _region(location: str) -> str:
    """'japaneast' → 'japaneast（東日本）'; any other region as it is."""
    name = JAPAN_REGION_NAMES.get(lower(location).replace(" ", ""))
    return f"{location}（{name}）" if name else location


def resource_in_japan(e: Evidence) -> Verdict:
    location = lower(e.attributes.get("location"))
    if not location:
        return Verdict.not_applicable(("Azure がこのリソースの所在リージョン（location）を返していない",
                                       "Azure returns no region (location) for this resource"), location)
    if location in facts.NON_REGIONAL:
        return Verdict.passed(("location が global（リージョンに属さないリソースで、管理策上は許容される）",
                               "location is global (a resource outside any region, which the control allows)"),
                              location)
    return Verdict.of(facts.in_japan(location),
                      (f"国内リージョン {_region(location)}にある", f"in the Japanese region {location}"),
                      (f"国外リージョン {location} にある（国内は japaneast / japanwest）",
                       f"in {location}, a region outside Japan (Japan is japaneast / japanwest)"), location)


def storage_secondary_in_japan(e: Evidence) -> Verdict:
    sku = lower(e.attributes.get("sku"))
    if sku not in facts.GEO_REPLICATED_SKUS:
        return Verdict.not_applicable((f"{sku or 'この SKU'} は別リージョンに複製を持たない",
                                       f"{sku or 'this SKU'} keeps no copy in another region"), {"sku": sku})
    secondary = e.attributes.get("secondary_location")
    observed = {"sku": sku, "secondary_location": secondary}
    if not secondary:
        return Verdict.unknown(("地理冗長の SKU だが、Azure がセカンダリリージョン（secondaryLocation）を返していない",
                                "a geo-redundant SKU, but Azure returns no secondary region (secondaryLocation)"),
                               observed)
    return Verdict.of(facts.in_japan(secondary),
                      (f"地理冗長コピーは国内リージョン {_region(secondary)}にある",
                       f"the geo-redundant copy is in the Japanese region {secondary}"),
                      (f"地理冗長コピーが国外リージョン {secondary} にある",
                       f"the geo-redundant copy is in {secondary}, a region outside Japan"), observed)


def location_policy(e: Evidence) -> Verdict:
    assignments = need(e, "assignments") or []
    if not assignments:
        return Verdict.not_applicable((
            "「許可されている場所」（Allowed locations）ポリシーの割り当てがなく、国外でのリソースの新規作成を"
            "防ぐ仕組みがない（所在は各リソースの location で判定する）",
            "no Allowed locations policy is assigned, so nothing prevents new resources outside Japan"
            " (residency is decided by each resource's location)"), [])
    enforced = [a for a in assignments if lower(a.get("enforcement_mode")) != "donotenforce"]
    if not enforced:
        return Verdict.failed(("「許可されている場所」ポリシーの割り当てはあるが、いずれも適用されていない"
                               "（DoNotEnforce）",
                               "Allowed locations policies are assigned, but none is enforced (DoNotEnforce)"),
                              assignments)
    allowed = None
    for assignment in enforced:
        listed = {lower(loc) for loc in assignment.get("allowed_locations") or []}
        allowed = listed if allowed is None else allowed & listed
    outside = sorted(loc for loc in allowed or () if not facts.in_japan(loc) and loc not in facts.NON_REGIONAL)
    if outside:
        return Verdict.failed((f"適用中の「許可されている場所」ポリシーが国外の {', '.join(outside)} を許可している",
                               f"the enforced Allowed locations policy allows {', '.join(outside)}, outside Japan"),
                              assignments)
    listed = ", ".join(sorted(allowed or ()))
    return Verdict.passed((f"適用中の「許可されている場所」ポリシーが {listed} 以外へのデプロイを拒否している",
                           f"the enforced Allowed locations policy denies deployments outside {listed}"), assignments)


CHECKS: tuple[Check, ...] = table((
    ("azure.resource.location_japan", "residency.japan", k.RESOURCE, arm("*/read"),
     ("location が japaneast / japanwest（または global）", "location japaneast / japanwest (or global)"),
     resource_in_japan, "リソースの所在リージョンが国内", "Region of the resource in Japan"),
    ("azure.storage.geo_secondary_japan", "residency.japan", k.STORAGE,
     arm("Microsoft.Storage/storageAccounts/read"),
     ("地理冗長コピー先（secondaryLocation）も国内リージョン", "geo-replica (secondaryLocation) in Japan too"),
     storage_secondary_in_japan, "ストレージの地理冗長コピー先が国内", "Storage geo-replica region in Japan"),
    ("azure.policy.allowed_locations_japan", "residency.japan", k.SUB_LOCATION_POLICY,
     ("Microsoft.Authorization/policyAssignments/read",),
     ("国内リージョンに限定した「許可されている場所」ポリシーを適用",
      "enforced Allowed locations policy limited to Japan"), location_policy,
     "許可リージョンポリシーが国内に限定", "Allowed locations policy limited to Japan (preventive)"),
))
