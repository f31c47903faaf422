"""Narrows a report's gap list to what the filters ask for; scores are never filtered."""

from __future__ import annotations

import dataclasses

from gtm_check.model.filters import Filters
from gtm_check.model.results import ItemResult, Report


def matches(item: ItemResult, filters: Filters) -> bool:
    owners = {o.casefold() for o in filters.owners}
    return (
        (not filters.stages or item.stage in filters.stages)
        and (not filters.departments or item.department in filters.departments)
        and (not owners or (item.owner or "").casefold() in owners)
        and (not filters.severities or item.severity in filters.severities)
        and (not filters.overdue or item.overdue_days is not None)
    )


def apply_filters(report: Report, filters: Filters) -> Report:
    if not filters.active:
        return report
    return dataclasses.replace(
        report, gaps=[g for g in report.gaps if matches(g, filters)], filters=filters
    )
