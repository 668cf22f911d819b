"""Reading IAM-style policy documents: full access, source-IP restrictions, region denials, TLS-only.

Pure functions over the JSON documents the APIs return (identity policies, SCPs, bucket policies).
They answer narrow questions and err on the side of *not* granting credit: a condition they do not
understand never makes a statement count as a restriction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

ADMIN_MANAGED_POLICIES = frozenset({"arn:aws:iam::aws:policy/AdministratorAccess"})
SOURCE_KEYS = frozenset({"aws:sourceip", "aws:sourcevpc", "aws:sourcevpce"})
NEGATED_SOURCE_OPERATORS = frozenset({"notipaddress", "notipaddressifexists", "stringnotequals",
                                      "stringnotequalsifexists", "stringnotlike", "stringnotlikeifexists"})
POSITIVE_SOURCE_OPERATORS = frozenset({"ipaddress", "stringequals", "stringlike"})
REGION_DENY_OPERATORS = frozenset({"stringnotequals", "stringnotequalsignorecase", "stringnotlike"})


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def statements(document: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return [s for s in as_list((document or {}).get("Statement")) if isinstance(s, Mapping)]


def _is_everything(values: Iterable[Any]) -> bool:
    return any(str(v) in ("*", "*:*") for v in values)


def grants_full_access(document: Mapping[str, Any] | None) -> bool:
    """True when an Allow statement grants every action on every resource (``"*"`` / ``"*:*"`` on ``"*"``)."""
    return any(
        s.get("Effect") == "Allow" and "Action" in s and _is_everything(as_list(s.get("Action")))
        and _is_everything(as_list(s.get("Resource", "*")))
        for s in statements(document)
    )


def full_access_statements_all_source_limited(documents: Iterable[Mapping[str, Any] | None]) -> bool:
    """True when every full-access Allow among the documents carries a positive source condition."""
    found = False
    for document in documents:
        for s in statements(document):
            if s.get("Effect") == "Allow" and _is_everything(as_list(s.get("Action"))):
                found = True
                if not _source_condition(s, POSITIVE_SOURCE_OPERATORS):
                    return False
    return found


def denies_outside_source(document: Mapping[str, Any] | None) -> bool:
    """True for a Deny of (nearly) everything unless the request comes from listed addresses / VPCs.

    The usual shape: ``{"Effect": "Deny", "Action": "*", "Resource": "*",
    "Condition": {"NotIpAddress": {"aws:SourceIp": [...]}}}`` (``NotAction`` lists allowed too).
    """
    for s in statements(document):
        if s.get("Effect") != "Deny":
            continue
        broad = _is_everything(as_list(s.get("Action"))) or "NotAction" in s
        if broad and _source_condition(s, NEGATED_SOURCE_OPERATORS):
            return True
    return False


def _source_condition(statement: Mapping[str, Any], operators: frozenset[str]) -> bool:
    for operator, clauses in (statement.get("Condition") or {}).items():
        if (str(operator).lower() in operators and isinstance(clauses, Mapping)
                and any(str(key).lower() in SOURCE_KEYS and as_list(value) for key, value in clauses.items())):
            return True
    return False


def allowed_regions(document: Mapping[str, Any] | None) -> list[str] | None:
    """The regions an SCP leaves open by denying every other ``aws:RequestedRegion``; ``None`` if it denies none."""
    allowed: list[str] | None = None
    for s in statements(document):
        if s.get("Effect") != "Deny":
            continue
        for operator, clauses in (s.get("Condition") or {}).items():
            if str(operator).lower() not in REGION_DENY_OPERATORS or not isinstance(clauses, Mapping):
                continue
            for key, value in clauses.items():
                if str(key).lower() == "aws:requestedregion":
                    regions = [str(v) for v in as_list(value)]
                    allowed = regions if allowed is None else [r for r in allowed if r in regions]
    return allowed


def denies_insecure_transport(document: Mapping[str, Any] | None) -> bool:
    """True when a bucket policy denies requests made without TLS (``aws:SecureTransport`` false)."""
    for s in statements(document):
        if s.get("Effect") != "Deny" or not _principal_is_everyone(s.get("Principal")):
            continue
        actions = [str(a).lower() for a in as_list(s.get("Action"))]
        if not any(a in ("*", "s3:*", "s3:getobject") for a in actions):
            continue
        for operator, clauses in (s.get("Condition") or {}).items():
            if str(operator).lower() == "bool" and isinstance(clauses, Mapping):
                for key, value in clauses.items():
                    values = [str(v).lower() for v in as_list(value)]
                    if str(key).lower() == "aws:securetransport" and values == ["false"]:
                        return True
    return False


def _principal_is_everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return "*" in as_list(principal.get("AWS"))
    return False
