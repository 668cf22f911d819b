"""Paging and timeout limits against the Google APIs emulator: a ``nextPageToken`` that repeats (Cloud
Asset and the plain REST follow-ups), a listing longer than ``AUDITOR_MAX_PAGES`` and a silent
endpoint each end that call as a gap or an unreadable attribute with the cause, promptly."""

from __future__ import annotations

import json
import time

import pytest

from auditor.errors import AuditorError
from auditor.status import Status
from providers.gcp.emulator import estate_assets as assets
from tests.endpoints import silent_endpoint
from tests.gcp.conftest import AUDITOR, PROJECT, key_file_info, one, org_and_project

LISTINGS = {"asset:assets.list[RESOURCE]", "asset:assets.list[IAM_POLICY]", "asset:assets.list[ORG_POLICY]"}


def _requests(gcp, api: str) -> int:
    return len(gcp.emulator.api_requests(api))


def test_a_repeated_asset_page_token_makes_each_listing_a_gap(gcp):
    org_and_project(gcp.estate)
    assets.bucket(gcp.estate, PROJECT, "data")
    gcp.emulator.repeat_page_token.add("asset")
    collection, findings = gcp.audit(project=[PROJECT])
    refused = [g for g in collection.gaps if g.error_code == "PagingRefused"]
    assert {g.source for g in refused} == LISTINGS
    assert all("repeats one already followed" in g.message for g in refused)
    assert _requests(gcp, "asset") == 2 * len(LISTINGS)
    assert collection.evidence == ()
    assert one(findings, "gcp.storage.bucket_in_japan").status is Status.UNKNOWN


def test_a_repeated_rest_page_token_marks_the_follow_up_unreadable(gcp):
    org_and_project(gcp.estate)
    assets.instance(gcp.estate, PROJECT, "asia-northeast1-a", "vm")
    gcp.emulator.repeat_page_token.add("ids")
    collection, _findings = gcp.audit(project=[PROJECT])
    threat = next(r for r in collection.evidence if r.resource_type == "gcp.resourcemanager.project_threat_detection")
    assert "PagingRefused" in threat.unreadable["ids_endpoints"]
    assert "AUDITOR_MAX_PAGES" in threat.unreadable["ids_endpoints"]
    assert _requests(gcp, "ids") == 2


def test_a_listing_longer_than_the_page_limit_is_a_gap(gcp, monkeypatch):
    org_and_project(gcp.estate)
    for n in range(3):
        assets.bucket(gcp.estate, PROJECT, f"data-{n}")
    gcp.emulator.page_size_cap = 1
    monkeypatch.setenv("AUDITOR_MAX_PAGES", "2")
    collection, findings = gcp.audit(project=[PROJECT])
    (refused,) = [g for g in collection.gaps if g.source == "asset:assets.list[RESOURCE]"]
    assert refused.error_code == "PagingRefused" and "limit of 2 pages" in refused.message
    assert {f.status for f in findings if f.check_id == "gcp.storage.bucket_in_japan"} == {Status.UNKNOWN}


def test_a_silent_asset_endpoint_times_out_into_gaps(gcp, monkeypatch):
    org_and_project(gcp.estate)
    monkeypatch.setenv("AUDITOR_READ_TIMEOUT", "1")
    with silent_endpoint() as port:
        monkeypatch.setenv("AUDITOR_GCP_ASSET_ENDPOINT", f"http://127.0.0.1:{port}")
        started = time.monotonic()
        collection, _findings = gcp.audit(project=[PROJECT])
        elapsed = time.monotonic() - started
    gaps = {g.source: g for g in collection.gaps}
    assert set(gaps) >= LISTINGS
    assert all("timed out" in gaps[s].message.lower() and "AUDITOR_READ_TIMEOUT" in gaps[s].message_in("en")
               for s in LISTINGS)
    assert elapsed < 8, f"took {elapsed:.1f} s"


def test_a_silent_token_endpoint_is_not_called_a_credential_problem(gcp, rsa_key, tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITOR_CONNECT_TIMEOUT", "1")
    monkeypatch.setenv("AUDITOR_READ_TIMEOUT", "1")
    with silent_endpoint() as port:
        key_file = tmp_path / "silent-key.json"
        key_file.write_text(json.dumps(key_file_info(rsa_key, AUDITOR, f"http://127.0.0.1:{port}/token")))
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
        started = time.monotonic()
        with pytest.raises(AuditorError) as raised:
            gcp.collect(project=[PROJECT])
        elapsed = time.monotonic() - started
    message = raised.value.message("en")
    assert "token endpoint could not be reached or did not answer in time" in message
    assert "not a credential problem" in message
    assert elapsed < 8, f"took {elapsed:.1f} s"
