"""Run orchestration: collect with providers, decide with checks, roll up, and write the outputs.

:class:`Catalogue` bundles what is installed (controls, checklists, providers, renderers); the CLI
builds it from entry points and hands it in, tests build their own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.checklists import Checklist, Profile, load_checklist, validate_against_controls
from auditor.checks import Check, resource_types_for, run_checks
from auditor.controls import Control, load_controls
from auditor.errors import AuditorError
from auditor.model import Attestation, Evidence, Gap, ProviderScope, RiskAcceptance, RunInfo, RunResult, utc_now
from auditor.output import staged_output, write_text_atomic
from auditor.plugins import (
    CollectRequest,
    ProgressCallback,
    Provider,
    Renderer,
    ReportContext,
    discover_checklist_files,
    discover_providers,
    discover_renderers,
    third_party_providers,
)
from auditor.redaction import REDACTION_KEY, redact_counted, redaction_record
from auditor.risk import apply_risk_acceptances
from auditor.rollup import rollup_checklist, rollup_controls
from auditor.serialize import dumps, results_from_dict, results_to_dict, snapshot_to_dict

RESULTS_FILE = "results.json"
SNAPSHOT_FILE = "snapshot.json"


@dataclass(frozen=True)
class Catalogue:
    """Everything installed: the control catalogue, checklists, providers and report formats."""

    controls: Mapping[str, Control]
    checklists: Mapping[str, Checklist]
    providers: Mapping[str, Provider] = field(default_factory=dict)
    renderers: Mapping[str, Renderer] = field(default_factory=dict)

    def checks(self, provider_names: Sequence[str] | None = None) -> list[Check]:
        names = provider_names if provider_names is not None else list(self.providers)
        return [check for name in names for check in self.providers[name].checks()]

    def select_checklists(self, ids: Sequence[str]) -> list[Checklist]:
        if not ids:
            return list(self.checklists.values())
        unknown = [i for i in ids if i not in self.checklists]
        if unknown:
            raise AuditorError("unknown_checklist", checklist=unknown[0], known=", ".join(self.checklists))
        return [self.checklists[i] for i in ids]

    def provider(self, name: str) -> Provider:
        if name not in self.providers:
            raise AuditorError("unknown_provider", provider=name, known=", ".join(self.providers) or "-")
        return self.providers[name]


def load_catalogue() -> Catalogue:
    """Build the catalogue from the installed entry points."""
    controls = load_controls()
    checklists: dict[str, Checklist] = {}
    for path in discover_checklist_files():
        checklist = load_checklist(path)
        validate_against_controls(checklist, controls)
        checklists[checklist.id] = checklist
    return Catalogue(controls, checklists, discover_providers(), discover_renderers())


@dataclass(frozen=True)
class Written:
    """The files :func:`write_outputs` wrote, and how many secret values it redacted from them."""

    paths: tuple[Path, ...]
    redacted: int


@dataclass(frozen=True)
class Collected:
    """The raw outcome of collection: what a snapshot stores."""

    run: RunInfo
    evidence: tuple[Evidence, ...]
    gaps: tuple[Gap, ...]


def collect(
    catalogue: Catalogue,
    provider_names: Sequence[str],
    options: Mapping[str, Any],
    progress: ProgressCallback | None = None,
    *,
    target: str = "",
    demo: bool = False,
    profile: Profile | None = None,
) -> Collected:
    """Ask each provider for the evidence its checks read. Providers record denied calls as gaps."""
    started = utc_now()
    evidence: list[Evidence] = []
    gaps: list[Gap] = []
    scopes: list[ProviderScope] = []
    for name in provider_names:
        provider = catalogue.provider(name)
        request = CollectRequest(resource_types_for(provider.checks()), options, _labelled(progress, name))
        collection = provider.collect(request)
        evidence.extend(collection.evidence)
        gaps.extend(collection.gaps)
        scopes.append(collection.scope)
    run = RunInfo(
        run_id=new_run_id(started),
        started_at=started,
        finished_at=utc_now(),
        tool_version=__version__,
        providers=tuple(scopes),
        profile=dict((profile or Profile()).values),
        demo=demo,
        target=target,
        third_party_providers={n: o for n, o in third_party_providers().items() if n in provider_names},
    )
    return Collected(run, tuple(evidence), tuple(gaps))


def unread_kinds(catalogue: Catalogue, collected: Collected) -> list[str]:
    """The kinds of record in ``collected`` when no check of its providers reads any of them, else ``[]``.

    Such a snapshot (made by another tool, or by a provider version whose checks are gone) would be
    decided as "nothing found" — a pass by omission — so the caller refuses it instead.
    """
    kinds = {e.resource_type for e in collected.evidence} | {t for g in collected.gaps for t in g.resource_types}
    providers = [scope.provider for scope in collected.run.providers]
    for name in providers:
        catalogue.provider(name)
    if not kinds or kinds & resource_types_for(catalogue.checks(providers)):
        return []
    return sorted(kinds)


def _labelled(progress: ProgressCallback | None, provider: str) -> ProgressCallback | None:
    """Progress of one provider, its labels prefixed with the provider's name."""
    if progress is None:
        return None
    return lambda done, total, label: progress(done, total, f"{provider} {label}")


def new_run_id(started) -> str:
    return f"{started.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"


def evaluate(
    catalogue: Catalogue,
    collected: Collected,
    checklists: Sequence[Checklist],
    profile: Profile,
    attestations: Mapping[tuple[str, str], Attestation],
    risk_acceptances: Sequence[RiskAcceptance] = (),
) -> RunResult:
    """Decide every check, roll up controls and items. Pure: no cloud, no clock, no files.

    Dates in attestations and risk acceptances are judged against the day the audit ran (JST), so a
    re-evaluation of the same snapshot decides the same way whenever it is made.
    """
    provider_names = [scope.provider for scope in collected.run.providers]
    for name in provider_names:
        catalogue.provider(name)
    findings = sorted(
        run_checks(catalogue.checks(provider_names), collected.evidence, collected.gaps),
        key=lambda f: (f.control_id, f.provider, f.scope, f.region, f.check_id, f.resource_id),
    )
    not_automated = {name: catalogue.providers[name].not_automated() for name in provider_names}
    controls = rollup_controls(findings, catalogue.controls, provider_names, not_automated)
    as_of = audit_day(collected.run.started_at)
    results = tuple(rollup_checklist(c, controls, profile, attestations, as_of) for c in checklists)
    run = replace(collected.run, profile=dict(profile.values))
    accepted = apply_risk_acceptances(risk_acceptances, findings, as_of)
    return RunResult(run, tuple(findings), collected.gaps, tuple(controls), results, accepted)


def audit_day(moment: datetime) -> date:
    """The calendar day in Japan on which an audit ran (dates in answer files are Japanese dates)."""
    return (moment.astimezone(UTC) + timedelta(hours=9)).date()


def write_outputs(
    catalogue: Catalogue,
    collected: Collected,
    result: RunResult,
    directory: Path,
    formats: Sequence[str],
    lang: str,
    *,
    previous: RunResult | None = None,
    after_render: Callable[[Path], None] | None = None,
) -> Written:
    """Write results.json, snapshot.json and each chosen format, all-or-nothing.

    Secrets are redacted (:mod:`auditor.redaction`) before anything is written, and the reports are
    rendered from the redacted results, so that every file says the same and none carries a secret;
    snapshot.json records how many values were redacted.
    """
    unknown = [f for f in formats if f not in catalogue.renderers and f != "json"]
    if unknown:
        raise AuditorError("unknown_format", format=unknown[0], known=", ".join(["json", *catalogue.renderers]))
    results, in_results = redact_counted(results_to_dict(result))
    snapshot, in_snapshot = redact_counted(snapshot_to_dict(collected.run, collected.evidence, collected.gaps))
    snapshot[REDACTION_KEY] = redaction_record({RESULTS_FILE: in_results, SNAPSHOT_FILE: in_snapshot})
    published = results_from_dict(results) if in_results else result
    with staged_output(directory) as staging:
        write_text_atomic(staging / RESULTS_FILE, dumps(results))
        write_text_atomic(staging / SNAPSHOT_FILE, dumps(snapshot))
        used = {c.checklist_id: catalogue.checklists[c.checklist_id] for c in published.checklists}
        context = ReportContext(published, catalogue.controls, used, lang, previous, staging / SNAPSHOT_FILE)
        for name in formats:
            if name != "json":
                catalogue.renderers[name].render(context, staging)
        if after_render is not None:
            after_render(staging)
        written = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
    return Written(tuple(directory / p for p in written), in_results + in_snapshot)
