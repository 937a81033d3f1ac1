"""The dashboard and every report, in every grouping, cost the same number of SQL queries
whatever the data: more leads, owners, sources, practice areas, campaigns, timeline
entries and follow-ups add rows to the queries, never queries."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from followups.models import FollowUp
from leads.choices import ActivityKind, Channel, Status
from leadtrack.reports import REPORTS
from qualification.models import PracticeArea, QualificationModel
from routing.models import Member
from tests.factories import ActivityFactory, LeadFactory, QualificationResultFactory, UserFactory
from tests.leadtrack import report_data

NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=report_data.LONDON)
MAY = {"arrived_from": "2026-05-01", "arrived_to": "2026-05-31"}


def _more_data(count: int) -> None:
    """``count`` more leads in May, each with its own owner, source, campaign and practice
    area, a timeline (status changes, an escalation) and follow-ups."""
    model = QualificationModel.objects.order_by("version").first()
    for n in range(count):
        owner = UserFactory(username=f"extra{n}", first_name="Extra", last_name=f"Owner {n}")
        Member.objects.create(user=owner)
        area = PracticeArea.objects.create(name=f"Extra area {n}", slug=f"extra-area-{n}")
        arrived = report_data.london(11 + n % 10, 10 + n % 6)
        status = [Status.WON, Status.LOST, Status.CONTACTED, Status.MEETING][n % 4]
        lead = LeadFactory(
            channel=[Channel.REFERRAL, Channel.SOCIAL, Channel.API][n % 3],
            source=f"Extra source {n}",
            arrived_at=arrived,
            first_response_at=arrived + dt.timedelta(hours=2 + n),
            status=status,
            tier="ABC"[n % 3],
            owner=owner,
            estimated_value=Decimal(1000 + n),
            closed_at=arrived + dt.timedelta(days=3)
            if status in (Status.WON, Status.LOST)
            else None,
            qualified_at=arrived + dt.timedelta(minutes=1),
            utm={"utm_campaign": f"extra-{n}", "utm_source": f"extra-{n}"},
        )
        QualificationResultFactory(
            lead=lead,
            model_version=model,
            practice_area=area,
            tier=lead.tier,
            override_tier="A" if n % 2 else "",
        )
        ActivityFactory(
            lead=lead,
            kind=ActivityKind.STATUS_CHANGED,
            at=arrived + dt.timedelta(hours=1),
            summary="New to contacted",
            data={"from": "new", "to": "contacted", "reason": "", "since": arrived.isoformat()},
        )
        ActivityFactory(lead=lead, kind=ActivityKind.ESCALATED, at=arrived + dt.timedelta(hours=3))
        for due, done in ((1, 2), (5, None)):
            FollowUp.objects.create(
                lead=lead,
                owner=owner,
                stage="new",
                kind="first_contact" if due == 1 else "call",
                due_at=arrived + dt.timedelta(hours=due),
                completed_at=arrived + dt.timedelta(hours=done) if done else None,
                escalation_level=1,
            )


def _queries(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def _every_page() -> list[tuple[str, dict]]:
    pages = [("/admin/", {})]
    for report in REPORTS.values():
        for dimension in report.dimensions:
            pages.append((f"/admin/reports/{report.slug}/", {**MAY, "group_by": dimension.key}))
    return pages


@pytest.mark.django_db
def test_dashboard_and_every_report_in_every_grouping_cost_fixed_queries(admin_client):
    with time_machine.travel(NOW, tick=False):
        report_data.build()
        few = {
            (url, params.get("group_by")): _queries(admin_client, url, params)
            for url, params in _every_page()
        }
        _more_data(6)
        many = {
            (url, params.get("group_by")): _queries(admin_client, url, params)
            for url, params in _every_page()
        }
    assert many == few
    assert len(few) == 1 + sum(len(report.dimensions) for report in REPORTS.values())
