"""vuln.management on AWS: the Patch Manager compliance of every SSM managed instance. Missing, failed
or pending-reboot patches and an instance never scanned fail; a compliant instance passes with the
time of its last scan; refused reads are UNKNOWN with the cause, never a pass."""

from __future__ import annotations

from auditor.status import Status
from providers.aws.emulator import ssm
from providers.aws.emulator.ssm import compliant
from tests.aws.conftest import OSAKA, TOKYO
from tests.aws.test_permissions import _policy_actions, ungranted

PATCHED = "aws.ssm.instance_patch_compliant"
KINDS = frozenset({"aws.ssm.managed_instance"})


def test_each_managed_instance_is_judged_by_its_patch_state(account):
    register = ssm.register
    register(account.account_id, TOKYO, "i-0aaaaaaaaaaaaaaa1", computer_name="web-1",
             patch_state=compliant(InstalledCount=120))
    register(account.account_id, TOKYO, "i-0aaaaaaaaaaaaaaa2", computer_name="web-2",
             patch_state=compliant(InstalledCount=110, MissingCount=3, CriticalNonCompliantCount=1,
                                   SecurityNonCompliantCount=2))
    register(account.account_id, TOKYO, "i-0aaaaaaaaaaaaaaa3", computer_name="batch-1",
             patch_state=compliant(InstalledCount=118, InstalledPendingRebootCount=2))
    register(account.account_id, TOKYO, "mi-0bbbbbbbbbbbbbbb1", computer_name="onprem-gw", ping="ConnectionLost")
    register(account.account_id, OSAKA, "i-0ccccccccccccccc1", computer_name="osaka-dr")
    audit = account.audit(kinds=KINDS)

    web1 = audit.one(PATCHED, "web-1")
    assert web1.status is Status.PASS and "最終 Scan" in web1.reason
    assert web1.source == "ssm:DescribeInstancePatchStates"
    assert web1.resource_id == f"arn:aws:ec2:{TOKYO}:{account.account_id}:instance/i-0aaaaaaaaaaaaaaa1"
    web2 = audit.one(PATCHED, "web-2")
    assert web2.status is Status.FAIL
    assert "未適用 3 件" in web2.reason and "Critical の非準拠 1 件" in web2.reason
    assert web2.observed["SecurityNonCompliantCount"] == 2
    batch = audit.one(PATCHED, "batch-1")
    assert batch.status is Status.FAIL and "再起動待ち 2 件" in batch.reason
    never = audit.one(PATCHED, "onprem-gw")
    assert never.status is Status.FAIL and "スキャンが行われていない" in never.reason
    assert "ConnectionLost" in never.reason
    assert never.resource_id.endswith(":managed-instance/mi-0bbbbbbbbbbbbbbb1")
    assert {f.region for f in audit.of(PATCHED)} == {TOKYO}  # Osaka was not swept


def test_many_instances_are_paged_and_read_fifty_at_a_time(account):
    for n in range(61):
        ssm.register(account.account_id, TOKYO, f"i-{n:017x}", computer_name=f"node-{n}",
                              patch_state=compliant(InstalledCount=10, FailedCount=int(n == 60)))
    audit = account.audit(kinds=KINDS)
    findings = audit.of(PATCHED)
    assert len(findings) == 61
    assert [f.resource_name for f in findings if f.status is Status.FAIL] == ["node-60"]
    operations = [op for _, op, _ in account.calls]
    assert operations.count("DescribeInstanceInformation") == 7  # ten a page
    # 50 ids, then 11 (the API takes at most 50 per request), each answered ten states a page
    assert operations.count("DescribeInstancePatchStates") == 5 + 2


def test_refused_patch_states_are_unknown_with_the_cause(account):
    ssm.register(account.account_id, TOKYO, "i-0ddddddddddddddd1", computer_name="app-1",
                          patch_state=compliant(InstalledCount=5))
    account.refuse("ssm:DescribeInstancePatchStates")
    finding = account.audit(kinds=KINDS).one(PATCHED, "app-1")
    assert finding.status is Status.UNKNOWN
    assert "AccessDenied" in finding.reason and "ssm:DescribeInstancePatchStates" in finding.reason


def test_a_refused_listing_is_a_gap_and_unknown(account):
    ssm.register(account.account_id, TOKYO, "i-0eeeeeeeeeeeeeee1", computer_name="app-2",
                          patch_state=compliant(InstalledCount=5))
    account.refuse("ssm:DescribeInstanceInformation")
    audit = account.audit(kinds=KINDS)
    (gap,) = audit.collection.gaps
    assert gap.permission == "ssm:DescribeInstanceInformation" and gap.resource_types == ("aws.ssm.managed_instance",)
    assert audit.statuses(PATCHED) == {Status.UNKNOWN}


def test_the_printed_policy_grants_the_patch_reads(account):
    ssm.register(account.account_id, TOKYO, "i-0fffffffffffffff1", patch_state=compliant())
    account.audit(kinds=KINDS)
    assert {"ssm:DescribeInstanceInformation", "ssm:DescribeInstancePatchStates"} <= _policy_actions({})
    assert ungranted(account.calls, {}) == []
