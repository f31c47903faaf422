"""What the built-in checklists hold, as data and as JSON, for `gtm-check checklists`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gtm_check.model.inputs import Checklist, ChecklistItem
from gtm_check.model.vocabulary import TRAITS, Stage
from gtm_check.report import RenderOptions
from gtm_check.report.shared import json_text


def stage_counts(checklist: Checklist) -> dict[Stage, int]:
    return {stage: sum(item.stage is stage for item in checklist.items) for stage in Stage}


def traits_used(checklists: Sequence[Checklist]) -> dict[str, str]:
    """Every trait the checklists use or the vocabulary defines, with its meaning."""
    used = {t for c in checklists for item in c.items for t in item.applies_if.traits}
    described = dict(TRAITS)
    for trait in sorted(used - set(TRAITS)):
        described[trait] = "Defined by a team checklist."
    return described


def summary_dict(checklists: Sequence[Checklist]) -> dict[str, Any]:
    return {
        "departments": [
            {
                "key": c.department,
                "name": c.name,
                "items": len(c.items),
                "stages": {stage.value: count for stage, count in stage_counts(c).items()},
            }
            for c in checklists
        ],
        "traits": traits_used(checklists),
    }


def department_dict(checklist: Checklist) -> dict[str, Any]:
    return {
        "key": checklist.department,
        "name": checklist.name,
        "description": checklist.description,
        "items": [_item_dict(item) for item in checklist.items],
    }


def _item_dict(item: ChecklistItem) -> dict[str, Any]:
    """The item as written, with its weight and tier filled in and its condition in words."""
    data = item.model_dump(mode="json", exclude_none=True) | {"weight": item.effective_weight}
    condition = {key: traits for key, traits in data.pop("applies_if").items() if traits}
    if condition:
        data["applies_if"] = condition
        data["applies_when"] = item.applies_if.describe()
    return data


def render_summary(checklists: Sequence[Checklist], options: RenderOptions) -> str:
    return json_text(summary_dict(checklists))


def render_department(checklist: Checklist, options: RenderOptions) -> str:
    return json_text(department_dict(checklist))
