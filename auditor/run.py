"""Run orchestration: collect with providers, decide with checks, roll up, and write the outputs.

:class:`Catalogue` bundles what is installed (controls, checklists, providers, renderers); the CLI
builds it from entry points and hands it in, tests build their own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.checklists import Checklist, Profile, load_checklist, validate_against_controls
from auditor.checks import Check, resource_types_for, run_checks
from auditor.controls import Control, load_controls
from auditor.errors import AuditorError
from auditor.model import (
    JST,
    Attestation,
    Evidence,
    Gap,
    ProviderScope,
    RiskAcceptance,
    RunInfo,
    RunResult,
    utc_now,
)
from auditor.output import staged_output, write_text_atomic
from auditor.plugins import (
    CollectRequest,
    ProgressCallback,
    Provider,
    Renderer,
    ReportContext,
    ScopeCollection,
    discover_checklist_files,
    discover_providers,
    discover_renderers,
    selects_scopes,
    third_party_providers,
)
from auditor.redaction import REDACTION_KEY, redact_counted, redaction_record
from auditor.risk import apply_risk_acceptances
from auditor.rollup import rollup_checklist, rollup_controls
from auditor.serialize import dumps, results_from_dict, results_to_dict, snapshot_to_dict
from auditor.unreadable import details_of_snapshot

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
    """The raw outcome of collection: what a snapshot stores.

    ``planned`` names, per provider, every scope found (collected or not), in the provider's order.
    """

    run: RunInfo
    evidence: tuple[Evidence, ...]
    gaps: tuple[Gap, ...]
    planned: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class ScopePlan:
    """Which scopes to collect (``wants(provider, scope)``), where each completed one is reported, and
    the scopes an earlier attempt of the same run already collected (``restored``, kept as they are)."""

    wants: Callable[[str, str], bool]
    done: Callable[[ScopeCollection], None] | None = None
    restored: tuple[ScopeCollection, ...] = ()


def assemble_scope(base: ProviderScope, planned: Sequence[str], parts: Sequence[ScopeCollection],
                   extra: Sequence[str] = ()) -> ProviderScope:
    """One provider's scope from scopes collected separately: in the provider's own (``planned``) order,
    regions the union of theirs, plus ``extra`` scopes that were not collected at all."""
    present = set(base.scopes) | {p.scope for p in parts} | set(extra)
    ordered = [s for s in planned if s in present]
    ordered += sorted(present - set(ordered))
    regions = set(base.regions).union(*(p.regions for p in parts))
    return replace(base, scopes=tuple(ordered), regions=tuple(sorted(regions)))


def cannot_select(name: str) -> AuditorError:
    """The refusal of ``--shard`` / ``--resume`` for a provider that collects every scope it can reach."""
    return AuditorError(
        "raw",
        ja=f"プロバイダ {name} は収集するアカウント（スコープ）を選べないため、--shard と --resume は使えません。",
        en=f"Provider {name} cannot select which scopes to collect, so --shard and --resume do not work with it.",
    )


def _selecting(provider: Provider, name: str, plan: ScopePlan, request: CollectRequest) -> CollectRequest:
    if not selects_scopes(provider):
        raise cannot_select(name)
    return replace(request, wants_scope=lambda scope: plan.wants(name, scope), scope_done=plan.done)


def collect(
    catalogue: Catalogue,
    provider_names: Sequence[str],
    options: Mapping[str, Any],
    progress: ProgressCallback | None = None,
    *,
    target: str = "",
    demo: bool = False,
    profile: Profile | None = None,
    plan: ScopePlan | None = None,
    run_id: str = "",
    started_at: datetime | None = None,
) -> Collected:
    """Ask each provider for the evidence its checks read. Providers record denied calls as gaps.

    With a ``plan`` only the scopes it wants are collected, and its ``restored`` scopes join the result
    as if collected now (a resumed run keeps its ``run_id`` and ``started_at``).
    """
    started = started_at or utc_now()
    evidence: list[Evidence] = []
    gaps: list[Gap] = []
    scopes: list[ProviderScope] = []
    planned: dict[str, tuple[str, ...]] = {}
    for name in provider_names:
        provider = catalogue.provider(name)
        request = CollectRequest(resource_types_for(provider.checks()), options, _labelled(progress, name))
        if plan is not None:
            request = _selecting(provider, name, plan, request)
        collection = provider.collect(request)
        restored = [part for part in (plan.restored if plan else ()) if part.provider == name]
        evidence.extend(record for part in restored for record in part.evidence)
        gaps.extend(g for part in restored for g in part.gaps)
        evidence.extend(collection.evidence)
        gaps.extend(collection.gaps)
        planned[name] = collection.planned or collection.scope.scopes
        scopes.append(assemble_scope(collection.scope, planned[name], restored) if restored else collection.scope)
    run = RunInfo(
        run_id=run_id or new_run_id(started),
        started_at=started,
        finished_at=utc_now(),
        tool_version=__version__,
        providers=tuple(scopes),
        profile=dict((profile or Profile()).values),
        demo=demo,
        target=target,
        third_party_providers={n: o for n, o in third_party_providers().items() if n in provider_names},
    )
    return Collected(run, tuple(evidence), tuple(gaps), planned)


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
    gaps = tuple(sorted(collected.gaps, key=gap_order))
    return RunResult(run, tuple(findings), gaps, tuple(controls), results, accepted)


def gap_order(gap: Gap) -> tuple:
    """Gaps in a stable order (by provider, scope, region, call), whatever order the collection finished in."""
    return (gap.provider, gap.scope, gap.region, gap.source, gap.resource_types, gap.error_code, gap.message)


def audit_day(moment: datetime) -> date:
    """The calendar day in Japan on which an audit ran (dates in answer files are Japanese dates)."""
    return moment.astimezone(JST).date()


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
        context = ReportContext(published, catalogue.controls, used, lang, previous, staging / SNAPSHOT_FILE,
                                details_of_snapshot(snapshot))
        for name in formats:
            if name != "json":
                catalogue.renderers[name].render(context, staging)
        if after_render is not None:
            after_render(staging)
        written = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
    return Written(tuple(directory / p for p in written), in_results + in_snapshot)
