"""What a report's gap list was narrowed to (--stage, --department, --owner, --severity)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gtm_check.model.vocabulary import Severity, Stage


@dataclass(frozen=True, slots=True)
class Filters:
    """What the gap list was narrowed to; scores always cover the whole launch."""

    stages: list[Stage] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    severities: list[Severity] = field(default_factory=list)
    overdue: bool = False

    @property
    def active(self) -> bool:
        return bool(
            self.stages or self.departments or self.owners or self.severities or self.overdue
        )

    def describe(self) -> str:
        parts = []
        for label, values in (
            ("stage", self.stages),
            ("department", self.departments),
            ("owner", self.owners),
            ("severity", self.severities),
        ):
            if values:
                parts.append(f"{label} {' or '.join(str(v) for v in values)}")
        if self.overdue:
            parts.append("overdue only")
        return "; ".join(parts)
