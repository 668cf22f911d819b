"""Every GCP control decided through the real Cloud Asset client and REST calls against the emulator.

Each test seeds a small estate, audits it, and checks pass / fail / unknown (and not-applicable where
a resource is out of the control's reach). Unknown comes from a fact that cannot be read — never
from a guess.
"""

from __future__ import annotations

from auditor.status import Status
from providers.gcp.checks.network import exposed_admin_ports
from providers.gcp.emulator import estate_assets as assets
from tests.gcp.conftest import ORG_NUMBER, PROJECT, PROJECT_NUMBER, one, org_and_project, statuses

PASS, FAIL, UNKNOWN, NA = Status.PASS, Status.FAIL, Status.UNKNOWN, Status.NOT_APPLICABLE
KMS_KEY = f"projects/{PROJECT}/locations/asia-northeast1/keyRings/kr/cryptoKeys/data"


def test_residency_of_data_holding_resources(gcp):
    est = gcp.estate
    org_and_project(est)
    assets.bucket(est, PROJECT, "tokyo", "ASIA-NORTHEAST1")
    assets.bucket(est, PROJECT, "dual", "ASIA1", "dual-region")
    assets.bucket(est, PROJECT, "custom-dual", "ASIA", "dual-region", data_locations=["ASIA-NORTHEAST1",
                                                                                       "ASIA-NORTHEAST2"])
    assets.bucket(est, PROJECT, "asia-multi", "ASIA", "multi-region")
    assets.bucket(est, PROJECT, "us-multi", "US", "multi-region")
    assets.bucket(est, PROJECT, "seoul", "ASIA-NORTHEAST3")
    assets.disk(est, PROJECT, "asia-northeast2-a", "osaka-disk")
    assets.disk(est, PROJECT, "us-central1-a", "iowa-disk")
    assets.snapshot(est, PROJECT, "snap-jp", ["asia-northeast1"])
    assets.snapshot(est, PROJECT, "snap-asia", ["asia"])
    assets.log_bucket(est, PROJECT, "_Default", "global", 30)
    assets.secret(est, PROJECT, "auto")
    assets.secret(est, PROJECT, "pinned", ["asia-northeast1", "asia-northeast2"])
    assets.dataset(est, PROJECT, "eu_data", "EU")
    assets.located(est, PROJECT, "run.googleapis.com/Service",
                   f"projects/{PROJECT}/locations/asia-northeast1/services/web", "asia-northeast1")
    assets.located(est, PROJECT, "cloudkms.googleapis.com/KeyRing",
                   f"projects/{PROJECT}/locations/global/keyRings/kr", "global")
    assets.located(est, PROJECT, "artifactregistry.googleapis.com/Repository",
                   "projects/no-location/repositories/r", "")
    assets.forwarding_rule(est, PROJECT, "global-fe", assets.link(PROJECT, "global/targetHttpsProxies/x"))
    regional_proxy = assets.link(PROJECT, "regions/asia-northeast1/targetHttpsProxies/x")
    assets.forwarding_rule(est, PROJECT, "tokyo-fe", regional_proxy, region="asia-northeast1")

    _, findings = gcp.audit(project=[PROJECT])

    assert statuses(findings, "gcp.storage.bucket_in_japan") == {
        "tokyo": PASS, "dual": PASS, "custom-dual": PASS, "asia-multi": FAIL, "us-multi": FAIL, "seoul": FAIL}
    assert statuses(findings, "gcp.compute.disk_in_japan") == {"osaka-disk": PASS, "iowa-disk": FAIL}
    assert statuses(findings, "gcp.compute.snapshot_in_japan") == {"snap-jp": PASS, "snap-asia": FAIL}
    assert statuses(findings, "gcp.logging.bucket_in_japan") == {"_Default": FAIL}
    assert "global" in one(findings, "gcp.logging.bucket_in_japan").reason
    assert statuses(findings, "gcp.secretmanager.secret_in_japan") == {"auto": FAIL, "pinned": PASS}
    assert statuses(findings, "gcp.bigquery.dataset_in_japan") == {"eu_data": FAIL}
    assert statuses(findings, "gcp.run.service_in_japan") == {"web": PASS}
    assert statuses(findings, "gcp.kms.key_ring_in_japan") == {"kr": FAIL}
    assert statuses(findings, "gcp.artifactregistry.repository_in_japan") == {"r": UNKNOWN}
    assert statuses(findings, "gcp.compute.forwarding_rule_in_japan") == {"global-fe": NA, "tokyo-fe": PASS}
    asia = next(f for f in findings if f.resource_id.endswith("/asia-multi"))
    assert "国外の拠点を含む" in asia.reason and asia.observed == ["asia"]


def test_sql_backup_location_and_preventive_org_policy(gcp):
    est = gcp.estate
    org = org_and_project(est)
    est.add_project("other", "100000000009", org)
    assets.sql_instance(est, PROJECT, "pinned", backup_location="asia-northeast2")
    assets.sql_instance(est, PROJECT, "default-location", backup_location="")
    assets.sql_instance(est, PROJECT, "no-backups", backups=False)
    est.set_org_policy(org, [{"constraint": "constraints/gcp.resourceLocations",
                              "listPolicy": {"allowedValues": ["in:asia-northeast1-locations"]}}])
    est.set_org_policy("projects/other", [{"constraint": "constraints/gcp.resourceLocations",
                                           "listPolicy": {"allowedValues": ["in:asia-locations"],
                                                          "inheritFromParent": True}}])

    _, findings = gcp.audit(organization=[ORG_NUMBER])

    assert statuses(findings, "gcp.sql.backups_in_japan") == {"pinned": PASS, "default-location": FAIL,
                                                              "no-backups": NA}
    policy = {f.scope: f for f in findings if f.check_id == "gcp.orgpolicy.resource_locations_japan"}
    assert policy[PROJECT].status is PASS and "organizations/1234567890" in policy[PROJECT].reason
    assert policy["other"].status is NA and "in:asia-locations" in policy["other"].reason


def test_resource_location_policy_outside_scope_is_only_informative(gcp):
    org_and_project(gcp.estate)
    _, findings = gcp.audit(project=[PROJECT])
    finding = one(findings, "gcp.orgpolicy.resource_locations_japan")
    assert finding.status is NA and "organizations/1234567890" in finding.reason


def test_encryption_at_rest_is_platform_default_or_cmek(gcp):
    est = gcp.estate
    org_and_project(est)
    assets.disk(est, PROJECT, "asia-northeast1-a", "plain")
    assets.disk(est, PROJECT, "asia-northeast1-a", "cmek", kms_key=KMS_KEY)
    assets.disk(est, PROJECT, "asia-northeast1-a", "csek", csek=True)
    assets.bucket(est, PROJECT, "docs", kms_key=KMS_KEY)
    assets.sql_instance(est, PROJECT, "db")
    assets.dataset(est, PROJECT, "ds")

    _, findings = gcp.audit(project=[PROJECT])

    disks = {f.resource_id.rsplit("/", 1)[-1]: f for f in findings if f.check_id == "gcp.compute.disk_encrypted"}
    assert {k: f.status for k, f in disks.items()} == {"plain": PASS, "cmek": PASS, "csek": PASS}
    assert "プラットフォーム既定" in disks["plain"].reason and "CMEK" in disks["plain"].reason
    assert KMS_KEY in disks["cmek"].reason
    assert "CSEK" in disks["csek"].reason
    assert one(findings, "gcp.storage.bucket_encrypted").observed == {"kms_key": KMS_KEY}
    assert one(findings, "gcp.sql.instance_encrypted").status is PASS
    assert one(findings, "gcp.bigquery.dataset_encrypted").status is PASS


def test_encryption_unknown_when_the_inventory_is_unreadable(gcp):
    org_and_project(gcp.estate)
    gcp.estate.fail("asset", 403, "IAM_PERMISSION_DENIED", content_type="RESOURCE")
    _, findings = gcp.audit(project=[PROJECT])
    finding = one(findings, "gcp.compute.disk_encrypted")
    assert finding.status is UNKNOWN and "cloudasset.assets.listResource" in finding.reason


def test_tls_on_proxies_http_frontends_and_cloud_sql(gcp):
    est = gcp.estate
    org_and_project(est)
    web_map = assets.url_map(est, PROJECT, "web")
    redirect_map = assets.url_map(est, PROJECT, "to-https", https_redirect=True)
    modern = assets.ssl_policy(est, PROJECT, "modern", "TLS_1_2")
    legacy = assets.ssl_policy(est, PROJECT, "legacy", "TLS_1_0", "COMPATIBLE")
    assets.target_https_proxy(est, PROJECT, "good", web_map, modern)
    assets.target_https_proxy(est, PROJECT, "old-tls", web_map, legacy)
    assets.target_https_proxy(est, PROJECT, "no-policy", web_map)
    assets.target_https_proxy(est, PROJECT, "elsewhere", web_map,
                              assets.link("shared-net", "global/sslPolicies/central"))
    assets.forwarding_rule(est, PROJECT, "plain-http", assets.target_http_proxy(est, PROJECT, "plain", web_map))
    assets.forwarding_rule(est, PROJECT, "redirect", assets.target_http_proxy(est, PROJECT, "redir", redirect_map))
    assets.forwarding_rule(est, PROJECT, "internal", assets.link(PROJECT, "global/targetHttpProxies/plain"),
                           scheme="INTERNAL_MANAGED")
    assets.sql_instance(est, PROJECT, "encrypted", ssl_mode="ENCRYPTED_ONLY")
    assets.sql_instance(est, PROJECT, "mtls", ssl_mode="TRUSTED_CLIENT_CERTIFICATE_REQUIRED")
    assets.sql_instance(est, PROJECT, "plaintext", ssl_mode="ALLOW_UNENCRYPTED_AND_ENCRYPTED")

    _, findings = gcp.audit(project=[PROJECT])

    assert statuses(findings, "gcp.compute.proxy_min_tls12") == {
        "good": PASS, "old-tls": FAIL, "no-policy": FAIL, "elsewhere": UNKNOWN}
    no_policy = next(f for f in findings if f.resource_id.endswith("targetHttpsProxies/no-policy"))
    assert "TLS 1.0" in no_policy.reason
    elsewhere = next(f for f in findings if f.resource_id.endswith("targetHttpsProxies/elsewhere"))
    assert "shared-net" in elsewhere.reason
    assert statuses(findings, "gcp.compute.http_redirects_to_https") == {
        "plain-http": FAIL, "redirect": PASS, "internal": NA}
    assert statuses(findings, "gcp.sql.ssl_required") == {"encrypted": PASS, "mtls": PASS, "plaintext": FAIL}


def test_admin_mfa_from_iam_policies_and_the_directory(gcp):
    est = gcp.estate
    org = org_and_project(est)
    est.set_iam_policy(org, [{"role": "roles/resourcemanager.organizationAdmin", "members": ["user:boss@example.jp"]}])
    est.set_iam_policy(f"projects/{PROJECT}", [
        {"role": "roles/owner", "members": ["user:ops@example.jp", "group:admins@example.jp"]},
        {"role": "roles/viewer", "members": ["user:reader@example.jp"]},
        {"role": "roles/editor", "members": ["user:gone@example.jp", "serviceAccount:ci@x.iam.gserviceaccount.com"]},
    ])
    est.add_directory_user("boss@example.jp", enrolled=True, enforced=True)
    est.add_directory_user("ops@example.jp", enrolled=False)
    est.add_directory_user("gone@example.jp", enrolled=False, suspended=True)

    _, findings = gcp.audit(organization=[ORG_NUMBER])

    admin = {f.resource_id: f for f in findings if f.check_id == "gcp.iam.admin_2sv"}
    assert {k: f.status for k, f in admin.items()} == {
        "user:boss@example.jp": PASS, "user:ops@example.jp": FAIL, "group:admins@example.jp": UNKNOWN,
        "user:gone@example.jp": NA}
    assert "roles/owner（projects/app-prod）" in admin["user:ops@example.jp"].reason
    assert admin["user:boss@example.jp"].scope == "organizations/1234567890"
    directory_calls = gcp.emulator.api_requests("admin")
    assert sorted(r.path.rsplit("/", 1)[-1] for r in directory_calls) == [
        "boss@example.jp", "gone@example.jp", "ops@example.jp"]


def test_admin_mfa_unknown_without_directory_access_names_the_grant(gcp):
    est = gcp.estate
    org_and_project(est)
    est.set_iam_policy(f"projects/{PROJECT}", [{"role": "roles/owner", "members": ["user:a@example.jp",
                                                                                   "user:b@example.jp"]}])
    est.fail("admin", 403, "forbidden")

    _, findings = gcp.audit(project=[PROJECT])

    admin = [f for f in findings if f.check_id == "gcp.iam.admin_2sv"]
    assert [f.status for f in admin] == [UNKNOWN, UNKNOWN]
    assert all("Users › Read" in f.reason for f in admin)
    assert sorted(r.path.rsplit("/", 1)[-1] for r in gcp.emulator.api_requests("admin")) == [
        "a@example.jp", "b@example.jp"]  # each administrator is looked up on its own


def test_one_refused_directory_lookup_leaves_the_other_administrators_decided(gcp):
    est = gcp.estate
    org_and_project(est)
    est.set_iam_policy(f"projects/{PROJECT}", [{"role": "roles/owner", "members": [
        "user:a-enrolled@example.jp", "user:b-refused@example.jp", "user:c-missing@example.jp",
        "user:d-unenrolled@example.jp"]}])
    est.add_directory_user("a-enrolled@example.jp", enrolled=True)
    est.add_directory_user("b-refused@example.jp", enrolled=True)
    est.add_directory_user("d-unenrolled@example.jp", enrolled=False)
    est.fail("admin", 403, "forbidden", message="Not Authorized to access this resource/api",
             path_contains="b-refused@example.jp")

    _, findings = gcp.audit(project=[PROJECT])

    admin = {f.resource_id: f for f in findings if f.check_id == "gcp.iam.admin_2sv"}
    assert {member: f.status for member, f in admin.items()} == {
        "user:a-enrolled@example.jp": PASS, "user:b-refused@example.jp": UNKNOWN,
        "user:c-missing@example.jp": UNKNOWN, "user:d-unenrolled@example.jp": FAIL}
    refused, missing = admin["user:b-refused@example.jp"].reason, admin["user:c-missing@example.jp"].reason
    assert "HTTP 403" in refused and "Users › Read" in refused
    assert "見つからない" in missing and "HTTP 403" not in missing
    missing_en = admin["user:c-missing@example.jp"].reason_en
    assert "not found (for a directory user" in missing_en and "見つからない" not in missing_en


def test_federated_administrators_are_unknown_with_the_external_idp_named(gcp):
    est = gcp.estate
    org = org_and_project(est)
    workforce = "principal://iam.googleapis.com/locations/global/workforcePools/city-staff/subject/ops@city.example"
    workforce_set = "principalSet://iam.googleapis.com/locations/global/workforcePools/city-staff/group/admins"
    workload = (f"principalSet://iam.googleapis.com/projects/{PROJECT_NUMBER}/locations/global/"
                "workloadIdentityPools/deploy/attribute.repository/vendor/infra")
    est.set_iam_policy(org, [{"role": "roles/resourcemanager.organizationAdmin", "members": [workforce_set]}])
    est.set_iam_policy(f"projects/{PROJECT}", [
        {"role": "roles/owner", "members": [workforce]},
        {"role": "roles/editor", "members": [workload]},
        {"role": "roles/viewer", "members": ["principalSet://iam.googleapis.com/locations/global/workforcePools/"
                                             "city-staff/*"]},
    ])

    _, findings = gcp.audit(organization=[ORG_NUMBER])

    admin = {f.resource_id: f for f in findings if f.check_id == "gcp.iam.admin_2sv"}
    assert {member: f.status for member, f in admin.items()} == {
        workforce: UNKNOWN, workforce_set: UNKNOWN, workload: UNKNOWN}
    assert "Workforce Identity 連携" in admin[workforce].reason and "外部 IdP" in admin[workforce].reason
    assert "roles/owner（projects/app-prod）" in admin[workforce].reason
    assert "Workload Identity 連携" in admin[workload].reason and "申告" in admin[workload].reason
    assert gcp.emulator.api_requests("admin") == []


def test_least_privilege_basic_roles(gcp):
    est = gcp.estate
    org = org_and_project(est)
    est.add_project("clean", "100000000002", org)
    est.set_iam_policy(f"projects/{PROJECT}", [{"role": "roles/editor", "members": ["group:devs@example.jp"]},
                                               {"role": "roles/owner", "members": ["user:cto@example.jp"]}])
    est.set_iam_policy("projects/clean", [{"role": "roles/storage.objectViewer", "members": ["user:x@example.jp"]}])

    _, findings = gcp.audit(organization=[ORG_NUMBER])

    results = {f.scope: f for f in findings if f.check_id == "gcp.iam.no_basic_roles"}
    assert results["clean"].status is PASS
    assert results[PROJECT].status is FAIL
    assert {(o["role"], o["member"]) for o in results[PROJECT].observed} == {
        ("roles/editor", "group:devs@example.jp"), ("roles/owner", "user:cto@example.jp")}


def test_least_privilege_unknown_when_iam_policies_are_denied(gcp):
    org_and_project(gcp.estate)
    gcp.estate.fail("asset", 403, "IAM_PERMISSION_DENIED", content_type="IAM_POLICY")
    collection, findings = gcp.audit(project=[PROJECT])
    assert one(findings, "gcp.iam.no_basic_roles").status is UNKNOWN
    assert [g.permission for g in collection.gaps] == ["cloudasset.assets.listIamPolicy (roles/cloudasset.viewer)"]


def test_account_lifecycle_service_account_key_age(gcp):
    est = gcp.estate
    org_and_project(est)
    account = f"app@{PROJECT}.iam.gserviceaccount.com"
    assets.service_account_key(est, PROJECT, account, "old", "2020-01-01T00:00:00Z")
    assets.service_account_key(est, PROJECT, account, "fresh", _days_ago(10))
    assets.service_account_key(est, PROJECT, account, "old-disabled", "2020-01-01T00:00:00Z", disabled=True)
    assets.service_account_key(est, PROJECT, account, "google", "2020-01-01T00:00:00Z", key_type="SYSTEM_MANAGED")
    assets.service_account_key(est, PROJECT, account, "garbled", "yesterday")

    _, findings = gcp.audit(project=[PROJECT])

    assert statuses(findings, "gcp.iam.service_account_key_rotated") == {
        "old": FAIL, "fresh": PASS, "old-disabled": PASS, "garbled": UNKNOWN}


def test_access_restriction_by_perimeter_binding_or_none(gcp):
    est = gcp.estate
    org = org_and_project(est)
    est.add_project("open", "100000000002", org)
    est.add_project("dry", "100000000003", org)
    policy = est.add_access_policy(org, "777")
    level = est.add_access_level(org, policy, "office", ["203.0.113.0/24"])
    est.add_service_perimeter(org, policy, "core", [PROJECT_NUMBER], [level])
    est.add_service_perimeter(org, policy, "trial", ["100000000003"], dry_run=True)

    _, findings = gcp.audit(organization=[ORG_NUMBER])
    results = {f.scope: f for f in findings if f.check_id == "gcp.accesscontext.project_restricted"}
    assert results[PROJECT].status is PASS and "core" in results[PROJECT].reason
    assert results["open"].status is FAIL
    assert results["dry"].status is FAIL and "ドライラン" in results["dry"].reason

    est.add_user_access_binding(org, "admins@example.jp", [level])
    _, findings = gcp.audit(organization=[ORG_NUMBER])
    results = {f.scope: f for f in findings if f.check_id == "gcp.accesscontext.project_restricted"}
    assert results["open"].status is PASS and "admins@example.jp" in results["open"].reason


def test_access_restriction_unknown_when_the_organisation_is_not_readable(gcp):
    org_and_project(gcp.estate)
    gcp.estate.fail("asset", 403, "IAM_PERMISSION_DENIED", content_type="ACCESS_POLICY")
    _, findings = gcp.audit(project=[PROJECT])
    finding = one(findings, "gcp.accesscontext.project_restricted")
    assert finding.status is UNKNOWN and "cloudasset.assets.listAccessPolicy" in finding.reason


def test_access_restriction_fails_for_a_project_without_organisation(gcp):
    gcp.estate.add_project("lonely", "100000000005")
    _, findings = gcp.audit(project=["lonely"])
    assert one(findings, "gcp.accesscontext.project_restricted").status is FAIL
    assert not gcp.emulator.api_requests("accesscontextmanager")


def test_audit_trail_admin_activity_and_data_access(gcp):
    est = gcp.estate
    org = org_and_project(est)
    est.add_project("partial", "100000000002", org)
    all_types = [{"logType": t} for t in ("ADMIN_READ", "DATA_READ", "DATA_WRITE")]
    est.set_iam_policy(f"projects/{PROJECT}", [], [{"service": "allServices", "auditLogConfigs": all_types}])
    est.set_iam_policy("projects/partial", [], [{"service": "allServices",
                                                 "auditLogConfigs": [{"logType": "DATA_WRITE"}]}])

    _, findings = gcp.audit(organization=[ORG_NUMBER])

    admin = [f for f in findings if f.check_id == "gcp.logging.admin_activity_always_on"]
    assert {f.status for f in admin} == {PASS} and len(admin) == 2
    assert "常に記録" in admin[0].reason
    data = {f.scope: f for f in findings if f.check_id == "gcp.logging.data_access_enabled"}
    assert data[PROJECT].status is PASS
    assert data["partial"].status is FAIL and "ADMIN_READ, DATA_READ" in data["partial"].reason


def test_data_access_inherited_from_the_organisation_and_unknown_outside_scope(gcp):
    est = gcp.estate
    org = org_and_project(est)
    est.set_iam_policy(org, [], [{"service": "allServices", "auditLogConfigs": [
        {"logType": t} for t in ("ADMIN_READ", "DATA_READ", "DATA_WRITE")]}])

    _, findings = gcp.audit(organization=[ORG_NUMBER])
    assert one(findings, "gcp.logging.data_access_enabled").status is PASS

    _, findings = gcp.audit(project=[PROJECT])
    finding = one(findings, "gcp.logging.data_access_enabled")
    assert finding.status is UNKNOWN and "organizations/1234567890" in finding.reason


def test_log_retention_and_bucket_lock(gcp):
    est = gcp.estate
    org_and_project(est)
    assets.default_log_buckets(est, PROJECT, "asia-northeast1")
    assets.log_bucket(est, PROJECT, "archive", "asia-northeast1", 3650, locked=True)
    assets.log_bucket(est, PROJECT, "year-unlocked", "asia-northeast1", 365)
    est.add_resource(PROJECT, "logging.googleapis.com/LogBucket",
                     f"projects/{PROJECT}/locations/asia-northeast1/buckets/odd",
                     {"name": f"projects/{PROJECT}/locations/asia-northeast1/buckets/odd", "lifecycleState": "ACTIVE"},
                     "asia-northeast1")

    _, findings = gcp.audit(project=[PROJECT])

    assert statuses(findings, "gcp.logging.bucket_retention_1y") == {
        "_Required": PASS, "_Default": FAIL, "archive": PASS, "year-unlocked": PASS, "odd": UNKNOWN}
    default = next(f for f in findings if f.check_id == "gcp.logging.bucket_retention_1y"
                   and f.resource_id.endswith("_Default"))
    assert "30 日" in default.reason
    assert statuses(findings, "gcp.logging.bucket_locked") == {
        "_Required": PASS, "_Default": FAIL, "archive": PASS, "year-unlocked": FAIL, "odd": FAIL}


def test_log_integrity_unknown_when_inventory_api_is_disabled(gcp):
    org_and_project(gcp.estate)
    gcp.estate.fail("asset", 403, "SERVICE_DISABLED")
    _, findings = gcp.audit(project=[PROJECT])
    finding = one(findings, "gcp.logging.bucket_locked")
    assert finding.status is UNKNOWN and "SERVICE_DISABLED" in finding.reason


def test_waf_cloud_armor_on_external_backends(gcp):
    est = gcp.estate
    org_and_project(est)
    waf = assets.security_policy(est, PROJECT, "waf", waf=True)
    ip_only = assets.security_policy(est, PROJECT, "ip-only", waf=False)
    assets.backend_service(est, PROJECT, "protected", security_policy_link=waf)
    assets.backend_service(est, PROJECT, "ip-filtered", security_policy_link=ip_only)
    assets.backend_service(est, PROJECT, "bare")
    assets.backend_service(est, PROJECT, "internal", scheme="INTERNAL_MANAGED")
    assets.backend_service(est, PROJECT, "tcp", protocol="TCP")
    assets.backend_service(est, PROJECT, "shared", security_policy_link=assets.link("sec", "global/securityPolicies/x"))

    _, findings = gcp.audit(project=[PROJECT])

    assert statuses(findings, "gcp.compute.backend_cloud_armor_waf") == {
        "protected": PASS, "ip-filtered": FAIL, "bare": FAIL, "internal": NA, "tcp": NA, "shared": UNKNOWN}


def test_ids_from_cloud_ids_or_security_command_center(gcp):
    est = gcp.estate
    org = org_and_project(est)
    est.add_project("etd", "100000000002", org)
    est.add_project("bare", "100000000003", org)
    est.add_ids_endpoint(PROJECT, "asia-northeast1-a", "ids-1")
    est.set_scc_services("etd", event_threat_detection="ENABLED")

    _, findings = gcp.audit(organization=[ORG_NUMBER])

    results = {f.scope: f for f in findings if f.check_id == "gcp.project.threat_detection"}
    assert results[PROJECT].status is PASS and "ids-1" in results[PROJECT].reason
    assert results["etd"].status is PASS and "Event Threat Detection" in results["etd"].reason
    assert results["bare"].status is FAIL


def test_ids_unknown_when_both_apis_refuse(gcp):
    est = gcp.estate
    org_and_project(est)
    est.fail("ids", 403, "SERVICE_DISABLED")
    est.fail("securitycentermanagement", 403, "IAM_PERMISSION_DENIED")
    _, findings = gcp.audit(project=[PROJECT])
    finding = one(findings, "gcp.project.threat_detection")
    assert finding.status is UNKNOWN
    assert "SERVICE_DISABLED" in finding.reason or "IAM_PERMISSION_DENIED" in finding.reason


def test_firewall_rules_open_to_the_internet(gcp):
    est = gcp.estate
    org_and_project(est)
    assets.firewall(est, PROJECT, "ssh-world", ["0.0.0.0/0"], [{"IPProtocol": "tcp", "ports": ["22"]}])
    assets.firewall(est, PROJECT, "db-range", ["::/0"], [{"IPProtocol": "tcp", "ports": ["5000-6000"]}])
    assets.firewall(est, PROJECT, "everything", ["0.0.0.0/0"], [{"IPProtocol": "all"}])
    assets.firewall(est, PROJECT, "https", ["0.0.0.0/0"], [{"IPProtocol": "tcp", "ports": ["443", "80"]}])
    assets.firewall(est, PROJECT, "office-ssh", ["203.0.113.0/24"], [{"IPProtocol": "tcp", "ports": ["22"]}])
    assets.firewall(est, PROJECT, "disabled-rdp", ["0.0.0.0/0"], [{"IPProtocol": "tcp", "ports": ["3389"]}],
                    disabled=True)
    assets.firewall(est, PROJECT, "deny-all", ["0.0.0.0/0"], [], denied=[{"IPProtocol": "all"}])
    assets.firewall(est, PROJECT, "egress", ["0.0.0.0/0"], [{"IPProtocol": "all"}], direction="EGRESS")

    _, findings = gcp.audit(project=[PROJECT])

    assert statuses(findings, "gcp.compute.firewall_admin_ports_closed") == {
        "ssh-world": FAIL, "db-range": FAIL, "everything": FAIL, "https": PASS, "office-ssh": PASS,
        "disabled-rdp": PASS, "deny-all": PASS, "egress": NA}
    db_range = next(f for f in findings if f.resource_id.endswith("db-range"))
    assert "5432/PostgreSQL" in db_range.reason and "5900/VNC" in db_range.reason


def test_redundancy_of_groups_databases_and_clusters(gcp):
    est = gcp.estate
    org_and_project(est)
    assets.instance_group_manager(est, PROJECT, "regional", region="asia-northeast1",
                                  zones=["asia-northeast1-a", "asia-northeast1-b", "asia-northeast1-c"])
    assets.instance_group_manager(est, PROJECT, "zonal", zone="asia-northeast1-a")
    assets.instance_group_manager(est, PROJECT, "gke-main-pool-1a2b3c4d-grp", zone="asia-northeast1-a")
    assets.sql_instance(est, PROJECT, "ha", availability="REGIONAL")
    assets.sql_instance(est, PROJECT, "single", availability="ZONAL")
    assets.sql_instance(est, PROJECT, "replica", availability="ZONAL", replica=True)
    assets.gke_cluster(est, PROJECT, "regional-gke", "asia-northeast1", ["asia-northeast1-a", "asia-northeast1-b"])
    assets.gke_cluster(est, PROJECT, "zonal-gke", "asia-northeast1-a", ["asia-northeast1-a"])

    _, findings = gcp.audit(project=[PROJECT])

    assert statuses(findings, "gcp.compute.mig_regional") == {
        "regional": PASS, "zonal": FAIL, "gke-main-pool-1a2b3c4d-grp": NA}
    assert statuses(findings, "gcp.sql.high_availability") == {"ha": PASS, "single": FAIL, "replica": NA}
    assert statuses(findings, "gcp.container.cluster_multi_zone") == {"regional-gke": PASS, "zonal-gke": FAIL}


def test_backups_of_databases_and_disks(gcp):
    est = gcp.estate
    org_and_project(est)
    zone = "asia-northeast1-a"
    schedule = assets.snapshot_schedule(est, PROJECT, "asia-northeast1", "daily")
    assets.disk(est, PROJECT, zone, "scheduled", resource_policies=[schedule])
    assets.disk(est, PROJECT, zone, "unprotected")
    assets.disk(est, PROJECT, zone, "foreign-policy",
                resource_policies=[assets.link("shared", "regions/asia-northeast1/resourcePolicies/central")])
    group_vm, _ = assets.instance(est, PROJECT, zone, "web-x1z2",
                                  created_by=f"projects/{PROJECT_NUMBER}/zones/{zone}/instanceGroupManagers/web")
    assets.disk(est, PROJECT, zone, "web-x1z2", users=[group_vm])
    assets.sql_instance(est, PROJECT, "backed-up")
    assets.sql_instance(est, PROJECT, "no-backups", backups=False)

    _, findings = gcp.audit(project=[PROJECT])

    assert statuses(findings, "gcp.compute.disk_snapshot_schedule") == {
        "scheduled": PASS, "unprotected": FAIL, "foreign-policy": UNKNOWN, "web-x1z2": NA}
    assert statuses(findings, "gcp.sql.backups_enabled") == {"backed-up": PASS, "no-backups": FAIL}


def test_time_sync_from_google_images_or_unknown(gcp):
    est = gcp.estate
    org_and_project(est)
    assets.instance(est, PROJECT, "asia-northeast1-a", "debian")
    assets.instance(est, PROJECT, "asia-northeast1-a", "windows", image_project="windows-cloud",
                    license_name="windows-server-2022-dc")
    assets.instance(est, PROJECT, "asia-northeast1-a", "custom", image_project=PROJECT, license_name="golden")

    _, findings = gcp.audit(project=[PROJECT])

    assert statuses(findings, "gcp.compute.instance_time_sync") == {"debian": PASS, "windows": PASS,
                                                                     "custom": UNKNOWN}
    debian = next(f for f in findings
                  if f.check_id == "gcp.compute.instance_time_sync" and f.resource_id.endswith("/debian"))
    assert "metadata.google.internal" in debian.reason and "プラットフォーム既定" in debian.reason


def test_vulnerability_reports_from_os_config(gcp):
    est = gcp.estate
    org_and_project(est)
    zone = "asia-northeast1-a"
    _, clean_id = assets.instance(est, PROJECT, zone, "clean")
    _, risky_id = assets.instance(est, PROJECT, zone, "risky")
    assets.instance(est, PROJECT, zone, "no-agent")
    assets.instance(est, PROJECT, zone, "stopped", status="TERMINATED")
    assets.instance(est, PROJECT, zone, "gke-node", image_project="cos-cloud", license_name="cos-113",
                    labels={"goog-gke-node": ""})
    est.add_vulnerability_report(PROJECT, zone, clean_id, [
        {"details": {"cve": "CVE-2024-0001", "severity": "LOW"}, "availableInventoryItemIds": ["x"]}])
    est.add_vulnerability_report(PROJECT, zone, risky_id, [
        {"details": {"cve": "CVE-2024-6387", "severity": "CRITICAL", "cvssV3": {"baseScore": 9.8}},
         "installedInventoryItemIds": ["openssh"], "availableInventoryItemIds": ["openssh-fixed"]}])
    # Newer reports name the fix only in items[]; RHEL-family distributions rank "Important", not "CRITICAL".
    _, items_id = assets.instance(est, PROJECT, zone, "fix-in-items")
    est.add_vulnerability_report(PROJECT, zone, items_id, [
        {"details": {"cve": "CVE-2024-3094", "severity": "Important", "cvssV3": {"baseScore": 10.0}},
         "installedInventoryItemIds": [], "availableInventoryItemIds": [],
         "items": [{"installedInventoryItemId": "installedPackage-xz-libs:x86_64:5.6.0-1",
                    "availableInventoryItemId": "availablePackage-xz-libs:x86_64:5.6.1-2",
                    "fixedCpeUri": "cpe:/o:redhat:enterprise_linux:9", "upstreamFix": "5.6.1-2"}]}])
    _, cvss_id = assets.instance(est, PROJECT, zone, "cvss-critical")
    est.add_vulnerability_report(PROJECT, zone, cvss_id, [
        {"details": {"cve": "CVE-2023-38545", "severity": "low", "cvssV3": {"baseScore": 9.1}},
         "availableInventoryItemIds": ["availablePackage-curl:amd64:7.88.1-10+deb12u4"]}])
    _, unfixed_id = assets.instance(est, PROJECT, zone, "critical-no-fix")
    est.add_vulnerability_report(PROJECT, zone, unfixed_id, [
        {"details": {"cve": "CVE-2024-9999", "severity": "CRITICAL"},
         "items": [{"installedInventoryItemId": "installedPackage-foo:amd64:1.0", "availableInventoryItemId": ""}]}])
    _, summary_id = assets.instance(est, PROJECT, zone, "report-says-critical")
    est.add_vulnerability_report(PROJECT, zone, summary_id, [], highest_upgradable="CRITICAL")

    _, findings = gcp.audit(project=[PROJECT])

    assert statuses(findings, "gcp.compute.instance_vulnerability_report") == {
        "clean": PASS, "risky": FAIL, "no-agent": FAIL, "stopped": NA, "gke-node": NA, "fix-in-items": FAIL,
        "cvss-critical": FAIL, "critical-no-fix": PASS, "report-says-critical": FAIL}
    vulnerable = {f.resource_id.rsplit("/", 1)[-1]: f for f in findings
                  if f.check_id == "gcp.compute.instance_vulnerability_report"}
    assert "CVE-2024-3094" in vulnerable["fix-in-items"].reason
    assert vulnerable["fix-in-items"].observed["by_severity"] == {"CRITICAL": 1}
    assert "CVE-2023-38545" in vulnerable["cvss-critical"].reason
    assert "highestUpgradableCveSeverity" in vulnerable["report-says-critical"].reason


def test_vulnerability_reports_unknown_when_os_config_is_disabled(gcp):
    est = gcp.estate
    org_and_project(est)
    assets.instance(est, PROJECT, "asia-northeast1-a", "vm")
    est.fail("osconfig", 403, "SERVICE_DISABLED")
    _, findings = gcp.audit(project=[PROJECT])
    finding = one(findings, "gcp.compute.instance_vulnerability_report")
    assert finding.status is UNKNOWN and "osconfig.googleapis.com" in finding.reason


def test_malware_detection_with_vm_threat_detection(gcp):
    est = gcp.estate
    org = org_and_project(est)
    est.add_project("off", "100000000002", org)
    est.add_project("no-vms", "100000000003", org)
    est.add_project("hidden", "100000000004", org)
    for project in (PROJECT, "off", "hidden"):
        assets.instance(est, project, "asia-northeast1-a", "vm")
    est.set_scc_services(PROJECT, vm_threat_detection="ENABLED")
    est.fail("securitycentermanagement", 403, "IAM_PERMISSION_DENIED", path_contains="/projects/hidden/")

    _, findings = gcp.audit(organization=[ORG_NUMBER])

    results = {f.scope: f.status for f in findings if f.check_id == "gcp.project.vm_threat_detection"}
    assert results == {PROJECT: PASS, "off": FAIL, "no-vms": NA, "hidden": UNKNOWN}


def test_monitoring_alert_policies_with_channels(gcp):
    est = gcp.estate
    org = org_and_project(est)
    est.add_project("silent", "100000000002", org)
    est.add_project("none", "100000000003", org)
    est.add_project("muted", "100000000004", org)
    channel = assets.notification_channel(est, PROJECT, "1")
    assets.alert_policy(est, PROJECT, "10", "CPU", [channel])
    assets.alert_policy(est, "silent", "20", "No channel")
    muted = assets.notification_channel(est, "muted", "2", enabled=False)
    assets.alert_policy(est, "muted", "30", "Muted", [muted])

    _, findings = gcp.audit(organization=[ORG_NUMBER])

    results = {f.scope: f.status for f in findings if f.check_id == "gcp.monitoring.alerting_configured"}
    assert results == {PROJECT: PASS, "silent": FAIL, "none": FAIL, "muted": FAIL}


def test_monitoring_unknown_when_channels_are_not_in_the_inventory(gcp):
    org_and_project(gcp.estate)
    assets.alert_policy(gcp.estate, PROJECT, "10", "CPU", ["projects/central/notificationChannels/9"])
    _, findings = gcp.audit(project=[PROJECT])
    assert one(findings, "gcp.monitoring.alerting_configured").status is UNKNOWN


def _days_ago(days: int) -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_exposed_admin_ports():
    assert exposed_admin_ports([{"IPProtocol": "tcp", "ports": ["443"]}]) == []
    assert exposed_admin_ports([{"IPProtocol": "tcp", "ports": ["20-23"]}]) == [
        "20/FTP-data", "21/FTP", "22/SSH", "23/Telnet"]
    assert exposed_admin_ports([{"IPProtocol": "udp"}]) == ["全ポート（udp）"]
    assert exposed_admin_ports([{"IPProtocol": "icmp"}]) == []
    assert exposed_admin_ports([{"IPProtocol": "6", "ports": ["3306"]}]) == ["3306/MySQL"]
