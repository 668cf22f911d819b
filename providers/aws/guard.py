"""The read-only guard: a botocore hook that refuses every operation that is not a read, before it is sent.

It is registered on every session the adapter opens (and so on every client made from it) at
``provide-client-params``, the first event of a call, before parameters are validated, signed or
sent. A refused call raises :class:`WriteRefused`; no request leaves the machine.

Reads are operations named ``List*``, ``Get*``, ``Describe*``, ``Search*``, ``Lookup*``,
``BatchGet*`` or ``Head*``, plus the few named in :data:`ALSO_ALLOWED` (IAM's credential report is
generated before it can be read; assuming the delegated role changes nothing in the audited account).
"""

from __future__ import annotations

from typing import Any

READ_PREFIXES = ("List", "Get", "Describe", "Search", "Lookup", "BatchGet", "Head")
ALSO_ALLOWED = frozenset({("iam", "GenerateCredentialReport"), ("sts", "AssumeRole")})
HANDLER_ID = "municipal-cloud-auditor-read-only-guard"


class WriteRefused(RuntimeError):
    """A non-read operation was attempted through a guarded session; nothing was sent."""

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(f"read-only guard refused {service}:{operation} (not a read operation); nothing was sent")
        self.service = service
        self.operation = operation


def is_read_only(service: str, operation: str) -> bool:
    return operation.startswith(READ_PREFIXES) or (service, operation) in ALSO_ALLOWED


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
