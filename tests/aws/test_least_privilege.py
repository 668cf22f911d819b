"""identity.least-privilege on AWS counts AWS-managed policies as well as customer-managed and inline
ones, on users, groups (through membership) and roles: AdministratorAccess attached directly to a user
fails, held through a group or role its administrators are listed, and a policy whose document could
not be read is UNKNOWN, never a pass."""

from __future__ import annotations

import json

from auditor.status import Status
from tests.aws.conftest import policy_document
from tests.aws.estates import FULL_ACCESS, admin_user
from tests.aws.test_permissions import ungranted

FULL = "aws.iam.policy_full_access"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
IAM_KINDS = frozenset({"aws.iam.policy", "aws.iam.user", "aws.iam.account"})
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def _role(account, name: str, *policies: str) -> None:
    iam = account.client("iam")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    for arn in policies:
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)


def test_administrator_access_attached_directly_to_a_user_fails(account):
    admin_user(account, "direct-admin", mfa=True, office_only=False)
    audit = account.audit(kinds=IAM_KINDS)
    finding = audit.one(FULL, "AdministratorAccess")
    assert finding.status is Status.FAIL
    assert "直接アタッチ" in finding.reason and "direct-admin" in finding.reason
    assert finding.source == "iam:GetPolicyVersion"
    assert finding.observed["holders"]["users"] == [f"arn:aws:iam::{account.account_id}:user/direct-admin"]
    (user,) = audit.evidence("aws.iam.user")
    assert user.attributes["administrator"] is True
    assert user.attributes["administrator_via"] == ["attached AdministratorAccess"]
    (root,) = audit.evidence("aws.iam.account")
    assert root.attributes["administrators"] == [f"arn:aws:iam::{account.account_id}:user/direct-admin"]
    assert ungranted(account.calls, {}) == []


def test_administrators_through_groups_and_roles_are_listed_not_failed(account):
    admin_user(account, "group-admin", mfa=True, office_only=False, group="admins")
    _role(account, "break-glass", ADMIN)
    _role(account, "reader", READ_ONLY)
    audit = account.audit(kinds=IAM_KINDS)
    admin = audit.one(FULL, "AdministratorAccess")
    assert admin.status is Status.PASS
    assert "管理者 2 件" in admin.reason and "group-admin" in admin.reason and "break-glass" in admin.reason
    assert admin.observed["holders"]["groups"] == [f"arn:aws:iam::{account.account_id}:group/admins"]
    reader = audit.one(FULL, "ReadOnlyAccess")
    assert reader.status is Status.PASS and reader.observed["full_access"] is False
    (user,) = audit.evidence("aws.iam.user")
    assert user.attributes["administrator_via"] == ["group admins: attached AdministratorAccess"]
    (root,) = audit.evidence("aws.iam.account")
    assert root.attributes["administrators"] == sorted(
        f"arn:aws:iam::{account.account_id}:{kind}" for kind in ("user/group-admin", "group/admins",
                                                                  "role/break-glass"))


def test_self_written_full_access_fails_on_groups_and_roles_too(account):
    iam = account.client("iam")
    everything = iam.create_policy(PolicyName="everything", PolicyDocument=policy_document(FULL_ACCESS))["Policy"]
    iam.create_group(GroupName="operators")
    iam.attach_group_policy(GroupName="operators", PolicyArn=everything["Arn"])
    _role(account, "app")
    iam.put_role_policy(RoleName="app", PolicyName="anything", PolicyDocument=policy_document(FULL_ACCESS))
    audit = account.audit(kinds=IAM_KINDS)
    assert audit.one(FULL, "everything").status is Status.FAIL
    assert audit.one(FULL, "everything").observed["holders"]["groups"] == [
        f"arn:aws:iam::{account.account_id}:group/operators"]
    assert audit.one(FULL, "role/app / anything").status is Status.FAIL


def test_an_unreadable_aws_managed_policy_is_unknown(account):
    admin_user(account, "direct-admin", mfa=True, office_only=False)
    account.client("iam").attach_user_policy(UserName="direct-admin", PolicyArn=READ_ONLY)
    account.refuse("iam:GetPolicyVersion")
    audit = account.audit(kinds=IAM_KINDS)
    reader = audit.one(FULL, "ReadOnlyAccess")
    assert reader.status is Status.UNKNOWN
    assert "AccessDenied" in reader.reason and "iam:GetPolicyVersion" in reader.reason
    admin = audit.one(FULL, "AdministratorAccess")  # its grant is known from the ARN alone
    assert admin.status is Status.FAIL and "ARN から全権限と判断" in admin.reason
    (user,) = audit.evidence("aws.iam.user")
    assert user.attributes["unanalysed_policies"] == ["attached ReadOnlyAccess"]
