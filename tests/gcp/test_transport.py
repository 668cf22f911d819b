"""Read-only, provably: mutating calls are refused before anything is sent, and the adapter's code
calls nothing but list/search/get methods."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from google.cloud import asset_v1

from providers.gcp.collect.inventory import AssetInventory
from providers.gcp.credentials import load_credentials
from providers.gcp.settings import ASSET
from providers.gcp.transport import ReadOnlySession, ReadOnlyViolation, ensure_read_only

ADAPTER = Path(__file__).resolve().parents[2] / "providers" / "gcp"
#: Modules that talk to Google. The emulator package (server, estates, demo) only serves or seeds the
#: emulator; the guard classes of transport.py forward checked requests to ``requests`` and are tested on
#: their own above.
CALLING_MODULES = [p for p in ADAPTER.rglob("*.py") if "emulator" not in p.relative_to(ADAPTER).parts]
GUARD = frozenset({"ReadOnlyAdapter", "_RedirectingAdapter", "_BoundedRequest", "ReadOnlySession"})


@pytest.mark.parametrize("method, url", [
    ("GET", "https://cloudasset.googleapis.com/v1/projects/p/assets?contentType=1"),
    ("GET", "https://cloudasset.googleapis.com/v1/organizations/1:searchAllResources"),
    ("get", "https://admin.googleapis.com/admin/directory/v1/users/a@example.jp"),
])
def test_reads_pass(method, url):
    ensure_read_only(method, url)


@pytest.mark.parametrize("method, url", [
    ("POST", "https://cloudasset.googleapis.com/v1/projects/p/feeds"),
    ("DELETE", "https://cloudasset.googleapis.com/v1/projects/p/feeds/f"),
    ("PATCH", "https://logging.googleapis.com/v2/projects/p/locations/global/buckets/_Default"),
    ("PUT", "https://storage.googleapis.com/storage/v1/b/x"),
    ("GET", "https://cloudresourcemanager.googleapis.com/v3/projects/p:setIamPolicy"),
    ("GET", "https://cloudasset.googleapis.com/v1/projects/p:exportAssets"),
    ("GET", "https://compute.googleapis.com/compute/v1/projects/p/zones/z/instances/i%3Astop"),
])
def test_writes_and_mutating_verbs_are_refused(method, url):
    with pytest.raises(ReadOnlyViolation):
        ensure_read_only(method, url)


def test_mutating_asset_client_calls_never_leave_the_machine(gcp):
    audit = load_credentials()
    inventory = AssetInventory(audit.credentials)
    with pytest.raises(ReadOnlyViolation):
        inventory.client.create_feed(request={"parent": "projects/p", "feed_id": "f", "feed": {"name": "x"}})
    with pytest.raises(ReadOnlyViolation):
        inventory.client.delete_feed(name="projects/p/feeds/f")
    with pytest.raises(ReadOnlyViolation):
        inventory.client.export_assets(request={"parent": "projects/p", "output_config": {}})
    assert gcp.emulator.requests == [] and gcp.emulator.token_requests == []


def test_the_asset_client_uses_the_guarded_session(gcp):
    inventory = AssetInventory(load_credentials().credentials)
    assert isinstance(inventory.client.transport._session, ReadOnlySession)
    listing = inventory.list("projects/p", "RESOURCE", ["storage.googleapis.com/Bucket"])
    assert listing.failure is None and gcp.emulator.api_requests("asset")


def test_the_rest_session_refuses_writes_before_sending(gcp):
    session = ReadOnlySession(load_credentials().credentials)
    for call in (session.post, session.put, session.patch, session.delete):
        with pytest.raises(ReadOnlyViolation):
            call(f"{gcp.emulator.url}/v1/projects/p/locations/-/endpoints")
    assert gcp.emulator.requests == [] and gcp.emulator.token_requests == []


def _calls(tree: ast.AST) -> set[str]:
    return {node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)}


def test_adapter_code_calls_only_read_methods_on_google_clients():
    """Meta-test: every method the adapter calls on an API client or session is a read."""
    mutating = {"post", "put", "patch", "delete", "request", "send"}
    mutating_prefixes = ("create_", "update_", "delete_", "set_", "export_", "patch_", "insert_", "analyze_")
    for module in CALLING_MODULES:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        if module == ADAPTER / "transport.py":
            tree.body = [n for n in tree.body if not (isinstance(n, ast.ClassDef) and n.name in GUARD)]
        calls = _calls(tree)
        assert not calls & mutating, (module.name, calls & mutating)
        assert not [c for c in calls if c.startswith(mutating_prefixes)], module.name
    inventory = ast.parse((ADAPTER / "collect" / "inventory.py").read_text(encoding="utf-8"))
    client_methods = {c for c in _calls(inventory) if c in dir(asset_v1.AssetServiceClient)}
    assert client_methods == {"list_assets"}


def test_endpoint_overrides():
    assert ASSET.base_url({}) == "https://cloudasset.googleapis.com"
    assert ASSET.base_url({"AUDITOR_GCP_ASSET_ENDPOINT": "http://127.0.0.1:9/"}) == "http://127.0.0.1:9"
    assert ASSET.base_url({"AUDITOR_GCP_ASSET_ENDPOINT": "asset.private.example:443"}) == \
        "https://asset.private.example:443"
