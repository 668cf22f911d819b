"""Benchmark of an AWS organisation audit on the local emulator: accounts reached through org roles.

Seeds an organisation of N accounts on moto (the management account plus N-1 members made with
``organizations:CreateAccount``; each member is reached by assuming ``OrganizationAccountAccessRole``,
as ``--org`` does) and keeps each account small: one EBS volume (every other one unencrypted) and one
S3 bucket in ap-northeast-1. Then it runs the real adapter with ``org`` over the chosen regions and
prints wall time, CPU time, API requests (in total and per account), peak memory (RSS) and the findings.

    python bench/aws_org.py --accounts 100
    python bench/aws_org.py --accounts 1000 --regions ap-northeast-1 --shards 4
    python bench/aws_org.py --accounts 20 --regions ap-northeast-1 --shards 4 --merge

With ``--shards K`` the unsharded run is followed by K shard processes running at once (as K machines
or K pods would), each collecting only the accounts ``auditor.shards.shard_of`` assigns to it (shards
count from 1). Each shard's accounts, wall time, CPU time, peak RSS and requests are printed with the
totals over all shards, and the shards are compared strictly with the unsharded run: every account
collected by exactly one shard, and the same evidence, gaps and findings (by identity, status and
observed value). It prints ``identical: yes`` or ``identical: no`` with the first differences.

``--merge`` also takes the path a real sharded audit takes: ``auditor audit --shard k/K --run-group``
as K concurrent commands recording into one SQLite history store, then ``auditor report --run-group``,
whose ``results.json`` is compared (run ids and times aside) with an unsharded ``auditor audit``.

The emulator and the seeding run in a child process, so the memory and CPU measured are the adapter's
alone; the emulator's CPU time for each phase is printed beside it. Peak RSS is the process's own
high-water mark (``VmHWM``), not ``ru_maxrss``, which a child inherits from the process that started it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED_REGION = "ap-northeast-1"
ORG_ROLE = "OrganizationAccountAccessRole"
TARGET = "bench-org"
DIFFERENCES_SHOWN = 5


def _serve(queue, stop, accounts: int) -> None:
    # Without AWS-managed policies each new account's IAM back end is made in milliseconds instead of
    # seconds; the bench accounts attach none, so the audit reads the same.
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "false"
    from providers.aws.emulator.server import moto_server

    with moto_server() as emulator:
        started = time.perf_counter()
        members = seed(emulator.endpoint_url, accounts)
        queue.put((emulator.endpoint_url, members, round(time.perf_counter() - started, 1)))
        stop.wait()


def _client(endpoint: str, service: str, region: str = SEED_REGION):
    import boto3
    from botocore.config import Config
    from botocore.handlers import add_expect_header

    from providers.aws.emulator.server import DUMMY_CREDENTIALS

    client = boto3.client(service, region_name=region, endpoint_url=endpoint,
                          aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                          config=Config(retries={"total_max_attempts": 3}, max_pool_connections=16))
    if service == "s3":
        client.meta.events.unregister("before-call.s3", add_expect_header)
    return client


def seed(endpoint: str, accounts: int) -> list[str]:
    """The organisation: the management account and ``accounts - 1`` members, each with a volume and a bucket.

    The members are made through Organizations as the audit finds them; their resources are planted
    by clients that name the member in moto's ``x-moto-account-id`` header, one client per service and
    thread, instead of a role session and two new clients per member (the seeding is not measured).
    """
    org = _client(endpoint, "organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    members = [org.create_account(Email=f"member-{n:04d}@example.jp", AccountName=f"member-{n:04d}")
               ["CreateAccountStatus"]["AccountId"] for n in range(1, accounts)]
    local = threading.local()

    def clients():
        if not hasattr(local, "ec2"):
            local.ec2, local.s3 = _client(endpoint, "ec2"), _client(endpoint, "s3")
            for client in (local.ec2, local.s3):
                client.meta.events.register(
                    "before-sign", lambda request, **_: request.headers.__setitem__("x-moto-account-id",
                                                                                    local.account))
        return local.ec2, local.s3

    def plant(index: int, account: str) -> None:
        ec2, s3 = clients()
        local.account = account
        ec2.create_volume(AvailabilityZone=f"{SEED_REGION}a", Size=8, Encrypted=index % 2 == 0)
        s3.create_bucket(Bucket=f"bench-org-{account}",
                         CreateBucketConfiguration={"LocationConstraint": SEED_REGION})

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(plant, range(len(members)), members))
    return members


def peak_rss_mb() -> float:
    """This process's peak resident memory: ``VmHWM`` where Linux gives it, else ``ru_maxrss``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cpu_seconds_of(pid: int) -> float | None:
    """User + system CPU time of a running process (the emulator), from ``/proc``; None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(endpoint: str, regions: tuple[str, ...], shard: tuple[int, int] | None = None) -> dict[str, object]:
    """One organisation collection in this process (or, with ``shard``, the accounts of shard K of N)."""
    from auditor.checks import resource_types_for, run_checks
    from auditor.plugins import CollectRequest
    from providers.aws.emulator.server import DUMMY_CREDENTIALS
    from providers.aws.plugin import AwsProvider
    from providers.aws.settings import AwsSettings

    os.environ.update(DUMMY_CREDENTIALS)
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    os.environ.setdefault("AWS_DEFAULT_REGION", SEED_REGION)
    requests = 0
    counter = threading.Lock()

    def hook(session) -> None:
        def sent(**_) -> None:
            nonlocal requests
            with counter:
                requests += 1

        session.events.register("before-send", sent)

    provider = AwsProvider(AwsSettings(session_hook=hook))
    wanted = resource_types_for(provider.checks())
    options = {"org": True, "regions": regions}
    extra = {}
    if shard is not None:
        from auditor.shards import Shard

        extra["wants_scope"] = lambda account: Shard(*shard).owns("aws", account)
    started, cpu = time.perf_counter(), time.process_time()
    collection = provider.collect(CollectRequest(wanted, options, **extra))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    findings = run_checks(provider.checks(), collection.evidence, collection.gaps)
    return {
        "shard": f"{shard[0]}/{shard[1]}" if shard else "unsharded",
        "accounts": len(collection.scope.scopes),
        "seconds": round(elapsed, 1),
        "cpu_seconds": round(cpu, 1),
        "peak_rss_mb": peak_rss_mb(),
        "api_requests": requests,
        "requests_per_account": round(requests / max(1, len(collection.scope.scopes)), 1),
        "evidence": len(collection.evidence),
        "gaps": len(collection.gaps),
        "findings": len(findings),
        "identity": {
            "accounts": sorted(collection.scope.scopes),
            "evidence": sorted([e.scope, e.region, e.resource_type, e.resource_id, e.source]
                               for e in collection.evidence),
            "findings": sorted([f.check_id, f.scope, f.region, f.resource_type, f.resource_id, str(f.status),
                                json.dumps(f.observed, sort_keys=True, default=str)] for f in findings),
            "gaps": sorted([g.scope, g.region, g.source, ",".join(g.resource_types), g.error_code]
                           for g in collection.gaps),
        },
    }


def _shard_child(queue, endpoint: str, regions: tuple[str, ...], shard: tuple[int, int]) -> None:
    queue.put(measure(endpoint, regions, shard))


def differences(whole: dict[str, list], union: dict[str, list]) -> list[str]:
    """What the shards' union has that the unsharded run lacks and the other way round, per kind (rows as
    multisets, so an account or finding collected twice is a difference too)."""
    found = []
    for kind in sorted(set(whole) | set(union), key=[*whole, *union].index):
        ours, theirs = Counter(map(tuple, whole.get(kind, ()))), Counter(map(tuple, union.get(kind, ())))
        for label, rows in (("only unsharded", ours - theirs), ("only in shards", theirs - ours)):
            found.extend(f"{kind} {label}: {list(row)}" for row in sorted(rows.elements()))
    return found


def print_row(row: dict[str, object]) -> None:
    print(json.dumps({k: v for k, v in row.items() if k != "identity"}), flush=True)


def run_shards(context, endpoint: str, regions: tuple[str, ...], count: int, server_pid: int,
               whole: dict[str, object]) -> bool:
    """K shard processes at once, their figures and totals, and the strict comparison with ``whole``."""
    results = context.Queue()
    server_cpu = cpu_seconds_of(server_pid)
    started = time.perf_counter()
    children = [context.Process(target=_shard_child, args=(results, endpoint, regions, (k, count)))
                for k in range(1, count + 1)]
    for child in children:
        child.start()
    parts = sorted((_answer(results, children) for _ in children), key=lambda p: int(p["shard"].split("/")[0]))
    for child in children:
        child.join()
    elapsed = round(time.perf_counter() - started, 1)
    for part in parts:
        print_row(part)
    union = {kind: [row for part in parts for row in part["identity"][kind]] for kind in whole["identity"]}
    found = differences(whole["identity"], union)
    accounts = sum(p["accounts"] for p in parts)
    requests = sum(p["api_requests"] for p in parts)
    print(json.dumps({
        "shards": count, "accounts": accounts, "wall_seconds_all_shards": elapsed,
        "cpu_seconds": round(sum(p["cpu_seconds"] for p in parts), 1),
        "peak_rss_mb_max": max(p["peak_rss_mb"] for p in parts),
        "peak_rss_mb_sum": round(sum(p["peak_rss_mb"] for p in parts), 1),
        "api_requests": requests, "requests_per_account": round(requests / max(1, accounts), 1),
        "evidence": sum(p["evidence"] for p in parts), "gaps": sum(p["gaps"] for p in parts),
        "findings": sum(p["findings"] for p in parts), "emulator_cpu_seconds": _since(server_pid, server_cpu),
    }), flush=True)
    print(f"identical: {'no' if found else 'yes'}"
          f" (accounts {len(union['accounts'])}/{len(whole['identity']['accounts'])},"
          f" evidence {len(union['evidence'])}/{whole['evidence']}, gaps {len(union['gaps'])}/{whole['gaps']},"
          f" findings {len(union['findings'])}/{whole['findings']}: shards/unsharded)")
    _show(found)
    return not found


def _show(found: list[str]) -> None:
    for line in found[:DIFFERENCES_SHOWN]:
        print(f"  {line}")
    if len(found) > DIFFERENCES_SHOWN:
        print(f"  … and {len(found) - DIFFERENCES_SHOWN} more")


def _answer(queue, processes: list) -> object:
    """The next item on ``queue``; stops the benchmark as soon as one of ``processes`` has died without
    answering (an import error, a crash) instead of waiting for the queue's time-out."""
    import queue as queues

    while True:
        try:
            return queue.get(timeout=5)
        except queues.Empty:
            dead = [p for p in processes if p.exitcode not in (None, 0)]
            if dead:
                name, code = dead[0].name, dead[0].exitcode
                raise SystemExit(f"{name} stopped with exit code {code}; see its traceback above") from None


def _since(pid: int, before: float | None) -> float | None:
    now = cpu_seconds_of(pid)
    return None if now is None or before is None else round(now - before, 1)


def _auditor(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "auditor", *args], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _finish(process: subprocess.Popen, allowed: tuple[int, ...], what: str) -> None:
    output, _ = process.communicate(timeout=7200)
    if process.returncode not in allowed:
        raise SystemExit(f"{what} exited {process.returncode}:\n{output}")


def results_rows(folder: Path) -> dict[str, list[list[str]]]:
    """``results.json`` as rows per top-level key, without what differs between any two runs of one estate
    (the run's id and times, each record's ``collected_at``), for :func:`differences`."""
    data = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    for key in ("id", "started_at", "finished_at"):
        data["run"].pop(key)

    def row(value) -> list[str]:
        if isinstance(value, dict):
            value = {k: v for k, v in value.items() if k != "collected_at"}
        return [json.dumps(value, sort_keys=True, ensure_ascii=False)]

    return {key: [row(v) for v in value] if isinstance(value, list) else [row(value)] for key, value in data.items()}


def run_merge(endpoint: str, regions: tuple[str, ...], count: int) -> bool:
    """The product's path: K ``auditor audit --shard`` commands into one SQLite store, ``auditor report``
    merging them, and an unsharded ``auditor audit``; their ``results.json`` compared."""
    from providers.aws.emulator.server import DUMMY_CREDENTIALS

    with tempfile.TemporaryDirectory(prefix="bench-org-") as folder:
        work = Path(folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "JOB_COMPLETION", "AUDITOR_"))}
        env.update({**DUMMY_CREDENTIALS, "AWS_ENDPOINT_URL": endpoint, "AUDITOR_LANG": "en",
                    "AUDITOR_STORE": str(work / "history.sqlite"), "PYTHONPATH": str(ROOT)})
        audit = ["audit", "--provider", "aws", "--org", "--target", TARGET,
                 *(a for region in regions for a in ("--regions", region))]
        started = time.perf_counter()
        _finish(_auditor([*audit, "--output", str(work / "whole"), "--format", "json"], env), (0, 1),
                "the unsharded auditor audit")
        unsharded = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        shards = [_auditor([*audit, "--shard", f"{k}/{count}", "--run-group", TARGET], env)
                  for k in range(1, count + 1)]
        for k, process in enumerate(shards, start=1):
            _finish(process, (0,), f"auditor audit --shard {k}/{count}")
        sharded = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        _finish(_auditor(["report", "--run-group", TARGET, "--output", str(work / "merged"), "--format", "json"],
                         env), (0, 1), "auditor report --run-group")
        merging = round(time.perf_counter() - started, 1)
        whole, merged = results_rows(work / "whole"), results_rows(work / "merged")
    found = differences(whole, merged)
    print(json.dumps({"merge_path": "auditor audit --shard + auditor report --run-group (SQLite store)",
                      "unsharded_audit_seconds": unsharded, "shard_audits_seconds": sharded,
                      "report_merge_seconds": merging, "findings": len(whole["findings"]),
                      "gaps": len(whole["gaps"])}), flush=True)
    if not found and whole != merged:
        found = ["the same records in another order"]
    print(f"merged results.json identical to the unsharded one: {'no' if found else 'yes'}")
    _show(found)
    return not found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=100, help="accounts in the organisation (1,000 for the issue)")
    parser.add_argument("--regions", default="ap-northeast-1,ap-northeast-3", help="comma-separated regions")
    parser.add_argument("--shards", type=int, default=0, help="also run K shard processes and compare")
    parser.add_argument("--merge", action="store_true",
                        help="with --shards, also run the auditor commands: K shards into a SQLite store and the merge")
    args = parser.parse_args()
    if args.merge and not args.shards:
        parser.error("--merge needs --shards K")
    regions = tuple(r for r in args.regions.split(",") if r)
    context = multiprocessing.get_context("spawn")
    queue, stop = context.Queue(), context.Event()
    server = context.Process(target=_serve, args=(queue, stop, args.accounts), daemon=True)
    server.start()
    same = True
    try:
        endpoint, members, seeding = _answer(queue, [server])
        print(json.dumps({"accounts": len(members) + 1, "regions": regions, "seeding_seconds": seeding}), flush=True)
        server_cpu = cpu_seconds_of(server.pid)
        whole = measure(endpoint, regions)
        print_row({**whole, "emulator_cpu_seconds": _since(server.pid, server_cpu)})
        if args.shards:
            same = run_shards(context, endpoint, regions, args.shards, server.pid, whole)
            if args.merge:
                same = run_merge(endpoint, regions, args.shards) and same
    finally:
        stop.set()
        server.join(timeout=60)
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
