"""The evidence bundle: what a vendor hands a city so that the city can check it without trusting anyone.

:func:`write_bundle` copies an output directory's reports, ``results.json`` and the snapshot into
``<output>/bundle/`` — with credentials and secrets redacted from both JSON files (every value under
a key such as ``SecretAccessKey``, ``SessionToken``, ``password``, ``client_secret``, ``private_key``,
``token`` or ``AccessKeyId``, and PEM private keys anywhere) — adds ``manifest.json`` with the SHA-256
of every file, and zips the folder as ``<output>/bundle.zip``.

:func:`verify_bundle` takes the folder or the zip, recomputes every digest and names each file that
changed, was added or is missing; then it re-decides the bundled snapshot with the installed checks
and mappings (the checklists, profile and attestations recorded in ``results.json``) and names every
finding, control and item whose recorded result differs from the re-decided one.

Core module: no renderer and no cloud SDK is imported here.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from auditor import __version__
from auditor.checklists import Profile
from auditor.errors import AuditorError
from auditor.model import Attestation, utc_now
from auditor.output import STAGING_PREFIX
from auditor.run import RESULTS_FILE, SNAPSHOT_FILE, Catalogue, Collected, evaluate
from auditor.serialize import dumps, evidence_from_dict, gap_from_dict, iso, results_to_dict, run_from_dict

BUNDLE_DIR = "bundle"
BUNDLE_ZIP = "bundle.zip"
MANIFEST = "manifest.json"
MANIFEST_KIND = "auditor-evidence-bundle"
MANIFEST_VERSION = 1
REDACTED = "***REDACTED***"

# ---------------------------------------------------------------- redaction

#: Keys (lower case, without ``_``/``-``) whose values are credentials or secrets.
_SECRET_KEYS = frozenset({
    "secretaccesskey", "sessiontoken", "securitytoken", "password", "passwd", "passphrase", "clientsecret",
    "privatekey", "privatekeydata", "privatekeypem", "token", "accesstoken", "refreshtoken", "idtoken",
    "accesskeyid", "secretkey", "secret", "apikey", "connectionstring", "sastoken", "accountkey",
    "sharedaccesskey", "primarykey", "secondarykey", "authorization", "credentials", "credential",
})
#: Key endings that mark a secret (``MasterUserPassword``, ``DB_PASSWORD``, ``api_token`` …).
_SECRET_SUFFIXES = ("password", "secret", "token", "privatekey", "secretaccesskey", "connectionstring", "apikey")
#: Keys that end like a secret but are not one (pagination cursors, idempotency tokens).
_NOT_SECRET = frozenset({
    "nexttoken", "nextpagetoken", "pagetoken", "continuationtoken", "skiptoken", "paginationtoken",
    "clienttoken", "idempotencytoken", "nextcontinuationtoken", "startingtoken",
})
_PEM_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?-----END [A-Z0-9 ]*PRIVATE KEY-----", re.S)
_SAS_SIGNATURE = re.compile(r"([?&]sig=)[^&\s\"']+", re.I)


def is_secret_key(key: object) -> bool:
    if not isinstance(key, str):
        return False
    norm = re.sub(r"[^a-z0-9]", "", key.lower())
    if norm in _NOT_SECRET:
        return False
    return norm in _SECRET_KEYS or norm.endswith(_SECRET_SUFFIXES)


def _redact_string(text: str) -> str:
    if "PRIVATE KEY-----" in text:
        text = _PEM_PRIVATE_KEY.sub(REDACTED, text)
    if "sig=" in text.lower():
        text = _SAS_SIGNATURE.sub(lambda m: m.group(1) + REDACTED, text)
    return text


def redact(value: Any) -> Any:
    """A copy of a JSON value with every secret replaced by ``***REDACTED***``.

    A value under a secret-looking key is replaced when it is a non-empty string, a list or a mapping
    (flags and numbers such as ``PasswordReusePrevention: 5`` are facts, not secrets, and stay).
    """
    if isinstance(value, Mapping):
        return {k: (REDACTED if is_secret_key(k) and _hideable(v) else redact(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return _redact_string(value)
    return value


def _hideable(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value) and value != REDACTED
    return isinstance(value, Mapping | list | tuple) and bool(value)


# ---------------------------------------------------------------- writing


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


def write_bundle(output_dir: Path) -> tuple[Path, Path]:
    """Write ``<output_dir>/bundle/`` (redacted copies + ``manifest.json``) and ``<output_dir>/bundle.zip``.

    Built beside the final names and moved into place, so an interrupted run leaves no half bundle;
    an earlier bundle in the same directory is replaced.
    """
    output_dir = Path(output_dir)
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
        staged.mkdir()
        entries, redacted, run_id = [], 0, ""
        for source in _bundled_files(output_dir):
            relative = source.relative_to(output_dir).as_posix()
            target = staged / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            data = source.read_bytes()
            if relative in (RESULTS_FILE, SNAPSHOT_FILE):
                try:
                    document = json.loads(data.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    raise AuditorError(
                        "raw", ja=f"{source} を読めないため証跡パッケージを作れません: {exc}",
                        en=f"Cannot build the evidence bundle: {source} is not valid JSON ({exc})",
                    ) from None
                cleaned = redact(document)
                redacted += _count_redactions(cleaned) - _count_redactions(document)
                if relative == RESULTS_FILE:
                    run_id = str((cleaned.get("run") or {}).get("id", ""))
                data = dumps(cleaned).encode("utf-8")
            target.write_bytes(data)
            entries.append({"path": relative, "sha256": sha256_bytes(data), "size": len(data)})
        manifest = {
            "kind": MANIFEST_KIND,
            "schema_version": MANIFEST_VERSION,
            "run_id": run_id,
            "created_at": iso(utc_now()),
            "tool_version": __version__,
            "algorithm": "sha256",
            "redaction": {"marker": REDACTED, "values_redacted": redacted},
            "files": entries,
        }
        (staged / MANIFEST).write_text(dumps(manifest), encoding="utf-8")
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


def _count_redactions(value: Any) -> int:
    if isinstance(value, Mapping):
        return sum(_count_redactions(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count_redactions(v) for v in value)
    return value.count(REDACTED) if isinstance(value, str) else 0


def _zip_folder(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(f"{BUNDLE_DIR}/{path.relative_to(folder).as_posix()}", (1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes())


# ---------------------------------------------------------------- verifying


@dataclass(frozen=True)
class Message:
    ja: str
    en: str

    def text(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


@dataclass(frozen=True)
class Difference:
    """One result that re-evaluation decided differently from what ``results.json`` records."""

    section: str  # "finding" | "control" | "item" | "gap" | "run"
    key: str
    field: str
    recorded: str
    recomputed: str

    def text(self, lang: str) -> str:
        names = {
            "finding": ("検出結果", "finding"), "control": ("統制", "control"), "item": ("項目", "item"),
            "gap": ("確認不能", "gap"), "run": ("実行情報", "run"),
        }
        name = names.get(self.section, (self.section, self.section))[0 if lang == "ja" else 1]
        if self.field == "—":
            if lang == "ja":
                where = ("記録にのみあり（再評価では出ない）" if self.recorded == "present"
                         else "再評価でのみ出る（記録にない）")
                return f"{name} {self.key}: {where}"
            where = "only recorded (not re-decided)" if self.recorded == "present" else "only re-decided (not recorded)"
            return f"{name} {self.key}: {where}"
        if lang == "ja":
            return f"{name} {self.key} の {self.field}: 記録 {self.recorded} ／ 再評価 {self.recomputed}"
        return f"{name} {self.key} {self.field}: recorded {self.recorded} / re-evaluated {self.recomputed}"


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

    @property
    def digests_ok(self) -> bool:
        return not (self.changed or self.added or self.missing)

    @property
    def tampered(self) -> bool:
        """Something differs: a digest, or a re-decided result."""
        return not self.digests_ok or bool(self.differences)

    @property
    def clean(self) -> bool:
        return not self.tampered and self.reevaluated and not self.problems


def _unreadable(path: Path, ja: str, en: str) -> AuditorError:
    return AuditorError("raw", ja=f"証跡パッケージ {path} を読めません: {ja}", en=f"Cannot read bundle {path}: {en}")


def read_bundle_files(path: Path) -> dict[str, bytes]:
    """Every file of a bundle folder or zip by its path inside the bundle."""
    path = Path(path)
    if path.is_dir():
        root = path / BUNDLE_DIR if not (path / MANIFEST).exists() and (path / BUNDLE_DIR / MANIFEST).exists() else path
        try:
            return {
                p.relative_to(root).as_posix(): p.read_bytes()
                for p in sorted(root.rglob("*")) if p.is_file()
            }
        except OSError as exc:
            raise _unreadable(path, str(exc), str(exc)) from None
    if not path.exists():
        raise _unreadable(path, "ファイルがありません", "no such file or directory")
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
            prefix = f"{BUNDLE_DIR}/" if names and all(n.startswith(f"{BUNDLE_DIR}/") for n in names) else ""
            files = {}
            for name in names:
                relative = name[len(prefix):]
                if PurePosixPath(relative).is_absolute() or ".." in PurePosixPath(relative).parts:
                    relative = f"(unsafe path) {name}"
                files[relative] = archive.read(name)
            return files
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise _unreadable(path, f"zip ファイルではありません（{exc}）", f"not a zip file ({exc})") from None


def verify_bundle(path: Path, catalogue: Catalogue) -> VerifyReport:
    """Check every digest of a bundle, then re-decide its snapshot and compare with its ``results.json``."""
    path = Path(path)
    files = read_bundle_files(path)
    if MANIFEST not in files:
        raise _unreadable(path, f"{MANIFEST} がありません", f"it has no {MANIFEST}")
    try:
        manifest = json.loads(files[MANIFEST].decode("utf-8"))
        recorded = {str(entry["path"]): str(entry["sha256"]) for entry in manifest["files"]}
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise _unreadable(path, f"{MANIFEST} が壊れています（{exc}）", f"{MANIFEST} is damaged ({exc})") from None
    if manifest.get("kind") != MANIFEST_KIND or manifest.get("schema_version") != MANIFEST_VERSION:
        raise _unreadable(path, f"{MANIFEST} の形式が違います",
                          f"{MANIFEST} is not a version-{MANIFEST_VERSION} manifest")
    present = {name: data for name, data in files.items() if name != MANIFEST}
    changed = tuple(sorted(n for n in recorded if n in present and sha256_bytes(present[n]) != recorded[n]))
    missing = tuple(sorted(n for n in recorded if n not in present))
    added = tuple(sorted(n for n in present if n not in recorded))
    reevaluated, differences, problems, notes = _reevaluate(present, catalogue)
    return VerifyReport(path, len(recorded), changed, added, missing, reevaluated, differences, problems, notes)


def _reevaluate(
    files: Mapping[str, bytes], catalogue: Catalogue
) -> tuple[bool, tuple[Difference, ...], tuple[Message, ...], tuple[Message, ...]]:
    for name in (RESULTS_FILE, SNAPSHOT_FILE):
        if name not in files:
            problem = Message(f"{name} がないため再評価できません", f"{name} is missing: cannot re-evaluate")
            return False, (), (problem,), ()
    try:
        results = json.loads(files[RESULTS_FILE].decode("utf-8"))
        snapshot = json.loads(files[SNAPSHOT_FILE].decode("utf-8"))
        if snapshot.get("kind") != "auditor-snapshot":
            raise ValueError("snapshot.json is not an auditor snapshot")
        run = run_from_dict(snapshot["run"])
        evidence = tuple(evidence_from_dict(e) for e in snapshot["evidence"])
        gaps = tuple(gap_from_dict(g) for g in snapshot["gaps"])
        profile = Profile(dict(results["run"]["profile"]))
        checklist_entries = list(results["checklists"])
        attestations = _attestations(checklist_entries)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return False, (), (Message(f"results.json または snapshot.json が壊れています: {exc!r}",
                                   f"results.json or snapshot.json is damaged: {exc!r}"),), ()
    notes: list[Message] = []
    checklists = []
    for entry in checklist_entries:
        installed = catalogue.checklists.get(entry["id"])
        if installed is None:
            return False, (), (Message(f"チェックリスト {entry['id']} がインストールされていないため再評価できません",
                                       f"checklist {entry['id']} is not installed: cannot re-evaluate"),), ()
        if installed.version != entry.get("version"):
            recorded_version = entry.get("version")
            notes.append(Message(
                f"チェックリスト {entry['id']} の版が異なります"
                f"（記録 {recorded_version}、導入済み {installed.version}）",
                f"checklist {entry['id']} version differs (recorded {recorded_version}, installed {installed.version})",
            ))
        checklists.append(installed)
    missing_providers = [p.provider for p in run.providers if p.provider not in catalogue.providers]
    if missing_providers:
        names = ", ".join(missing_providers)
        return False, (), (Message(f"プロバイダ {names} がインストールされていないため再評価できません",
                                   f"provider {names} is not installed: cannot re-evaluate"),), tuple(notes)
    try:
        decided = evaluate(catalogue, Collected(run, evidence, gaps), checklists, profile, attestations)
    except AuditorError as error:
        return False, (), (Message(error.message("ja"), error.message("en")),), tuple(notes)
    recomputed = redact(json.loads(dumps(results_to_dict(decided))))
    try:
        differences = _compare(results, recomputed)
    except (KeyError, TypeError, AttributeError) as exc:
        return False, (), (Message(f"results.json が壊れています: {exc!r}", f"results.json is damaged: {exc!r}"),), ()
    return True, tuple(differences), (), tuple(notes)


def _attestations(checklists: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], Attestation]:
    answers = {}
    for checklist in checklists:
        for item in checklist["items"]:
            data = item.get("attestation")
            if data:
                answers[(checklist["id"], item["item_id"])] = Attestation(
                    checklist["id"], item["item_id"], data["answer"], tuple(data["evidence"]), data["answered_by"],
                    data["answered_on"], data.get("comment", ""),
                )
    return answers


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 120 else text[:119] + "…"


def _canonical(rows: list[dict]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)


def _items(document: Mapping[str, Any]) -> list[dict]:
    return [
        {**item, "checklist": checklist.get("id")}
        for checklist in document.get("checklists") or [] for item in checklist["items"]
    ]


def _compare_records(section: str, recorded: list[dict], recomputed: list[dict], key_of) -> list[Difference]:
    left: dict[str, list[dict]] = defaultdict(list)
    right: dict[str, list[dict]] = defaultdict(list)
    for record in recorded:
        left[key_of(record)].append(record)
    for record in recomputed:
        right[key_of(record)].append(record)
    differences = []
    for key in sorted(set(left) | set(right)):
        a, b = left.get(key, []), right.get(key, [])
        if not b:
            differences.append(Difference(section, key, "—", "present", "absent"))
        elif not a:
            differences.append(Difference(section, key, "—", "absent", "present"))
        elif len(a) == 1 and len(b) == 1:
            for name in sorted(set(a[0]) | set(b[0])):
                if a[0].get(name) != b[0].get(name):
                    differences.append(Difference(section, key, name, _short(a[0].get(name)), _short(b[0].get(name))))
        elif _canonical(a) != _canonical(b):
            differences.append(Difference(section, key, "records", f"{len(a)}", f"{len(b)}"))
    return differences


def _compare(recorded: Mapping[str, Any], recomputed: Mapping[str, Any]) -> list[Difference]:
    differences: list[Difference] = []
    if recorded.get("run", {}).get("id") != recomputed.get("run", {}).get("id"):
        differences.append(Difference("run", "id", "id", _short(recorded.get("run", {}).get("id")),
                                      _short(recomputed.get("run", {}).get("id"))))
    differences += _compare_records(
        "finding", list(recorded.get("findings") or []), list(recomputed["findings"]),
        lambda f: f"{f.get('check_id')} {f.get('provider')}/{f.get('scope')}/{f.get('region')}/{f.get('resource_id')}",
    )
    differences += _compare_records(
        "gap", list(recorded.get("gaps") or []), list(recomputed["gaps"]),
        lambda g: f"{g.get('source')} {g.get('provider')}/{g.get('scope')}/{g.get('region')}",
    )
    differences += _compare_records(
        "control", list(recorded.get("controls") or []), list(recomputed["controls"]),
        lambda c: f"{c.get('control_id')}@{c.get('provider')}",
    )
    differences += _compare_records(
        "item", _items(recorded), _items(recomputed), lambda i: f"{i.get('checklist')}#{i.get('item_id')}",
    )
    return differences
