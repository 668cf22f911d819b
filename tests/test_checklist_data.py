"""The checklist data files in mappings/: shape, stable ids, verbatim texts and the basis of every item.

The seeds (plain-text extractions of the municipal sheets) are copied into tests/fixtures/seeds so the
checks do not depend on anything outside the repository.
"""

import re
from pathlib import Path

import pytest
import yaml

from auditor.checklists import load_checklist
from auditor.errors import AuditorError

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
            assert len(item["controls"]) == 1, item["id"]
            assert item["controls"][0]["id"] == INHERITED_CONTROL, item["id"]
            # partial: the provider's certification answers only part of the item (needs an attestation)
            assert item["controls"][0]["coverage"] in {"full", "partial"}, item["id"]
            assert "satisfied_by" not in item, item["id"]
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
    assert len(exemptions) == 4
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
    # 1.2 prints its own condition: it applies only when 1.1 does not hold
    assert by_conditions[(("1.1",),)] == ["1.2"]
    assert next(e for e in exemptions if e["items"] == ["1.2"])["reason"] == "1.1でISMAPへの登録が行われていない場合"
    assert by_conditions[(("1.1",), ("1.2",), ("1.4",))] == span("1.6", "1.28")
    assert by_conditions[(("1.7",),)] == span("1.8", "1.13")
    # the row before 1.16 prints two sentences: 1.6 with 1.7 or 1.10, and 1.6 alone
    assert by_conditions[(("1.6", "1.7"), ("1.6", "1.10"), ("1.6",))] == span("1.16", "1.28")
    reason = next(e for e in exemptions if e["items"][0] == "1.16")["reason"]
    assert "業務委託サービス提供事業者が1.6の認証を取得している場合、以下の要件は不要。" in reason
    assert "1.6の認証" not in (data.get("notes") or "")


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
            # the dedicated PCs are organisational; inet-16/17 are partly evidenced on the service side
            expected = "controls" if item["id"] in ("inet-16", "inet-17") else "manual"
            assert item["basis"] == expected, item["id"]
        else:
            assert not item.get("applies_when"), item["id"]
            assert item["levels"] == {"category": "①"}


# ---------------------------------------------------------------- honest mappings (issue 11)

SHORT = {
    "000": "ext-service-requirements",
    "001": "cloud-service-requirements",
    "002": "infosec-requirements-annex4",
    "003": "ext-service-selection-criteria",
    "004": "usage-decision-criteria",
}


def item_of(ref: str) -> dict:
    seed_no, item_id = ref.split("#")
    return next(i for i in load(SHORT[seed_no])["items"] if i["id"] == item_id)


def coverage_of(item: dict) -> dict[str, str]:
    return {c["id"]: c["coverage"] for c in item.get("controls") or []}


# Not inherited: the vendor's own service's certification / a JDCC tier is asked (000#30, 001 1.11); a city
# cannot inspect a public-cloud data centre (002#21/#22, the sheet's own #23 is the alternative); specifics
# outside the ISMAP / ISO / SOC 2 scope (002#18, #28, #30, #34).
NOT_INHERITED = ["000#30", "001#1.11", "002#18", "002#21", "002#22", "002#28", "002#30", "002#34"]


@pytest.mark.parametrize("ref", NOT_INHERITED)
def test_items_the_provider_certification_does_not_answer_are_manual(ref):
    item = item_of(ref)
    assert item["basis"] == "manual", ref
    assert not item.get("controls"), ref
    assert "継承できない" in item["rationale"], ref


# The controls decide only part of these items, so they must never show 適合 on the controls alone.
PARTIAL = {
    "000#15": ["resilience.redundancy"], "003#build-06": ["resilience.redundancy"],
    "004#common-1": ["resilience.redundancy"],
    "000#32": ["network.firewall"], "002#73": ["network.firewall"], "004#common-9": ["network.firewall"],
    "000#7": ["time.sync"], "003#build-07": ["time.sync"], "004#common-2": ["time.sync"],
    "002#46": ["identity.password-policy"], "004#common-5": ["identity.password-policy"],
    "002#57": ["resilience.backup"],
    "001#1.24": ["ops.monitoring"],
    "004#common-6": ["logging.audit-trail", "logging.retention-1y", "logging.integrity"],
    "004#common-8": ["vuln.malware"],
}


@pytest.mark.parametrize("ref", sorted(PARTIAL))
def test_overstated_full_coverage_is_partial(ref):
    item = item_of(ref)
    assert item["basis"] == "controls", ref
    coverage = coverage_of(item)
    assert set(PARTIAL[ref]) <= set(coverage), ref
    assert all(coverage[c] == "partial" for c in PARTIAL[ref]), (ref, coverage)
    assert "申告" in item["rationale"], ref  # says what remains for the vendor to attest


# Items that were left manual although the cloud evidences part of them, with the controls that do.
PARTLY_EVIDENCED = {
    "000#14": {"resilience.backup", "resilience.redundancy"},
    "000#19": {"identity.account-lifecycle"},
    "001#1.13": {"residency.japan"},
    "002#49": {"identity.account-lifecycle"},
    "002#56": {"resilience.backup"},
    "002#74": {"identity.least-privilege"},
    "003#build-05": {"network.firewall", "encryption.at-rest", "tls.in-transit", "identity.admin-mfa"},
    "003#retire-02": {"identity.account-lifecycle"},
    "003#retire-03": {"identity.account-lifecycle"},
    "004#inet-16": {"tls.in-transit"},
    "004#inet-17": {"resilience.backup"},
}


@pytest.mark.parametrize("ref", sorted(PARTLY_EVIDENCED))
def test_partly_evidenced_items_name_their_controls(ref):
    item = item_of(ref)
    assert item["basis"] == "controls", ref
    coverage = coverage_of(item)
    assert set(coverage) == PARTLY_EVIDENCED[ref], ref
    assert set(coverage.values()) == {"partial"}, ref
    assert "申告" in item["rationale"], ref


# Claims of evidence that no check reads, as they were worded before: none may come back.
UNREAD_CLAIMS = [
    "SSMパッチコンプライアンス",          # now "SSMマネージドインスタンスのパッチコンプライアンス" (vuln.management)
    "OS Config・SCC",                    # GCP vuln.management reads the OS Config vulnerability report only
    "ボールトロック",                     # no check reads AWS Backup vault lock
    "リージョンディスク",                 # no GCP check reads regional disks
    "ロードバランサー・VPN等のネットワーク構成要素について",  # no check reads which resource an alarm watches
    "管理者数・*:*ポリシー",              # the AWS least-privilege checks decide *:* policies and root keys
]


@ALL
def test_rationales_claim_only_evidence_a_check_reads(checklist_id):
    for item in load(checklist_id)["items"]:
        for claim in UNREAD_CLAIMS:
            assert claim not in item["rationale"], (item["id"], claim)


@pytest.mark.parametrize("ref", ["000#17", "001#1.22", "002#42", "003#build-08", "004#common-3"])
def test_patch_compliance_is_claimed_as_the_check_reads_it(ref):
    item = item_of(ref)
    assert "vuln.management" in coverage_of(item), ref
    assert "SSMマネージドインスタンスのパッチコンプライアンス" in item["rationale"], ref


def test_annex4_76_does_not_claim_network_component_alarms():
    rationale = item_of("002#76")["rationale"]
    assert "判定しない" in rationale and "ネットワークの構成要素" in rationale


@ALL
def test_satisfied_by_any_only_with_alternatives(checklist_id):
    for item in load(checklist_id)["items"]:
        mode = item.get("satisfied_by", "all")
        assert mode in {"all", "any"}, item["id"]
        if mode == "any":
            assert item["basis"] == "controls" and len(item["controls"]) >= 2, item["id"]


def test_ext_service_33_is_met_by_ids_or_waf():
    # "IPS/IDS や WAF による…措置": either measure answers the item; malware scanning is neither
    item = item_of("000#33")
    assert item["satisfied_by"] == "any"
    assert coverage_of(item) == {"network.ids": "partial", "network.waf": "partial"}


@pytest.mark.parametrize("ref", ["000#20", "000#31", "001#1.7", "002#23", "002#24", "002#37", "003#sel-19"])
def test_certification_answers_only_part_of(ref):
    item = item_of(ref)
    assert item["basis"] == "inherited"
    assert coverage_of(item) == {INHERITED_CONTROL: "partial"}, ref
    assert "申告" in item["rationale"], ref


@pytest.mark.parametrize("ref", ["000#26", "001#1.8", "001#1.9", "001#1.10", "002#16", "002#58", "003#sel-20"])
def test_certification_answers_all_of(ref):
    assert coverage_of(item_of(ref)) == {INHERITED_CONTROL: "full"}, ref


#: Kana, CJK ideographs, CJK punctuation and full-width forms.
JAPANESE = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uff01-\uffef]")
#: Latin-script names in a Japanese rationale: products, APIs, settings, control and item ids.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.:*/_\-]*[A-Za-z0-9*]")
#: Abbreviations the English rationale writes out.
WRITTEN_OUT = {"ID/PW": "ID and password", "DB": "database"}


@ALL
def test_every_rationale_has_an_english_one(checklist_id):
    for item in load(checklist_id)["items"]:
        ja, en = str(item.get("rationale") or "").strip(), str(item.get("rationale_en") or "").strip()
        assert bool(ja) == bool(en), item["id"]
        assert not JAPANESE.search(en), (item["id"], JAPANESE.findall(en))


@ALL
def test_english_rationales_keep_the_names_the_japanese_gives(checklist_id):
    """Product, API and control names and item numbers stay exactly as in the Japanese rationale."""
    for item in load(checklist_id)["items"]:
        if not item.get("rationale"):
            continue
        english = squash(item["rationale_en"]).lower()
        for name in NAME.findall(item["rationale"]):
            assert squash(WRITTEN_OUT.get(name, name)).lower() in english, (item["id"], name)


@pytest.mark.parametrize("dropped", ["rationale", "rationale_en"])
def test_a_rationale_without_its_other_language_is_refused(tmp_path, dropped):
    data = load("cloud-service-requirements")
    item = next(i for i in data["items"] if i["id"] == "1.3")
    del item[dropped]
    path = tmp_path / "one-language.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(AuditorError, match=r"item 1\.3: rationale and rationale_en"):
        load_checklist(path)
