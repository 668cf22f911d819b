"""The read-only guard: a botocore hook that refuses every operation that is not a read, before it is sent.

It is registered on every session the adapter opens (and so on every client made from it) at
``provide-client-params``, the first event of a call, before parameters are validated, signed or
sent. A refused call raises :class:`WriteRefused`; no request leaves the machine.

Allowed are exactly the calls the audit declares: every call of every evidence kind (its listing and
follow-ups, :data:`providers.aws.collectors.KINDS`, the same table the printed least-privilege policy
is made from) and the calls of the run itself (:data:`~providers.aws.actions.RUN_CALLS`,
``ORG_CALLS``, ``SESSION_CALLS``). A name that looks like a read is not enough: some ``Get*`` calls
change state or hand out secrets (``sts:GetSessionToken``, ``secretsmanager:GetSecretValue``,
``redshift:GetClusterCredentials``, ``waf:GetChangeToken``). As a second lock, a declared call must
also be named like a read (``List*``, ``Get*``, ``Describe*`` …) or be one of :data:`ALSO_ALLOWED`
(IAM's credential report is generated before it can be read; assuming the delegated role changes
nothing in the audited account).
"""

from __future__ import annotations

import functools
from typing import Any

from providers.aws.actions import ORG_CALLS, RUN_CALLS, SESSION_CALLS

READ_PREFIXES = ("List", "Get", "Describe", "Search", "Lookup", "BatchGet", "Head")
ALSO_ALLOWED = frozenset({("iam", "GenerateCredentialReport"), ("sts", "AssumeRole")})
HANDLER_ID = "municipal-cloud-auditor-read-only-guard"


class WriteRefused(RuntimeError):
    """An operation the audit does not declare was attempted through a guarded session; nothing was sent."""

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(f"read-only guard refused {service}:{operation} (not a read the audit declares); "
                         "nothing was sent")
        self.service = service
        self.operation = operation


@functools.cache
def allowed_calls() -> frozenset[tuple[str, str]]:
    """Every (service, Operation) the audit may send: the kinds' declared calls and the run's own."""
    from providers.aws.collectors import KINDS

    declared = {call for kind in KINDS.values() for call in kind.calls()} | RUN_CALLS | ORG_CALLS | SESSION_CALLS
    return frozenset(call for call in declared if call[1].startswith(READ_PREFIXES) or call in ALSO_ALLOWED)


def is_read_only(service: str, operation: str) -> bool:
    return (service, operation) in allowed_calls()


def refuse_writes(model: Any = None, **_: Any) -> None:
    """botocore handler: raise before anything is sent unless the operation is a read."""
    service = model.service_model.service_name
    if not is_read_only(service, model.name):
        raise WriteRefused(service, model.name)


def install(events: Any) -> None:
    """Register the guard on a botocore event emitter (a session's or a client's ``meta.events``)."""
    events.register("provide-client-params", refuse_writes, unique_id=HANDLER_ID)


def guard_session(session: Any) -> Any:
    """Guard a boto3 session: every client created from it afterwards inherits the handler."""
    install(session.events)
    return session
