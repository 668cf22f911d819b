"""logging.integrity on AWS: a trail without log file validation is protected only when its log bucket's
Object Lock has a default retention (without one, CloudTrail's new log files get no lock at all)."""

from __future__ import annotations

from auditor.status import Status
from tests.aws.estates import bucket, trail

INTEGRITY = "aws.cloudtrail.log_integrity"


def _trail_without_validation(account, name: str, retention: dict | None) -> None:
    logs = f"{name}-{account.account_id}"
    bucket(account, logs, lock=True)
    if retention is not None:
        account.client("s3").put_object_lock_configuration(Bucket=logs, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": retention}})
    trail(account, name, logs, multi_region=True, validation=False)


def test_object_lock_without_a_default_retention_fails(account):
    _trail_without_validation(account, "lock-only", None)
    finding = account.audit(kinds=frozenset({"aws.cloudtrail.trail"})).one(INTEGRITY, "lock-only")
    assert finding.status is Status.FAIL
    assert "既定の保持期間がない" in finding.reason
    assert finding.observed["bucket_object_lock"]["enabled"] is True
    assert finding.observed["bucket_object_lock"]["mode"] is None
    assert finding.source == "s3:GetObjectLockConfiguration"


def test_object_lock_with_a_default_retention_passes_and_says_so(account):
    _trail_without_validation(account, "locked-400", {"Mode": "COMPLIANCE", "Days": 400})
    _trail_without_validation(account, "locked-2y", {"Mode": "GOVERNANCE", "Years": 2})
    audit = account.audit(kinds=frozenset({"aws.cloudtrail.trail"}))
    days = audit.one(INTEGRITY, "locked-400")
    assert days.status is Status.PASS
    assert "COMPLIANCE" in days.reason and "400 日" in days.reason and "検証は無効" in days.reason
    years = audit.one(INTEGRITY, "locked-2y")
    assert years.status is Status.PASS and "GOVERNANCE" in years.reason and "2 年" in years.reason


def test_validation_passes_whatever_the_bucket(account):
    logs = f"validated-{account.account_id}"
    bucket(account, logs)
    trail(account, "validated", logs, multi_region=True, validation=True)
    finding = account.audit(kinds=frozenset({"aws.cloudtrail.trail"})).one(INTEGRITY, "validated")
    assert finding.status is Status.PASS and "整合性検証" in finding.reason
