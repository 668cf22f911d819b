"""Unknown is never pass: a disabled API or a missing permission becomes a gap with its cause."""

from __future__ import annotations

from auditor.status import Status
from providers.gcp.emulator import estate_assets as assets
from providers.gcp.plugin import provider
from tests.gcp.conftest import ORG_NUMBER, PROJECT, one, org_and_project


def test_disabled_cloud_asset_api_turns_every_inventory_kind_into_gaps(gcp):
    org_and_project(gcp.estate)
    assets.bucket(gcp.estate, PROJECT, "data", "US", "multi-region")
    gcp.estate.fail("asset", 403, "SERVICE_DISABLED")

    collection, findings = gcp.audit(project=[PROJECT])

    assert collection.evidence == ()
    assert {g.source for g in collection.gaps} == {
        "asset:assets.list[RESOURCE]", "asset:assets.list[IAM_POLICY]", "asset:assets.list[ORG_POLICY]"}
    resource_gap = next(g for g in collection.gaps if g.source == "asset:assets.list[RESOURCE]")
    assert resource_gap.error_code == "SERVICE_DISABLED"
    assert resource_gap.scope == PROJECT
    assert "Cloud Asset API has not been used in project" in resource_gap.message
    assert "enable cloudasset.googleapis.com" in resource_gap.message_in("en")
    assert "cloudasset.googleapis.com を有効にする" in resource_gap.message_in("ja")
    assert "gcp.storage.bucket" in resource_gap.resource_types
    assert findings and {f.status for f in findings} == {Status.UNKNOWN}
    assert {f.check_id for f in findings} == {c.id for c in provider.checks()}  # every check, every control
    bucket = one(findings, "gcp.storage.bucket_in_japan")
    assert "SERVICE_DISABLED" in bucket.reason


def test_permission_denied_on_org_policies_only_blocks_what_needs_them(gcp):
    org_and_project(gcp.estate)
    assets.bucket(gcp.estate, PROJECT, "data")
    gcp.estate.fail("asset", 403, "IAM_PERMISSION_DENIED", content_type="ORG_POLICY",
                    message="Permission 'cloudasset.assets.listOrgPolicy' denied on resource.")

    collection, findings = gcp.audit(project=[PROJECT])

    assert len(collection.gaps) == 1
    gap = collection.gaps[0]
    assert gap.error_code == "IAM_PERMISSION_DENIED"
    assert gap.resource_types == ("gcp.resourcemanager.resource_locations_policy",)
    assert gap.permission == "cloudasset.assets.listOrgPolicy (roles/cloudasset.viewer)"
    assert one(findings, "gcp.orgpolicy.resource_locations_japan").status is Status.UNKNOWN
    assert one(findings, "gcp.storage.bucket_in_japan").status is Status.PASS


def test_follow_up_failures_mark_attributes_unreadable_not_absent(gcp):
    est = gcp.estate
    org_and_project(est)
    assets.instance(est, PROJECT, "asia-northeast1-a", "vm")
    est.fail("ids", 403, "SERVICE_DISABLED")
    est.fail("securitycentermanagement", 403, "SERVICE_DISABLED")
    est.fail("osconfig", 403, "IAM_PERMISSION_DENIED",
             message="Permission 'osconfig.vulnerabilityReports.list' denied on resource")

    collection, findings = gcp.audit(project=[PROJECT])

    threat = next(r for r in collection.evidence if r.resource_type == "gcp.resourcemanager.project_threat_detection")
    assert set(threat.unreadable) == {"ids_endpoints", "scc_services"}
    assert "ids.googleapis.com" in threat.unreadable["ids_endpoints"]
    vm = one(findings, "gcp.compute.instance_vulnerability_report")
    assert vm.status is Status.UNKNOWN
    assert "osconfig.vulnerabilityReports.list (roles/osconfig.vulnerabilityReportViewer)" in vm.reason
    assert one(findings, "gcp.project.vm_threat_detection").status is Status.UNKNOWN
    assert one(findings, "gcp.compute.instance_in_japan").status is Status.PASS


def test_one_failed_scope_does_not_hide_another(gcp):
    est = gcp.estate
    org = est.add_organization(ORG_NUMBER)
    est.add_project("open", "100000000031", org)
    est.add_project("closed", "100000000032", org)
    assets.bucket(est, "open", "open-data")
    assets.bucket(est, "closed", "closed-data")
    est.fail("asset", 403, "IAM_PERMISSION_DENIED", path_contains="/projects/closed/")

    collection, findings = gcp.audit(project=["open", "closed"])

    buckets = {f.scope: f.status for f in findings if f.check_id == "gcp.storage.bucket_in_japan"}
    assert buckets == {"open": Status.PASS, "closed": Status.UNKNOWN}
    assert {g.scope for g in collection.gaps} == {"closed"}


def test_administrators_are_still_decided_when_only_the_resource_listing_is_denied(gcp):
    est = gcp.estate
    org_and_project(est)
    est.set_iam_policy(f"projects/{PROJECT}", [{"role": "roles/owner", "members": ["user:ops@example.jp"]}])
    est.add_directory_user("ops@example.jp", enrolled=True)
    est.fail("asset", 403, "IAM_PERMISSION_DENIED", content_type="RESOURCE")

    collection, findings = gcp.audit(project=[PROJECT])

    assert one(findings, "gcp.iam.admin_2sv").status is Status.PASS
    assert one(findings, "gcp.iam.no_basic_roles").status is Status.FAIL
    resource_gap = next(g for g in collection.gaps if g.source == "asset:assets.list[RESOURCE]")
    assert "gcp.iam.admin_principal" not in resource_gap.resource_types
    assert one(findings, "gcp.logging.data_access_enabled").status is Status.UNKNOWN
