"""The evidence bundle: redacted copies with a manifest, and ``auditor verify`` finding any change."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile

import pytest
from click.testing import CliRunner

from auditor.bundle import write_bundle
from auditor.bundle_verify import verify_bundle
from auditor.cli import cli
from auditor.errors import AuditorError
from auditor.redaction import REDACTED, is_secret_key, redact
from auditor.run import Catalogue
from tests.reports.conftest import RENDERERS
from tests.reports.forge import rehash
from tests.reports.sample import SECRET, write_all


@pytest.fixture(scope="module")
def catalogue(catalogue):
    """The sample catalogue with the three report formats installed, as ``auditor verify`` finds them."""
    return Catalogue(catalogue.controls, catalogue.checklists, catalogue.providers, RENDERERS)


@pytest.fixture()
def bundle(catalogue, tmp_path):
    out = tmp_path / "out"
    write_all(catalogue, out, RENDERERS)
    folder, archive = write_bundle(out)
    return out, folder, archive


def test_bundle_holds_every_report_with_a_digest_each(bundle):
    out, folder, archive = bundle
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    names = {e["path"] for e in manifest["files"]}
    assert names == {p.name for p in out.iterdir() if p.is_file() and p.name != "bundle.zip"}
    assert {"results.json", "snapshot.json", "report.html", "findings.csv", "ext-service-requirements.xlsx"} <= names
    for entry in manifest["files"]:
        assert hashlib.sha256((folder / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    with zipfile.ZipFile(archive) as zipped:
        assert sorted(zipped.namelist()) == sorted(f"bundle/{n}" for n in [*names, "manifest.json"])


def test_secrets_are_redacted_in_the_snapshot(bundle):
    out, folder, archive = bundle
    assert SECRET not in (out / "snapshot.json").read_text(encoding="utf-8"), "redacted in the output folder too"
    bundled = (folder / "snapshot.json").read_text(encoding="utf-8")
    assert SECRET not in bundled and "FQoGZXIvYXdzEXAMPLE" not in bundled and "abc123" not in bundled
    snapshot = json.loads(bundled)
    raws = {e["resource_id"]: e["raw"] for e in snapshot["evidence"]}
    assert raws["vol-0aaa"]["Credentials"] == REDACTED
    assert raws["vol-0ccc"]["SessionToken"] == REDACTED
    assert raws["/subscriptions/sub-0001/st1"]["properties"]["client_secret"] == REDACTED
    assert raws["vol-0aaa"]["VolumeId"] == "vol-0aaa"
    with zipfile.ZipFile(archive) as zipped:
        assert SECRET.encode() not in zipped.read("bundle/snapshot.json")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["redaction"]["values_redacted"] == 3


def test_redaction_keeps_facts_and_cursors():
    document = {
        "PasswordPolicy": {"MinimumPasswordLength": 14, "RequireSymbols": True, "AllowUsersToChangePassword": True},
        "password_enabled": "true", "NextToken": "page-2", "MasterUserPassword": "hunter2", "DB_PASSWORD": "pw",
        "client_secret": "s", "private_key": "-----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----",
        "token": "t", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "note": "key -----BEGIN RSA PRIVATE KEY-----x"
        "-----END RSA PRIVATE KEY----- end", "url": "https://st.blob.core.windows.net/c?sv=1&sig=abcdef&se=2",
        "SessionToken": "", "list": [{"SecretAccessKey": "k"}],
    }
    cleaned = redact(document)
    assert cleaned["PasswordPolicy"] == document["PasswordPolicy"]
    assert cleaned["password_enabled"] == "true" and cleaned["NextToken"] == "page-2"
    for key in ("MasterUserPassword", "DB_PASSWORD", "client_secret", "private_key", "token", "AccessKeyId"):
        assert cleaned[key] == REDACTED, key
    assert cleaned["note"] == f"key {REDACTED} end"
    assert cleaned["url"] == f"https://st.blob.core.windows.net/c?sv=1&sig={REDACTED}&se=2"
    assert cleaned["SessionToken"] == "" and cleaned["list"] == [{"SecretAccessKey": REDACTED}]
    assert not is_secret_key("nextPageToken") and is_secret_key("api_token")


def test_clean_bundle_verifies_as_folder_and_zip(bundle, catalogue):
    _, folder, archive = bundle
    for path in (folder, archive, folder.parent):
        report = verify_bundle(path, catalogue)
        assert report.clean, (report.changed, report.added, report.missing, report.differences, report.problems)
        assert report.reevaluated and report.files_checked == 9


def test_changed_removed_and_added_files_are_named(bundle, catalogue):
    _, folder, _ = bundle
    html = folder / "report.html"
    data = bytearray(html.read_bytes())
    data[len(data) // 2] ^= 0x01
    html.write_bytes(bytes(data))
    (folder / "findings.csv").unlink()
    (folder / "extra.txt").write_text("added later", encoding="utf-8")
    report = verify_bundle(folder, catalogue)
    assert report.changed == ("report.html",)
    assert report.missing == ("findings.csv",)
    assert report.added == ("extra.txt",)
    assert report.tampered and not report.clean
    assert report.reevaluated and not report.differences
    assert [d.file for d in report.rederived.differences] == ["report.html"]
    assert [name for name, _ in report.rederived.not_rederivable] == ["extra.txt"]


def test_tampered_status_with_a_matching_digest_is_caught_by_reevaluation(bundle, catalogue):
    _, folder, _ = bundle
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    failing = next(f for f in results["findings"] if f["status"] == "FAIL")
    failing["status"] = "PASS"
    item = next(i for c in results["checklists"] if c["id"] == "ext-service-requirements" for i in c["items"]
                if i["item_id"] == "34")
    item["status"], item["symbol"] = "PASS", "○ 適合"
    (folder / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    rehash(folder, "results.json")
    report = verify_bundle(folder, catalogue)
    assert report.digests_ok, "the digest was forged to match"
    assert report.tampered
    texts = [d.text("en") for d in report.differences]
    assert any(failing["check_id"] in t and "status: recorded PASS / re-evaluated FAIL" in t for t in texts)
    assert any("ext-service-requirements#34 status: recorded PASS / re-evaluated FAIL" in t for t in texts)


def test_tampered_snapshot_is_caught_even_with_a_forged_digest(bundle, catalogue):
    _, folder, _ = bundle
    snapshot = json.loads((folder / "snapshot.json").read_text(encoding="utf-8"))
    volume = next(e for e in snapshot["evidence"] if e["resource_id"] == "vol-0bbb")
    volume["attributes"]["encrypted"] = True
    (folder / "snapshot.json").write_text(json.dumps(snapshot, ensure_ascii=False), encoding="utf-8")
    rehash(folder, "snapshot.json")
    report = verify_bundle(folder, catalogue)
    assert any("vol-0bbb" in d.key and d.field == "status" for d in report.differences)


def test_unreadable_bundles_are_a_clear_error(tmp_path, catalogue):
    with pytest.raises(AuditorError) as missing:
        verify_bundle(tmp_path / "nope.zip", catalogue)
    assert "nope.zip" in missing.value.message("ja")
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(AuditorError):
        verify_bundle(tmp_path / "junk.zip", catalogue)
    (tmp_path / "empty").mkdir()
    with pytest.raises(AuditorError) as no_manifest:
        verify_bundle(tmp_path / "empty", catalogue)
    assert "manifest.json" in no_manifest.value.message("en")


def test_bundle_needs_results_and_replaces_an_earlier_one(tmp_path, catalogue):
    with pytest.raises(AuditorError):
        write_bundle(tmp_path)
    out = tmp_path / "out"
    write_all(catalogue, out, {"csv": RENDERERS["csv"]})
    write_bundle(out)
    (out / "bundle" / "stale.txt").write_text("x", encoding="utf-8")
    folder, _ = write_bundle(out)
    assert not (folder / "stale.txt").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "no temporary folder is left behind"
    assert verify_bundle(folder, catalogue).clean


def _run_verify(catalogue, path, *lang):
    return CliRunner().invoke(cli, [*lang, "verify", str(path)], obj={"catalogue": catalogue})


def test_verify_command_exit_codes_and_languages(bundle, catalogue, tmp_path):
    _, folder, archive = bundle
    clean = _run_verify(catalogue, archive)
    assert clean.exit_code == 0, clean.output
    assert "署名なし（内容の整合のみ確認）" in clean.output and "ハッシュ値（SHA-256）が一致" in clean.output
    assert "改ざんなし" not in clean.output, "an unsigned bundle is never declared untampered"
    english = _run_verify(catalogue, archive, "--lang", "en")
    assert english.exit_code == 0 and "unsigned (content consistency only)" in english.output
    (folder / "extra.txt").write_text("x", encoding="utf-8")
    changed = _run_verify(catalogue, folder)
    assert changed.exit_code == 1
    assert "追加されたファイル: extra.txt" in changed.output
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"garbage")
    unreadable = _run_verify(catalogue, broken)
    assert unreadable.exit_code == 2
    assert "broken.zip" in unreadable.output


def test_verify_cannot_complete_without_the_checklists(bundle, catalogue):
    from auditor.run import Catalogue

    _, _, archive = bundle
    bare = Catalogue(catalogue.controls, {}, catalogue.providers, {})
    report = verify_bundle(archive, bare)
    assert report.digests_ok and not report.reevaluated and not report.clean and not report.tampered
    assert "not installed" in report.problems[0].text("en")
    assert _run_verify(bare, archive).exit_code == 2


def test_zip_with_a_traversal_entry_is_refused(bundle, catalogue, tmp_path):
    _, _, archive = bundle
    evil = tmp_path / "evil.zip"
    shutil.copy(archive, evil)
    with zipfile.ZipFile(evil, "a") as zipped:
        zipped.writestr("bundle/../../escape.txt", "x")
    report = verify_bundle(evil, catalogue)
    assert report.tampered and "escape.txt" in report.refused_file
    assert not (tmp_path.parent / "escape.txt").exists()


def test_damaged_results_are_refused_and_leave_nothing_behind(tmp_path, catalogue):
    out = tmp_path / "out"
    write_all(catalogue, out, {"csv": RENDERERS["csv"]})
    (out / "results.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(AuditorError) as refused:
        write_bundle(out)
    assert "results.json" in refused.value.message("en")
    assert not (out / "bundle").exists() and not (out / "bundle.zip").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
