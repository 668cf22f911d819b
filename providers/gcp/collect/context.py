"""Everything collected for one audit scope, indexed for the evidence builders (plain values)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from providers.gcp.collect.inventory import Asset
from providers.gcp.collect.refs import compute_ref
from providers.gcp.failures import Failure

PROJECT_TYPE = "cloudresourcemanager.googleapis.com/Project"
FOLDER_TYPE = "cloudresourcemanager.googleapis.com/Folder"
ORGANIZATION_TYPE = "cloudresourcemanager.googleapis.com/Organization"


@dataclass(frozen=True)
class Project:
    number: str
    project_id: str
    ancestors: tuple[str, ...]  # projects/<number>, folders/…, organizations/…
    asset: Asset

    @property
    def ref(self) -> str:
        return f"projects/{self.number}"

    @property
    def organization(self) -> str:
        return next((a for a in self.ancestors if a.startswith("organizations/")), "")


@dataclass(frozen=True)
class AccessContext:
    """An organisation's access policies, access levels and service perimeters (Cloud Asset)."""

    policies: tuple[Mapping[str, Any], ...]
    levels: tuple[Mapping[str, Any], ...]
    perimeters: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class Followups:
    """Results of the REST follow-ups; each value is the answer or the :class:`Failure`."""

    ids: Mapping[str, tuple[dict, ...] | Failure] = field(default_factory=dict)
    scc: Mapping[str, Mapping[str, str] | Failure] = field(default_factory=dict)
    vulnerability: Mapping[tuple[str, str], Mapping[str, dict] | Failure] = field(default_factory=dict)
    directory: Mapping[str, dict | Failure] = field(default_factory=dict)
    access: Mapping[str, AccessContext | Failure] = field(default_factory=dict)
    bindings: Mapping[str, tuple[dict, ...] | Failure] = field(default_factory=dict)


@dataclass(frozen=True)
class ScopeData:
    """One audit scope's listings, follow-ups and the moment they were collected."""

    scope: str
    collected_at: datetime
    resources: tuple[Asset, ...] = ()
    iam_policies: tuple[Asset, ...] = ()
    org_policies: tuple[Asset, ...] = ()
    followups: Followups = field(default_factory=Followups)

    @cached_property
    def by_type(self) -> Mapping[str, tuple[Asset, ...]]:
        grouped: dict[str, list[Asset]] = defaultdict(list)
        for asset in self.resources:
            grouped[asset.asset_type].append(asset)
        return {key: tuple(value) for key, value in grouped.items()}

    def of_type(self, *asset_types: str) -> tuple[Asset, ...]:
        return tuple(a for t in asset_types for a in self.by_type.get(t, ()))

    @cached_property
    def compute_index(self) -> Mapping[str, Asset]:
        """Compute assets by ``projects/p/…`` path, to resolve self links between resources."""
        return {compute_ref(a.name): a for a in self.resources if a.name.startswith("//compute.googleapis.com/")}

    def compute(self, link: str) -> Asset | None:
        return self.compute_index.get(compute_ref(link))

    @cached_property
    def projects(self) -> Mapping[str, Project]:
        """Active projects by number."""
        found = {}
        for asset in self.of_type(PROJECT_TYPE):
            number = str(asset.data.get("projectNumber") or asset.short_name)
            state = asset.data.get("lifecycleState", "ACTIVE")
            if state not in ("ACTIVE", "LIFECYCLE_STATE_UNSPECIFIED"):
                continue
            found[number] = Project(number, asset.data.get("projectId") or number, asset.ancestors, asset)
        return found

    def project_id(self, ref: str) -> str:
        """``projects/<number>`` → project ID (the number itself when the project was not listed)."""
        number = ref.removeprefix("projects/")
        project = self.projects.get(number)
        return project.project_id if project else number

    def scope_of(self, asset: Asset) -> str:
        """The finding scope: the project ID, else the folder / organisation the asset belongs to."""
        if asset.project_ref:
            return self.project_id(asset.project_ref)
        return asset.ancestors[0] if asset.ancestors else self.scope

    def covers(self, ancestor: str, chain: tuple[str, ...]) -> bool:
        """Whether ``ancestor`` (an element of ``chain``, nearest first) lies inside the audited scope."""
        if ancestor not in chain:
            return False
        index = chain.index(ancestor)
        scope = self.scope
        if scope.startswith("projects/") and chain and chain[0].startswith("projects/"):
            project = self.projects.get(chain[0].removeprefix("projects/"))
            if project and scope == f"projects/{project.project_id}":
                scope = chain[0]
        return scope in chain[index:]
