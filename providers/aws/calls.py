"""The calls the adapter makes and the IAM action that authorises each.

boto3 names a call by service and operation (``elbv2``, ``DescribeLoadBalancers``); IAM names the
permission by its own prefix and sometimes another word (``elasticloadbalancing:DescribeLoadBalancers``,
``s3:GetEncryptionConfiguration`` for ``GetBucketEncryption``). Everything that prints or checks a
permission goes through :func:`iam_action`, so the generated policy and the calls always agree.
"""

from __future__ import annotations

#: boto3 service name → IAM action prefix, where they differ.
IAM_PREFIX = {
    "elbv2": "elasticloadbalancing",
    "efs": "elasticfilesystem",
    "cloudwatch": "cloudwatch",
}

#: Operations whose IAM action has another name than the operation.
IAM_ACTION = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("s3", "GetObjectLockConfiguration"): "s3:GetBucketObjectLockConfiguration",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "HeadBucket"): "s3:ListBucket",
    # API Gateway's management API is authorised by HTTP verb on resource paths.
    ("apigateway", "GetRestApis"): "apigateway:GET",
    ("apigateway", "GetStages"): "apigateway:GET",
}

#: Calls the run makes besides those the evidence kinds declare, as (service, Operation): the region sweep,
#: the organisation's accounts (``--org`` only) and the session set-up (who am I, assume the role).
RUN_CALLS = frozenset({("ec2", "DescribeRegions")})
ORG_CALLS = frozenset({("organizations", "ListAccounts")})
SESSION_CALLS = frozenset({("sts", "GetCallerIdentity"), ("sts", "AssumeRole")})

#: Calls every identity may make without a grant (AWS documents GetCallerIdentity as always allowed).
UNGATED = frozenset({"sts:GetCallerIdentity"})

#: Calls made with the auditor's own credentials, not the audited role's (they go in no role policy).
AUDITOR_SIDE = frozenset({"sts:AssumeRole"})


def iam_action(service: str, operation: str) -> str:
    """The IAM action that allows ``service``/``operation`` (PascalCase operation name)."""
    mapped = IAM_ACTION.get((service, operation))
    if mapped:
        return mapped
    return f"{IAM_PREFIX.get(service, service)}:{operation}"
