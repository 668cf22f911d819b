"""Audit scopes: an organisation or a folder covers every project under it; listings are paged."""

from __future__ import annotations

from providers.gcp.emulator import estate_assets as assets
from providers.gcp.emulator.server import GoogleApisEmulator
from tests.gcp.conftest import ORG_NUMBER, by_check


def _two_projects_in_a_folder_and_one_outside(estate) -> str:
    org = estate.add_organization(ORG_NUMBER)
    folder = estate.add_folder("300", org, "citizens")
    estate.add_project("tax-prod", "100000000011", folder)
    estate.add_project("tax-stg", "100000000012", folder)
    estate.add_project("hr-prod", "100000000013", org)
    for project in ("tax-prod", "tax-stg", "hr-prod"):
        assets.bucket(estate, project, f"{project}-data", "ASIA-NORTHEAST1")
        assets.firewall(estate, project, "ssh", ["0.0.0.0/0"], [{"IPProtocol": "tcp", "ports": ["22"]}])
    return folder


def test_folder_scope_spans_its_projects_only(gcp):
    folder = _two_projects_in_a_folder_and_one_outside(gcp.estate)

    collection, findings = gcp.audit(folder=[folder.removeprefix("folders/")])

    assert collection.scope.scopes == ("folders/300",)
    buckets = {f.scope for f in by_check(findings, "gcp.storage.bucket_in_japan")}
    assert buckets == {"tax-prod", "tax-stg"}
    projects = {f.scope for f in by_check(findings, "gcp.logging.admin_activity_always_on")}
    assert projects == {"tax-prod", "tax-stg"}
    listings = gcp.emulator.api_requests("asset")
    inventory = {r.path for r in listings if r.query["contentType"] != ["5"]}
    assert inventory == {"/v1/folders/300/assets"}
    # Only the organisation's access policies (ACCESS_POLICY, content type 5) are read above the folder.
    assert {r.path for r in listings if r.query["contentType"] == ["5"]} == {"/v1/organizations/1234567890/assets"}
    per_project_calls = {r.path.split("/")[3] for r in gcp.emulator.api_requests("ids")}
    assert per_project_calls == {"tax-prod", "tax-stg"}


def test_organisation_scope_covers_every_project(gcp):
    _two_projects_in_a_folder_and_one_outside(gcp.estate)
    _, findings = gcp.audit(organization=[f"organizations/{ORG_NUMBER}"])
    assert {f.scope for f in by_check(findings, "gcp.storage.bucket_in_japan")} == {"tax-prod", "tax-stg", "hr-prod"}


def test_overlapping_scopes_are_deduplicated(gcp):
    folder = _two_projects_in_a_folder_and_one_outside(gcp.estate)
    collection, findings = gcp.audit(folder=[folder], project=["tax-prod"])
    assert collection.scope.scopes == ("folders/300", "projects/tax-prod")
    assert len(by_check(findings, "gcp.storage.bucket_in_japan")) == 2
    assert len({r.key for r in collection.evidence}) == len(collection.evidence)


def test_listings_are_paged_and_requests_grow_with_pages(gcp, rsa_key):
    estate = gcp.estate
    org = estate.add_organization(ORG_NUMBER)
    estate.add_project("big", "100000000021", org)
    for index in range(23):
        assets.bucket(estate, "big", f"bucket-{index:02d}", "ASIA-NORTHEAST1")

    with GoogleApisEmulator(estate, page_size_cap=5) as small_pages:
        for name, value in small_pages.environment().items():
            gcp_env_set(name, value)
        info = gcp.key_file.read_text().replace(gcp.emulator.token_uri, small_pages.token_uri)
        gcp.key_file.write_text(info)
        _, findings = gcp.audit(organization=[ORG_NUMBER])
        resource_pages = [r for r in small_pages.api_requests("asset") if r.query.get("contentType") == ["1"]]

    assert len(by_check(findings, "gcp.storage.bucket_in_japan")) == 23
    # 23 buckets + 1 project = 24 assets → 5 pages of at most 5; the follow-up pages carry the token.
    assert len(resource_pages) == 5
    assert ["pageToken" in r.query for r in resource_pages] == [False, True, True, True, True]
    assert all(r.query["pageSize"] == ["1000"] for r in resource_pages)


def gcp_env_set(name: str, value: str) -> None:
    import os

    os.environ[name] = value  # monkeypatch (in the gcp fixture) restores these after the test


def test_only_the_asset_types_the_requested_checks_need_are_listed(gcp):
    from auditor.plugins import CollectRequest
    from providers.gcp.plugin import provider

    estate = gcp.estate
    org = estate.add_organization(ORG_NUMBER)
    estate.add_project("data-prj", "100000000041", org)
    assets.bucket(estate, "data-prj", "data")
    assets.firewall(estate, "data-prj", "ssh", ["0.0.0.0/0"], [{"IPProtocol": "tcp", "ports": ["22"]}])

    collection = provider.collect(CollectRequest(frozenset({"gcp.storage.bucket"}), {"project": ("data-prj",)}))

    listings = gcp.emulator.api_requests("asset")
    assert len(listings) == 1
    assert listings[0].query["assetTypes"] == ["storage.googleapis.com/Bucket"]
    assert listings[0].query["contentType"] == ["1"]
    assert {r.resource_type for r in collection.evidence} == {"gcp.storage.bucket"}
    assert gcp.emulator.api_requests("ids") == [] and gcp.emulator.api_requests("admin") == []
