"""What every report job needs from the configuration, gathered once from Settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from domain.quota import QuotaRules
from intake.outgoing import ReplySettings
from reports.config import ReportSettings
from settings import Settings


@dataclass(frozen=True)
class ReportContext:
    reports: ReportSettings
    replies: ReplySettings
    timezone: ZoneInfo
    staff: list[str]
    report_dir: Path
    rules: QuotaRules = field(default_factory=QuotaRules)


def report_context(settings: Settings, reports: ReportSettings | None = None,
                   replies: ReplySettings | None = None) -> ReportContext:
    """The context for these settings; [reports] is read from Settings once it carries that section."""
    reports = reports or getattr(settings, "reports", None) or ReportSettings()
    return ReportContext(reports=reports, replies=replies or ReplySettings.of(settings), timezone=ZoneInfo(settings.intake.timezone),
                         staff=list(settings.intake.staff), report_dir=settings.path(reports.report_dir))
