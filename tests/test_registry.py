"""Meta-tests over the registries: every installed provider covers every control, with declared permissions."""

from __future__ import annotations

import pytest

from auditor.run import load_catalogue

CATALOGUE = load_catalogue()
PROVIDERS = sorted(CATALOGUE.providers)


def test_every_mapped_control_exists():
    for checklist in CATALOGUE.checklists.values():
        for item in checklist.items:
            assert set(item.control_ids) <= set(CATALOGUE.controls), f"{checklist.id}#{item.id}"
            assert item.basis in ("controls", "inherited", "manual")


def test_every_control_is_answered_by_some_item():
    used = {cid for c in CATALOGUE.checklists.values() for i in c.items for cid in i.control_ids}
    assert used == set(CATALOGUE.controls)


@pytest.mark.parametrize("name", PROVIDERS)
def test_every_control_has_checks_or_a_reason(name):
    provider = CATALOGUE.providers[name]
    checked = {check.control_id for check in provider.checks()}
    reasons = provider.not_automated()
    for control in CATALOGUE.controls.values():
        if control.inherited:
            continue
        assert control.id in checked or reasons.get(control.id), f"{name}: {control.id} has no check and no reason"
    assert set(reasons) <= set(CATALOGUE.controls)


@pytest.mark.parametrize("name", PROVIDERS)
def test_every_check_is_well_declared(name):
    checks = CATALOGUE.providers[name].checks()
    ids = [check.id for check in checks]
    assert len(ids) == len(set(ids)), "check ids must be unique"
    for check in checks:
        assert check.provider == name and check.id.startswith(f"{name}.")
        assert check.control_id in CATALOGUE.controls
        assert check.permissions, f"{check.id} declares no permissions"
        assert check.expected, f"{check.id} declares no expected value"
        assert check.resource_type.startswith(f"{name}.")
