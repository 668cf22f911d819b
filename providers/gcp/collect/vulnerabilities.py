"""OS Config vulnerability reports, reduced to the facts the vuln.management check decides on.

The shape is osconfig v1 ``VulnerabilityReport``: ``vulnerabilities[]``, each with ``details``
(``cve``, ``cvssV3.baseScore``, ``cvssV2Score`` and the distribution's free-text ``severity``), the
older ``availableInventoryItemIds[]`` and the newer ``items[]`` (``availableInventoryItemId`` …);
and the report-wide ``highestUpgradableCveSeverity``. A vulnerability has a fix when either list
names an available package. Its severity is the highest of its CVSS v3 rating, its CVSS v2 rating
and the distribution's ranking read without regard to case or wording ("Important" is HIGH), so no
single distribution's vocabulary decides.
"""

from __future__ import annotations

from typing import Any

#: The report's severity levels, lowest first (``VulnerabilitySeverityLevel``, without UNSPECIFIED).
LEVELS = ("NONE", "MINIMAL", "LOW", "MEDIUM", "HIGH", "CRITICAL")
#: The enum as numbers, should a report carry them so (protobuf JSON normally writes the names).
ENUM_NUMBERS = {0: "VULNERABILITY_SEVERITY_LEVEL_UNSPECIFIED", **{n + 1: name for n, name in enumerate(LEVELS)}}
#: Distributions' own rankings (lower case) on the report's levels.
DISTRO_LEVELS = {
    "critical": "CRITICAL", "important": "HIGH", "high": "HIGH", "moderate": "MEDIUM", "medium": "MEDIUM",
    "low": "LOW", "minimal": "MINIMAL", "negligible": "MINIMAL", "unimportant": "MINIMAL", "none": "NONE",
}
UNSPECIFIED = "UNSPECIFIED"
#: How many CVE ids a summary keeps (a report can list thousands).
LISTED_CVES = 20


def cvss_v3_level(score: Any) -> str:
    """FIRST's CVSS v3 qualitative rating; "" when there is no score (0 is the unset default)."""
    if not isinstance(score, int | float) or score <= 0:
        return ""
    return "CRITICAL" if score >= 9.0 else "HIGH" if score >= 7.0 else "MEDIUM" if score >= 4.0 else "LOW"


def cvss_v2_level(score: Any) -> str:
    """NVD's CVSS v2 rating (v2 has no CRITICAL); "" when there is no score."""
    if not isinstance(score, int | float) or score <= 0:
        return ""
    return "HIGH" if score >= 7.0 else "MEDIUM" if score >= 4.0 else "LOW"


def severity(vulnerability: dict) -> str:
    """The highest level any of the vulnerability's ratings gives it, or UNSPECIFIED."""
    details = vulnerability.get("details") or {}
    found = [
        cvss_v3_level((details.get("cvssV3") or {}).get("baseScore")),
        cvss_v2_level(details.get("cvssV2Score")),
        DISTRO_LEVELS.get(str(details.get("severity") or "").strip().lower(), ""),
    ]
    ranked = [LEVELS.index(level) for level in found if level]
    return LEVELS[max(ranked)] if ranked else UNSPECIFIED


def has_fix(vulnerability: dict) -> bool:
    """Whether an available package fixes it, in the older id list or in ``items[]``."""
    if any(vulnerability.get("availableInventoryItemIds") or ()):
        return True
    return any((item or {}).get("availableInventoryItemId") for item in vulnerability.get("items") or ())


def report_level(value: Any) -> str:
    """``highestUpgradableCveSeverity`` as a level name ("" when absent)."""
    if isinstance(value, int):
        return ENUM_NUMBERS.get(value, "")
    return str(value or "").upper()


def summarize_report(report: dict) -> dict:
    """The facts of a vulnerability report a check needs (the full report can be large)."""
    vulnerabilities = report.get("vulnerabilities") or []
    severities: dict[str, int] = {}
    fixable = 0
    critical_cves: list[str] = []
    for vulnerability in vulnerabilities:
        level = severity(vulnerability)
        severities[level] = severities.get(level, 0) + 1
        if has_fix(vulnerability):
            fixable += 1
            if level == "CRITICAL":
                critical_cves.append(str((vulnerability.get("details") or {}).get("cve") or "CVE 番号なし"))
    return {
        "name": report.get("name", ""),
        "update_time": report.get("updateTime", ""),
        "vulnerabilities": len(vulnerabilities),
        "by_severity": severities,
        "fixable": fixable,
        "fixable_critical": len(critical_cves),
        "fixable_critical_cves": critical_cves[:LISTED_CVES],
        "highest_upgradable_cve_severity": report_level(report.get("highestUpgradableCveSeverity")),
    }
