"""Regular summaries by email: each member's daily digest on working days (their open
leads, what is due today, what is overdue) and the weekly pipeline summary for each head
of team. Each is queued once per person per day or week (its dedupe key), so beat
firing twice sends nothing twice."""

import datetime as dt
from collections import Counter

from django.db.models import Count, Q
from django.utils import timezone

from followups.models import FollowUp
from followups.services.escalation import lead_url
from followups.working_time import LONDON, WorkingCalendar
from leads.choices import CLOSED_STATUSES, EmailKind, Status
from leads.models import Lead
from leads.services import outbound_email_queue
from routing.models import Member, Team


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=LONDON)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=LONDON)
    return start, end


def _followup_row(followup: FollowUp, now: dt.datetime) -> dict:
    return {
        "reference": followup.lead.reference or f"Lead {followup.lead_id}",
        "contact": str(followup.lead.contact),
        "tier": followup.lead.tier or "–",
        "kind": followup.get_kind_display(),
        "guidance": followup.guidance,
        "due_at": followup.due_at,
        "overdue": followup.due_at <= now,
        "url": lead_url(followup.lead_id),
    }


def digest_send(*, member: Member, now: dt.datetime | None = None) -> bool:
    """Queue one member's daily digest; False when they have nothing open at all."""
    now = now or timezone.now()
    today = now.astimezone(LONDON).date()
    _start, end = _day_bounds(today)
    user = member.user
    if not user.email:
        return False
    open_leads = list(
        Lead.objects.filter(owner=user)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("contact")
        .order_by("next_action_due_at", "arrived_at")[:200]
    )
    followups = list(
        FollowUp.objects.filter(owner=user, completed_at__isnull=True, due_at__lt=end)
        .select_related("lead", "lead__contact")
        .order_by("due_at")[:200]
    )
    if not open_leads and not followups:
        return False
    overdue = [_followup_row(f, now) for f in followups if f.due_at <= now]
    due_today = [_followup_row(f, now) for f in followups if f.due_at > now]
    leads = [
        {
            "reference": lead.reference,
            "contact": str(lead.contact),
            "status": lead.get_status_display(),
            "tier": lead.tier or "–",
            "next_action_due_at": lead.next_action_due_at,
            "url": lead_url(lead.pk),
        }
        for lead in open_leads
    ]
    outbound_email_queue(
        kind=EmailKind.DIGEST,
        to=[user.email],
        template="emails/digest",
        context={
            "member": member,
            "today": today,
            "overdue": overdue,
            "due_today": due_today,
            "leads": leads,
        },
        dedupe_key=f"digest:{user.pk}:{today.isoformat()}",
    )
    return True


def digests_send_daily(*, now: dt.datetime | None = None) -> int:
    """Queue every active member's digest, on working days only; returns how many."""
    now = now or timezone.now()
    if not WorkingCalendar.load().is_working_day(now.astimezone(LONDON).date()):
        return 0
    members = Member.objects.filter(is_active=True, user__is_active=True).select_related("user")
    return sum(1 for member in members if digest_send(member=member, now=now))


def weekly_summary_send(*, team: Team, now: dt.datetime | None = None) -> bool:
    """Queue the week's pipeline summary for a team's head; False without a head."""
    now = now or timezone.now()
    if team.head is None or not team.head.user.email:
        return False
    today = now.astimezone(LONDON).date()
    week_start, _ = _day_bounds(today - dt.timedelta(days=7))
    members = list(team.members.filter(is_active=True).select_related("user"))
    user_ids = [m.user_id for m in members]
    leads = Lead.objects.filter(owner_id__in=user_ids, merged_into__isnull=True)
    by_status = Counter(
        dict(
            leads.exclude(status__in=CLOSED_STATUSES)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
    )
    overdue_by_owner = dict(
        FollowUp.objects.filter(owner_id__in=user_ids, completed_at__isnull=True, due_at__lte=now)
        .values_list("owner_id")
        .annotate(n=Count("pk"))
        .values_list("owner_id", "n")
    )
    rows = []
    for member in members:
        owned = leads.filter(owner_id=member.user_id)
        rows.append(
            {
                "name": member.name,
                "open": owned.exclude(status__in=CLOSED_STATUSES).count(),
                "overdue": overdue_by_owner.get(member.user_id, 0),
            }
        )
    week = leads.filter(Q(assigned_at__gte=week_start) | Q(closed_at__gte=week_start))
    outbound_email_queue(
        kind=EmailKind.DIGEST,
        to=[team.head.user.email],
        template="emails/weekly_summary",
        context={
            "team": team,
            "head": team.head,
            "week_start": week_start,
            "today": today,
            "stages": [
                (Status(status).label, by_status.get(status, 0))
                for status in Status
                if status not in CLOSED_STATUSES
            ],
            "members": rows,
            "assigned": week.filter(assigned_at__gte=week_start).count(),
            "won": week.filter(status=Status.WON, closed_at__gte=week_start).count(),
            "lost": week.filter(
                status__in=[Status.LOST, Status.DISQUALIFIED], closed_at__gte=week_start
            ).count(),
            "overdue_total": sum(overdue_by_owner.values()),
        },
        dedupe_key=f"weekly:{team.pk}:{today.isocalendar().year}-W{today.isocalendar().week:02d}",
    )
    return True


def weekly_summaries_send(*, now: dt.datetime | None = None) -> int:
    """Queue the weekly summary for every team with a head; returns how many."""
    now = now or timezone.now()
    teams = Team.objects.filter(head__isnull=False).select_related("head__user")
    return sum(1 for team in teams if weekly_summary_send(team=team, now=now))
