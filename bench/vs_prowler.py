"""Side-by-side with Prowler on one planted moto estate: wall time and HTTP requests of each tool, one run.

Prowler is installed from the package index into its own venv (``bench/.venv-prowler``, git-ignored;
made on first use, ``--prowler-version`` pins it). The estate is the one ``bench/aws_collect.py``
plants (volumes, security groups, log groups, DynamoDB tables, S3 buckets, IAM users over four
regions), on one moto server in a child process. Both tools reach it through the same small
counting reverse proxy on 127.0.0.1 (``AWS_ENDPOINT_URL`` points at the proxy), so their requests are
counted the same way: every HTTP request either tool sends, per AWS service (from the signature's
credential scope). Each tool runs as its own command line, start-up included, over the same regions:

    python bench/vs_prowler.py
    python bench/vs_prowler.py --size 1000 --regions ap-northeast-1,ap-northeast-3
    python bench/vs_prowler.py --prowler-version 5.46.0

Prowler runs every AWS check it has (its default) in those regions; this tool runs every check it has
(its default). What each covers differs, so the ratios compare the cost of one full audit each.
moto answers an API it lacks with HTTP 500 (CloudTrail ``LookupEvents``, which Prowler's threat
detection checks call again and again, is one); botocore retries a 500 with growing back-off, so with
retries on, Prowler's wall time measures moto's gaps and back-off sleeps rather than the audit. Both
tools therefore make one attempt per call (``AUDITOR_MAX_ATTEMPTS=1``, ``--aws-retries-max-attempts 0``)
unless ``--keep-retries`` is given.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PROWLER_VENV = ROOT / "bench" / ".venv-prowler"
SCOPE = re.compile(r"Credential=[^/]+/[0-9]+/([^/]+)/([^/]+)/")
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


class Counter:
    """Requests seen by the proxy, per tool and per service."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.phase = "none"
        self.by_phase: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)

    def count(self, service: str) -> None:
        with self.lock:
            self.by_phase[self.phase][service] += 1

    def total(self, phase: str) -> int:
        return sum(self.by_phase[phase].values())


def proxy(upstream: str, counter: Counter) -> ThreadingHTTPServer:
    """A counting reverse proxy on a free loopback port in front of ``upstream`` (http://host:port)."""
    host, port = upstream.removeprefix("http://").split(":")
    local = threading.local()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args) -> None:  # quiet
            pass

        def _forward(self) -> None:
            match = SCOPE.search(self.headers.get("Authorization", ""))
            counter.count(match.group(2) if match else "unsigned")
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP and k.lower() != "expect"}
            for attempt in range(2):
                connection = getattr(local, "connection", None)
                if connection is None:
                    connection = local.connection = http.client.HTTPConnection(host, int(port), timeout=300)
                try:
                    connection.request(self.command, self.path, body=body, headers=headers)
                    answer = connection.getresponse()
                    payload = answer.read()
                    break
                except (http.client.HTTPException, OSError):
                    connection.close()
                    local.connection = None
                    if attempt:
                        raise
            self.send_response_only(answer.status, answer.reason)
            for key, value in answer.getheaders():
                if key.lower() not in HOP and key.lower() != "content-length":
                    self.send_header(key, value)
            length = answer.getheader("Content-Length") if self.command == "HEAD" else str(len(payload))
            self.send_header("Content-Length", length or "0")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _forward

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _serve_quietly(queue, stop, size: int) -> None:
    """The emulator and the planting of ``bench/aws_collect.py``; moto prints a line on stdout for every
    request to a service it lacks (Prowler asks for many), so its stdout goes to /dev/null."""
    import aws_collect

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
    aws_collect._serve(queue, stop, size)


def prowler_command(version: str | None) -> Path:
    """``prowler`` in its own venv, made and installed from the package index when missing."""
    executable = PROWLER_VENV / "bin" / "prowler"
    if not executable.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PROWLER_VENV)], check=True)
        spec = f"prowler=={version}" if version else "prowler"
        subprocess.run([str(PROWLER_VENV / "bin" / "python"), "-m", "pip", "install", "-q", spec], check=True)
    return executable


def run_tool(name: str, command: list[str], env: dict[str, str], counter: Counter, log: Path) -> dict[str, object]:
    counter.phase = name
    started = time.perf_counter()
    with log.open("w") as out:
        done = subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=log.parent)
    seconds = time.perf_counter() - started
    counter.phase = "none"
    return {"tool": name, "seconds": round(seconds, 1), "exit_code": done.returncode,
            "requests": counter.total(name), "by_service": dict(counter.by_phase[name].most_common()),
            "log": str(log)}


def prowler_findings(folder: Path) -> dict[str, int]:
    """PASS / FAIL / MANUAL rows of Prowler's findings CSV (not the per-framework compliance CSVs)."""
    import csv

    statuses: collections.Counter = collections.Counter()
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8", errors="replace", newline="") as rows:
            for row in csv.DictReader(rows, delimiter=";"):
                statuses[row.get("STATUS", "")] += 1
    return dict(statuses)


def auditor_findings(folder: Path) -> dict[str, int]:
    statuses: collections.Counter = collections.Counter()
    path = folder / "results.json"
    if path.exists():
        for finding in json.loads(path.read_text(encoding="utf-8")).get("findings", []):
            statuses[str(finding.get("status"))] += 1
    return dict(statuses)


def main() -> None:
    import aws_collect

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100, help="resources to plant (as bench/aws_collect.py)")
    parser.add_argument("--regions", default=",".join(aws_collect.SEED_REGIONS), help="comma-separated regions")
    parser.add_argument("--prowler-version", default=None, help="prowler version to install (default: latest)")
    parser.add_argument("--keep-retries", action="store_true",
                        help="each tool's own retries (default: one attempt per call for both, see below)")
    args = parser.parse_args()
    regions = [r for r in args.regions.split(",") if r]
    prowler = prowler_command(args.prowler_version)
    version = subprocess.run([str(prowler), "--version"], capture_output=True, text=True).stdout.strip()
    context = multiprocessing.get_context("spawn")
    queue, stop = context.Queue(), context.Event()
    server = context.Process(target=_serve_quietly, args=(queue, stop, args.size), daemon=True)
    server.start()
    counter = Counter()
    try:
        endpoint, seeded, seeding = queue.get(timeout=3600)
        front = proxy(endpoint, counter)
        url = f"http://127.0.0.1:{front.server_address[1]}"
        from providers.aws.emulator.server import DUMMY_CREDENTIALS

        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(DUMMY_CREDENTIALS, AWS_ENDPOINT_URL=url, AWS_REGION=DUMMY_CREDENTIALS["AWS_DEFAULT_REGION"])
        print(json.dumps({"size": args.size, "seeded": seeded, "seeding_seconds": seeding, "regions": regions,
                          "prowler": version, "load_average": [round(x, 2) for x in os.getloadavg()]}), flush=True)
        with tempfile.TemporaryDirectory(prefix="vs-prowler-") as scratch:
            work = Path(scratch)
            ours = work / "auditor-report"
            auditor = [str(Path(sys.executable).with_name("auditor")), "audit", "-p", "aws",
                       "--regions", ",".join(regions), "-o", str(ours), "--format", "json", "--no-history"]
            if not args.keep_retries:
                env["AUDITOR_MAX_ATTEMPTS"] = "1"
            mine = run_tool("auditor", auditor, env, counter, work / "auditor.log")
            mine["findings"] = auditor_findings(ours)
            print(json.dumps(mine), flush=True)
            theirs_out = work / "prowler-output"
            theirs_cmd = [str(prowler), "aws", "--region", *regions, "--no-banner", "--no-color", "-M", "csv",
                          "-o", str(theirs_out), "--ignore-exit-code-3"]
            if not args.keep_retries:
                theirs_cmd += ["--aws-retries-max-attempts", "0"]
            theirs = run_tool("prowler", theirs_cmd, env, counter, work / "prowler.log")
            theirs["findings"] = prowler_findings(theirs_out)
            if theirs["exit_code"] not in (0, 3):
                theirs["log_tail"] = (work / "prowler.log").read_text(errors="replace").splitlines()[-15:]
            print(json.dumps(theirs), flush=True)
            print(json.dumps({
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "wall_time_ratio_prowler_over_auditor": round(theirs["seconds"] / max(mine["seconds"], 0.01), 1),
                "request_ratio_prowler_over_auditor": round(theirs["requests"] / max(mine["requests"], 1), 1),
            }))
        front.shutdown()
    finally:
        stop.set()
        server.join(timeout=30)


if __name__ == "__main__":
    main()
