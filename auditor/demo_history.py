"""The demo's previous month: a copy of the demo estate's snapshot, dated one month earlier, with one
setting changed each way, so that ``auditor history`` and ``auditor diff`` have two runs to show.

Nothing here is invented after the fact: the copy is made from the evidence just collected, one
attribute of one resource is flipped in each direction, and the copy is decided again by the same
checks (:func:`auditor.run.evaluate`). A **fix** is a resource that passes now and whose flipped
setting fails — so last month it failed and now it is fixed; a **regression** is a resource that fails
now and whose flipped setting passes — so last month it passed and now it fails. The copy keeps the
run's ``demo`` mark, and its run id and times are those of the earlier month.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from auditor.checks import AttributeUnreadable, Check
from auditor.model import Evidence, Finding
from auditor.run import Collected, new_run_id
from auditor.status import Status


@dataclass(frozen=True)
class PlantedChange:
    """One setting that differs between the demo's two months."""

    kind: str  # "fixed" (failed last month, passes now) or "regressed" (passed last month, fails now)
    check_id: str
    resource_name: str
    region: str
    attribute: str
    last_month: bool
    now: bool


@dataclass(frozen=True)
class LastMonth:
    """The previous month's collection and the changes planted in it (none when no setting could be flipped)."""

    collected: Collected
    changes: tuple[PlantedChange, ...]


def one_month_earlier(moment: datetime) -> datetime:
    """The same time of day one calendar month earlier (on the 28th at the latest, a day every month has)."""
    year, month = (moment.year, moment.month - 1) if moment.month > 1 else (moment.year - 1, 12)
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def previous_month(collected: Collected, checks: Sequence[Check], findings: Iterable[Finding]) -> LastMonth:
    """The demo estate as it was a month ago: one failure that was not there yet, one that was fixed since."""
    by_id = {check.id: check for check in checks}
    records = {e.key: e for e in collected.evidence}
    ordered = sorted(findings, key=lambda f: (f.control_id, f.check_id, f.provider, f.scope, f.resource_id))
    changed: dict[tuple, Evidence] = {}
    changes: list[PlantedChange] = []
    for kind, now, then in (("regressed", Status.FAIL, Status.PASS), ("fixed", Status.PASS, Status.FAIL)):
        for finding in ordered:
            key = (finding.provider, finding.scope, finding.region, finding.resource_type, finding.resource_id)
            if finding.status is not now or key in changed or key not in records or finding.check_id not in by_id:
                continue
            flipped = _flip_to(by_id[finding.check_id], records[key], then)
            if flipped is not None:
                record, attribute = flipped
                changed[key] = record
                changes.append(PlantedChange(kind, finding.check_id, finding.resource_name or finding.resource_id,
                                             finding.region, attribute, bool(record.attributes[attribute]),
                                             bool(records[key].attributes[attribute])))
                break
    earlier = one_month_earlier(collected.run.started_at)
    shift = collected.run.started_at - earlier
    evidence = tuple(replace(changed.get(record.key, record), collected_at=record.collected_at - shift)
                     for record in collected.evidence)
    gaps = tuple(replace(gap, collected_at=gap.collected_at - shift) for gap in collected.gaps)
    run = replace(collected.run, run_id=new_run_id(earlier), started_at=earlier,
                  finished_at=collected.run.finished_at - shift)
    return LastMonth(Collected(run, evidence, gaps), tuple(changes))


def _flip_to(check: Check, record: Evidence, wanted: Status) -> tuple[Evidence, str] | None:
    """The record with the first true/false attribute flipped for which ``check`` decides ``wanted``."""
    for attribute in sorted(record.attributes):
        value = record.attributes[attribute]
        if not isinstance(value, bool):
            continue
        candidate = replace(record, attributes={**record.attributes, attribute: not value})
        try:
            if check.evaluate(candidate).status is wanted:
                return candidate, attribute
        except AttributeUnreadable:
            return None
    return None
