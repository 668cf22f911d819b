"""Meta-tests over the Azure registries: checks, permissions, controls, import cost, read-only code."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from auditor.controls import load_controls
from providers.azure.checks import CHECKS, NOT_AUTOMATED
from providers.azure.kinds import QUERIES, QUERIES_FOR_KIND
from providers.azure.permissions import covered_by_reader, grant
from providers.azure.plugin import provider

PACKAGE = Path(__file__).resolve().parents[2] / "providers" / "azure"


def test_check_ids_are_unique_and_azure():
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids))
    assert all(c.provider == "azure" and c.id.startswith("azure.") for c in CHECKS)


def test_every_check_declares_permissions_and_expectation():
    for check in CHECKS:
        assert check.permissions, check.id
        assert check.expected, check.id
        assert check.title_ja, check.id


def test_every_arm_permission_is_a_read_that_reader_covers():
    arm = {p for c in CHECKS for p in c.permissions if not p.startswith("graph:")}
    assert arm and all(covered_by_reader(p) for p in arm)


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


def test_permissions_grant_is_reader_plus_named_graph_permissions_only():
    document = grant(list(CHECKS), {"subscription": ("s1", "s2")})
    roles = document["azure_rbac_role_assignments"]
    assert [r["role"] for r in roles] == ["Reader", "Reader"]
    assert [r["scope"] for r in roles] == ["/subscriptions/s1", "/subscriptions/s2"]
    graph = {g["permission"] for g in document["microsoft_graph_application_permissions"]}
    assert graph == {"AuditLog.Read.All", "Domain.Read.All", "Policy.Read.All", "RoleManagement.Read.Directory",
                     "User.Read.All"}


def test_plugin_imports_no_azure_sdk():
    code = "import sys, providers.azure.plugin; print(sorted(m for m in sys.modules if m.split('.')[0] == 'azure'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert provider.name == "azure" and len(provider.checks()) == len(CHECKS)


def test_options_never_take_a_secret():
    names = {option.name for option in provider.options}
    assert names == {"tenant", "client-id", "subscription", "connection-verify"}
    assert not any("secret" in n or "password" in n for n in names)


def test_adapter_code_builds_only_get_requests():
    """Outside the emulator, every HttpRequest the adapter builds is a GET (the query POST is the SDK's)."""
    for path in PACKAGE.glob("*.py"):
        if path.name in ("emulator.py", "readonly.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "HttpRequest":
                assert isinstance(node.args[0], ast.Constant) and node.args[0].value == "GET", path.name
