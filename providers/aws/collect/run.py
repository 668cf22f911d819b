"""The collection run: who we are, which accounts and regions, and a bounded pool working through tasks.

1. Open the session (profile / default chain), assume the delegated role if asked, and check the
   caller identity (credentials that do not work stop here with a clear message).
2. Accounts: the caller's, or with ``--org`` every active account of the organisation through the
   named role (an account whose role cannot be assumed becomes a gap, the others go on).
3. Regions per account: ``--regions``, or every region enabled for it (``ec2:DescribeRegions``,
   opt-in status ``opt-in-not-required`` or ``opted-in``).
4. One task per collector and region (global collectors once per account), only for the kinds the
   selected checks read; follow-up tasks (one per bucket, table, trail …) join the same pool. The
   coordinating thread alone waits on futures, so the pool never deadlocks on itself.
5. Derived facts (region in use, account-wide CloudTrail) once all of an account's tasks are in; the
   account is then complete and handed to ``scope_done`` (recorded progress, resume, shards), and its
   clients and session are released.

``wants_scope`` leaves out the accounts another shard collects or that a resumed run already has;
the organisation is still listed in full (``Collection.planned``), so every shard sees the same set.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from queue import SimpleQueue
from typing import Any

from auditor.errors import AuditorError
from auditor.model import Evidence, Gap, ProviderScope, utc_now
from auditor.plugins import Collection, CollectRequest, ScopeCollection
from providers.aws import credentials
from providers.aws.collect import COLLECTORS, KINDS
from providers.aws.collect.account import PROVIDER, AccountContext
from providers.aws.collect.common import gap
from providers.aws.collect.derive import derive
from providers.aws.collect.organizations import organization_accounts
from providers.aws.failures import CallFailed
from providers.aws.kinds import GLOBAL, Outcome, Task
from providers.aws.settings import AwsSettings

JAPAN_FALLBACK = ("ap-northeast-1", "ap-northeast-3")
ENABLED = frozenset({"opt-in-not-required", "opted-in"})


@dataclass
class _Account:
    """What one account's tasks have collected so far, and how many of its tasks are still out."""

    evidence: list[Evidence] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    swept: set[str] = field(default_factory=set)
    pending: int = 0
    context: AccountContext | None = None  # released when the account is complete


@dataclass
class _Run:
    settings: AwsSettings
    wanted: frozenset[str]
    regions: tuple[str, ...]
    evidence: list[Evidence] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    swept: set[str] = field(default_factory=set)
    by_account: dict[str, _Account] = field(default_factory=dict)
    scope_done: Callable[[ScopeCollection], None] | None = None

    def add(self, account: str) -> None:
        self.accounts.append(account)
        self.by_account[account] = _Account()

    def complete(self, account: str) -> None:
        """Every task of ``account`` is done: derive its facts, keep them, and report the account."""
        part = self.by_account.pop(account)
        if part.context is not None:
            part.context.close()
        evidence = derive(part.evidence, part.gaps, KINDS, self.wanted, [account])
        self.evidence.extend(evidence)
        self.gaps.extend(part.gaps)
        self.swept.update(part.swept)
        if self.scope_done is not None:
            self.scope_done(ScopeCollection("aws", account, tuple(evidence), tuple(part.gaps),
                                            tuple(sorted(part.swept))))


#: The shape of an AWS region name: ap-northeast-1, us-gov-west-1, cn-north-1, us-isob-east-1.
REGION_NAME = re.compile(r"[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}")


def parse_regions(value: Any) -> tuple[str, ...]:
    """``--regions`` as given: repeated and/or comma-separated; a malformed name is a clear error."""
    items = [value] if isinstance(value, str) else list(value or ())
    regions = tuple(dict.fromkeys(part.strip() for item in items for part in str(item).split(",") if part.strip()))
    for region in regions:
        if not REGION_NAME.fullmatch(region):
            raise AuditorError(
                "raw",
                ja=f"--regions の '{region}' は AWS のリージョン名ではありません"
                   "（例: ap-northeast-1, ap-northeast-3）。",
                en=f"'{region}' given to --regions is not an AWS region name (for example ap-northeast-1, "
                   "ap-northeast-3).",
            )
    return regions


def collect(request: CollectRequest, settings: AwsSettings) -> Collection:
    options: Mapping[str, Any] = request.options
    wanted = frozenset(request.resource_types) & frozenset(KINDS)
    run = _Run(settings, wanted, parse_regions(options.get("regions")))
    base = credentials.open_session(options.get("profile"), settings)
    session_name = options.get("role_session_name") or credentials.DEFAULT_SESSION_NAME
    session = base
    if options.get("role_arn"):
        session = credentials.assume_role_or_stop(base, options["role_arn"], options.get("external_id"), session_name,
                                               settings)
    identity = credentials.whoami(session, settings)
    first = AccountContext(identity.account, session, settings, _partition(identity.arn))
    wants = request.wants_scope or (lambda _account: True)
    run.scope_done = request.scope_done
    planned = [identity.account]
    tasks: list[tuple[str, Task]] = []
    if wants(identity.account):
        run.add(identity.account)
        tasks.append((identity.account, Task(f"account {identity.account}", lambda: _account_tasks(run, first))))
    described = {"account": identity.account, "arn": identity.arn, "user_id": identity.user_id}
    if options.get("role_arn"):
        described.update({"role_arn": options["role_arn"], "role_session_name": session_name,
                          "external_id": "yes" if options.get("external_id") else "no"})
    if options.get("org"):
        role = options.get("org_role") or credentials.DEFAULT_ORG_ROLE
        members = _organization(first)
        described.update({"organization_role": role, "organization_accounts": str(len(members) + 1)})
        planned.extend(members)
        for account in (a for a in members if wants(a)):
            run.add(account)
            tasks.append((account, Task(f"account {account}", lambda account=account: _member_tasks(
                run, session, account, role, options.get("external_id"), session_name, first.partition))))
    _execute(tasks, settings.max_workers, request.progress, run)
    scope = ProviderScope("aws", tuple(run.accounts), described, tuple(sorted(run.swept)))
    return Collection(tuple(run.evidence), tuple(run.gaps), scope, tuple(planned))


def _partition(arn: str) -> str:
    parts = arn.split(":")
    return parts[1] if len(parts) > 2 and parts[1] else "aws"


def _organization(ctx: AccountContext) -> list[str]:
    try:
        accounts = organization_accounts(ctx)
    except CallFailed as failed:
        from auditor.errors import AuditorError

        raise AuditorError(
            "raw",
            ja=f"組織のアカウント一覧を取得できません（{failed.failure.error_code}: {failed.failure.message}）。"
               "--org は管理アカウント（または委任管理者）の認証情報で実行し、"
               "organizations:ListAccounts を許可してください。",
            en=f"Could not list the organisation's accounts ({failed.failure.error_code}: "
               f"{failed.failure.messages[1]}). "
               "Run --org with the management (or delegated administrator) account's credentials and allow "
               "organizations:ListAccounts.",
        ) from None
    return [a["Id"] for a in accounts if a["Id"] != ctx.account]


def _member_tasks(run: _Run, session: Any, account: str, role: str, external_id: str | None, session_name: str,
                  partition: str) -> Outcome:
    arn = credentials.member_role_arn(account, role, partition)
    try:
        member = credentials.assume_role(session, arn, external_id, session_name, run.settings)
    except CallFailed as failed:
        ctx = AccountContext(account, session, run.settings, partition)
        return Outcome(gaps=[gap(ctx, "*", failed.failure, sorted(run.wanted))])
    except credentials.NotAnAwsAnswer as answer:  # a proxy's or portal's page: this account only, the others go on
        ja, en = answer.messages()
        return Outcome(gaps=[Gap(provider=PROVIDER, scope=account, region="*", source="sts:AssumeRole",
                                 resource_types=tuple(sorted(run.wanted)), error_code=answer.error_code,
                                 message=ja, permission="sts:AssumeRole", collected_at=utc_now(), message_en=en)])
    return _account_tasks(run, AccountContext(account, member, run.settings, partition))


def _account_tasks(run: _Run, ctx: AccountContext) -> Outcome:
    out = Outcome()
    regions = run.regions or _enabled_regions(run, ctx, out)
    part = run.by_account[ctx.account]
    part.swept.update(regions)
    part.context = ctx
    chosen = [c for c in COLLECTORS if c.resource_types() & run.wanted]
    for collector in (c for c in chosen if c.where == GLOBAL):
        out.tasks.append(Task(f"{ctx.account} {collector.name}", lambda c=collector: c.run(ctx, "global", run.wanted)))
    for region in regions:  # region by region, so that each region's clients are used together
        for collector in (c for c in chosen if c.where != GLOBAL):
            out.tasks.append(Task(f"{ctx.account} {region} {collector.name}",
                                  lambda c=collector, r=region: c.run(ctx, r, run.wanted)))
    return out


def _enabled_regions(run: _Run, ctx: AccountContext, out: Outcome) -> tuple[str, ...]:
    home = credentials.home_region(ctx.session)
    try:
        found = ctx.pages(home, "ec2", "DescribeRegions", "Regions", AllRegions=True)
    except CallFailed as failed:
        regional = sorted(t for t in run.wanted if KINDS[t].where != GLOBAL)
        out.gaps.append(gap(ctx, "*", failed.failure, regional))
        return tuple(dict.fromkeys((home, *JAPAN_FALLBACK)))
    return tuple(sorted(r["RegionName"] for r in found if r.get("OptInStatus", "opt-in-not-required") in ENABLED))


def open_accounts(workers: int) -> int:
    """How many accounts are collected at once: enough queued work for every worker (an account has
    one task per collector and region, and follow-ups), few enough that memory does not grow with the
    organisation (about 16 MB of clients per open account)."""
    return max(2, workers // 4)


def _ready(finished: SimpleQueue[Future]) -> list[Future]:
    """The futures done since the last look: wait for one, then take whatever else is already in."""
    ready = [finished.get()]
    while not finished.empty():
        ready.append(finished.get())
    return ready


def _execute(tasks: Sequence[tuple[str, Task]], workers: int, progress, run: _Run) -> None:
    """Run tasks and the tasks they spawn on one bounded pool; report progress as they finish.

    Each task belongs to an account (follow-ups to their parent's); when an account's last task is
    done, the account is complete (:meth:`_Run.complete`). Only a few accounts are open at once
    (:func:`open_accounts`): an account's follow-ups would otherwise queue behind every other
    account's listings, and every account would hold its clients until the end of the run.
    """
    done, total = 0, len(tasks)
    waiting = deque(tasks)
    active: set[str] = set()
    limit = open_accounts(workers)
    finished: SimpleQueue[Future] = SimpleQueue()  # each future once, as it is done (no scan of every pending one)
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="aws-collect") as pool:
        pending: dict[Future, tuple[str, Task]] = {}

        def submit(account: str, task: Task) -> None:
            run.by_account[account].pending += 1
            future = pool.submit(task.run)
            pending[future] = (account, task)
            future.add_done_callback(finished.put)

        def admit() -> None:
            while waiting and (len(active) < limit or waiting[0][0] in active):
                account, task = waiting.popleft()
                active.add(account)
                submit(account, task)

        admit()
        try:
            while pending:
                for future in _ready(finished):
                    account, task = pending.pop(future)
                    outcome = future.result()
                    part = run.by_account[account]
                    part.evidence.extend(outcome.evidence)
                    part.gaps.extend(outcome.gaps)
                    for follow_up in outcome.tasks:
                        submit(account, follow_up)
                    part.pending -= 1
                    if not part.pending:
                        active.discard(account)
                        run.complete(account)
                    total += len(outcome.tasks)
                    done += 1
                    if progress is not None:
                        progress(done, total, task.label)
                admit()
        except BaseException:
            for future in pending:
                future.cancel()
            raise
