"""Risk acceptance: failures the service's owner has accepted for a time, per finding.

File format (YAML)::

    risk_acceptances:
      - check: aws.ec2.security_group_admin_ports   # the check id (see results.json / findings.csv)
        resource: sg-0a1b2c3d4e5f                    # the resource id or name as the finding names it
        provider: aws                                # optional: narrow to a cloud, scope or region
        accepted_by: 情報システム課長 山田 花子
        reason: 保守用踏み台。2027年3月の更改で廃止予定
        until: 2027-03-31                            # the last day the acceptance holds

An accepted finding stays FAIL and counts as a failure in every report; the acceptance is shown beside
it (「リスク受容（期限 …、承認者 …）」). An acceptance past its date is ignored and reported as
expired; one that names no failing finding is reported as unmatched. Problems in the file are an
:class:`~auditor.errors.AuditorError` naming the file and line, like attestation files (same bounds).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from auditor.attestations import expired, invalid_entry, read_entries
from auditor.errors import AuditorError
from auditor.model import AcceptedRisk, Finding, RiskAcceptance
from auditor.status import Status

ACTIVE = "active"
EXPIRED = "expired"
UNMATCHED = "unmatched"

_REQUIRED = ("check", "resource", "accepted_by", "reason", "until")


def load_risk_acceptances(path: Path) -> tuple[RiskAcceptance, ...]:
    """Read and validate a risk-acceptance file."""
    entries = read_entries(path, "risk_acceptances", "risk_unreadable", "risk_invalid")
    acceptances = []
    seen: dict[tuple[str, ...], int] = {}
    for entry in entries:
        acceptance = _parse(path, entry)
        key = (acceptance.check_id, acceptance.resource_id, acceptance.provider, acceptance.scope, acceptance.region)
        if key in seen:
            raise invalid_entry("risk_invalid", path, acceptance.source_line,
                                f"{acceptance.check_id} の {acceptance.resource_id} へのリスク受容が 2 つあります"
                                f"（最初は {seen[key]} 行目）",
                                f"{acceptance.check_id} on {acceptance.resource_id} is accepted twice"
                                f" (first on line {seen[key]})")
        seen[key] = acceptance.source_line
        acceptances.append(acceptance)
    return tuple(acceptances)


def _parse(path: Path, entry: Any) -> RiskAcceptance:
    if not isinstance(entry, dict):
        raise invalid_entry("risk_invalid", path, 0, "リスク受容は 1 件ずつマッピング（項目名: 値）で書いてください",
                            "each risk acceptance must be a mapping")
    line = entry.get("__line__", 0)

    def fail(ja: str, en: str) -> AuditorError:
        return invalid_entry("risk_invalid", path, line, ja, en)

    missing = ", ".join(name for name in _REQUIRED if entry.get(name) in (None, ""))
    if missing:
        raise fail(f"必須の項目がありません: {missing}", f"missing field(s): {missing}")
    until = entry["until"]
    if isinstance(until, _dt.datetime):
        until = until.date()
    if not isinstance(until, _dt.date):
        try:
            until = _dt.date.fromisoformat(str(until).strip())
        except ValueError:
            raise fail(f"until は 2027-03-31 のような日付で書いてください（指定された値: {entry['until']!r}）",
                       f"until must be a date such as 2027-03-31, not {entry['until']!r}") from None
    return RiskAcceptance(
        check_id=str(entry["check"]).strip(),
        resource_id=str(entry["resource"]).strip(),
        accepted_by=str(entry["accepted_by"]).strip(),
        reason=str(entry["reason"]).strip(),
        until=until.isoformat(),
        provider=str(entry.get("provider") or "").strip(),
        scope=str(entry.get("scope") or "").strip(),
        region=str(entry.get("region") or "").strip(),
        source_line=line,
    )


def apply_risk_acceptances(
    acceptances: Sequence[RiskAcceptance], findings: Sequence[Finding], as_of: _dt.date
) -> tuple[AcceptedRisk, ...]:
    """How each acceptance stands in this run: the failing findings it names, and whether it still holds."""
    failing = [f for f in findings if f.status is Status.FAIL]
    outcome = []
    for acceptance in acceptances:
        keys = tuple(f.key for f in failing if acceptance.matches(f))
        if expired(acceptance.until, as_of):
            state = EXPIRED
        elif keys:
            state = ACTIVE
        else:
            state = UNMATCHED
        outcome.append(AcceptedRisk(acceptance, state, keys))
    return tuple(outcome)


def active_by_finding(accepted: Sequence[AcceptedRisk]) -> dict[tuple[str, str, str, str, str], RiskAcceptance]:
    """The acceptance that holds for each accepted finding key."""
    return {key: a.acceptance for a in accepted if a.state == ACTIVE for key in a.findings}
