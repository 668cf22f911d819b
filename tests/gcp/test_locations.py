"""Locations: Japanese regions, multi-regions and the resource-locations policy values."""

from __future__ import annotations

import pytest

from providers.gcp.locations import classify, japan_only_allowed_values, region_of


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
