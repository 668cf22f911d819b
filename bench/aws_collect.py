"""Benchmark of the AWS collection on the local emulator: wall time, client and emulator CPU, API requests, peak memory.

Seeds an estate of N resources spread over four regions (EBS volumes, security groups, log groups,
DynamoDB tables, S3 buckets, IAM users), then runs the real adapter over every enabled region, optionally
with a fixed latency injected before each request is sent (real AWS from Japan answers in ~20–250 ms).
The emulator and the seeding run in a child process, so the memory measured is the adapter's alone.

    python bench/aws_collect.py --size 100
    python bench/aws_collect.py --size 1000 --latency-ms 100
    python bench/aws_collect.py --size 100 --regions ap-northeast-1,ap-northeast-3,us-east-1,eu-west-1
    python bench/aws_collect.py --size 100 --profile collect.prof --dump collection.json
    python bench/aws_collect.py --size 100 --warm-up    # the emulator's Region back ends built first, untimed

Targets (2 cores): 100 resources across all regions ≤ 20 s at 0 ms (and under 5 s); cost linear in resources;
peak memory ≤ 300 MB at 10,000; with 100 ms latency no more than 3× the zero-latency time.
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

from aws_org import cpu_seconds_of  # bench/ is this script's own directory

SEED_REGIONS = ("ap-northeast-1", "ap-northeast-3", "us-east-1", "eu-west-1")
KINDS = ("volume", "security_group", "log_group", "table", "bucket", "user")


def _serve(queue, stop, size: int) -> None:
    """The emulator and the seeding live in a child process: the parent measures the adapter alone."""
    from providers.aws.emulator.server import moto_server

    with moto_server() as emulator:
        started = time.perf_counter()
        seeded = seed(emulator.endpoint_url, size)
        queue.put((emulator.endpoint_url, seeded, round(time.perf_counter() - started, 1)))
        stop.wait()


def _client(endpoint: str, service: str, region: str):
    import boto3
    from botocore.config import Config
    from botocore.handlers import add_expect_header

    from providers.aws.emulator.server import DUMMY_CREDENTIALS

    client = boto3.client(service, region_name=region, endpoint_url=endpoint,
                          config=Config(retries={"total_max_attempts": 3}, max_pool_connections=16),
                          aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
    if service == "s3":
        client.meta.events.unregister("before-call.s3", add_expect_header)
    return client


def seed(endpoint: str, size: int) -> dict[str, int]:
    """Create ``size`` resources round-robin over kinds and regions; return the count per kind."""
    clients: dict[tuple[str, str], object] = {}
    lock = threading.Lock()

    def client(service: str, region: str):
        with lock:
            if (service, region) not in clients:
                clients[(service, region)] = _client(endpoint, service, region)
            return clients[(service, region)]

    def create(index: int) -> str:
        kind = KINDS[index % len(KINDS)]
        region = SEED_REGIONS[(index // len(KINDS)) % len(SEED_REGIONS)]
        name = f"bench-{index:05d}"
        if kind == "volume":
            client("ec2", region).create_volume(AvailabilityZone=f"{region}a", Size=8, Encrypted=index % 2 == 0)
        elif kind == "security_group":
            client("ec2", region).create_security_group(GroupName=name, Description=name)
        elif kind == "log_group":
            client("logs", region).create_log_group(logGroupName=f"/bench/{name}")
        elif kind == "table":
            client("dynamodb", region).create_table(
                TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
        elif kind == "bucket":
            extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
            client("s3", region).create_bucket(Bucket=name, **extra)
        else:
            client("iam", "us-east-1").create_user(UserName=name)
        return kind

    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(create, range(size)))
    return {kind: made.count(kind) for kind in KINDS}


def measure(endpoint: str, latency_ms: float, regions: tuple[str, ...], *, profile: str = "",
            dump: str = "", server_pid: int = 0) -> dict[str, object]:
    from auditor.checks import resource_types_for
    from auditor.plugins import CollectRequest
    from providers.aws.emulator.server import DUMMY_CREDENTIALS
    from providers.aws.plugin import AwsProvider
    from providers.aws.settings import AwsSettings

    os.environ.update(DUMMY_CREDENTIALS)
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    requests = 0
    counter = threading.Lock()

    def hook(session) -> None:
        def sent(**_) -> None:
            nonlocal requests
            with counter:
                requests += 1
            if latency_ms:
                time.sleep(latency_ms / 1000)

        session.events.register("before-send", sent)

    provider = AwsProvider(AwsSettings(session_hook=hook))
    options = {"regions": regions} if regions else {}
    request = CollectRequest(resource_types_for(provider.checks()), options)
    profilers = _profile_threads() if profile else []
    server_cpu = cpu_seconds_of(server_pid)
    started, cpu = time.perf_counter(), time.process_time()
    collection = provider.collect(request)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = cpu_seconds_of(server_pid)
    if profilers:
        import pstats

        threading.setprofile(None)
        pstats.Stats(*profilers).dump_stats(profile)
    if dump:
        Path(dump).write_text(json.dumps(comparable(collection), ensure_ascii=False, indent=1, sort_keys=True),
                              encoding="utf-8")
    return {
        "seconds": round(elapsed, 2),
        "client_cpu_seconds": round(cpu, 2),
        "emulator_cpu_seconds": None if server_cpu is None or after is None else round(after - server_cpu, 2),
        "api_requests": requests,
        "evidence": len(collection.evidence),
        "gaps": len(collection.gaps),
        "regions": len(collection.scope.regions),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _profile_threads() -> list[object]:
    """cProfile the calling thread and every thread started from now on (the collection's workers)."""
    import cProfile

    profilers: list[object] = []

    def start(*_: object) -> None:
        profiler = cProfile.Profile(time.thread_time)  # CPU of the thread, not the time it waits
        profilers.append(profiler)
        profiler.enable()  # replaces this hook for the thread

    threading.setprofile(start)
    start()
    return profilers


def comparable(collection) -> dict[str, object]:
    """The collection without its times: what two runs over the same estate must agree on."""
    from dataclasses import asdict

    def stripped(item) -> dict[str, object]:
        record = asdict(item)
        record.pop("collected_at", None)
        return record

    def key(record: dict[str, object]) -> str:
        return json.dumps(record, sort_keys=True, default=str)

    return {
        "evidence": sorted((stripped(e) for e in collection.evidence), key=key),
        "gaps": sorted((stripped(g) for g in collection.gaps), key=key),
        "regions": sorted(collection.scope.regions),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100, help="resources to seed (100, 1000, 10000)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="latency injected before each request")
    parser.add_argument("--also-latency-ms", type=float, default=None,
                        help="measure a second time on the same estate with this latency")
    parser.add_argument("--regions", default="", help="comma-separated regions (default: every enabled region)")
    parser.add_argument("--profile", default="", help="write a cProfile of the (first) collection to this file")
    parser.add_argument("--warm-up", action="store_true",
                        help="collect once, untimed, before measuring: moto builds each Region's back ends on their "
                        "first request, which a real cloud never makes anyone wait for")
    parser.add_argument("--dump", default="", help="write the (first) collection's evidence and gaps, without "
                        "collection times, as JSON to this file (to compare two versions)")
    args = parser.parse_args()
    regions = tuple(r for r in args.regions.split(",") if r)
    context = multiprocessing.get_context("spawn")
    queue, stop = context.Queue(), context.Event()
    server = context.Process(target=_serve, args=(queue, stop, args.size), daemon=True)
    server.start()
    try:
        endpoint, seeded, seeding = queue.get(timeout=3600)
        if args.warm_up:
            measure(endpoint, 0.0, regions)
        runs = [measure(endpoint, args.latency_ms, regions, profile=args.profile, dump=args.dump,
                        server_pid=server.pid)]
        if args.also_latency_ms is not None:
            runs.append(measure(endpoint, args.also_latency_ms, regions, server_pid=server.pid))
    finally:
        stop.set()
        server.join(timeout=30)
    latencies = [args.latency_ms] + ([args.also_latency_ms] if args.also_latency_ms is not None else [])
    for latency, run in zip(latencies, runs, strict=True):
        report = {"size": args.size, "seeded": seeded, "seeding_seconds": seeding, "latency_ms": latency,
                  "warm_up": args.warm_up, **run}
        print(json.dumps(report))


if __name__ == "__main__":
    main()
