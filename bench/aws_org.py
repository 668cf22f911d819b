"""Benchmark of an AWS organisation audit on the local emulator: accounts reached through org roles.

Seeds an organisation of N accounts on moto (the management account plus N-1 members made with
``organizations:CreateAccount``; each member is reached by assuming ``OrganizationAccountAccessRole``,
as ``--org`` does) and keeps each account small: one EBS volume (every other one unencrypted) and one
S3 bucket in ap-northeast-1. Then it runs the real adapter with ``org`` over the chosen regions and
prints wall time, API requests (in total and per account), peak memory (RSS) and the findings.

    python bench/aws_org.py --accounts 100
    python bench/aws_org.py --accounts 1000 --regions ap-northeast-1,ap-northeast-3
    python bench/aws_org.py --accounts 1000 --shards 4     # each shard in its own process, then compared

With ``--shards N`` the unsharded run is followed by N shard processes running at once (as N machines
or N pods would), each collecting only the accounts ``auditor.shards.shard_of`` assigns to it; the
union of their findings and gaps is compared with the unsharded run's, and each shard's wall time and
peak memory are printed. It needs the scope selection of ``CollectRequest.wants_scope`` and
``auditor.shards``; without them the script says so and stops after the unsharded run.
The emulator and the seeding run in a child process, so the memory measured is the adapter's alone.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SEED_REGION = "ap-northeast-1"
ORG_ROLE = "OrganizationAccountAccessRole"


def _serve(queue, stop, accounts: int) -> None:
    # Without AWS-managed policies each new account's IAM back end is made in milliseconds instead of
    # seconds; the bench accounts attach none, so the audit reads the same.
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "false"
    from providers.aws.emulator import moto_server

    with moto_server() as emulator:
        started = time.perf_counter()
        members = seed(emulator.endpoint_url, accounts)
        queue.put((emulator.endpoint_url, members, round(time.perf_counter() - started, 1)))
        stop.wait()


def _client(endpoint: str, service: str, region: str = SEED_REGION, **credentials: str):
    import boto3
    from botocore.config import Config
    from botocore.handlers import add_expect_header

    from providers.aws.emulator import DUMMY_CREDENTIALS

    keys = credentials or {"aws_access_key_id": DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                           "aws_secret_access_key": DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]}
    client = boto3.client(service, region_name=region, endpoint_url=endpoint,
                          config=Config(retries={"total_max_attempts": 3}, max_pool_connections=16), **keys)
    if service == "s3":
        client.meta.events.unregister("before-call.s3", add_expect_header)
    return client


def seed(endpoint: str, accounts: int) -> list[str]:
    """The organisation: the management account and ``accounts - 1`` members, each with a volume and a bucket."""
    org = _client(endpoint, "organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    members = [org.create_account(Email=f"member-{n:04d}@example.jp", AccountName=f"member-{n:04d}")
               ["CreateAccountStatus"]["AccountId"] for n in range(1, accounts)]
    sts = _client(endpoint, "sts")
    lock = threading.Lock()

    def plant(index: int, account: str) -> None:
        with lock:  # the seeding's clients are not the subject; keep their creation simple
            creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ORG_ROLE}",
                                    RoleSessionName="bench-seed")["Credentials"]
        keys = {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"]}
        _client(endpoint, "ec2", **keys).create_volume(AvailabilityZone=f"{SEED_REGION}a", Size=8,
                                                        Encrypted=index % 2 == 0)
        _client(endpoint, "s3", **keys).create_bucket(
            Bucket=f"bench-org-{account}", CreateBucketConfiguration={"LocationConstraint": SEED_REGION})

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(plant, range(len(members)), members))
    return members


def measure(endpoint: str, regions: tuple[str, ...], shard: tuple[int, int] | None = None) -> dict[str, object]:
    """One organisation collection in this process (or, with ``shard``, the accounts of shard K of N)."""
    from auditor.checks import resource_types_for, run_checks
    from auditor.plugins import CollectRequest
    from providers.aws.emulator import DUMMY_CREDENTIALS
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
        from auditor.shards import shard_of

        index, count = shard
        extra["wants_scope"] = lambda account: shard_of("aws", account, count) == index
    started, cpu = time.perf_counter(), time.process_time()
    collection = provider.collect(CollectRequest(wanted, options, **extra))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    findings = run_checks(provider.checks(), collection.evidence, collection.gaps)
    accounts = sorted({e.scope for e in collection.evidence})
    return {
        "shard": f"{shard[0]}/{shard[1]}" if shard else "unsharded",
        "seconds": round(elapsed, 1),
        "cpu_seconds": round(cpu, 1),
        "accounts_collected": len(accounts),
        "api_requests": requests,
        "requests_per_account": round(requests / max(1, len(accounts)), 1),
        "evidence": len(collection.evidence),
        "gaps": len(collection.gaps),
        "findings": len(findings),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "identity": sorted([f.check_id, f.scope, f.region, f.resource_id, str(f.status)] for f in findings),
        "gap_identity": sorted([g.scope, g.region, g.source, g.error_code] for g in collection.gaps),
    }


def _shard_child(queue, endpoint: str, regions: tuple[str, ...], shard: tuple[int, int]) -> None:
    queue.put(measure(endpoint, regions, shard))


def sharding_available() -> bool:
    import dataclasses

    from auditor.plugins import CollectRequest

    try:
        import auditor.shards  # noqa: F401
    except ImportError:
        return False
    return "wants_scope" in {f.name for f in dataclasses.fields(CollectRequest)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=100, help="accounts in the organisation (1,000 for the issue)")
    parser.add_argument("--regions", default="ap-northeast-1,ap-northeast-3", help="comma-separated regions")
    parser.add_argument("--shards", type=int, default=0, help="also run N shard processes and compare")
    args = parser.parse_args()
    regions = tuple(r for r in args.regions.split(",") if r)
    context = multiprocessing.get_context("spawn")
    queue, stop = context.Queue(), context.Event()
    server = context.Process(target=_serve, args=(queue, stop, args.accounts), daemon=True)
    server.start()
    try:
        endpoint, members, seeding = queue.get(timeout=7200)
        print(json.dumps({"accounts": len(members) + 1, "regions": regions, "seeding_seconds": seeding}))
        whole = measure(endpoint, regions)
        print(json.dumps({k: v for k, v in whole.items() if not k.endswith("identity")}), flush=True)
        if args.shards:
            if not sharding_available():
                print(json.dumps({"shards": "not run: this tree has no CollectRequest.wants_scope / auditor.shards"}))
                return
            results = context.Queue()
            started = time.perf_counter()
            children = [context.Process(target=_shard_child, args=(results, endpoint, regions, (k, args.shards)))
                        for k in range(args.shards)]
            for child in children:
                child.start()
            parts = [results.get(timeout=7200) for _ in children]
            for child in children:
                child.join()
            elapsed = round(time.perf_counter() - started, 1)
            for part in sorted(parts, key=lambda p: p["shard"]):
                print(json.dumps({k: v for k, v in part.items() if not k.endswith("identity")}))
            union = sorted(row for part in parts for row in part["identity"])
            gaps = sorted(row for part in parts for row in part["gap_identity"])
            print(json.dumps({"shards": args.shards, "all_shards_wall_seconds": elapsed,
                              "identical_findings": union == whole["identity"],
                              "identical_gaps": gaps == whole["gap_identity"],
                              "findings_union": len(union), "findings_unsharded": len(whole["identity"])}))
    finally:
        stop.set()
        server.join(timeout=60)


if __name__ == "__main__":
    main()
