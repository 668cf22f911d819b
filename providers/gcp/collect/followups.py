"""The REST follow-ups: facts Cloud Asset Inventory does not hold, read with plain authorized GETs.

- Cloud IDS endpoints per project (``ids.endpoints.list``),
- Security Command Center service enablement per project (``securitycentermanagement``),
- OS Config vulnerability reports per project and zone with running VMs,
- access policies / levels / perimeters per organisation (Cloud Asset ``ACCESS_POLICY``) and
  Context-Aware Access bindings (``gcpUserAccessBindings``),
- 2-Step Verification of administrator users (Admin SDK Directory ``users.get``).

Independent calls run on a small thread pool. Each answer is kept, or its :class:`Failure`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from providers.gcp.calls import (
    GET_DIRECTORY_USER,
    LIST_IDS_ENDPOINTS,
    LIST_SCC_SERVICES,
    LIST_USER_ACCESS_BINDINGS,
    LIST_VULNERABILITY_REPORTS,
)
from providers.gcp.collect.builders.identity import admin_grants
from providers.gcp.collect.context import AccessContext, Followups, ScopeData
from providers.gcp.collect.inventory import ACCESS_POLICY, AssetInventory
from providers.gcp.collect.refs import last_segment
from providers.gcp.collect.vulnerabilities import summarize_report
from providers.gcp.failures import Failure
from providers.gcp.kinds import ACCESS, DIRECTORY, IDS, SCC, VULNERABILITY
from providers.gcp.settings import WORKERS
from providers.gcp.transport import Page, RestReader

ACCESS_ASSET_TYPES = (
    "accesscontextmanager.googleapis.com/AccessPolicy",
    "accesscontextmanager.googleapis.com/AccessLevel",
    "accesscontextmanager.googleapis.com/ServicePerimeter",
)
INSTANCE = "compute.googleapis.com/Instance"


class FollowupReader:
    """Runs the follow-ups one scope needs, given what its Cloud Asset listings found."""

    def __init__(self, rest: RestReader, inventory: AssetInventory, on_call: Callable[[str], None] | None = None):
        self._rest = rest
        self._inventory = inventory
        self._on_call = on_call or (lambda label: None)

    def read(self, data: ScopeData, wanted: Iterable[str]) -> Followups:
        wanted = set(wanted)
        projects = sorted(p.project_id for p in data.projects.values())
        jobs: dict[tuple[str, Any], Callable[[], Any]] = {}
        if IDS in wanted:
            jobs.update({(IDS, p): (lambda p=p: self.ids_endpoints(p)) for p in projects})
        if SCC in wanted:
            jobs.update({(SCC, p): (lambda p=p: self.scc_services(p)) for p in projects})
        if VULNERABILITY in wanted:
            for project, zone in self._zones_with_running_vms(data):
                jobs[(VULNERABILITY, (project, zone))] = lambda p=project, z=zone: self.vulnerability_reports(p, z)
        organizations = sorted({p.organization for p in data.projects.values() if p.organization})
        if ACCESS in wanted:
            for org in organizations:
                jobs[(ACCESS, org)] = lambda o=org: self.access_context(o)
                jobs[("bindings", org)] = lambda o=org: self.user_access_bindings(o)
        if DIRECTORY in wanted:
            for member in sorted(m for m in admin_grants(data) if m.startswith("user:")):
                email = member.removeprefix("user:")
                jobs[(DIRECTORY, email)] = lambda e=email: self.directory_user(e)
        results = self._run(jobs)

        def pick(name: str) -> dict:
            return {key: value for (kind, key), value in results.items() if kind == name}

        return Followups(
            ids=pick(IDS), scc=pick(SCC), vulnerability=pick(VULNERABILITY), directory=pick(DIRECTORY),
            access=pick(ACCESS), bindings=pick("bindings"),
        )

    def _run(self, jobs: dict) -> dict:
        if not jobs:
            return {}
        with ThreadPoolExecutor(max_workers=min(WORKERS, len(jobs))) as pool:
            futures = {key: pool.submit(job) for key, job in jobs.items()}
            return {key: future.result() for key, future in futures.items()}

    @staticmethod
    def _zones_with_running_vms(data: ScopeData) -> list[tuple[str, str]]:
        zones = set()
        for asset in data.of_type(INSTANCE):
            if asset.data.get("status", "RUNNING") == "RUNNING" and asset.project_ref:
                zone = last_segment(asset.data.get("zone", "")) or asset.location
                zones.add((data.scope_of(asset), zone))
        return sorted(zones)

    def ids_endpoints(self, project: str) -> tuple[dict, ...] | Failure:
        self._on_call(f"ids {project}")
        page = self._rest.list(LIST_IDS_ENDPOINTS, f"v1/projects/{project}/locations/-/endpoints", "endpoints")
        return page.items if isinstance(page, Page) else page

    def scc_services(self, project: str) -> dict[str, str] | Failure:
        self._on_call(f"scc {project}")
        page = self._rest.list(
            LIST_SCC_SERVICES, f"v1/projects/{project}/locations/global/securityCenterServices",
            "securityCenterServices", {"pageSize": 1000},
        )
        if isinstance(page, Failure):
            return page
        return {last_segment(s.get("name", "")): str(s.get("effectiveEnablementState", "")) for s in page.items}

    def vulnerability_reports(self, project: str, zone: str) -> dict[str, dict] | Failure:
        self._on_call(f"osconfig {project}/{zone}")
        page = self._rest.list(
            LIST_VULNERABILITY_REPORTS, f"v1/projects/{project}/locations/{zone}/instances/-/vulnerabilityReports",
            "vulnerabilityReports", {"pageSize": 1000},
        )
        if isinstance(page, Failure):
            return page
        reports = {}
        for report in page.items:
            # projects/{number}/locations/{zone}/instances/{instance id}/vulnerabilityReport
            parts = str(report.get("name", "")).split("/")
            instance = parts[parts.index("instances") + 1] if "instances" in parts else ""
            reports[instance] = summarize_report(report)
        return reports

    def access_context(self, organization: str) -> AccessContext | Failure:
        self._on_call(f"access policies {organization}")
        listing = self._inventory.list(organization, ACCESS_POLICY, ACCESS_ASSET_TYPES)
        if listing.failure is not None:
            return listing.failure
        assets = [a.access or {} for a in listing.assets]
        return AccessContext(
            policies=tuple(a["accessPolicy"] for a in assets if "accessPolicy" in a),
            levels=tuple(a["accessLevel"] for a in assets if "accessLevel" in a),
            perimeters=tuple(a["servicePerimeter"] for a in assets if "servicePerimeter" in a),
        )

    def user_access_bindings(self, organization: str) -> tuple[dict, ...] | Failure:
        self._on_call(f"access bindings {organization}")
        page = self._rest.list(LIST_USER_ACCESS_BINDINGS, f"v1/{organization}/gcpUserAccessBindings",
                               "gcpUserAccessBindings")
        return page.items if isinstance(page, Page) else page

    def directory_user(self, email: str) -> dict | Failure:
        """2SV state of one administrator user: its own answer or its own failure.

        A refusal is never carried over to other users: a delegated admin role may cover only some
        organisational units, so one user can be unreadable while the next is readable.
        """
        self._on_call(f"directory {email}")
        return self._rest.get(
            GET_DIRECTORY_USER, f"admin/directory/v1/users/{email}",
            {"projection": "basic", "fields": "primaryEmail,isEnrolledIn2Sv,isEnforcedIn2Sv,suspended,isAdmin"},
        )

