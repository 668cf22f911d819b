"""The GCP provider object named by the ``auditor.providers`` entry point (cheap to import).

Checks and options are pure; ``collect`` imports the Google libraries only when it runs, and
``demo_estate`` starts the local emulator seeded with a sample estate.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from auditor.checks import Check
from auditor.plugins import Collection, CollectRequest, DemoEstate, ProviderOption
from providers.gcp.checks import CHECKS, NOT_AUTOMATED
from providers.gcp.options import OPTIONS


class GcpProvider:
    name = "gcp"
    title = "Google Cloud"
    options: Sequence[ProviderOption] = OPTIONS

    def checks(self) -> Sequence[Check]:
        return CHECKS

    def not_automated(self) -> Mapping[str, str]:
        return NOT_AUTOMATED

    def collect(self, request: CollectRequest) -> Collection:
        from providers.gcp.collector import collect

        return collect(request)

    def permissions(self, checks: Sequence[Check], options: Mapping[str, Any], fmt: str, lang: str = "ja") -> str:
        from providers.gcp.permissions import render

        return render([c for c in checks if c.provider == self.name], options, fmt, lang)

    @contextmanager
    def demo_estate(self) -> Iterator[DemoEstate]:
        """The demo estate on the local Google APIs emulator (``auditor demo``); stopped on exit."""
        from providers.gcp.demo import DESCRIPTION_EN, DESCRIPTION_JA, PLANTED, seed_demo_estate
        from providers.gcp.emulator import demo_emulator

        with demo_emulator(seed_demo_estate) as demo:
            yield DemoEstate(
                options={"organization": (demo.organization.removeprefix("organizations/"),)},
                environment=dict(demo.environment),
                description_ja=DESCRIPTION_JA,
                description_en=DESCRIPTION_EN,
                planted_ja=tuple(ja for ja, _ in PLANTED),
                planted_en=tuple(en for _, en in PLANTED),
            )


provider = GcpProvider()
