"""What could not be read: the calls with the permission that would fix each, the controls no check decides
on a cloud, and the details of listed resources that a follow-up call could not read (counted as the
terminal summary counts them, :mod:`auditor.unreadable`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.plugins import ReportContext
from auditor.unreadable import summary_text, unreadable_of
from reports.html.values import moment
from reports.labels import provider_name
from reports.remarks import gap_controls, not_automated


def gaps_view(context: ReportContext, lang: str, titles: Mapping[str, str]) -> dict[str, Any]:
    """The ``unreadable``, ``gaps`` and ``not_automated`` parts of the view (``titles``: control titles by id)."""
    result = context.result
    affected = gap_controls(result)
    unreadable = unreadable_of(result.gaps, context.unreadable)
    return {
        "unreadable": {
            "text": summary_text(unreadable, lang), "attributes": unreadable.attributes,
            "resources": unreadable.resources,
            "rows": [
                {"provider": provider_name(d.provider), "scope": d.scope, "region": d.region, "type": d.resource_type,
                 "resource": d.resource_name or d.resource_id, "resource_id": d.resource_id, "source": d.source,
                 "attribute": d.attribute, "cause": d.cause_in(lang)}
                for d in unreadable.details
            ],
        },
        "gaps": [
            {"provider": provider_name(g.provider), "scope": g.scope, "region": g.region, "source": g.source,
             "types": ", ".join(g.resource_types), "error_code": g.error_code, "message": g.message_in(lang),
             "permission": g.permission, "controls": affected.get((g.provider, g.scope, g.region, g.source), []),
             "collected": moment(g.collected_at)}
            for g in result.gaps
        ],
        "not_automated": [
            {"provider": provider_name(c.provider), "control": c.control_id, "title": titles.get(c.control_id, ""),
             "reason": c.reason_in(lang)}
            for c in not_automated(result)
        ],
    }
