"""Checking an evidence bundle: zip hygiene, digests, signature, re-decided results, re-derived reports.

:func:`verify_bundle` takes the folder or the zip and

1. refuses a zip that is not safe to unpack (:mod:`auditor.bundle_files`: duplicate or unlisted
   entries, paths leaving the bundle, members too large or too compressed);
2. recomputes every digest and names each file that changed, was added or is missing;
3. checks the manifest's signature against the pinned public key (:mod:`auditor.signing`);
4. re-decides the bundled snapshot and names every result that differs from ``results.json``
   (:mod:`auditor.reevaluate`);
5. re-derives every report from ``results.json`` and names the first place each one shows
   something else (:mod:`auditor.rederive`).

Core module: no renderer and no cloud SDK is imported here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from auditor.bundle import DATA_FILES, MANIFEST_KIND, MANIFEST_VERSION, PREVIOUS_FILE
from auditor.bundle_files import MANIFEST, MAX_MEMBER_BYTES, BundleFiles, BundleRefused, open_bundle, unreadable
from auditor.rederive import Rederived, rederive
from auditor.reevaluate import Difference, Message, reevaluate
from auditor.run import RESULTS_FILE, SNAPSHOT_FILE, Catalogue
from auditor.signing import SIGNATURE_FILE, SignatureCheck, check_signature


@dataclass(frozen=True)
class VerifyReport:
    """What ``auditor verify`` found."""

    path: Path
    files_checked: int
    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    reevaluated: bool = False
    differences: tuple[Difference, ...] = ()
    problems: tuple[Message, ...] = ()
    notes: tuple[Message, ...] = field(default=())
    signature: SignatureCheck = field(default=SignatureCheck("unsigned"))
    rederived: Rederived = field(default=Rederived())
    refused: Message | None = None
    refused_file: str = ""

    @property
    def digests_ok(self) -> bool:
        return not (self.changed or self.added or self.missing)

    @property
    def reports_ok(self) -> bool:
        return not (self.rederived.differences or self.rederived.unreadable)

    @property
    def tampered(self) -> bool:
        """Something does not match: the zip, a digest, the signature, a re-decided result or a re-derived report."""
        return (self.refused is not None or not self.digests_ok or bool(self.differences) or not self.reports_ok
                or self.signature.failed)

    @property
    def clean(self) -> bool:
        """Everything was checked and everything matches (whether the signer is known is :attr:`untampered`)."""
        return (not self.tampered and self.reevaluated and not self.problems
                and not self.rederived.not_rederivable)

    @property
    def untampered(self) -> bool:
        """Clean, and signed with the pinned key: the only state that vouches the bundle is as signed."""
        return self.clean and self.signature.state == "valid"


def verify_bundle(path: Path, catalogue: Catalogue, public_key: Ed25519PublicKey | None = None) -> VerifyReport:
    """Check a bundle folder or zip (see the module docstring); ``public_key`` is the signer's pinned key."""
    path = Path(path)
    try:
        with open_bundle(path) as bundle:
            return _verify(path, bundle, catalogue, public_key)
    except BundleRefused as refused:
        return VerifyReport(path, 0, refused=Message(refused.ja, refused.en), refused_file=refused.name,
                            signature=SignatureCheck("unchecked"))


def _manifest(path: Path, data: bytes | None) -> tuple[dict[str, Any], dict[str, str]]:
    if data is None:
        raise unreadable(path, f"{MANIFEST} がありません", f"it has no {MANIFEST}")
    try:
        manifest = json.loads(data.decode("utf-8"))
        recorded = {str(entry["path"]): str(entry["sha256"]) for entry in manifest["files"]}
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise unreadable(path, f"{MANIFEST} が壊れています（{exc}）", f"{MANIFEST} is damaged ({exc})") from None
    if manifest.get("kind") != MANIFEST_KIND or manifest.get("schema_version") != MANIFEST_VERSION:
        raise unreadable(path, f"{MANIFEST} の形式が違います",
                         f"{MANIFEST} is not a version-{MANIFEST_VERSION} manifest")
    return manifest, recorded


def _document(bundle: BundleFiles, name: str) -> tuple[Any, Message | None]:
    """A bundled JSON document, or why it cannot be used."""
    if name not in bundle.digests:
        return None, Message(f"{name} がありません", f"{name} is missing")
    if bundle.path(name).stat().st_size > MAX_MEMBER_BYTES:
        return None, Message(f"{name} が大きすぎます", f"{name} is too large")
    try:
        document = json.loads(bundle.path(name).read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        return None, Message(f"{name} が壊れています: {exc}", f"{name} is damaged: {exc}")
    if not isinstance(document, Mapping):
        return None, Message(f"{name} が壊れています", f"{name} is damaged: not a JSON object")
    return document, None


def _verify(path: Path, bundle: BundleFiles, catalogue: Catalogue, public_key: Ed25519PublicKey | None
            ) -> VerifyReport:
    manifest_bytes = bundle.read(MANIFEST)
    manifest, recorded = _manifest(path, manifest_bytes)
    signature = check_signature(bundle.read(SIGNATURE_FILE), manifest_bytes or b"", public_key)
    present = {name: digest for name, digest in bundle.digests.items() if name not in (MANIFEST, SIGNATURE_FILE)}
    changed = tuple(sorted(n for n in recorded if n in present and present[n] != recorded[n]))
    missing = tuple(sorted(n for n in recorded if n not in present))
    added = tuple(sorted(n for n in present if n not in recorded))
    results, results_problem = _document(bundle, RESULTS_FILE)
    snapshot, snapshot_problem = _document(bundle, SNAPSHOT_FILE)
    problems = [p for p in (results_problem, snapshot_problem) if p is not None]
    reevaluated, differences, notes = False, (), ()
    if not problems:
        outcome = reevaluate(results, snapshot, catalogue)
        reevaluated, differences, notes = outcome.done, outcome.differences, outcome.notes
        problems += outcome.problems
    reports = sorted(n for n in present if n not in DATA_FILES)
    rederived = _rederive(catalogue, bundle, manifest, reports, results, snapshot, problems)
    return VerifyReport(path, len(recorded), changed, added, missing, reevaluated, tuple(differences),
                        tuple(problems), tuple(notes), signature, rederived)


def _rederive(catalogue: Catalogue, bundle: BundleFiles, manifest: Mapping[str, Any], reports: list[str],
              results: Any, snapshot: Any, problems: list[Message]) -> Rederived:
    """Re-derive the reports; when that cannot start, every report is reported as not re-derived."""
    render = manifest.get("render") if isinstance(manifest.get("render"), Mapping) else {}
    lang = render.get("lang") if render.get("lang") in ("ja", "en") else "ja"
    previous = None
    why = ""
    if results is None:
        why = f"{RESULTS_FILE} cannot be read"
    elif render.get("previous"):
        previous, problem = _document(bundle, PREVIOUS_FILE)
        if problem is not None:
            why = problem.en
    if not why:
        try:
            return rederive(catalogue, bundle.root, reports, results, previous, lang, snapshot)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            why = f"{RESULTS_FILE} is damaged: {exc!r}"
            problems.append(Message(f"{RESULTS_FILE} からレポートを再生成できません: {exc!r}",
                                    f"cannot re-derive the reports from {RESULTS_FILE}: {exc!r}"))
    return Rederived(not_rederivable=tuple((name, why) for name in reports))
