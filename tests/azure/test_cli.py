"""``auditor audit --provider azure`` end to end, configured only by environment, and the demo estate."""

from __future__ import annotations

import json

from click.testing import CliRunner

from auditor.cli import cli
from providers.azure.emulator.samples import sample_estate
from providers.azure.emulator.server import running


def test_audit_writes_results_from_the_sample_estate(tmp_path):
    estate = sample_estate()
    out = tmp_path / "report"
    with running(estate) as emulator:
        result = CliRunner().invoke(
            cli, ["--lang", "en", "audit", "--provider", "azure", "--output", str(out), "--format", "json"],
            env=emulator.environment(), catch_exceptions=False)
    assert result.exit_code == 1, result.output  # the sample estate has failures
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    [scope] = data["run"]["providers"]
    assert scope["provider"] == "azure" and scope["identity"]["tenant"] == estate.tenant_id
    assert set(scope["scopes"]) == {*estate.subscriptions, estate.tenant_id}
    findings = {(f["check_id"], f["resource_id"].rsplit("/", 1)[-1]): f for f in data["findings"]}
    rdp = findings[("azure.nsg.admin_ports_closed", "nsg-batch")]
    assert rdp["status"] == "FAIL" and rdp["region"] == "japanwest" and rdp["source"].startswith("resourcegraph:")
    assert findings[("azure.resource.location_japan", "sttestuseast")]["status"] == "FAIL"
    controls = {(c["control_id"], c["provider"]): c["status"] for c in data["controls"]}
    assert controls[("csp.certification", "azure")] == "INHERITED"
    assert controls[("time.sync", "azure")] == "UNKNOWN"  # one VM from a custom image
    assert data["gaps"] == []


def test_demo_estate_is_audited_through_its_options():
    from auditor.checks import resource_types_for
    from auditor.plugins import CollectRequest
    from providers.azure.checks import CHECKS
    from providers.azure.plugin import provider

    with provider.demo_estate() as demo:
        collection = provider.collect(CollectRequest(resource_types_for(CHECKS), demo.options))
    assert "Japan" in demo.description_en and demo.planted_ja and len(demo.planted_ja) == len(demo.planted_en)
    assert len(collection.scope.scopes) == 2 and not collection.gaps  # the subscription and the tenant
    assert {e.region for e in collection.evidence} >= {"japaneast", "japanwest", "eastus"}
