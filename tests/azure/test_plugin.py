"""The provider object: cheap to import (no Azure SDK), its options, its check table."""

from __future__ import annotations

import subprocess
import sys

from auditor.controls import load_controls
from providers.azure.checks import CHECKS, NOT_AUTOMATED
from providers.azure.kinds import QUERIES, QUERIES_FOR_KIND
from providers.azure.plugin import provider


def test_plugin_imports_no_azure_sdk():
    code = "import sys, providers.azure.plugin; print(sorted(m for m in sys.modules if m.split('.')[0] == 'azure'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert provider.name == "azure" and len(provider.checks()) == len(CHECKS)


def test_options_never_take_a_secret():
    names = {option.name for option in provider.options}
    assert names == {"tenant", "client-id", "subscription", "connection-verify"}
    assert not any("secret" in n or "password" in n for n in names)


def test_check_ids_are_unique_and_azure():
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids))
    assert all(c.provider == "azure" and c.id.startswith("azure.") for c in CHECKS)


def test_every_control_is_decided_or_declared_not_automated():
    controls = load_controls()
    decided = {c.control_id for c in CHECKS} | set(NOT_AUTOMATED)
    for control in controls.values():
        if control.inherited:
            assert control.id not in decided
        else:
            assert control.id in decided, control.id
    assert {c.control_id for c in CHECKS} <= set(controls)


def test_every_kind_a_check_reads_is_collected():
    from providers.azure.kinds import ENTRA_KINDS

    for check in CHECKS:
        assert check.resource_type in QUERIES_FOR_KIND or check.resource_type in ENTRA_KINDS, check.id
    for names in QUERIES_FOR_KIND.values():
        assert all(name in QUERIES for name in names)
