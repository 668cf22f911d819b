"""Render every report format for a 10,000-finding run and print the time each takes (target: < 10 s in all).

Usage: python bench/report_render.py [--findings N] [--keep DIR]

The run is decided by the real core (auditor.run.evaluate) from generated evidence: three clouds, one
check per control and cloud, every fifth resource failing, some unknown, plus gaps — against the five
checklists in mappings/.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.bundle import write_bundle  # noqa: E402
from auditor.checklists import Profile, load_checklist  # noqa: E402
from auditor.checks import Check, Verdict, need  # noqa: E402
from auditor.controls import load_controls  # noqa: E402
from auditor.model import Evidence, Gap, ProviderScope, RunInfo  # noqa: E402
from auditor.plugins import ReportContext  # noqa: E402
from auditor.run import Catalogue, Collected, evaluate  # noqa: E402
from auditor.serialize import dumps, results_to_dict  # noqa: E402
from reports.csv_report import renderer as csv_renderer  # noqa: E402
from reports.excel import renderer as excel_renderer  # noqa: E402
from reports.html import renderer as html_renderer  # noqa: E402

T0 = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
REGIONS = {"aws": ("ap-northeast-1", "ap-northeast-3", "us-east-1"), "azure": ("japaneast", "japanwest"),
           "gcp": ("asia-northeast1", "asia-northeast2")}


def _decide(e: Evidence) -> Verdict:
    ok = need(e, "ok")
    observed = {"setting": e.attributes.get("setting"), "ok": ok, "tags": {"Name": e.name, "env": "prod"}}
    return Verdict.of(bool(ok), "設定は基準を満たす", "設定が基準を満たさない", observed)


@dataclass(frozen=True)
class BenchProvider:
    name: str
    checks_: tuple[Check, ...]
    title: str = ""
    options: Sequence[Any] = ()
    manual: Mapping[str, str] = field(default_factory=dict)

    def checks(self):
        return self.checks_

    def not_automated(self):
        return self.manual

    def collect(self, request):
        raise NotImplementedError("the bench decides generated evidence")

    def permissions(self, checks, options, fmt):
        return ""


def build(findings: int):
    controls = load_controls()
    checklists = {c.id: c for c in (load_checklist(p) for p in sorted((ROOT / "mappings").glob("*.yaml")))}
    automated = [c for c in controls.values() if not c.inherited]
    providers, evidence, gaps = {}, [], []
    per_check = max(1, findings // (len(automated) * len(REGIONS)))
    for provider, regions in REGIONS.items():
        checks = tuple(
            Check(f"{provider}.{c.id}.check", c.id, provider, f"{provider}.{c.id}.resource", (f"{provider}:Read{n}",),
                  "基準を満たす設定", _decide)
            for n, c in enumerate(automated)
        )
        providers[provider] = BenchProvider(provider, checks)
        for check in checks:
            for i in range(per_check):
                region = regions[i % len(regions)]
                unreadable = {"ok": "AccessDenied"} if i % 37 == 0 else {}
                evidence.append(Evidence(
                    provider, f"{provider}-scope", region, check.resource_type, f"{check.resource_type}/r-{i:05d}",
                    f"{provider}:Describe", T0 + timedelta(seconds=i), {"ok": i % 5 != 0, "setting": f"v{i % 7}"},
                    unreadable, {"Id": f"r-{i:05d}", "Password": "never-in-a-bundle"}, f"resource-{i:05d}",
                ))
        gaps.append(Gap(provider, f"{provider}-scope", regions[0], f"{provider}:ListThings",
                        (checks[0].resource_type,), "AccessDenied", "denied", f"{provider}:ListThings", T0))
    run = RunInfo("bench-run", T0, T0 + timedelta(minutes=5), "bench",
                  tuple(ProviderScope(p, (f"{p}-scope",), {"who": "bench"}, REGIONS[p]) for p in REGIONS),
                  target="ベンチマーク")
    catalogue = Catalogue(controls, checklists, providers, {})
    collected = Collected(run, tuple(evidence), tuple(gaps))
    result = evaluate(catalogue, collected, list(checklists.values()), Profile(), {})
    return catalogue, collected, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, default=None, help="keep the rendered reports in this folder")
    args = parser.parse_args()
    started = time.perf_counter()
    catalogue, collected, result = build(args.findings)
    print(f"decided {len(result.findings)} findings, {len(result.gaps)} gaps, "
          f"{sum(len(c.items) for c in result.checklists)} items in {time.perf_counter() - started:.2f} s")
    directory = args.keep or Path(tempfile.mkdtemp(prefix="report-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    context = ReportContext(result, catalogue.controls, catalogue.checklists, "ja", None, None)
    timings: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def timed(name, action):
        wall, processor = time.perf_counter(), time.process_time()
        action()
        timings[name], cpu[name] = time.perf_counter() - wall, time.process_time() - processor

    timed("json", lambda: (directory / "results.json").write_text(dumps(results_to_dict(result)), encoding="utf-8"))
    for renderer in (html_renderer, excel_renderer, csv_renderer):
        timed(renderer.name, lambda r=renderer: r.render(context, directory))
    from auditor.serialize import snapshot_to_dict

    (directory / "snapshot.json").write_text(
        json.dumps(snapshot_to_dict(collected.run, collected.evidence, collected.gaps), ensure_ascii=False),
        encoding="utf-8")
    timed("bundle", lambda: write_bundle(directory))
    for name, seconds in timings.items():
        print(f"{name:>7}: {seconds:6.2f} s wall, {cpu[name]:6.2f} s CPU")
    formats = sum(v for k, v in timings.items() if k != "bundle")
    print(f"  total: {formats:6.2f} s for every format (target < 10 s); bundle {timings['bundle']:.2f} s")
    sizes = {p.name: p.stat().st_size for p in directory.iterdir() if p.is_file()}
    print("  sizes: " + ", ".join(f"{n} {s / 1e6:.1f} MB" for n, s in sorted(sizes.items())))
    if args.keep is None:
        shutil.rmtree(directory, ignore_errors=True)
    return 0 if formats < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
