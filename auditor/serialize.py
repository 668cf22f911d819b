"""JSON forms of snapshots and results (the contracts of DESIGN §6), both ways.

- A **snapshot** is what an audit collected: run metadata, evidence with raw payloads, gaps. It is
  enough to re-decide everything offline (``auditor evaluate``).
- **results.json** is what an audit decided: run, findings, gaps, controls, checklists.

Both carry ``schema_version``; readers refuse versions they do not know with a clear error.
A snapshot file from anywhere is read, within bounds, by :mod:`auditor.snapshot_file`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from auditor.model import (
    AcceptedRisk,
    Attestation,
    ChecklistResult,
    ControlResult,
    Evidence,
    Finding,
    Gap,
    ItemResult,
    ProviderScope,
    RiskAcceptance,
    RunInfo,
    RunResult,
    StatusCounts,
)
from auditor.records import Record, parse_time
from auditor.status import Status

SNAPSHOT_SCHEMA_VERSION = 1
RESULTS_SCHEMA_VERSION = 1


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------- run info


def run_to_dict(run: RunInfo) -> dict[str, Any]:
    return {
        "id": run.run_id,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "tool_version": run.tool_version,
        "target": run.target,
        "demo": run.demo,
        "profile": dict(run.profile),
        "third_party_providers": dict(run.third_party_providers),
        "providers": [
            {"provider": p.provider, "scopes": list(p.scopes), "identity": dict(p.identity), "regions": list(p.regions)}
            for p in run.providers
        ],
    }


def run_from_dict(data: Mapping[str, Any], where: str = "run") -> RunInfo:
    """The run information of a record; a missing or mistyped field is a :class:`RecordError`."""
    run = Record.of(data, where)
    return RunInfo(
        run_id=run.text("id"),
        started_at=run.time("started_at"),
        finished_at=run.time("finished_at"),
        tool_version=run.text("tool_version"),
        target=run.text("target", ""),
        demo=run.flag("demo", False),
        profile=run.text_mapping("profile"),
        third_party_providers=run.text_mapping("third_party_providers"),
        providers=tuple(
            ProviderScope(p.text("provider"), p.texts("scopes"), p.text_mapping("identity"), p.texts("regions", ()))
            for p in run.records("providers")
        ),
    )


# ---------------------------------------------------------------- evidence and gaps


def evidence_to_dict(record: Evidence) -> dict[str, Any]:
    return {
        "provider": record.provider,
        "scope": record.scope,
        "region": record.region,
        "resource_type": record.resource_type,
        "resource_id": record.resource_id,
        "name": record.name,
        "source": record.source,
        "collected_at": iso(record.collected_at),
        "attributes": record.attributes,
        "unreadable": record.unreadable,
        **({"unreadable_en": record.unreadable_en} if record.unreadable_en else {}),
        "raw": record.raw,
    }


def evidence_from_dict(data: Mapping[str, Any], where: str = "evidence") -> Evidence:
    """One evidence record; a missing or mistyped field is a :class:`RecordError` naming it."""
    record = Record.of(data, where)
    return Evidence(
        provider=record.text("provider"),
        scope=record.text("scope"),
        region=record.text("region"),
        resource_type=record.text("resource_type"),
        resource_id=record.text("resource_id"),
        name=record.text("name", ""),
        source=record.text("source"),
        collected_at=record.time("collected_at"),
        attributes=record.mapping("attributes"),
        unreadable=record.text_mapping("unreadable"),
        unreadable_en=record.text_mapping("unreadable_en"),
        raw=record.value("raw", None),
    )


def gap_to_dict(gap: Gap) -> dict[str, Any]:
    return {
        "provider": gap.provider,
        "scope": gap.scope,
        "region": gap.region,
        "source": gap.source,
        "resource_types": list(gap.resource_types),
        "error_code": gap.error_code,
        "message": gap.message,
        "message_en": gap.message_en,
        "permission": gap.permission,
        "collected_at": iso(gap.collected_at),
    }


def gap_from_dict(data: Mapping[str, Any], where: str = "gap") -> Gap:
    """One gap record; a missing or mistyped field is a :class:`RecordError` naming it."""
    record = Record.of(data, where)
    return Gap(
        provider=record.text("provider"),
        scope=record.text("scope"),
        region=record.text("region"),
        source=record.text("source"),
        resource_types=record.texts("resource_types"),
        error_code=record.text("error_code"),
        message=record.text("message"),
        permission=record.text("permission", ""),
        collected_at=record.time("collected_at"),
        message_en=record.text("message_en", ""),
    )


# ---------------------------------------------------------------- snapshot


def snapshot_to_dict(run: RunInfo, evidence: tuple[Evidence, ...], gaps: tuple[Gap, ...]) -> dict[str, Any]:
    return {
        "schema_version": SNAPSHOT_SCHEMA_VERSION,
        "kind": "auditor-snapshot",
        "run": run_to_dict(run),
        "evidence": [evidence_to_dict(e) for e in evidence],
        "gaps": [gap_to_dict(g) for g in gaps],
    }


# ---------------------------------------------------------------- results


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "check_id": finding.check_id,
        "control_id": finding.control_id,
        "provider": finding.provider,
        "scope": finding.scope,
        "region": finding.region,
        "resource_type": finding.resource_type,
        "resource_id": finding.resource_id,
        "resource_name": finding.resource_name,
        "status": finding.status.value,
        "reason": finding.reason,
        "reason_en": finding.reason_en,
        "observed": finding.observed,
        "expected": finding.expected,
        "expected_en": finding.expected_en,
        "source": finding.source,
        "collected_at": iso(finding.collected_at),
    }


def finding_from_dict(data: Mapping[str, Any]) -> Finding:
    return Finding(
        check_id=data["check_id"],
        control_id=data["control_id"],
        provider=data["provider"],
        scope=data["scope"],
        region=data["region"],
        resource_type=data["resource_type"],
        resource_id=data["resource_id"],
        resource_name=data.get("resource_name", ""),
        status=Status(data["status"]),
        reason=data["reason"],
        reason_en=data.get("reason_en", ""),
        expected_en=data.get("expected_en", ""),
        observed=data.get("observed"),
        expected=data.get("expected", ""),
        source=data["source"],
        collected_at=parse_time(data["collected_at"]),
    )


def _attestation_to_dict(attestation: Attestation | None) -> dict[str, Any] | None:
    if attestation is None:
        return None
    return {
        "answer": attestation.answer,
        "evidence": list(attestation.evidence),
        "answered_by": attestation.answered_by,
        "answered_on": attestation.answered_on,
        "comment": attestation.comment,
        "valid_until": attestation.valid_until,
        "documents": [{"name": name, "sha256": digest} for name, digest in attestation.digests],
    }


def _attestation_from_dict(checklist_id: str, item_id: str, data: Mapping[str, Any] | None) -> Attestation | None:
    if not data:
        return None
    return Attestation(
        checklist_id, item_id, data["answer"], tuple(data["evidence"]), data["answered_by"], data["answered_on"],
        data.get("comment", ""), valid_until=data.get("valid_until", ""),
        digests=tuple((d["name"], d["sha256"]) for d in data.get("documents") or ()),
    )


def risk_acceptance_to_dict(accepted: AcceptedRisk) -> dict[str, Any]:
    a = accepted.acceptance
    return {
        "check_id": a.check_id, "resource": a.resource_id, "provider": a.provider, "scope": a.scope,
        "region": a.region, "accepted_by": a.accepted_by, "reason": a.reason, "until": a.until,
        "state": accepted.state, "findings": [list(key) for key in accepted.findings],
    }


def risk_acceptance_from_dict(data: Mapping[str, Any]) -> AcceptedRisk:
    acceptance = RiskAcceptance(
        data["check_id"], data["resource"], data["accepted_by"], data["reason"], data["until"],
        data.get("provider", ""), data.get("scope", ""), data.get("region", ""),
    )
    return AcceptedRisk(acceptance, data["state"], tuple(tuple(key) for key in data.get("findings") or ()))


def item_detail(item: ItemResult) -> dict[str, Any]:
    """The parts of an item's verdict beyond its status: qualifier, exemption, automated verdict."""
    return {
        "qualifier": item.qualifier,
        "exemption": item.exemption,
        "automated_status": item.automated.value if item.automated is not None else None,
        "flags": list(item.flags),
    }


def item_detail_from(data: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments of :class:`ItemResult` from :func:`item_detail`'s record (absent in older records)."""
    automated = data.get("automated_status")
    return {
        "qualifier": data.get("qualifier", ""),
        "exemption": data.get("exemption", ""),
        "automated": Status(automated) if automated else None,
        "flags": tuple(data.get("flags") or ()),
    }


def results_to_dict(result: RunResult) -> dict[str, Any]:
    return {
        "schema_version": RESULTS_SCHEMA_VERSION,
        "run": run_to_dict(result.run),
        "findings": [finding_to_dict(f) for f in result.findings],
        "gaps": [gap_to_dict(g) for g in result.gaps],
        "controls": [
            {
                "control_id": c.control_id,
                "provider": c.provider,
                "status": c.status.value,
                "reason": c.reason,
                "reason_en": c.reason_en,
                "counts": {
                    "pass": c.counts.passed,
                    "fail": c.counts.failed,
                    "unknown": c.counts.unknown,
                    "not_applicable": c.counts.not_applicable,
                },
            }
            for c in result.controls
        ],
        "checklists": [
            {
                "id": checklist.checklist_id,
                "title": checklist.title,
                "version": checklist.version,
                "items": [
                    {
                        "item_id": i.item_id,
                        "status": i.status.value,
                        "symbol": i.status.sheet_value,
                        "basis": i.basis,
                        "control_ids": list(i.control_ids),
                        "level": i.level,
                        "reason": i.reason,
                        "reason_en": i.reason_en,
                        "attestation": _attestation_to_dict(i.attestation),
                        **item_detail(i),
                    }
                    for i in checklist.items
                ],
            }
            for checklist in result.checklists
        ],
        "risk_acceptances": [risk_acceptance_to_dict(r) for r in result.risk_acceptances],
    }


def results_from_dict(data: Mapping[str, Any]) -> RunResult:
    if data.get("schema_version") != RESULTS_SCHEMA_VERSION:
        raise ValueError(f"results schema_version {data.get('schema_version')!r} is not supported")
    return RunResult(
        run=run_from_dict(data["run"]),
        findings=tuple(finding_from_dict(f) for f in data["findings"]),
        gaps=tuple(gap_from_dict(g) for g in data["gaps"]),
        controls=tuple(
            ControlResult(
                c["control_id"], c["provider"], Status(c["status"]), c["reason"],
                StatusCounts(
                    c["counts"]["pass"], c["counts"]["fail"], c["counts"]["unknown"], c["counts"]["not_applicable"]
                ),
                c.get("reason_en", ""),
            )
            for c in data["controls"]
        ),
        checklists=tuple(
            ChecklistResult(
                c["id"], c["title"], c["version"],
                tuple(
                    ItemResult(
                        c["id"], i["item_id"], Status(i["status"]), i["basis"], tuple(i["control_ids"]), i["reason"],
                        i.get("level", ""), _attestation_from_dict(c["id"], i["item_id"], i.get("attestation")),
                        **item_detail_from(i), reason_en=i.get("reason_en", ""),
                    )
                    for i in c["items"]
                ),
            )
            for c in data["checklists"]
        ),
        risk_acceptances=tuple(risk_acceptance_from_dict(r) for r in data.get("risk_acceptances") or ()),
    )


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str)
