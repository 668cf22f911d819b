"""The provider object: cheap to import, one check or a stated reason for every control, every check
declaring the read-only permissions it needs, and the parsing of its options."""

from __future__ import annotations

import subprocess
import sys

import pytest

from auditor.controls import load_controls
from auditor.errors import AuditorError
from auditor.plugins import DemoCapable, Provider
from providers.gcp.plugin import provider
from providers.gcp.settings import GcpOptions


def test_importing_the_provider_loads_no_google_library():
    code = ("import sys, providers.gcp.plugin as p; p.provider.checks(); p.provider.not_automated(); "
            "print(sorted(m for m in sys.modules if m.startswith(('google', 'grpc', 'requests'))))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_it_implements_the_provider_protocols():
    assert isinstance(provider, Provider)
    assert isinstance(provider, DemoCapable)
    assert [o.name for o in provider.options] == ["project", "folder", "organization", "impersonate-service-account"]


def test_every_control_has_a_check_or_a_reason():
    controls = load_controls()
    checked = {c.control_id for c in provider.checks()}
    manual = set(provider.not_automated())
    for control in controls.values():
        if control.inherited:
            assert control.id not in checked | manual
        else:
            assert (control.id in checked) != (control.id in manual), control.id
    assert manual == {"identity.password-policy"}
    assert set(checked) <= set(controls)


def test_checks_are_unique_and_declare_read_permissions():
    ids = [c.id for c in provider.checks()]
    assert len(ids) == len(set(ids))
    for check in provider.checks():
        assert check.provider == "gcp" and check.id.startswith("gcp.")
        assert check.permissions and all(".list" in p or p.endswith(".get") for p in check.permissions), check.id
        assert check.title and check.title_ja and check.expected


def test_the_demo_estate_is_audited_through_the_emulator(monkeypatch):
    import os

    from auditor.checks import resource_types_for, run_checks
    from auditor.plugins import CollectRequest

    before = dict(os.environ)
    with provider.demo_estate() as demo:
        assert dict(os.environ) == before  # the demo applies the environment only while it audits
        assert demo.environment["AUDITOR_GCP_ASSET_ENDPOINT"].startswith("http://127.0.0.1:")
        assert len(demo.planted_ja) == len(demo.planted_en) > 0
        for name, value in demo.environment.items():
            monkeypatch.setenv(name, value)
        collection = provider.collect(CollectRequest(resource_types_for(provider.checks()), demo.options))
        findings = run_checks(provider.checks(), collection.evidence, collection.gaps)
    assert {f.status.value for f in findings} >= {"PASS", "FAIL"}
    assert not collection.gaps
    failed = {f.check_id for f in findings if f.status.value == "FAIL"}
    assert failed == {"gcp.storage.bucket_in_japan", "gcp.compute.firewall_admin_ports_closed"}


def test_options():
    options = GcpOptions.from_mapping({"organization": ("organizations/1",), "folder": ["22"],
                                       "project": ("my-project", "projects/my-project"),
                                       "impersonate_service_account": "a@b.iam.gserviceaccount.com"})
    assert options.scopes == ("organizations/1", "folders/22", "projects/my-project")
    assert GcpOptions.from_mapping({"project": None, "folder": ()}).scopes == ()
    with pytest.raises(AuditorError):
        GcpOptions.from_mapping({"impersonate_service_account": "not-an-email"})
