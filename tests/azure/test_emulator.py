"""Paging, recorded payloads and the emulator's fidelity to the published protocol shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from providers.azure import facts
from providers.azure import kinds as k
from providers.azure.emulator.routes import KqlError, parse_kql
from providers.azure.emulator.server import running
from providers.azure.kinds import QUERIES

from .conftest import audit, audit_running

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str, subscription: str = "") -> dict:
    text = (FIXTURES / name).read_text(encoding="utf-8").replace("{subscription-id}", subscription)
    document = json.loads(text)
    document.pop("_source", None)
    return document


def test_resource_graph_pages_on_skip_token(estate):
    sid = estate.subscription("big")
    for n in range(2500):
        estate.managed_disk(sid, "rg", f"disk-{n:04d}", zone=None)
    with running(estate) as emulator:
        result = audit_running(emulator, frozenset({k.RESOURCE}))
        assert emulator.traffic.counts["resourcegraph"] == 1 + 3  # subscriptions check + 3 pages of 1,000
    assert len(result.collection.evidence) == 2500
    assert len({e.resource_id for e in result.collection.evidence}) == 2500


def test_arm_and_graph_lists_follow_absolute_next_links(estate):
    estate.arm_page_size = 2
    estate.graph_page_size = 2
    subs = [estate.subscription(f"s{n}") for n in range(5)]
    vms = [estate.virtual_machine(subs[0], "rg", f"vm{n}") for n in range(5)]
    estate.recovery_vault(subs[0], "rg", "rsv", protect=tuple(vms))
    for n in range(5):
        estate.user(f"admin{n}", roles=(facts.GLOBAL_ADMIN_ROLE_ID,))
    with running(estate) as emulator:
        result = audit_running(emulator, frozenset({k.VM, k.ADMIN}))
        lines = emulator.traffic.lines
    assert sum(1 for _, path in lines if path == "/subscriptions") == 3
    assert sum(1 for _, path in lines if path.endswith("/backupProtectedItems")) == 3
    assert sum(1 for _, path in lines if path.endswith("/userRegistrationDetails")) == 3
    assert sorted(e.scope for e in result.collection.evidence if e.resource_type == k.VM) == [subs[0]] * 5
    assert [result.status("azure.vm.backup", f"vm{n}") for n in range(5)] == ["PASS"] * 5
    assert len(result.of("azure.entra.admin_mfa_registered")) == 5


def test_recorded_spec_payloads_are_decided(estate):
    sid = estate.subscription("recorded")
    for name in ("storage_account_get.json", "nsg_get.json"):
        document = fixture(name, sid)
        estate.resources[document["id"].lower()] = document
    estate.graph["conditionalAccessPolicies"].append(fixture("conditional_access_policy.json"))
    estate.user("ga", roles=(facts.GLOBAL_ADMIN_ROLE_ID,))
    result = audit(estate, frozenset({k.RESOURCE, k.STORAGE, k.NSG, k.TENANT}))
    assert result.status("azure.resource.location_japan", "sto8596") == "FAIL"
    assert result.status("azure.storage.geo_secondary_japan", "sto8596") == "FAIL"
    assert result.status("azure.storage.https_only", "sto8596") == "FAIL"
    assert result.status("azure.storage.min_tls_1_2", "sto8596") == "FAIL"
    assert result.status("azure.storage.encrypted", "sto8596") == "PASS"
    assert result.status("azure.nsg.admin_ports_closed", "testnsg") == "PASS"  # port 80 only
    assert result.status("azure.entra.admin_mfa_enforced", estate.tenant_id) == "FAIL"  # the sample is disabled


def test_emulator_answers_resource_graph_in_the_published_shape(estate):
    from azure.identity import ClientSecretCredential
    from azure.mgmt.resourcegraph import ResourceGraphClient
    from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

    sid = estate.subscription("shape")
    for n in range(5):
        estate.managed_disk(sid, "rg", f"d{n}")
    recorded = set(fixture("resourcegraph_next_page.json"))
    with running(estate) as emulator:
        options = emulator.options()
        credential = ClientSecretCredential(options["tenant"], options["client_id"], options["client_secret"],
                                            authority=emulator.url, disable_instance_discovery=True,
                                            connection_verify=options["connection_verify"])
        client = ResourceGraphClient(credential, base_url=emulator.url, credential_scopes=[f"{emulator.url}/.default"],
                                     connection_verify=options["connection_verify"])
        query = QUERIES["disks"].kql()
        first = client.resources(QueryRequest(subscriptions=[sid], query=query, options=QueryRequestOptions(top=2)))
        assert set(first.as_dict(keep_readonly=True)) | {"$skipToken"} >= {"total_records", "count", "data"}
        assert first.total_records == 5 and first.count == 2 and first.skip_token
        raw = client._client.send_request(__import__("azure.core.rest", fromlist=["HttpRequest"]).HttpRequest(
            "POST", f"{emulator.url}/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01",
            json={"subscriptions": [sid], "query": query, "options": {"$top": 2}})).json()
        assert set(raw) == recorded
        no_id = client.resources(QueryRequest(subscriptions=[sid], query="resources | project name",
                                              options=QueryRequestOptions(top=2)))
        assert no_id.result_truncated == "true" and not no_id.skip_token
        client.close()


def test_kql_subset_parses_the_adapter_queries_and_refuses_the_rest():
    for query in QUERIES.values():
        parsed = parse_kql(query.kql())
        assert parsed.table == query.table
        assert ("id", "id") in parsed.columns
    with pytest.raises(KqlError):
        parse_kql("resources | summarize count() by type")
    with pytest.raises(KqlError):
        parse_kql("resources | where name contains 'x'")
