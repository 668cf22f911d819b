"""Full payloads in the published REST shapes (tests/gcp/fixtures) read correctly end to end."""

from __future__ import annotations

import json
from pathlib import Path

from auditor.status import Status
from tests.gcp.conftest import one

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT, NUMBER, ZONE = "lg-portal", "123456789012", "asia-northeast1-c"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_published_payload_shapes(gcp):
    est = gcp.estate
    org = est.add_organization("1234567890")
    est.add_project(PROJECT, NUMBER, org)
    est.add_resource(PROJECT, "sqladmin.googleapis.com/Instance", f"projects/{PROJECT}/instances/portal-db",
                     fixture("sqladmin_instance.json"), "asia-northeast1", service="cloudsql.googleapis.com")
    est.add_resource(PROJECT, "compute.googleapis.com/Instance",
                     f"projects/{PROJECT}/zones/{ZONE}/instances/portal-web-1", fixture("compute_instance.json"), ZONE)
    est.add_resource(PROJECT, "logging.googleapis.com/LogBucket",
                     f"projects/{PROJECT}/locations/global/buckets/_Default", fixture("logging_bucket_default.json"))
    est.vulnerability_reports[(PROJECT, ZONE)] = [fixture("osconfig_vulnerability_report.json")]

    _, findings = gcp.audit(project=[PROJECT])

    # Cloud SQL (MySQL): sslMode unspecified, legacy requireSsl true → encrypted connections only.
    assert one(findings, "gcp.sql.ssl_required").status is Status.PASS
    assert one(findings, "gcp.sql.high_availability").status is Status.FAIL
    assert one(findings, "gcp.sql.backups_enabled").status is Status.PASS
    assert one(findings, "gcp.sql.backups_in_japan").status is Status.FAIL  # no backupConfiguration.location
    # Compute: Rocky Linux public image → metadata-server NTP; the OS Config report has a fixable CRITICAL CVE.
    assert one(findings, "gcp.compute.instance_time_sync").status is Status.PASS
    vulnerabilities = one(findings, "gcp.compute.instance_vulnerability_report")
    assert vulnerabilities.status is Status.FAIL
    assert vulnerabilities.observed["by_severity"] == {"CRITICAL": 1, "HIGH": 1}
    assert vulnerabilities.observed["highest_upgradable_cve_severity"] == "CRITICAL"
    # Logging: the _Default bucket keeps 30 days, is not locked and sits in "global".
    assert one(findings, "gcp.logging.bucket_retention_1y").status is Status.FAIL
    assert one(findings, "gcp.logging.bucket_locked").status is Status.FAIL
    assert one(findings, "gcp.logging.bucket_in_japan").status is Status.FAIL
