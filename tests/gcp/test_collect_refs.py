"""Pure pieces of the collection: resource references and the organisation-policy merge."""

from __future__ import annotations

from providers.gcp.collect.builders.projects import _effective_locations
from providers.gcp.collect.refs import compute_ref, location_from_link


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


def test_references():
    link = "https://www.googleapis.com/compute/v1/projects/p/global/sslPolicies/x"
    assert compute_ref(link) == compute_ref("//compute.googleapis.com/projects/p/global/sslPolicies/x")
    assert location_from_link("https://www.googleapis.com/compute/v1/projects/p/zones/asia-northeast1-a") == \
        "asia-northeast1-a"
