"""Pure pieces: locations, firewall ports, option parsing, the organisation-policy merge."""

from __future__ import annotations

import pytest

from auditor.errors import AuditorError
from providers.gcp.apis import ASSET
from providers.gcp.builders.projects import _effective_locations
from providers.gcp.checks.network import exposed_admin_ports
from providers.gcp.locations import classify, japan_only_allowed_values, region_of
from providers.gcp.options import GcpOptions
from providers.gcp.refs import compute_ref, location_from_link


@pytest.mark.parametrize("location, kind", [
    ("asia-northeast1", "japan"), ("ASIA-NORTHEAST2", "japan"), ("asia-northeast1-b", "japan"), ("asia1", "japan"),
    ("ASIA1", "japan"), ("asia", "multi-region"), ("US", "multi-region"), ("eu", "multi-region"),
    ("nam4", "multi-region"), ("asia-northeast3", "outside"), ("us-central1-a", "outside"), ("global", "global"),
    ("", "unknown"),
])
def test_classify(location, kind):
    assert classify(location) == kind


def test_region_of():
    assert region_of("asia-northeast1-a") == "asia-northeast1"
    assert region_of("asia-northeast1") == "asia-northeast1"
    assert region_of("ASIA") == "asia"


@pytest.mark.parametrize("values, japan_only", [
    (["in:asia-northeast1-locations", "in:asia-northeast2-locations"], True),
    (["asia-northeast1", "zones:asia-northeast1-a"], True),
    (["in:asia1-locations"], True),
    (["in:asia-locations"], False),
    (["in:asia-northeast1-locations", "us-central1"], False),
    ([], False),
])
def test_japan_only_allowed_values(values, japan_only):
    assert japan_only_allowed_values(values)[0] is japan_only


def test_exposed_admin_ports():
    assert exposed_admin_ports([{"IPProtocol": "tcp", "ports": ["443"]}]) == []
    assert exposed_admin_ports([{"IPProtocol": "tcp", "ports": ["20-23"]}]) == [
        "20/FTP-data", "21/FTP", "22/SSH", "23/Telnet"]
    assert exposed_admin_ports([{"IPProtocol": "udp"}]) == ["全ポート（udp）"]
    assert exposed_admin_ports([{"IPProtocol": "icmp"}]) == []
    assert exposed_admin_ports([{"IPProtocol": "6", "ports": ["3306"]}]) == ["3306/MySQL"]


def test_effective_resource_locations_merge():
    nearest_first = [
        ("projects/1", {"listPolicy": {"allowedValues": ["in:asia-northeast2-locations"], "inheritFromParent": True}}),
        ("folders/2", {}),
        ("organizations/3", {"listPolicy": {"allowedValues": ["in:asia-northeast1-locations"]}}),
    ]
    merged = _effective_locations(nearest_first)
    assert merged["constrained"] is True
    assert merged["allowed"] == ["in:asia-northeast2-locations", "in:asia-northeast1-locations"]
    assert merged["set_at"] == ["projects/1", "organizations/3"]
    assert _effective_locations([("projects/1", {"restoreDefault": {}})])["constrained"] is False
    assert _effective_locations([("projects/1", {"listPolicy": {"allValues": "ALLOW"}})])["constrained"] is False
    hidden_parent = _effective_locations([nearest_first[0], ("folders/2", None)])
    assert hidden_parent["incomplete"] is True and hidden_parent["allowed"] == ["in:asia-northeast2-locations"]
    own_policy = _effective_locations([("projects/1", {"listPolicy": {"allowedValues": ["asia-northeast1"]}}),
                                       ("folders/2", None)])
    assert "incomplete" not in own_policy and own_policy["constrained"] is True


def test_options():
    options = GcpOptions.from_mapping({"organization": ("organizations/1",), "folder": ["22"],
                                       "project": ("my-project", "projects/my-project"),
                                       "impersonate_service_account": "a@b.iam.gserviceaccount.com"})
    assert options.scopes == ("organizations/1", "folders/22", "projects/my-project")
    assert GcpOptions.from_mapping({"project": None, "folder": ()}).scopes == ()
    with pytest.raises(AuditorError):
        GcpOptions.from_mapping({"impersonate_service_account": "not-an-email"})


def test_references_and_endpoints():
    link = "https://www.googleapis.com/compute/v1/projects/p/global/sslPolicies/x"
    assert compute_ref(link) == compute_ref("//compute.googleapis.com/projects/p/global/sslPolicies/x")
    assert location_from_link("https://www.googleapis.com/compute/v1/projects/p/zones/asia-northeast1-a") == \
        "asia-northeast1-a"
    assert ASSET.base_url({}) == "https://cloudasset.googleapis.com"
    assert ASSET.base_url({"AUDITOR_GCP_ASSET_ENDPOINT": "http://127.0.0.1:9/"}) == "http://127.0.0.1:9"
    assert ASSET.base_url({"AUDITOR_GCP_ASSET_ENDPOINT": "asset.private.example:443"}) == \
        "https://asset.private.example:443"
