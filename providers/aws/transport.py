"""The channel to AWS: the read-only guard wired into every session, and how clients are made.

The guard is a botocore hook that refuses every operation that is not a read, before it is sent.
It is registered on every session the adapter opens (and so on every client made from it) at
``provide-client-params``, the first event of a call, before parameters are validated, signed or
sent. A refused call raises :class:`WriteRefused`; no request leaves the machine.

Allowed are exactly the calls the audit declares: every call of every evidence kind (its listing and
follow-ups, :data:`providers.aws.collect.KINDS`, the same table the printed least-privilege policy
is made from) and the calls of the run itself (:data:`~providers.aws.calls.RUN_CALLS`,
``ORG_CALLS``, ``SESSION_CALLS``). A name that looks like a read is not enough: some ``Get*`` calls
change state or hand out secrets (``sts:GetSessionToken``, ``secretsmanager:GetSecretValue``,
``redshift:GetClusterCredentials``, ``waf:GetChangeToken``). As a second lock, a declared call must
also be named like a read (``List*``, ``Get*``, ``Describe*`` …) or be one of :data:`ALSO_ALLOWED`
(IAM's credential report is generated before it can be read; assuming the delegated role changes
nothing in the audited account).

Clients of one service made from one session share their service model and class
(:func:`share_client_classes`): a sweep of every region makes one client per service and region.
Every client starts from a copy of its session's event handlers; sessions are opened with
:func:`new_botocore_session`, whose handler table is copied on write
(:mod:`providers.aws.handler_table`), so a client's copy costs next to nothing.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from providers.aws.calls import ORG_CALLS, RUN_CALLS, SESSION_CALLS

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
    from providers.aws.collect import KINDS

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


def new_botocore_session() -> Any:
    """A botocore session like ``botocore.session.get_session()`` whose clients copy its event handlers
    on write (:mod:`providers.aws.handler_table`); a plain one on a botocore whose handler table differs."""
    import botocore.session

    from providers.aws.handler_table import copy_on_write_emitter

    emitter = copy_on_write_emitter()
    return botocore.session.Session(event_hooks=emitter() if emitter is not None else None)


def share_client_classes() -> None:
    """Build each service's model and client class once per session, not once per client.

    botocore builds a new service model and a new class for every client (one method per operation
    of the service: EC2's class alone has about 750), which was about half of the CPU of creating a
    client; a sweep of every region creates one client per service and region (over 400). Both
    depend only on the service's description and on the session's ``creating-client-class``
    handlers, so the clients of one service made from one session can share them: they differ in
    their instance (region, endpoint, credentials, event handlers), never in their model or class.
    Installed once per process, on first use, and only on a botocore whose two builders take the
    arguments this wraps.
    """
    import inspect

    import botocore.client

    creator = botocore.client.ClientCreator
    if getattr(creator._create_client_class, "shared_per_session", False):
        return
    expected = {"_load_service_model": ["self", "service_name", "api_version"],
                "_create_client_class": ["self", "service_name", "service_model"]}
    if any(list(inspect.signature(getattr(creator, name)).parameters) != parameters
           for name, parameters in expected.items()):
        return  # a botocore whose internals differ: leave it as it is (slower, never wrong)
    creator._load_service_model = _per_session(creator._load_service_model)
    creator._create_client_class = _per_session(creator._create_client_class)


def _per_session(build: Callable[..., Any]) -> Callable[..., Any]:
    """``build(creator, service_name, second)`` remembered per session, service and ``second`` (an API
    version, or a service model whose API version is used).

    The memory lives on the session's event emitter itself (each client copies it): the classes it
    holds refer back to that emitter, so a cache beside it (a weak-key mapping) would keep every
    session of an organisation run alive; on the emitter, session, cache and classes are one cycle
    the garbage collector frees together once the session's clients are gone.
    """
    lock = threading.Lock()
    slot = f"_auditor_shared_{build.__name__}"

    @functools.wraps(build)
    def shared(self: Any, service_name: str, second: Any = None) -> Any:
        key = (service_name, str(getattr(second, "api_version", second)))
        emitter = self._event_emitter  # the session's emitter
        with lock:
            known = emitter.__dict__.setdefault(slot, {})
            value = known.get(key)
            if value is None:
                value = known[key] = build(self, service_name, second)
        return value

    shared.shared_per_session = True  # type: ignore[attr-defined]
    return shared
