"""The read-only guard: every pipeline refuses writes before sending, and the adapter builds only reads."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from azure.core.rest import HttpRequest

from providers.azure.credentials import build_credential
from providers.azure.emulator.samples import sample_estate
from providers.azure.emulator.server import running
from providers.azure.settings import Settings
from providers.azure.transport import AzureApis, WriteRefused, is_read, resource_graph_query_url

from .conftest import audit_running


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("GET", "/subscriptions", True),
    ("HEAD", "/subscriptions/x", True),
    ("POST", "/providers/Microsoft.ResourceGraph/resources", True),
    ("POST", "/providers/microsoft.resourcegraph/resources/", True),
    ("POST", "/proxy/providers/microsoft.resourcegraph/resources", False),
    ("POST", "/subscriptions/x/providers/Microsoft.ResourceGraph/resources", False),
    ("POST", "/subscriptions/x/providers/Microsoft.Compute/register", False),
    ("PUT", "/subscriptions/x/resourceGroups/rg", False),
    ("PATCH", "/subscriptions/x/providers/Microsoft.Storage/storageAccounts/a", False),
    ("DELETE", "/subscriptions/x/resourceGroups/rg", False),
    ("POST", "/subscriptions/x/providers/Microsoft.Storage/storageAccounts/a/listKeys", False),
])
def test_read_classification(method, path, allowed):
    posts = (resource_graph_query_url("https://management.azure.com"),)
    assert is_read(method, f"https://management.azure.com{path}", posts) is allowed
    assert not is_read("POST", f"https://management.azure.com{path}")  # a channel without POST URLs
    assert is_read("POST", "https://proxy.example.jp/azure/providers/Microsoft.ResourceGraph/resources",
                   (resource_graph_query_url("https://proxy.example.jp/azure/"),))


def test_every_pipeline_refuses_writes_before_sending(estate):
    sid = estate.subscription("guarded")
    with running(estate) as emulator:
        settings = Settings.from_options(emulator.options(), environ={})
        apis = AzureApis(build_credential(settings), settings)
        try:
            attempts = [
                (apis.arm._client, HttpRequest("PUT", f"{emulator.url}/subscriptions/{sid}/resourceGroups/rg"
                                                      "?api-version=2021-04-01", json={"location": "japaneast"})),
                (apis.arm._client, HttpRequest("DELETE", f"{emulator.url}/subscriptions/{sid}/resourceGroups/rg"
                                                         "?api-version=2021-04-01")),
                (apis.graph._client, HttpRequest("PATCH", f"{emulator.url}/v1.0/policies/"
                                                          "identitySecurityDefaultsEnforcementPolicy",
                                                 json={"isEnabled": True})),
                (apis.resource_graph._client._client, HttpRequest(
                    "POST", f"{emulator.url}/subscriptions/{sid}/providers/Microsoft.ResourceGraph/register"
                            "?api-version=2016-02-01")),
            ]
            for client, request in attempts:
                with pytest.raises(WriteRefused):
                    client.send_request(request)
            assert [line for line in emulator.traffic.lines if line[0] not in ("GET",)
                    and "/oauth2/" not in line[1]] == []
            assert apis.arm.get("/subscriptions", {"api-version": "2022-12-01"})["value"]
        finally:
            apis.close()


def _service(path: str) -> str:
    if "/oauth2/" in path:
        return "token"
    return "resourcegraph" if path.lower().endswith("microsoft.resourcegraph/resources") else "other"


def test_a_full_audit_sends_only_reads():
    with running(sample_estate()) as emulator:
        audit_running(emulator)
        methods = {(method, _service(path)) for method, path in emulator.traffic.lines}
    assert methods <= {("GET", "other"), ("POST", "resourcegraph"), ("POST", "token"), ("GET", "token")}


PACKAGE = Path(__file__).resolve().parents[2] / "providers" / "azure"


def test_adapter_code_builds_only_get_requests():
    """Outside the emulator, every HttpRequest the adapter builds is a GET (the query POST is the SDK's)."""
    built = 0
    for path in PACKAGE.rglob("*.py"):
        if "emulator" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "HttpRequest":
                assert isinstance(node.args[0], ast.Constant) and node.args[0].value == "GET", path.name
                built += 1
    assert built, "no HttpRequest found in the adapter: the walk missed providers/azure/transport.py"
