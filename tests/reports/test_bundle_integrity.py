"""Tampering with a signed and an unsigned evidence bundle the way a city officer tried it: every change is caught.

Each case edits one file type of a bundle (a byte, a consistent re-hash of the manifest, a file swapped in
from another estate, an emptied ``findings.csv``, a forged ``report.html``), or hands in a hostile zip (a
duplicate entry placed before the real one, an unlisted entry, a zip bomb); ``auditor verify`` must exit 1
and name the file.
"""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from auditor import bundle_files
from auditor.bundle import BundleOptions, write_bundle
from auditor.cli import cli
from auditor.run import Catalogue
from auditor.signing import SigningKey, public_key_pem
from tests.reports.conftest import RENDERERS
from tests.reports.forge import rehash
from tests.reports.sample import sample_evidence, write_all

SIGNER = "株式会社さくらシステムズ 情報システム部"
WORKBOOK = "ext-service-requirements.xlsx"


@pytest.fixture(scope="module")
def full_catalogue(catalogue):
    return Catalogue(catalogue.controls, catalogue.checklists, catalogue.providers, RENDERERS)


@pytest.fixture(scope="module")
def key():
    return SigningKey.generate(SIGNER)


@pytest.fixture(scope="module")
def key_files(key, tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    (folder / "vendor.pub.pem").write_bytes(public_key_pem(key))
    (folder / "other.pub.pem").write_bytes(public_key_pem(SigningKey.generate("someone else")))
    return folder


@pytest.fixture(scope="module")
def originals(catalogue, key, tmp_path_factory):
    """An unsigned and a signed bundle of the sample, and the reports of another estate."""
    made = {}
    for name, signing_key in (("unsigned", None), ("signed", key)):
        out = tmp_path_factory.mktemp(name) / "out"
        write_all(catalogue, out, RENDERERS)
        write_bundle(out, BundleOptions("ja", None, signing_key))
        made[name] = out
    other = tmp_path_factory.mktemp("other") / "out"
    evidence = tuple(replace(e, attributes={**e.attributes, "encrypted": True}) if e.resource_id == "vol-0bbb" else e
                     for e in sample_evidence())
    write_all(catalogue, other, RENDERERS, evidence=evidence)
    made["other"] = other
    return made


@pytest.fixture(params=["unsigned", "signed"])
def kind(request):
    return request.param


@pytest.fixture()
def folder(originals, kind, tmp_path):
    target = tmp_path / "bundle"
    shutil.copytree(originals[kind] / "bundle", target)
    return target


def zip_of(folder: Path, target: Path, first: list[tuple[str, bytes]] = ()) -> Path:
    """Zip a bundle folder the way ``write_bundle`` does, with extra entries written first."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in first:
            archive.writestr(name, data)
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.writestr(f"bundle/{path.relative_to(folder).as_posix()}", path.read_bytes())
    return target


def run_verify(catalogue, path, *args):
    return CliRunner().invoke(cli, ["--lang", "en", "verify", str(path), *args], obj={"catalogue": catalogue})


def key_args(kind, key_files):
    return ["--public-key", str(key_files / "vendor.pub.pem")] if kind == "signed" else []


def assert_caught(result, *names):
    assert result.exit_code == 1, result.output
    assert "Result: the bundle does not match" in result.output
    for name in names:
        assert name in result.output, (name, result.output)


# ---------------------------------------------------------------- the clean bundles


def test_clean_signed_bundle_names_signer_and_time(originals, full_catalogue, key, key_files):
    for path in (originals["signed"] / "bundle", originals["signed"] / "bundle.zip"):
        result = run_verify(full_catalogue, path, "--public-key", str(key_files / "vendor.pub.pem"))
        assert result.exit_code == 0, result.output
        assert f"Result: verified, nothing was altered (signed by {SIGNER} at " in result.output
        assert key.fingerprint in result.output
        assert "findings.csv" in result.output and "report.html" in result.output and WORKBOOK in result.output
    ja = CliRunner().invoke(cli, ["verify", str(originals["signed"] / "bundle.zip"), "--public-key",
                                  str(key_files / "vendor.pub.pem")], obj={"catalogue": full_catalogue})
    assert ja.exit_code == 0 and f"検証結果: 改ざんなし（署名者 {SIGNER}、署名日時 " in ja.output


def test_unsigned_or_unchecked_bundle_is_only_content_consistent(originals, full_catalogue):
    unsigned = CliRunner().invoke(cli, ["verify", str(originals["unsigned"] / "bundle.zip")],
                                  obj={"catalogue": full_catalogue})
    assert unsigned.exit_code == 0, unsigned.output
    assert "検証結果: 署名なし（内容の整合のみ確認）" in unsigned.output and "改ざんなし" not in unsigned.output
    unchecked = run_verify(full_catalogue, originals["signed"] / "bundle.zip")
    assert unchecked.exit_code == 0
    assert "Result: signature not checked (content consistency only)" in unchecked.output
    assert SIGNER in unchecked.output and "nothing was altered" not in unchecked.output


def test_wrong_key_and_stripped_signature_are_caught(originals, full_catalogue, key_files, tmp_path):
    wrong = run_verify(full_catalogue, originals["signed"] / "bundle.zip", "--public-key",
                       str(key_files / "other.pub.pem"))
    assert_caught(wrong, "signed with another key")
    stripped = tmp_path / "stripped"
    shutil.copytree(originals["signed"] / "bundle", stripped)
    (stripped / "signature.json").unlink()
    missing = run_verify(full_catalogue, stripped, "--public-key", str(key_files / "vendor.pub.pem"))
    assert_caught(missing, "carries no signature (signature.json)")


def test_forged_signed_statement_is_caught(originals, full_catalogue, key_files, tmp_path):
    forged = tmp_path / "forged"
    shutil.copytree(originals["signed"] / "bundle", forged)
    document = json.loads((forged / "signature.json").read_text(encoding="utf-8"))
    document["statement"]["signer"] = "別の会社"
    (forged / "signature.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert_caught(run_verify(full_catalogue, forged, "--public-key", str(key_files / "vendor.pub.pem")),
                  "signature.json does not verify")


# ---------------------------------------------------------------- each file type, each way


@pytest.mark.parametrize("name", [WORKBOOK, "findings.csv", "report.html", "results.json", "snapshot.json"])
def test_a_changed_byte_is_caught_in_every_file(folder, kind, name, full_catalogue, key_files, tmp_path):
    data = bytearray((folder / name).read_bytes())
    data[len(data) // 2] ^= 0x01
    (folder / name).write_bytes(bytes(data))
    assert_caught(run_verify(full_catalogue, folder, *key_args(kind, key_files)), f"× changed: {name}")
    archive = zip_of(folder, tmp_path / "changed.zip")
    assert_caught(run_verify(full_catalogue, archive, *key_args(kind, key_files)), f"× changed: {name}")


def _edit_workbook(path: Path, sheet: str, cell: str, value: str) -> None:
    workbook = load_workbook(path)
    workbook[sheet][cell] = value
    workbook.save(path)


def _item_status_cell(path: Path) -> tuple[str, str, str]:
    """(sheet, cell, value) of the first × in the checklist sheet."""
    workbook = load_workbook(path, read_only=True)
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("×"):
                return sheet.title, cell.coordinate, cell.value
    raise AssertionError("the sample checklist has a failing item")


def test_workbook_edited_from_fail_to_pass_and_rehashed_is_caught(folder, kind, full_catalogue, key_files):
    sheet, cell, value = _item_status_cell(folder / WORKBOOK)
    _edit_workbook(folder / WORKBOOK, sheet, cell, "○ 適合")
    rehash(folder, WORKBOOK)
    result = run_verify(full_catalogue, folder, *key_args(kind, key_files))
    assert_caught(result, WORKBOOK, f"sheet '{sheet}', cell {cell}", value)
    if kind == "signed":
        assert "manifest.json was changed after signing" in result.output
    else:
        assert "all 9 files match their SHA-256 digests" in result.output, "the digests were forged to match"


def test_emptied_findings_csv_rehashed_is_caught(folder, kind, full_catalogue, key_files):
    (folder / "findings.csv").write_text("\ufeff", encoding="utf-8")
    rehash(folder, "findings.csv")
    assert_caught(run_verify(full_catalogue, folder, *key_args(kind, key_files)), "findings.csv", "row 1")


def test_forged_report_html_rehashed_is_caught(folder, kind, full_catalogue, key_files):
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "× 不適合" in html
    (folder / "report.html").write_text(html.replace("× 不適合", "○ 適合"), encoding="utf-8")
    rehash(folder, "report.html")
    assert_caught(run_verify(full_catalogue, folder, *key_args(kind, key_files)), "report.html", "near line")


def test_hidden_failures_by_a_style_rule_are_caught(folder, kind, full_catalogue, key_files):
    html = (folder / "report.html").read_text(encoding="utf-8")
    (folder / "report.html").write_text(html.replace("<style>", "<style>.st-FAIL{display:none}", 1),
                                        encoding="utf-8")
    rehash(folder, "report.html")
    assert_caught(run_verify(full_catalogue, folder, *key_args(kind, key_files)), "report.html")


def test_results_forged_and_rehashed_is_caught(folder, kind, full_catalogue, key_files):
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    failing = next(f for f in results["findings"] if f["status"] == "FAIL")
    failing["status"] = "PASS"
    (folder / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    rehash(folder, "results.json")
    result = run_verify(full_catalogue, folder, *key_args(kind, key_files))
    assert_caught(result, failing["check_id"], "status: recorded PASS / re-evaluated FAIL")
    assert "findings.csv: differs from the re-derived report" in result.output, "the reports no longer match it"


def test_snapshot_forged_and_rehashed_is_caught(folder, kind, full_catalogue, key_files):
    snapshot = json.loads((folder / "snapshot.json").read_text(encoding="utf-8"))
    next(e for e in snapshot["evidence"] if e["resource_id"] == "vol-0bbb")["attributes"]["encrypted"] = True
    (folder / "snapshot.json").write_text(json.dumps(snapshot, ensure_ascii=False), encoding="utf-8")
    rehash(folder, "snapshot.json")
    assert_caught(run_verify(full_catalogue, folder, *key_args(kind, key_files)), "vol-0bbb")


@pytest.mark.parametrize("name", [WORKBOOK, "findings.csv", "report.html"])
def test_report_swapped_in_from_another_estate_is_caught(folder, kind, name, originals, full_catalogue, key_files):
    shutil.copy(originals["other"] / name, folder / name)
    rehash(folder, name)
    assert_caught(run_verify(full_catalogue, folder, *key_args(kind, key_files)),
                  f"{name}: differs from the re-derived report")


def test_results_and_snapshot_swapped_in_together_are_caught(folder, kind, originals, full_catalogue, key_files):
    for name in ("results.json", "snapshot.json"):
        shutil.copy(originals["other"] / name, folder / name)
        rehash(folder, name)
    assert_caught(run_verify(full_catalogue, folder, *key_args(kind, key_files)),
                  f"{WORKBOOK}: differs from the re-derived report")


def test_a_file_that_is_not_a_report_of_its_kind_is_caught(folder, kind, full_catalogue, key_files):
    (folder / WORKBOOK).write_bytes(b"not a workbook")
    rehash(folder, WORKBOOK)
    assert_caught(run_verify(full_catalogue, folder, *key_args(kind, key_files)),
                  f"{WORKBOOK}: not a readable report")


# ---------------------------------------------------------------- zip hygiene


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_duplicate_entry_placed_before_the_real_one_is_refused(folder, kind, full_catalogue, key_files, tmp_path):
    forged = (folder / "report.html").read_text(encoding="utf-8").replace("× 不適合", "○ 適合").encode("utf-8")
    archive = zip_of(folder, tmp_path / "duplicate.zip", first=[("bundle/report.html", forged)])
    with zipfile.ZipFile(archive) as zipped:
        assert zipped.namelist().count("bundle/report.html") == 2
    result = run_verify(full_catalogue, archive, *key_args(kind, key_files))
    assert_caught(result, "duplicate zip entry bundle/report.html")


def test_entry_not_in_the_manifest_is_refused(folder, kind, full_catalogue, key_files, tmp_path):
    archive = zip_of(folder, tmp_path / "extra.zip", first=[("bundle/readme.txt", b"trust me")])
    assert_caught(run_verify(full_catalogue, archive, *key_args(kind, key_files)),
                  "bundle/readme.txt is not listed in manifest.json")


def test_zip_bomb_is_refused_without_unpacking_it(folder, kind, full_catalogue, key_files, tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("bundle/report.html", "w") as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(64):
                member.write(block)
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name != "report.html":
                archive.writestr(f"bundle/{path.name}", path.read_bytes())
    assert bomb.stat().st_size < 2 * 1024 * 1024
    assert_caught(run_verify(full_catalogue, bomb, *key_args(kind, key_files)), "bundle/report.html", "zip bomb")


def test_member_above_the_size_limit_is_refused(folder, full_catalogue, monkeypatch, tmp_path):
    archive = zip_of(folder, tmp_path / "large.zip")
    monkeypatch.setattr(bundle_files, "MAX_MEMBER_BYTES", 4096)
    result = run_verify(full_catalogue, archive)
    assert_caught(result, "above the limit of 4096 bytes")


# ---------------------------------------------------------------- files on disk


def test_bundle_files_and_zip_are_owner_only(originals):
    out = originals["signed"]
    for path in [out / "bundle.zip", *(p for p in (out / "bundle").rglob("*") if p.is_file())]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    with zipfile.ZipFile(out / "bundle.zip") as archive:
        assert {(info.external_attr >> 16) & 0o777 for info in archive.infolist()} == {0o600}
        assert "bundle/signature.json" in archive.namelist()


def test_keys_generate_writes_a_private_key_0600_and_prints_the_fingerprint(tmp_path, full_catalogue):
    private = tmp_path / "vendor.pem"
    made = CliRunner().invoke(cli, ["--lang", "en", "keys", "generate", "--signer", SIGNER, "--out", str(private)])
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    public = tmp_path / "vendor.pub.pem"
    printed = next(line.split(": ", 1)[1] for line in made.output.splitlines() if line.startswith("Key fingerprint"))
    shown = CliRunner().invoke(cli, ["keys", "fingerprint", str(public)])
    assert shown.exit_code == 0 and shown.output.splitlines()[0] == printed
    again = CliRunner().invoke(cli, ["--lang", "en", "keys", "generate", "--signer", SIGNER, "--out", str(private)])
    assert again.exit_code == 2 and "already exists" in again.output
    broken = CliRunner().invoke(cli, ["--lang", "en", "verify", str(tmp_path), "--public-key", str(private)],
                                obj={"catalogue": full_catalogue})
    assert broken.exit_code == 2 and "holds no PEM PUBLIC KEY" in broken.output
