"""The tracker's management reports, each a chart and its table with CSV export, in the
admin under /admin/reports/. One module per report; ``base`` holds what they share."""

from leadtrack.reports.base import Report
from leadtrack.reports.conversion import ConversionReport
from leadtrack.reports.qualification_quality import QualificationQualityReport
from leadtrack.reports.response_time import ResponseTimeReport
from leadtrack.reports.team import TeamReport
from leadtrack.reports.velocity import VelocityReport

REPORTS: dict[str, Report] = {
    report.slug: report
    for report in (
        ResponseTimeReport(),
        ConversionReport(),
        VelocityReport(),
        TeamReport(),
        QualificationQualityReport(),
    )
}

__all__ = ["REPORTS", "Report"]
