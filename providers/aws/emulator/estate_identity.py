"""The demo estate's IAM: the password policy, administrators with MFA, service roles, and the
operations user with administrator rights and no MFA (planted).
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from providers.aws.emulator.estate import PREFIX, Clients, Inventory, PlantedMistake

ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def _console_password() -> str:
    """A throw-away password that satisfies the account password policy."""
    return f"Demo-{secrets.token_urlsafe(12)}-Aa9!"


def service_role(clients: Clients, name: str, service: str, inventory: Inventory) -> str:
    """A role only ``service`` can assume (its permission policies are left out: nothing reads them)."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }
    role = clients("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    inventory.add("global", "AWS::IAM::Role", name)
    return role["Arn"]


def seed_password_policy(clients: Clients, inventory: Inventory) -> None:
    clients("iam").update_account_password_policy(
        MinimumPasswordLength=12,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        RequireNumbers=True,
        RequireSymbols=True,
        AllowUsersToChangePassword=True,
        PasswordReusePrevention=5,
        MaxPasswordAge=180,
    )
    inventory.add("global", "AWS::IAM::AccountPasswordPolicy", "password-policy", "length 12, all character classes")


def _console_user(iam: Any, name: str) -> str:
    arn = iam.create_user(UserName=name, Tags=[{"Key": "Owner", "Value": "sakura-systems"}])["User"]["Arn"]
    iam.create_login_profile(UserName=name, Password=_console_password(), PasswordResetRequired=False)
    return arn


def _enable_virtual_mfa(iam: Any, user: str) -> None:
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=user)["VirtualMFADevice"]["SerialNumber"]
    # Two consecutive codes from the device; the emulator accepts any six digits.
    iam.enable_mfa_device(
        UserName=user, SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321"
    )


def seed_identities(clients: Clients, inventory: Inventory) -> None:
    iam = clients("iam")
    group = f"{PREFIX}-admins"
    iam.create_group(GroupName=group)
    iam.attach_group_policy(GroupName=group, PolicyArn=ADMIN_POLICY_ARN)
    # Administrators may act only from the vendor's office network (a documentation address range).
    office_only = {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyOutsideOfficeNetwork", "Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]},
                          "Bool": {"aws:ViaAWSService": "false"}},
        }],
    }
    iam.put_group_policy(GroupName=group, PolicyName="deny-outside-office", PolicyDocument=json.dumps(office_only))
    inventory.add("global", "AWS::IAM::Group", group, "AdministratorAccess, only from the office network")
    for user in ("tanaka.admin", "suzuki.admin"):
        _console_user(iam, user)
        iam.add_user_to_group(GroupName=group, UserName=user)
        _enable_virtual_mfa(iam, user)
        inventory.add("global", "AWS::IAM::User", user, f"console, virtual MFA, in {group}")
    careless = "sato.ops"
    careless_arn = _console_user(iam, careless)
    operators = f"{PREFIX}-operators"
    iam.create_group(GroupName=operators)
    iam.attach_group_policy(GroupName=operators, PolicyArn=ADMIN_POLICY_ARN)
    iam.add_user_to_group(GroupName=operators, UserName=careless)
    inventory.add("global", "AWS::IAM::Group", operators, "AdministratorAccess, no source-IP restriction")
    inventory.add("global", "AWS::IAM::User", careless, f"console, in {operators}, no MFA (planted)")
    inventory.plant(
        PlantedMistake(
            key="admin-without-mfa",
            control_id="identity.admin-mfa",
            region="global",
            kind="AWS::IAM::User",
            resource_name=careless,
            resource_id=careless_arn,
            ja="運用担当の IAM ユーザーが AdministratorAccess を付与した運用グループに属し、コンソールの"
            "パスワードがあるのに MFA が設定されていません（管理者グループの接続元 IP 制限も受けません）。"
            "パスワードが漏れれば環境全体を操作されます。",
            en="An operations IAM user is in an operators group with AdministratorAccess and has a console password, "
            "but no MFA (and escapes the admin group's source-IP restriction): a leaked password gives control of "
            "the whole account.",
        )
    )
