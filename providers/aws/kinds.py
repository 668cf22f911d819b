"""Resource kinds as table rows, and the small types the collectors and the engine share.

A :class:`Kind` declares what a resource kind is and how it is listed (service, operation, result
path, parameters — Cloud Custodian style); the per-resource follow-up calls are code in the collector
modules, which declare them here too so the permission policy knows every call. A :class:`Collector`
is one unit of work for one region (or once per account for global services): it lists one or more
kinds and returns an :class:`Outcome` — evidence, gaps, and follow-up :class:`Task` objects the engine
runs on its pool.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from auditor.model import Evidence, Gap
from providers.aws.calls import iam_action

if TYPE_CHECKING:
    from providers.aws.collect.account import AccountContext

REGIONAL, GLOBAL = "regional", "global"


@dataclass(frozen=True)
class Listing:
    """The call that lists a kind: ``service`` and ``operation`` as boto3 names them, a JMESPath result key."""

    service: str
    operation: str
    result_key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return f"{self.service}:{self.operation}"


@dataclass(frozen=True)
class Kind:
    """One evidence kind (``aws.<service>.<kind>``)."""

    resource_type: str
    where: str
    listing: Listing
    follow_ups: tuple[str, ...] = ()  # "service:Operation" calls made per resource
    parent: str = ""  # listed through another kind (a listener through its load balancer)
    holds_data: bool = False  # a resource that holds data or runs code: decides residency and "region in use"
    title_ja: str = ""

    def calls(self) -> tuple[tuple[str, str], ...]:
        """Every (service, Operation) pair collecting this kind may make."""
        pairs = [(self.listing.service, self.listing.operation)]
        pairs += [tuple(call.split(":", 1)) for call in self.follow_ups]  # type: ignore[misc]
        return tuple(pairs)

    def permissions(self) -> tuple[str, ...]:
        return tuple(sorted({iam_action(service, op) for service, op in self.calls()}))


@dataclass
class Outcome:
    """What one task produced."""

    evidence: list[Evidence] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)

    def merge(self, other: Outcome) -> Outcome:
        self.evidence.extend(other.evidence)
        self.gaps.extend(other.gaps)
        self.tasks.extend(other.tasks)
        return self


@dataclass(frozen=True)
class Task:
    """A unit of work for the pool: ``run()`` makes its calls and returns an :class:`Outcome`."""

    label: str
    run: Callable[[], Outcome]


CollectFn = Callable[["AccountContext", str, frozenset[str]], Outcome]


@dataclass(frozen=True)
class Collector:
    """Collects ``kinds`` for one region (``where`` regional) or once per account (global)."""

    name: str
    where: str
    kinds: tuple[Kind, ...]
    run: CollectFn

    def resource_types(self) -> frozenset[str]:
        return frozenset(kind.resource_type for kind in self.kinds)


def blocked_by(kind: Kind, kinds: Iterable[Kind], wanted: frozenset[str]) -> tuple[str, ...]:
    """The wanted kinds a failed listing of ``kind`` leaves incomplete: itself and what is listed through it."""
    by_type = {k.resource_type: k for k in kinds}
    hit = []
    for candidate in by_type.values():
        chain, seen = candidate, set()
        while chain is not None and chain.resource_type not in seen:
            if chain.resource_type == kind.resource_type:
                hit.append(candidate.resource_type)
                break
            seen.add(chain.resource_type)
            chain = by_type.get(chain.parent)
    return tuple(sorted(t for t in hit if t in wanted)) or (kind.resource_type,)
