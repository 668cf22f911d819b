"""Collection for one GCP audit: credentials → scopes → Cloud Asset listings → follow-ups → evidence.

Per scope (``projects/P``, ``folders/N``, ``organizations/N``): one paged listing per needed content
type, then the REST follow-ups, then the evidence of every requested kind. A listing that fails is a
:class:`~auditor.model.Gap` for exactly the kinds depending on it in that scope (their checks become
UNKNOWN with the cause and the grant); nothing is built from a partial listing. Overlapping scopes
are de-duplicated by evidence key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from auditor.errors import AuditorError
from auditor.model import Evidence, Gap, ProviderScope, utc_now
from auditor.plugins import Collection, CollectRequest
from providers.gcp.collect.context import Followups, ScopeData
from providers.gcp.collect.followups import FollowupReader
from providers.gcp.collect.inventory import CALLS, IAM_POLICY, ORG_POLICY, RESOURCE, AssetInventory, Listing
from providers.gcp.credentials import ensure_token, load_credentials
from providers.gcp.kinds import Plan
from providers.gcp.settings import GcpOptions
from providers.gcp.transport import ReadOnlySession, RestReader

PROVIDER = "gcp"


@dataclass(frozen=True)
class ScopeOutcome:
    evidence: tuple[Evidence, ...]
    gaps: tuple[Gap, ...]


class Progress:
    """Counts steps for the CLI's progress bar (the total grows as follow-ups are discovered)."""

    def __init__(self, callback) -> None:
        self._callback = callback
        self.done = 0
        self.total = 0

    def plan(self, steps: int) -> None:
        self.total += steps

    def step(self, label: str) -> None:
        self.done += 1
        self.total = max(self.total, self.done)
        if self._callback is not None:
            self._callback(self.done, self.total, label)


def collect(request: CollectRequest, environ: Mapping[str, str] | None = None) -> Collection:
    options = GcpOptions.from_mapping(request.options)
    audit = load_credentials(options.impersonate)
    scopes = options.scopes or ((f"projects/{audit.default_project}",) if audit.default_project else ())
    if not scopes:
        raise AuditorError(
            "raw",
            ja="監査する GCP の範囲を --project / --folder / --organization で指定してください。",
            en="Choose what to audit on GCP with --project, --folder or --organization.",
        )
    ensure_token(audit.credentials, environ)
    plan = Plan.for_kinds(request.resource_types)
    inventory = AssetInventory(audit.credentials, environ)
    progress = Progress(request.progress)
    reader = FollowupReader(RestReader(ReadOnlySession(audit.credentials, environ=environ), environ), inventory,
                            progress.step)
    evidence: dict[tuple, Evidence] = {}
    gaps: list[Gap] = []
    for scope in scopes:
        outcome = collect_scope(scope, plan, inventory, reader, progress)
        for record in outcome.evidence:
            evidence.setdefault(record.key, record)
        gaps.extend(outcome.gaps)
    regions = sorted({r.region for r in evidence.values() if r.region not in ("global", "")})
    return Collection(
        tuple(evidence.values()), tuple(gaps), ProviderScope(PROVIDER, scopes, dict(audit.identity), tuple(regions))
    )


def collect_scope(scope: str, plan: Plan, inventory: AssetInventory, reader: FollowupReader,
                  progress: Progress) -> ScopeOutcome:
    collected_at = utc_now()
    progress.plan(len(plan.listings))
    listings: dict[str, Listing] = {}
    for content_type in plan.listings:
        listings[content_type] = inventory.list(
            scope, content_type, plan.asset_types(content_type),
            on_page=lambda n, c=content_type: progress.step(f"{scope} {c} page {n}"),
        )
    failed = {c for c, listing in listings.items() if listing.failure is not None}
    gaps = [_gap(listings[c], plan, collected_at) for c in sorted(failed)]
    usable = [kind for kind in plan.kinds if not (kind.listings & failed)]

    def assets(content_type: str):
        listing = listings.get(content_type)
        return listing.assets if listing is not None and listing.failure is None else ()

    data = ScopeData(scope, collected_at, assets(RESOURCE), assets(IAM_POLICY), assets(ORG_POLICY))
    wanted = {f for kind in usable for f in kind.followups}
    followups = reader.read(data, wanted) if wanted else Followups()
    data = ScopeData(scope, collected_at, data.resources, data.iam_policies, data.org_policies, followups)
    evidence = [record for kind in usable for record in kind.build(data)]
    return ScopeOutcome(tuple(evidence), tuple(gaps))


def _gap(listing: Listing, plan: Plan, collected_at) -> Gap:
    failure = listing.failure
    assert failure is not None
    fix_ja, fix_en = failure.fix
    return Gap(
        provider=PROVIDER,
        scope=listing.scope.removeprefix("projects/"),  # a project is named by its ID, as in findings
        region="*",
        source=CALLS[listing.content_type].source,
        resource_types=plan.blocked_by(listing.content_type),
        error_code=failure.code,
        message=f"{failure.message} [{fix_ja}]",
        permission=failure.call.grant,
        collected_at=collected_at,
        message_en=f"{failure.message} [{fix_en}]",
    )


