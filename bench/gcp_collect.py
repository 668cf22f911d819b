"""Benchmark: collect a GCP organisation of 1,000 and 10,000 resources (20 projects) from the local emulator.

Prints wall time and the number of requests per API. Cloud Asset requests grow with pages of up to
1,000 assets (one paged listing per content type), not with resources or asset types; the REST
follow-ups grow with projects (Cloud IDS, Security Command Center), with zones that run VMs (OS
Config) and with administrator users (Admin SDK), never with the number of resources.

    python bench/gcp_collect.py [SIZE ...]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import Counter

from auditor.checks import resource_types_for, run_checks
from auditor.plugins import CollectRequest
from providers.gcp.checks import CHECKS
from providers.gcp.collect import collect
from providers.gcp.emulator.estate import Estate
from providers.gcp.emulator.samples import scaled_estate
from providers.gcp.emulator.server import GoogleApisEmulator

PROJECTS = 20
AUDITOR = "bench-auditor@bench-host.iam.gserviceaccount.com"


def measure(size: int) -> dict:
    estate = Estate()
    organization = scaled_estate(estate, size, PROJECTS)
    resources = sum(1 for a in estate.assets.values()
                    if "resource" in a and not a["assetType"].startswith("cloudresourcemanager.googleapis.com/O"))
    with GoogleApisEmulator(estate) as emulator, tempfile.TemporaryDirectory() as folder:
        key_file = os.path.join(folder, "key.json")
        with open(key_file, "w", encoding="utf-8") as handle:
            json.dump(emulator.service_account_info(AUDITOR), handle)
        environ = {**emulator.environment(), "GOOGLE_APPLICATION_CREDENTIALS": key_file}
        saved = {k: os.environ.get(k) for k in environ}
        os.environ.update(environ)
        try:
            request = CollectRequest(resource_types_for(CHECKS), {"organization": (organization,)})
            started = time.perf_counter()
            collection = collect(request)
            collected = time.perf_counter() - started
            findings = run_checks(CHECKS, collection.evidence, collection.gaps)
            decided = time.perf_counter() - started - collected
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        by_api = Counter(r.api for r in emulator.requests if r.method == "GET")
        pages = Counter(r.query.get("contentType", ["?"])[0] for r in emulator.requests if r.api == "asset")
    return {
        "resources": resources, "projects": PROJECTS, "collect_s": round(collected, 2), "checks_s": round(decided, 2),
        "requests": sum(by_api.values()), "asset_pages": sum(pages.values()),
        "resource_pages": pages.get("1", 0), "ids": by_api.get("ids", 0),
        "scc": by_api.get("securitycentermanagement", 0), "osconfig": by_api.get("osconfig", 0),
        "admin": by_api.get("admin", 0), "acm": by_api.get("accesscontextmanager", 0),
        "token": len(emulator.token_requests), "evidence": len(collection.evidence), "findings": len(findings),
        "gaps": len(collection.gaps),
    }


def main(sizes: list[int]) -> None:
    columns = ("resources", "projects", "collect_s", "checks_s", "requests", "asset_pages", "resource_pages", "ids",
               "scc", "osconfig", "admin", "acm", "token", "evidence", "findings", "gaps")
    print(" | ".join(columns))
    for size in sizes:
        row = measure(size)
        print(" | ".join(str(row[c]) for c in columns), flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
