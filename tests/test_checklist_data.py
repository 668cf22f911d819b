"""The checklist data files in mappings/: shape, stable ids, verbatim texts and the basis of every item.

The seeds (plain-text extractions of the municipal sheets) are copied into tests/fixtures/seeds so the
checks do not depend on anything outside the repository.
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
MAPPINGS = ROOT / "mappings"
SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"

CONTROL_IDS = {
    "residency.japan",
    "encryption.at-rest",
    "tls.in-transit",
    "identity.admin-mfa",
    "identity.password-policy",
    "identity.least-privilege",
    "identity.account-lifecycle",
    "identity.access-restriction",
    "logging.audit-trail",
    "logging.retention-1y",
    "logging.integrity",
    "network.waf",
    "network.ids",
    "network.firewall",
    "resilience.redundancy",
    "resilience.backup",
    "time.sync",
    "vuln.management",
    "vuln.malware",
    "ops.monitoring",
    "csp.certification",
}
INHERITED_CONTROL = "csp.certification"


def _ids_002() -> list[str]:
    ids = [str(n) for n in range(1, 39)]
    ids += ["37-2", "38-2", "39", "40", "41", "42", "42-a", "42-b"]
    ids += [str(n) for n in range(43, 97)]
    return ids


# DESIGN §4: checklist id -> (file, seed, item ids in source order)
CHECKLISTS = {
    "ext-service-requirements": (
        "ext-service-requirements.yaml",
        "000_99001e6ae485093a.txt",
        [str(n) for n in range(1, 38)],
    ),
    "cloud-service-requirements": (
        "cloud-service-requirements.yaml",
        "001_c9565f8a40bb6c34.txt",
        [f"1.{n}" for n in range(1, 29)],
    ),
    "infosec-requirements-annex4": (
        "infosec-requirements-annex4.yaml",
        "002_78d65048b97d1a2f.txt",
        _ids_002(),
    ),
    "ext-service-selection-criteria": (
        "ext-service-selection-criteria.yaml",
        "003_53826eb87d7469aa.txt",
        [f"sel-{n:02d}" for n in range(1, 23)]
        + [f"build-{n:02d}" for n in range(1, 9)]
        + [f"retire-{n:02d}" for n in range(1, 4)],
    ),
    "usage-decision-criteria": (
        "usage-decision-criteria.yaml",
        "004_51d74440d762e605.txt",
        [f"common-{n}" for n in range(1, 14)] + [f"inet-{n}" for n in range(1, 23)],
    ),
}
COUNTS = {
    "ext-service-requirements": 37,
    "cloud-service-requirements": 28,
    "infosec-requirements-annex4": 100,
    "ext-service-selection-criteria": 33,
    "usage-decision-criteria": 35,
}

WS = re.compile(r"\s+")


def squash(text: str) -> str:
    return WS.sub("", text)


def load(checklist_id: str) -> dict:
    with (MAPPINGS / CHECKLISTS[checklist_id][0]).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def seed(checklist_id: str) -> str:
    return (SEEDS / CHECKLISTS[checklist_id][1]).read_text(encoding="utf-8")


ALL = pytest.mark.parametrize("checklist_id", sorted(CHECKLISTS))


def test_seed_fixtures_present():
    for _, seed_name, _ in CHECKLISTS.values():
        assert (SEEDS / seed_name).is_file(), seed_name


@ALL
def test_file_loads_with_top_level_fields(checklist_id):
    data = load(checklist_id)
    assert isinstance(data, dict)
    assert data["id"] == checklist_id
    assert isinstance(data["version"], str) and data["version"]
    assert data["title"]
    assert data["source"] == CHECKLISTS[checklist_id][1]
    assert isinstance(data["columns"], list) and data["columns"]
    assert isinstance(data["answer_columns"], list) and data["answer_columns"]
    assert isinstance(data["not_applicable_levels"], list)
    assert isinstance(data["items"], list)


@ALL
def test_item_count(checklist_id):
    assert len(load(checklist_id)["items"]) == COUNTS[checklist_id]


@ALL
def test_item_ids_are_the_design_ids_in_source_order(checklist_id):
    ids = [item["id"] for item in load(checklist_id)["items"]]
    assert all(isinstance(i, str) for i in ids)
    assert ids == CHECKLISTS[checklist_id][2]


@ALL
def test_item_ids_unique(checklist_id):
    ids = [item["id"] for item in load(checklist_id)["items"]]
    assert len(ids) == len(set(ids))


@ALL
def test_texts_are_verbatim_and_in_source_order(checklist_id):
    source = squash(seed(checklist_id))
    pos = 0
    for item in load(checklist_id)["items"]:
        text = item["text"]
        assert isinstance(text, str) and text.strip() == text and text, item["id"]
        found = source.find(squash(text), pos)
        assert found >= 0, f"{checklist_id}#{item['id']}: text not found (in order) in the seed"
        pos = found + 1


@ALL
def test_printed_fields_are_verbatim(checklist_id):
    source = squash(seed(checklist_id))
    data = load(checklist_id)
    for item in data["items"]:
        for key in ("section", "heading", "example"):
            value = item.get(key, "")
            assert isinstance(value, str), (item["id"], key)
            assert squash(value) in source, (item["id"], key, value)
        assert isinstance(item["number"], str)
        assert squash(item["number"]) in source
    for line in (data.get("notes") or "").splitlines():
        assert squash(line) in source, line


@ALL
def test_levels_use_declared_columns(checklist_id):
    data = load(checklist_id)
    keys = [c["key"] for c in data["columns"]]
    assert len(keys) == len(set(keys))
    assert all(c["label"] for c in data["columns"])
    for item in data["items"]:
        levels = item["levels"]
        assert set(levels) <= set(keys), item["id"]
        assert set(levels) == set(keys), item["id"]
        assert all(isinstance(v, str) and v for v in levels.values()), item["id"]


@ALL
def test_level_column_names_a_column(checklist_id):
    data = load(checklist_id)
    keys = {c["key"] for c in data["columns"]}
    profile_values = {
        "usage": ["remote", "datacenter", "cloud"],
        "ismap": ["registered", "unregistered"],
        "role": ["implementer", "provider"],
    }
    fields = re.findall(r"{(\w+)}", data["level_column"])
    combos = [{}]
    for field in fields:
        combos = [{**c, field: v} for c in combos for v in profile_values[field]]
    for combo in combos:
        assert data["level_column"].format(**combo) in keys


@ALL
def test_every_item_has_a_basis(checklist_id):
    for item in load(checklist_id)["items"]:
        assert item["basis"] in {"controls", "inherited", "manual"}, item["id"]
        assert isinstance(item.get("rationale"), str) and item["rationale"].strip(), item["id"]


@ALL
def test_controls_items_list_known_controls(checklist_id):
    for item in load(checklist_id)["items"]:
        if item["basis"] != "controls":
            continue
        controls = item.get("controls")
        assert isinstance(controls, list) and len(controls) >= 1, item["id"]
        for control in controls:
            assert control["id"] in CONTROL_IDS, (item["id"], control)
            assert control["id"] != INHERITED_CONTROL, item["id"]
            assert control["coverage"] in {"full", "partial"}, (item["id"], control)
        assert len({c["id"] for c in controls}) == len(controls), item["id"]


@ALL
def test_inherited_and_manual_items(checklist_id):
    for item in load(checklist_id)["items"]:
        if item["basis"] == "inherited":
            assert item["controls"] == [{"id": INHERITED_CONTROL, "coverage": "partial"}], item["id"]
        elif item["basis"] == "manual":
            assert not item.get("controls"), item["id"]


@ALL
def test_every_control_id_used_is_known(checklist_id):
    used = {c["id"] for item in load(checklist_id)["items"] for c in item.get("controls") or []}
    assert used <= CONTROL_IDS


def test_cloud_service_exemptions():
    data = load("cloud-service-requirements")
    ids = [item["id"] for item in data["items"]]
    source = squash(seed("cloud-service-requirements"))
    exemptions = data["exemptions"]
    assert len(exemptions) == 3
    for exemption in exemptions:
        assert exemption["items"], exemption
        assert set(exemption["items"]) <= set(ids), exemption
        for condition in exemption["when_any"]:
            assert condition and set(condition) <= set(ids), exemption
            assert not set(condition) & set(exemption["items"]), exemption
        assert squash(exemption["reason"]) in source, exemption["reason"]

    def span(first, last):
        return ids[ids.index(first) : ids.index(last) + 1]

    by_conditions = {tuple(map(tuple, e["when_any"])): e["items"] for e in exemptions}
    assert by_conditions[(("1.1",), ("1.2",), ("1.4",))] == span("1.6", "1.28")
    assert by_conditions[(("1.7",),)] == span("1.8", "1.13")
    assert by_conditions[(("1.6", "1.7"), ("1.6", "1.10"))] == span("1.16", "1.28")


def test_cloud_service_item_1_8_is_the_requirement_only():
    item = next(i for i in load("cloud-service-requirements")["items"] if i["id"] == "1.8")
    assert item["text"].startswith("サーバを提供する組織(CSP)")
    assert "1.8~1.13の要件は不要" not in item["text"]


def test_annex4_usage_columns_and_shifted_rows():
    data = load("infosec-requirements-annex4")
    assert [c["key"] for c in data["columns"]] == ["remote", "datacenter", "cloud"]
    assert data["not_applicable_levels"] == ["—"]
    items = {i["id"]: i for i in data["items"]}
    for item in items.values():
        assert set(item["levels"].values()) <= {"○", "—"}, item["id"]
    for shifted in ("30", "58", "65", "96"):
        assert items[shifted]["section"] == ""
    assert items["42-a"]["number"] == "" and items["42-b"]["number"] == ""
    assert items["37-2"]["number"] == "37" and items["38-2"]["number"] == "38"
    # mapped by text, not by the shifted label: row 41 is the time-sync text, row 39 fault monitoring
    assert {c["id"] for c in items["41"]["controls"]} == {"time.sync"}
    assert "time.sync" not in {c["id"] for c in items["39"].get("controls") or []}
    # remote-maintenance terminals are organisational
    for n in range(77, 97):
        assert items[str(n)]["basis"] == "manual", n


def test_selection_criteria_stages_and_levels():
    data = load("ext-service-selection-criteria")
    assert data["not_applicable_levels"] == ["-"]
    stages = {"sel": "選定基準", "build": "導入・構築時", "retire": "更改・廃棄時"}
    for item in data["items"]:
        assert item["stage"] == stages[item["id"].split("-")[0]], item["id"]
        assert item["number"] == ""
        assert isinstance(item.get("example"), str), item["id"]
        assert set(item["levels"].values()) <= {"必須", "推奨", "-"}, item["id"]


def test_usage_decision_criteria_internet_pc_items():
    data = load("usage-decision-criteria")
    for item in data["items"]:
        if item["id"].startswith("inet-"):
            assert item["applies_when"] == {"internet_pc": "yes"}, item["id"]
            assert item["levels"] == {"category": "②"}
            assert item["basis"] == "manual", item["id"]
        else:
            assert not item.get("applies_when"), item["id"]
            assert item["levels"] == {"category": "①"}
