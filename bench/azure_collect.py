"""Benchmark: collect an Azure estate of 1,000 and 10,000 resources (5 subscriptions) from the local emulator.

Prints wall time and the number of requests per service. Resource Graph requests grow with pages of
1,000 rows per query, not with resources; ARM follow-ups grow with subscriptions, Recovery Services
vaults and SQL databases (TDE is kept by Azure only as a child of each database).

    python bench/azure_collect.py [SIZE ...]
"""

from __future__ import annotations

import sys
import time

from auditor.checks import resource_types_for
from auditor.plugins import CollectRequest
from providers.azure.checks import CHECKS
from providers.azure.collect import collect
from providers.azure.emulator.samples import scaled_estate
from providers.azure.emulator.server import running
from providers.azure.settings import Settings

SUBSCRIPTIONS = 5


def measure(size: int) -> dict:
    estate = scaled_estate(size, SUBSCRIPTIONS)
    databases = sum(1 for r in estate.resources.values()
                    if r["type"] == "Microsoft.Sql/servers/databases" and r["name"] != "master")
    with running(estate) as emulator:
        options = emulator.options()
        request = CollectRequest(resource_types_for(CHECKS), options)
        started = time.perf_counter()
        collection = collect(request, Settings.from_options(options, environ={}))
        elapsed = time.perf_counter() - started
        counts = dict(emulator.traffic.counts)
        tde = sum(1 for _, path in emulator.traffic.lines if path.endswith("/transparentDataEncryption/current"))
    return {
        "resources": len(estate.resources), "subscriptions": SUBSCRIPTIONS, "seconds": round(elapsed, 2),
        "requests": sum(counts.values()), "resourcegraph": counts.get("resourcegraph", 0),
        "arm": counts.get("arm", 0), "arm_tde": tde, "sql_databases": databases, "graph": counts.get("graph", 0),
        "token": counts.get("token", 0), "evidence": len(collection.evidence), "gaps": len(collection.gaps),
    }


def main(sizes: list[int]) -> None:
    columns = ("resources", "subscriptions", "seconds", "requests", "resourcegraph", "arm", "arm_tde",
               "sql_databases", "graph", "token", "evidence", "gaps")
    print(" | ".join(columns))
    for size in sizes:
        row = measure(size)
        print(" | ".join(str(row[c]) for c in columns), flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
