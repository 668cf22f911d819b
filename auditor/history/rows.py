"""A :class:`~auditor.model.RunResult` as table rows and back, field for field.

Values mirror the ``results.json`` contract (:mod:`auditor.serialize`): statuses by their value,
JSON for nested data, times as UTC. Loading what was saved gives an equal ``RunResult`` back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from auditor.model import (
    Attestation,
    ChecklistResult,
    ControlResult,
    Finding,
    Gap,
    ItemResult,
    RunInfo,
    RunResult,
    StatusCounts,
)
from auditor.serialize import (
    finding_from_dict,
    finding_to_dict,
    gap_from_dict,
    gap_to_dict,
    iso,
    item_detail,
    item_detail_from,
    parse_time,
    run_from_dict,
    run_to_dict,
)
from auditor.status import Status

Row = dict[str, Any]


def to_db_time(moment: datetime) -> datetime:
    """UTC, so that databases that drop the zone (SQLite) still store the right instant."""
    return moment.astimezone(UTC)


def from_db_time(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def run_row(result: RunResult, target: str, scopes: Sequence[str], saved_at: datetime) -> Row:
    run = result.run
    return {
        "run_id": run.run_id,
        "target": target,
        "scopes": _json(list(scopes)),
        "started_at": to_db_time(run.started_at),
        "finished_at": to_db_time(run.finished_at),
        "saved_at": to_db_time(saved_at),
        "tool_version": run.tool_version,
        "demo": run.demo,
        "run_json": _json(run_to_dict(run)),
    }


def run_info(row: Mapping[str, Any]) -> RunInfo:
    return run_from_dict(json.loads(row["run_json"]))


def scopes(row: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(json.loads(row["scopes"]))


def _row(run_id: str, seq: int, data: Mapping[str, Any], json_fields: Sequence[str]) -> Row:
    """A results.json record as a table row: nested values as ``<name>_json``, the time as a UTC datetime."""
    row: Row = {"run_id": run_id, "seq": seq, **data, "collected_at": to_db_time(parse_time(data["collected_at"]))}
    for name in json_fields:
        row[f"{name}_json"] = _json(row.pop(name))
    return row


def _record(row: Mapping[str, Any], json_fields: Sequence[str]) -> dict[str, Any]:
    """The reverse of :func:`_row`: the results.json record a stored row came from."""
    data = dict(row)
    for name in json_fields:
        data[name] = json.loads(data.pop(f"{name}_json"))
    data["collected_at"] = iso(from_db_time(row["collected_at"]))
    return data


def finding_rows(run_id: str, findings: Sequence[Finding]) -> list[Row]:
    return [_row(run_id, seq, finding_to_dict(f), ("observed",)) for seq, f in enumerate(findings)]


def finding(row: Mapping[str, Any]) -> Finding:
    record = _record(row, ("observed",))
    for name in ("reason_en", "expected_en"):  # rows saved before English reasons were kept have none
        record[name] = record.get(name) or ""
    return finding_from_dict(record)


def gap_rows(run_id: str, gaps: Sequence[Gap]) -> list[Row]:
    return [_row(run_id, seq, gap_to_dict(g), ("resource_types",)) for seq, g in enumerate(gaps)]


def gap(row: Mapping[str, Any]) -> Gap:
    record = _record(row, ("resource_types",))
    if record.get("message_en") is None:  # a run stored before the column existed, or a cloud's own message
        record.pop("message_en", None)
    return gap_from_dict(record)


def control_rows(run_id: str, controls: Sequence[ControlResult]) -> list[Row]:
    return [
        {
            "run_id": run_id,
            "seq": seq,
            "control_id": c.control_id,
            "provider": c.provider,
            "status": c.status.value,
            "reason": c.reason,
            "n_pass": c.counts.passed,
            "n_fail": c.counts.failed,
            "n_unknown": c.counts.unknown,
            "n_not_applicable": c.counts.not_applicable,
            "reason_en": c.reason_en,
        }
        for seq, c in enumerate(controls)
    ]


def control(row: Mapping[str, Any]) -> ControlResult:
    return ControlResult(
        row["control_id"], row["provider"], Status(row["status"]), row["reason"],
        StatusCounts(row["n_pass"], row["n_fail"], row["n_unknown"], row["n_not_applicable"]),
        reason_en=row.get("reason_en") or "",
    )


def checklist_rows(run_id: str, checklists: Sequence[ChecklistResult]) -> tuple[list[Row], list[Row]]:
    """Rows of the checklists and of all their items (items numbered across the run)."""
    heads = [
        {"run_id": run_id, "seq": seq, "checklist_id": c.checklist_id, "title": c.title, "version": c.version}
        for seq, c in enumerate(checklists)
    ]
    items = [
        {
            "run_id": run_id,
            "seq": seq,
            "checklist_id": item.checklist_id,
            "item_id": item.item_id,
            "status": item.status.value,
            "basis": item.basis,
            "control_ids_json": _json(list(item.control_ids)),
            "reason": item.reason,
            "level": item.level,
            "attestation_json": None if item.attestation is None else _json(_attestation_dict(item.attestation)),
            "detail_json": _json(item_detail(item)),
            "reason_en": item.reason_en,
        }
        for seq, item in enumerate(i for c in checklists for i in c.items)
    ]
    return heads, items


def _attestation_dict(attestation: Attestation) -> dict[str, Any]:
    data = asdict(attestation)
    data["evidence"] = list(attestation.evidence)
    return data


def item(row: Mapping[str, Any]) -> ItemResult:
    attestation = None
    if row["attestation_json"] is not None:
        data = json.loads(row["attestation_json"])
        attestation = Attestation(**{
            **data, "evidence": tuple(data["evidence"]),
            "digests": tuple(tuple(pair) for pair in data.get("digests") or ()),
        })
    return ItemResult(
        checklist_id=row["checklist_id"],
        item_id=row["item_id"],
        status=Status(row["status"]),
        basis=row["basis"],
        control_ids=tuple(json.loads(row["control_ids_json"])),
        reason=row["reason"],
        level=row["level"],
        attestation=attestation,
        **item_detail_from(json.loads(row["detail_json"]) if row.get("detail_json") else {}),
        reason_en=row.get("reason_en") or "",
    )


def checklists(heads: Sequence[Mapping[str, Any]], items: Sequence[ItemResult]) -> tuple[ChecklistResult, ...]:
    by_checklist: dict[str, list[ItemResult]] = {h["checklist_id"]: [] for h in heads}
    for entry in items:
        by_checklist.setdefault(entry.checklist_id, []).append(entry)
    return tuple(
        ChecklistResult(h["checklist_id"], h["title"], h["version"], tuple(by_checklist[h["checklist_id"]]))
        for h in heads
    )
