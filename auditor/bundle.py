"""The evidence bundle: what a vendor hands a city so that the city can check it without trusting anyone.

:func:`write_bundle` copies an output directory's reports, ``results.json`` and the snapshot into
``<output>/bundle/`` — redacted once more (:mod:`auditor.redaction`), so that an output folder written
by an older version carries no secret either — adds ``manifest.json`` with the SHA-256 of every file,
the language the reports were rendered in and the redaction count, writes the previous run the
reports were compared with as ``previous-results.json`` (so every report can be re-derived), signs
the manifest when given a key (``signature.json``, see :mod:`auditor.signing`), and zips the folder as
``<output>/bundle.zip``. Every bundle file and the zip are readable by their owner only (0600).

:mod:`auditor.bundle_verify` checks a bundle.

Core module: no renderer and no cloud SDK is imported here.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.bundle_files import BUNDLE_DIR, MANIFEST
from auditor.errors import AuditorError
from auditor.model import RunResult, utc_now
from auditor.output import STAGING_PREFIX
from auditor.redaction import REDACTION_KEY, redact_counted, redaction_record
from auditor.run import RESULTS_FILE, SNAPSHOT_FILE
from auditor.serialize import dumps, iso, results_to_dict
from auditor.signing import SIGNATURE_FILE, SigningKey, sign_manifest, write_private

BUNDLE_ZIP = "bundle.zip"
MANIFEST_KIND = "auditor-evidence-bundle"
MANIFEST_VERSION = 1
PREVIOUS_FILE = "previous-results.json"
#: The files of a bundle that are data, not reports: everything else is re-derived from them on verify.
DATA_FILES = (RESULTS_FILE, SNAPSHOT_FILE, PREVIOUS_FILE)


@dataclass(frozen=True)
class BundleOptions:
    """How the reports in the output directory were made, and who signs: what :func:`write_bundle` records."""

    lang: str = "ja"
    previous: RunResult | None = None
    signing_key: SigningKey | None = None


def _bundled_files(output_dir: Path) -> list[Path]:
    """Every file of the output directory that goes into the bundle (not an earlier bundle, not temp files)."""
    files = []
    for path in sorted(output_dir.rglob("*")):
        relative = path.relative_to(output_dir)
        top = relative.parts[0]
        if top in (BUNDLE_DIR, BUNDLE_ZIP) or top.startswith((".", STAGING_PREFIX)):
            continue
        if path.is_file() and not path.is_symlink():
            files.append(path)
    return files


def write_bundle(output_dir: Path, options: BundleOptions | None = None) -> tuple[Path, Path]:
    """Write ``<output_dir>/bundle/`` (redacted copies + ``manifest.json``) and ``<output_dir>/bundle.zip``.

    Built beside the final names and moved into place, so an interrupted run leaves no half bundle;
    an earlier bundle in the same directory is replaced.
    """
    output_dir = Path(output_dir)
    options = options or BundleOptions()
    if not (output_dir / RESULTS_FILE).is_file():
        raise AuditorError(
            "raw", ja=f"{output_dir} に {RESULTS_FILE} がないため証跡パッケージを作れません。",
            en=f"Cannot build the evidence bundle: {output_dir} has no {RESULTS_FILE}.",
        )
    try:
        work = Path(tempfile.mkdtemp(prefix=".bundle-", dir=output_dir))
    except OSError as exc:
        raise AuditorError("output_unwritable", path=output_dir, detail=exc.strerror or str(exc)) from None
    try:
        staged = work / BUNDLE_DIR
        staged.mkdir(mode=0o700)
        entries, counts, run_id = [], {}, ""
        for source in _bundled_files(output_dir):
            relative = source.relative_to(output_dir).as_posix()
            data = source.read_bytes()
            if relative in (RESULTS_FILE, SNAPSHOT_FILE):
                document, counts[relative] = redact_counted(_json_of(source, data))
                if relative == RESULTS_FILE:
                    run_id = str((document.get("run") or {}).get("id", ""))
                else:
                    counts = _add_recorded(counts, document.get(REDACTION_KEY))
                data = dumps(document).encode("utf-8")
            entries.append(_stage(staged, relative, data))
        if options.previous is not None:
            previous, counts[PREVIOUS_FILE] = redact_counted(results_to_dict(options.previous))
            entries.append(_stage(staged, PREVIOUS_FILE, dumps(previous).encode("utf-8")))
        manifest = {
            "kind": MANIFEST_KIND,
            "schema_version": MANIFEST_VERSION,
            "run_id": run_id,
            "created_at": iso(utc_now()),
            "tool_version": __version__,
            "algorithm": "sha256",
            "render": {"lang": options.lang, "previous": PREVIOUS_FILE if options.previous is not None else None},
            REDACTION_KEY: redaction_record(counts),
            "files": entries,
        }
        manifest_bytes = dumps(manifest).encode("utf-8")
        write_private(staged / MANIFEST, manifest_bytes)
        if options.signing_key is not None:
            write_private(staged / SIGNATURE_FILE, sign_manifest(manifest_bytes, options.signing_key, utc_now()))
        zip_temp = work / BUNDLE_ZIP
        _zip_folder(staged, zip_temp)
        final_dir, final_zip = output_dir / BUNDLE_DIR, output_dir / BUNDLE_ZIP
        if final_dir.exists():
            os.replace(final_dir, work / "previous")
        os.replace(staged, final_dir)
        os.replace(zip_temp, final_zip)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final_dir, final_zip


def _json_of(source: Path, data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AuditorError(
            "raw", ja=f"{source} を読めないため証跡パッケージを作れません: {exc}",
            en=f"Cannot build the evidence bundle: {source} is not valid JSON ({exc})",
        ) from None


def _add_recorded(counts: dict[str, int], recorded: Any) -> dict[str, int]:
    """Add what write_outputs already redacted (recorded in snapshot.json) to what this pass redacted."""
    by_file = recorded.get("by_file") if isinstance(recorded, Mapping) else None
    if not isinstance(by_file, Mapping):
        return counts
    merged = dict(counts)
    for name, count in by_file.items():
        if isinstance(count, int) and not isinstance(count, bool):
            merged[str(name)] = merged.get(str(name), 0) + count
    return merged


def _stage(staged: Path, relative: str, data: bytes) -> dict[str, Any]:
    target = staged / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_private(target, data)
    return {"path": relative, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _zip_folder(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(f"{BUNDLE_DIR}/{path.relative_to(folder).as_posix()}", (1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                with open(path, "rb") as source, archive.open(info, "w") as sink:
                    shutil.copyfileobj(source, sink, 1024 * 1024)
    os.chmod(target, 0o600)
