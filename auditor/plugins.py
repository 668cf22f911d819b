"""The interfaces providers and renderers implement, and their discovery through entry points.

The core never imports ``providers`` or ``reports``: it finds them through the entry-point groups
``auditor.providers`` (an object implementing :class:`Provider`), ``auditor.reports`` (a
:class:`Renderer`) and ``auditor.checklists`` (a package whose folder holds checklist YAML files).
A city or a vendor can add any of the three as a separate package.

Provider modules named by an entry point must import cheaply: load the cloud SDK inside
``collect``, not at import time, so that ``auditor evaluate`` and ``auditor checklists`` work
without touching any SDK.

A name this distribution registers (``aws``, ``html`` …) cannot be taken over silently: when
another installed package registers the same name in the same group, the built-in one is used and
a warning says so, unless ``AUDITOR_ALLOW_PLUGIN_OVERRIDE`` names it (comma-separated names, e.g.
``aws``), in which case the other package's plugin is used, also with a warning. Every provider
from another distribution is listed by :func:`third_party_providers`, so the run records it.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from auditor.checks import Check
from auditor.model import Evidence, Gap, ProviderScope, Said
from auditor.unreadable import UnreadableDetail

if TYPE_CHECKING:
    from auditor.checklists import Checklist
    from auditor.controls import Control
    from auditor.model import RunResult

#: ``progress(done, total, label)`` — adapters report collection progress through this.
ProgressCallback = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ProviderOption:
    """A command-line option a provider adds to ``auditor audit`` and ``auditor permissions``."""

    name: str  # e.g. "role-arn" → --role-arn, passed to the provider as options["role_arn"]
    help_en: str
    help_ja: str = ""
    multiple: bool = False
    is_flag: bool = False
    metavar: str = ""
    #: the option shapes the grant ``auditor permissions`` prints (an account, a scope), so that
    #: command offers it too; the others (credentials, regions, endpoints) only matter for an audit
    grant: bool = False
    #: what the option does to the printed grant, where that differs from what it does to an audit
    grant_help_en: str = ""
    grant_help_ja: str = ""

    @property
    def key(self) -> str:
        return self.name.replace("-", "_")


@dataclass(frozen=True)
class ScopeCollection:
    """Everything collected in one account / subscription / project, complete (derived facts included).

    Providers that can select scopes hand one of these to ``CollectRequest.scope_done`` as each scope
    finishes, so a run can be recorded as it goes, resumed after a crash, and merged from shards.
    """

    provider: str
    scope: str
    evidence: tuple[Evidence, ...]
    gaps: tuple[Gap, ...]
    regions: tuple[str, ...] = ()


def selects_scopes(provider: Any) -> bool:
    """Whether ``provider`` can collect some of its scopes only (its ``selects_scopes`` attribute; false when
    it has none, or when there is no such provider)."""
    return bool(getattr(provider, "selects_scopes", False))


@dataclass(frozen=True)
class CollectRequest:
    """What to collect: only the evidence kinds the selected checks read, with the user's options.

    ``wants_scope(scope)`` limits collection to some of the scopes found (a shard, or the scopes a
    resumed run has not collected yet); ``scope_done`` is told of every scope collected. Only a
    provider whose ``selects_scopes`` is true honours them (the core refuses the others).
    """

    resource_types: frozenset[str]
    options: Mapping[str, Any] = field(default_factory=dict)
    progress: ProgressCallback | None = None
    wants_scope: Callable[[str], bool] | None = None
    scope_done: Callable[[ScopeCollection], None] | None = None


@dataclass(frozen=True)
class Collection:
    """What one provider collected: evidence, gaps, and which scopes were covered as whom.

    ``planned`` lists every scope the provider found, in its own order, collected or not (with
    ``wants_scope``, ``scope.scopes`` holds only those collected).
    """

    evidence: tuple[Evidence, ...]
    gaps: tuple[Gap, ...]
    scope: ProviderScope
    planned: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoEstate:
    """A running local emulator seeded with a sample estate, and how to audit it.

    ``environment`` holds the variables that point the provider's real SDK clients at the emulator
    (e.g. ``AWS_ENDPOINT_URL``); the demo sets them only while it audits. ``planted`` lists the
    deliberate mistakes of the sample estate, one line each, in Japanese and English.
    """

    options: Mapping[str, Any]
    environment: Mapping[str, str]
    description_ja: str
    description_en: str
    planted_ja: tuple[str, ...] = ()
    planted_en: tuple[str, ...] = ()


@runtime_checkable
class Provider(Protocol):
    """One cloud adapter."""

    name: str
    title: str
    options: Sequence[ProviderOption]

    def checks(self) -> Sequence[Check]:
        """Every check this provider offers (pure, SDK-free)."""

    def not_automated(self) -> Mapping[str, Said]:
        """Controls without a check on this cloud, each with the reason (shown as UNKNOWN, never PASS)."""

    def collect(self, request: CollectRequest) -> Collection:
        """Read the live configuration, read-only. Never raises for a denied call: records a gap."""

    def permissions(self, checks: Sequence[Check], options: Mapping[str, Any], fmt: str, lang: str = "ja") -> str:
        """The least-privilege grant (policy document, role, …) the checks need, as text.

        Explanations and notes are written in ``lang`` (``ja`` or ``en``) only; the documents the
        cloud takes (policies, role files) are the same in both.

        ``fmt`` is ``json``, ``text`` or ``policy``: only the one document the cloud takes as it is
        (pasted into its console or handed to its CLI); a provider without such a document raises
        :class:`~auditor.errors.AuditorError` saying what to use instead.
        """


@runtime_checkable
class DemoCapable(Protocol):
    def demo_estate(self) -> AbstractContextManager[DemoEstate]:
        """Start a local emulator seeded with a sample estate; stop it on exit."""


@dataclass(frozen=True)
class ReportContext:
    """Everything a renderer may use. Renderers never talk to a cloud."""

    result: RunResult
    controls: Mapping[str, Control]
    checklists: Mapping[str, Checklist]
    lang: str = "ja"
    previous: RunResult | None = None
    snapshot_path: Path | None = None
    #: the details of listed resources that could not be read (from the snapshot, secrets redacted)
    unreadable: tuple[UnreadableDetail, ...] = ()


@runtime_checkable
class Renderer(Protocol):
    name: str  # the --format value, e.g. "html"

    def render(self, context: ReportContext, directory: Path) -> list[Path]:
        """Write this format's files into ``directory`` (a staging folder) and return their paths."""


@dataclass(frozen=True)
class ContentPiece:
    """One piece of what a reader of a rendered file sees, and where: a sheet's cell, a CSV row, an HTML line."""

    value: str
    sheet: str = ""
    cell: str = ""  # A1 notation, with ``sheet``
    row: int = 0  # a CSV row, 1 = the header
    line: int = 0  # a line of an HTML file


@runtime_checkable
class ContentReader(Protocol):
    """A renderer that can read back what its files show, so ``auditor verify`` can re-derive them.

    Two files of the format show the same when their pieces are equal, in order. Formatting, file
    metadata and anything a reader never sees stay out; a file that cannot be read as the format
    raises :class:`ValueError`.
    """

    def read_content(self, path: Path) -> Sequence[ContentPiece]:
        """The visible content of one file this renderer wrote."""


#: The distribution whose plugins are the built-in ones.
BUILTIN_DISTRIBUTION = "municipal-cloud-auditor"
OVERRIDE_VAR = "AUDITOR_ALLOW_PLUGIN_OVERRIDE"


def _distribution(entry: metadata.EntryPoint) -> tuple[str, str]:
    dist = getattr(entry, "dist", None)
    if dist is None:
        return "", ""
    return str(dist.metadata["Name"] or ""), str(dist.version or "")


def _is_builtin(entry: metadata.EntryPoint) -> bool:
    return _distribution(entry)[0].lower().replace("_", "-") == BUILTIN_DISTRIBUTION


@functools.cache
def _chosen(group: str) -> tuple[metadata.EntryPoint, ...]:
    """One entry point per name: the built-in one unless the user opted in to another package's."""
    allowed = {n.strip() for n in os.environ.get(OVERRIDE_VAR, "").split(",") if n.strip()}
    by_name: dict[str, list[metadata.EntryPoint]] = {}
    for entry in metadata.entry_points(group=group):
        by_name.setdefault(entry.name, []).append(entry)
    chosen = []
    for name in sorted(by_name):
        builtin = [e for e in by_name[name] if _is_builtin(e)]
        others = sorted((e for e in by_name[name] if not _is_builtin(e)), key=_distribution)
        entry = builtin[0] if builtin else others[0]
        if builtin and others:
            dist = " ".join(_distribution(others[0])).strip() or others[0].value
            if name in allowed:
                entry = others[0]
                print(f"warning: plugin {group}:{name} from {dist} replaces the built-in one ({OVERRIDE_VAR})",
                      file=sys.stderr)
            else:
                print(f"warning: plugin {group}:{name} from {dist} ignored: '{name}' is built in "
                      f"(set {OVERRIDE_VAR}={name} to use it instead)", file=sys.stderr)
        chosen.append(entry)
    return tuple(chosen)


def _load_group(group: str) -> dict[str, Any]:
    """Load every plugin of a group; one that cannot be imported is reported and left out."""
    loaded: dict[str, Any] = {}
    for entry in _chosen(group):
        try:
            loaded[entry.name] = entry.load()
        except Exception as exc:  # a broken third-party plugin must not stop the others
            print(f"warning: plugin {group}:{entry.name} could not be loaded: {exc}", file=sys.stderr)
    return loaded


@functools.cache
def discover_providers() -> dict[str, Provider]:
    return _load_group("auditor.providers")


@functools.cache
def third_party_providers() -> dict[str, str]:
    """Providers in use from another distribution than this one: name → ``"distribution version"``."""
    return {entry.name: " ".join(_distribution(entry)).strip() or entry.value
            for entry in _chosen("auditor.providers") if not _is_builtin(entry)}


@functools.cache
def discover_renderers() -> dict[str, Renderer]:
    return _load_group("auditor.reports")


def discover_checklist_files() -> list[Path]:
    """Every checklist YAML file shipped by an ``auditor.checklists`` package, in name order."""
    files: list[Path] = []
    for package in _load_group("auditor.checklists").values():
        folder = resources.files(package)
        files.extend(Path(str(p)) for p in folder.iterdir() if p.name.endswith((".yaml", ".yml")))
    return sorted(files, key=lambda p: p.name)
