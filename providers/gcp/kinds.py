"""The evidence kinds, as a table: what each reads from Cloud Asset and which follow-ups it needs.

A row names the evidence ``resource_type`` the checks read, the Cloud Asset listings it depends on
(``RESOURCE`` / ``IAM_POLICY`` / ``ORG_POLICY``), the asset types to request (its own and those it
resolves references to), the REST follow-ups, and the function that builds its evidence. The
collection run asks only for what the requested kinds need; a listing that fails becomes a gap for
exactly the kinds that depend on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from auditor.model import Evidence
from providers.gcp.collect.builders import identity, projects, resources
from providers.gcp.collect.builders.common import from_asset
from providers.gcp.collect.context import FOLDER_TYPE, ORGANIZATION_TYPE, PROJECT_TYPE, ScopeData
from providers.gcp.collect.inventory import IAM_POLICY, ORG_POLICY, RESOURCE, Asset

COMPUTE = "compute.googleapis.com/"
CONTAINERS = (PROJECT_TYPE, FOLDER_TYPE, ORGANIZATION_TYPE)

# Follow-up names (see providers.gcp.collect.followups).
IDS, SCC, VULNERABILITY, DIRECTORY, ACCESS = "ids", "scc", "vulnerability", "directory", "access"


@dataclass(frozen=True)
class Kind:
    id: str
    build: Callable[[ScopeData], Iterable[Evidence]]
    listings: frozenset[str] = frozenset({RESOURCE})
    asset_types: tuple[str, ...] = ()
    followups: frozenset[str] = frozenset()
    title: str = ""


@dataclass(frozen=True)
class ResourceBuilder:
    """Builds one evidence record per asset of the given types with an attributes function."""

    kind: str
    asset_types: tuple[str, ...]
    attributes: Callable[[Asset, ScopeData], tuple[dict, dict]]
    include: Callable[[Asset], bool] = field(default=lambda asset: True)

    def __call__(self, data: ScopeData) -> Iterator[Evidence]:
        for asset in data.of_type(*self.asset_types):
            if self.include(asset):
                attributes, unreadable = self.attributes(asset, data)
                yield from_asset(data, self.kind, asset, attributes, unreadable)


def resource_kind(
    kind: str,
    asset_types: tuple[str, ...],
    attributes,
    references: tuple[str, ...] = (),
    followups: Iterable[str] = (),
    include: Callable[[Asset], bool] | None = None,
    title: str = "",
) -> Kind:
    builder = ResourceBuilder(kind, asset_types, attributes, include or (lambda asset: True))
    return Kind(kind, builder, frozenset({RESOURCE}), asset_types + references, frozenset(followups), title)


def _c(*names: str) -> tuple[str, ...]:
    return tuple(COMPUTE + n for n in names)


KINDS: tuple[Kind, ...] = (
    resource_kind("gcp.storage.bucket", ("storage.googleapis.com/Bucket",), resources.bucket,
                  title="Cloud Storage bucket"),
    resource_kind("gcp.compute.disk", _c("Disk", "RegionDisk"), resources.disk,
                  references=_c("ResourcePolicy", "Instance"), title="Persistent disk"),
    resource_kind("gcp.compute.snapshot", _c("Snapshot"), resources.snapshot, title="Disk snapshot"),
    resource_kind("gcp.compute.image", _c("Image"), resources.image, title="Custom image"),
    resource_kind("gcp.compute.instance", _c("Instance"), resources.instance, followups=(VULNERABILITY,),
                  title="Compute Engine VM"),
    resource_kind("gcp.compute.firewall", _c("Firewall"), resources.firewall, title="VPC firewall rule"),
    resource_kind("gcp.compute.forwarding_rule", _c("ForwardingRule", "GlobalForwardingRule"),
                  resources.forwarding_rule,
                  references=_c("TargetHttpProxy", "RegionTargetHttpProxy", "UrlMap", "RegionUrlMap"),
                  title="Load balancer forwarding rule"),
    resource_kind("gcp.compute.target_proxy", _c("TargetHttpsProxy", "RegionTargetHttpsProxy", "TargetSslProxy"),
                  resources.target_proxy, references=_c("SslPolicy"),
                  title="Target HTTPS / SSL proxy"),
    resource_kind("gcp.compute.backend_service", _c("BackendService", "RegionBackendService"),
                  resources.backend_service, references=_c("SecurityPolicy", "RegionSecurityPolicy"),
                  title="Backend service"),
    resource_kind("gcp.compute.instance_group_manager", _c("InstanceGroupManager", "RegionInstanceGroupManager"),
                  resources.instance_group_manager, title="Managed instance group"),
    resource_kind("gcp.sql.instance", ("sqladmin.googleapis.com/Instance",), resources.sql_instance,
                  title="Cloud SQL instance"),
    resource_kind("gcp.bigquery.dataset", ("bigquery.googleapis.com/Dataset",), resources.bigquery_dataset,
                  title="BigQuery dataset"),
    resource_kind("gcp.logging.bucket", ("logging.googleapis.com/LogBucket",), resources.log_bucket,
                  include=resources.is_active_log_bucket, title="Cloud Logging bucket"),
    resource_kind("gcp.container.cluster", ("container.googleapis.com/Cluster",), resources.gke_cluster,
                  title="GKE cluster"),
    resource_kind("gcp.run.service", ("run.googleapis.com/Service",), resources.located, title="Cloud Run service"),
    resource_kind("gcp.functions.function", ("cloudfunctions.googleapis.com/CloudFunction",), resources.located,
                  title="Cloud Function"),
    resource_kind("gcp.filestore.instance", ("file.googleapis.com/Instance",), resources.located,
                  title="Filestore instance"),
    resource_kind("gcp.redis.instance", ("redis.googleapis.com/Instance",), resources.located,
                  title="Memorystore for Redis instance"),
    resource_kind("gcp.kms.key_ring", ("cloudkms.googleapis.com/KeyRing",), resources.located, title="KMS key ring"),
    resource_kind("gcp.artifactregistry.repository", ("artifactregistry.googleapis.com/Repository",),
                  resources.located, title="Artifact Registry repository"),
    resource_kind("gcp.secretmanager.secret", ("secretmanager.googleapis.com/Secret",), resources.secret,
                  title="Secret Manager secret"),
    resource_kind("gcp.iam.service_account_key", ("iam.googleapis.com/ServiceAccountKey",),
                  resources.service_account_key, include=resources.is_user_managed_key,
                  title="User-managed service account key"),
    Kind("gcp.resourcemanager.project", projects.projects, frozenset({RESOURCE}), (PROJECT_TYPE,), title="Project"),
    Kind("gcp.logging.data_access_config", projects.data_access_config, frozenset({RESOURCE, IAM_POLICY}),
         (PROJECT_TYPE,), title="Data Access audit configuration"),
    Kind("gcp.resourcemanager.resource_locations_policy", projects.resource_locations,
         frozenset({RESOURCE, ORG_POLICY}), (PROJECT_TYPE,), title="Resource locations organisation policy"),
    Kind("gcp.resourcemanager.project_threat_detection", projects.threat_detection, frozenset({RESOURCE}),
         (PROJECT_TYPE, COMPUTE + "Instance"), frozenset({IDS, SCC}), title="Threat detection"),
    Kind("gcp.monitoring.project_alerting", projects.alerting, frozenset({RESOURCE}),
         (PROJECT_TYPE, projects.ALERT_POLICY, projects.NOTIFICATION_CHANNEL), title="Alerting"),
    Kind("gcp.resourcemanager.project_access_context", projects.access_context, frozenset({RESOURCE}),
         (PROJECT_TYPE,), frozenset({ACCESS}), title="Access restriction"),
    Kind("gcp.resourcemanager.iam_policy", identity.iam_policies, frozenset({IAM_POLICY}), title="IAM policy"),
    # Projects (RESOURCE) only name things nicely here: a failed resource listing must not hide admins.
    Kind("gcp.iam.admin_principal", identity.admin_principals, frozenset({IAM_POLICY}), (PROJECT_TYPE,),
         frozenset({DIRECTORY}), title="Administrator"),
)

BY_ID = {kind.id: kind for kind in KINDS}


@dataclass(frozen=True)
class Plan:
    """What to collect for a set of requested evidence kinds."""

    kinds: tuple[Kind, ...]

    @classmethod
    def for_kinds(cls, resource_types: Iterable[str]) -> Plan:
        wanted = set(resource_types)
        return cls(tuple(kind for kind in KINDS if kind.id in wanted))

    def asset_types(self, listing: str) -> tuple[str, ...]:
        if listing == RESOURCE:
            return tuple(sorted({t for kind in self.kinds for t in kind.asset_types}))
        return CONTAINERS

    @property
    def listings(self) -> tuple[str, ...]:
        needed = {listing for kind in self.kinds for listing in kind.listings}
        return tuple(listing for listing in (RESOURCE, IAM_POLICY, ORG_POLICY) if listing in needed)

    @property
    def followups(self) -> frozenset[str]:
        return frozenset(f for kind in self.kinds for f in kind.followups)

    def blocked_by(self, listing: str) -> tuple[str, ...]:
        return tuple(kind.id for kind in self.kinds if listing in kind.listings)
