"""Reads used by routing's services, admin, API and tests: the facts a rule is matched
against, the rules in force, the roster of members with their load and availability, and
the content of a brief. Each read has fixed joins so query counts do not grow with size."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from compliance.selectors import conflict_brief
from leads.choices import OPEN_STATUSES, Channel
from leads.models import Lead
from leads.selectors import contact_other_leads
from routing.choices import RuleState
from routing.models import Assignment, Member, MemberAbsence, RoutingRule


@dataclass(frozen=True)
class LeadFacts:
    """What routing rules look at, read from a lead and its qualification (if any)."""

    practice_area: object | None = None  # qualification.PracticeArea, or None: unclassified
    tier: str = ""
    estimated_value: Decimal | None = None
    channel: str = ""
    source: str = ""
    referrer: str = ""
    referral_owner_id: int | None = None  # the referrer's relationship owner (a user id)
    text: str = ""
    arrived_at: datetime | None = None


def lead_facts(lead: Lead) -> LeadFacts:
    """The routing facts of a lead. Qualification and the referrer are read defensively:
    a lead not yet qualified routes on what capture recorded."""
    qualification = getattr(lead, "qualification", None)
    practice_area = getattr(qualification, "practice_area", None)
    tier = ""
    if qualification is not None:
        tier = getattr(qualification, "effective_tier", "") or getattr(qualification, "tier", "")
    tier = tier or lead.tier or ""
    value = getattr(qualification, "estimated_value", None)
    if value is None:
        value = lead.estimated_value
    referral_source = getattr(lead, "referral_source", None)
    return LeadFacts(
        practice_area=practice_area,
        tier=tier,
        estimated_value=value,
        channel=lead.channel,
        source=lead.source or "",
        referrer=str(referral_source) if referral_source is not None else "",
        referral_owner_id=getattr(referral_source, "relationship_owner_id", None),
        text=f"{lead.subject}\n{lead.message}",
        arrived_at=lead.arrived_at,
    )


def lead_locked_for_routing(*, lead_id: int) -> Lead:
    """The lead, its row locked until the transaction ends, read with what routing and the
    brief look at (contact, qualification and its practice area, referrer) in one query."""
    return (
        Lead.objects.select_for_update(of=("self",))
        .select_related("contact", "qualification__practice_area", "referral_source")
        .get(pk=lead_id)
    )


def rules_in_force(*, draft: bool = False) -> list[RoutingRule]:
    """The ordered rules: live ones, or (``draft``) live ones with the drafts slotted in."""
    states = [RuleState.LIVE, RuleState.DRAFT] if draft else [RuleState.LIVE]
    return list(
        RoutingRule.objects.filter(state__in=states)
        .select_related(
            "practice_area", "target_member__user", "target_member__team", "target_team__head__user"
        )
        .order_by("position", "pk")
    )


def triage_member() -> Member | None:
    """The firm-wide triage owner: ``LEADTRACK_TRIAGE_USERNAME`` if that is an active
    member, else the most senior active member (so a lead always gets an owner)."""
    active = Member.objects.filter(is_active=True, user__is_active=True).select_related("user")
    username = settings.LEADTRACK_TRIAGE_USERNAME
    member = active.filter(user__username=username).first() if username else None
    return member or active.order_by("-seniority", "pk").first()


@dataclass
class MemberState:
    """A member as routing sees them at one moment: load, absence, and whether they work."""

    member: Member
    open_leads: int = 0
    absence: MemberAbsence | None = None
    excluded_because: str = ""

    @property
    def name(self) -> str:
        return self.member.name


@dataclass
class Roster:
    """The members routing may choose from, with their state; ``today`` is London's date."""

    states: dict[int, MemberState] = field(default_factory=dict)
    today: date | None = None

    def get(self, member_id: int | None) -> MemberState | None:
        return self.states.get(member_id) if member_id is not None else None

    def by_user(self, user_id: int | None) -> MemberState | None:
        return next((s for s in self.states.values() if s.member.user_id == user_id), None)

    def team(self, team_id: int) -> list[MemberState]:
        return sorted(
            (s for s in self.states.values() if s.member.team_id == team_id),
            key=lambda state: state.member.pk,
        )

    def record(self, state: MemberState, at: datetime) -> None:
        """Count a (simulated) assignment, so the next choice sees it."""
        state.open_leads += 1
        state.member.last_assigned_at = at


def roster_member_ids(*, rule: RoutingRule | None, facts: LeadFacts, today: date) -> set[int]:
    """Every member a decision under ``rule`` might choose by load or turn: the target and
    its team, heads, the referrer's owner and delegates of the absent."""
    where = Q(pk__in=[])
    if rule is not None:
        if rule.target_member_id:
            where |= Q(pk=rule.target_member_id)
            where |= Q(teams_headed__members=rule.target_member_id)
        if rule.target_team_id:
            where |= Q(team=rule.target_team_id) | Q(teams_headed=rule.target_team_id)
        if rule.keep_referral_owner and facts.referral_owner_id:
            where |= Q(user_id=facts.referral_owner_id)
    ids = set(Member.objects.filter(where).values_list("pk", flat=True))
    # The triage owner is not locked: they take a lead whatever their load, so nothing
    # about them needs to hold still, and every worker would otherwise queue on that row.
    delegates = MemberAbsence.objects.filter(
        member__in=ids, starts_on__lte=today, ends_on__gte=today, delegate__isnull=False
    ).values_list("delegate_id", flat=True)
    return ids | set(delegates)


def roster_load(
    *, member_ids: Iterable[int] | None = None, today: date, lock: bool = False
) -> Roster:
    """The roster of the given members (all active members when None). With ``lock`` their
    rows are locked, in primary-key order, until the transaction ends: capacity and turns
    then hold however many workers route at once."""
    members = Member.objects.select_related("user", "team")
    if member_ids is not None:
        members = members.filter(pk__in=list(member_ids))
    else:
        members = members.filter(is_active=True)
    if lock:
        members = members.select_for_update(of=("self",))
    members = list(members.order_by("pk"))
    user_ids = [member.user_id for member in members]
    counts = dict(
        Lead.objects.filter(owner_id__in=user_ids, status__in=OPEN_STATUSES)
        .values_list("owner_id")
        .annotate(n=Count("pk"))
        .values_list("owner_id", "n")
    )
    absences: dict[int, MemberAbsence] = {}
    for absence in (
        MemberAbsence.objects.filter(member__in=members, starts_on__lte=today, ends_on__gte=today)
        .select_related("delegate__user")
        .order_by("-ends_on")
    ):
        absences.setdefault(absence.member_id, absence)
    return Roster(
        states={
            member.pk: MemberState(
                member=member,
                open_leads=counts.get(member.user_id, 0),
                absence=absences.get(member.pk),
            )
            for member in members
        },
        today=today,
    )


def current_assignment(*, lead: Lead) -> Assignment | None:
    return (
        Assignment.objects.filter(lead=lead, ended_at__isnull=True)
        .select_related("member__user", "rule", "brief")
        .first()
    )


def lead_assignments(*, lead: Lead) -> QuerySet[Assignment]:
    """Every assignment of the lead, newest first, with who and how they were briefed."""
    return Assignment.objects.filter(lead=lead).select_related(
        "member__user", "rule", "assigned_by", "brief"
    )


def member_open_leads(*, member: Member) -> QuerySet[Lead]:
    return Lead.objects.filter(owner_id=member.user_id, status__in=OPEN_STATUSES).order_by(
        "arrived_at", "pk"
    )


def members_for_choice() -> QuerySet[Member]:
    """Active members, for pickers (reassign forms, the API's validation)."""
    return Member.objects.filter(is_active=True, user__is_active=True).select_related(
        "user", "team"
    )


@dataclass
class MemberWorkload:
    """A member as someone reassigning a lead needs to see them: how many open leads
    they hold against their capacity, and whether they can take it now."""

    member: Member
    open_leads: int
    absence: MemberAbsence | None
    working_now: bool

    @property
    def available(self) -> bool:
        return self.absence is None and self.working_now and self.member.is_active

    @property
    def availability(self) -> str:
        if self.absence is not None:
            cover = f", cover {self.absence.delegate.name}" if self.absence.delegate else ""
            return f"away until {self.absence.ends_on:%a} {self.absence.ends_on.day} " + (
                f"{self.absence.ends_on:%b}{cover}"
            )
        if not self.working_now:
            return f"not working now ({self.member.hours_label})"
        return "available now"

    @property
    def workload(self) -> str:
        return f"{self.open_leads} open of {self.member.capacity}"


def members_with_workload(*, at: datetime | None = None) -> list[MemberWorkload]:
    """Active members with their open leads and availability at ``at`` (default now),
    available first, then the least loaded against capacity (three queries)."""
    at = at or timezone.now()
    members = list(members_for_choice().order_by("user__first_name", "user__last_name", "pk"))
    counts = dict(
        Lead.objects.filter(
            owner_id__in=[member.user_id for member in members], status__in=OPEN_STATUSES
        )
        .values("owner_id")
        .annotate(open=Count("pk"))
        .values_list("owner_id", "open")
    )
    today = timezone.localdate(at)
    absences = {
        row.member_id: row
        for row in MemberAbsence.objects.filter(
            member_id__in=[member.pk for member in members],
            starts_on__lte=today,
            ends_on__gte=today,
        ).select_related("delegate__user")
    }
    rows = [
        MemberWorkload(
            member=member,
            open_leads=counts.get(member.user_id, 0),
            absence=absences.get(member.pk),
            working_now=member.works_at(at),
        )
        for member in members
    ]
    rows.sort(key=lambda row: (not row.available, row.open_leads / max(row.member.capacity, 1)))
    return rows


def recent_leads(*, limit: int = 50) -> list[Lead]:
    """The latest leads, with what routing needs of each, for the rule test page."""
    related = ["contact", "owner"]
    if hasattr(Lead, "qualification"):
        related.append("qualification__practice_area")
    if hasattr(Lead, "referral_source"):
        related.append("referral_source")
    return list(
        Lead.objects.filter(merged_into__isnull=True)
        .select_related(*related)
        .order_by("-arrived_at", "-pk")[:limit]
    )


def digest_pending(*, member: Member) -> QuerySet[Assignment]:
    """Current assignments of the member waiting for the daily digest."""
    return (
        Assignment.objects.filter(
            member=member, brief_channel="digest", brief__isnull=True, ended_at__isnull=True
        )
        .select_related("lead__contact")
        .order_by("assigned_at", "pk")
    )


def members_with_digest_pending() -> QuerySet[Member]:
    return Member.objects.filter(
        assignments__brief_channel="digest",
        assignments__brief__isnull=True,
        assignments__ended_at__isnull=True,
    ).distinct()


def lead_admin_url(lead: Lead) -> str:
    return settings.SITE_URL + reverse("admin:leads_lead_change", args=[lead.pk])


def _age(moment: datetime, now: datetime) -> str:
    if now - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, now).split(',')[0]} ago".replace("\xa0", " ")


def _response_due(*, lead: Lead, tier: str) -> tuple[datetime | None, bool]:
    """When the first contact is due (the follow-ups the pipeline scheduled before routing
    put it in ``next_action_due_at``), and whether that is only the firm's response
    target for the tier (no follow-up policy applied). The client's own deadline is not
    this: the brief gives it separately."""
    due = lead.next_action_due_at
    if due is not None:
        return due, False
    hours = settings.LEADTRACK_BRIEF_RESPONSE_HOURS.get(tier or "")
    return (lead.arrived_at + timedelta(hours=hours), True) if hours else (None, False)


def brief_context(*, lead: Lead, member: Member, reason: str) -> dict:
    """Everything a brief says: who, when, how, what they asked, the tier and its basis,
    the first action and when it is due, how to reach them, and the link to the lead."""
    now = timezone.now()
    contact = lead.contact
    qualification = getattr(lead, "qualification", None)
    facts = lead_facts(lead)
    summary = getattr(qualification, "summary", "") or ""
    if not summary:
        text = " ".join(lead.message.split())
        summary = text if len(text) <= 280 else text[:277].rsplit(" ", 1)[0] + "…"
    basis: Sequence[str] = getattr(qualification, "basis", None) or []
    action = getattr(qualification, "recommended_action", "") or ""
    due, due_is_target = _response_due(lead=lead, tier=facts.tier)
    client_deadline = getattr(qualification, "urgency_due_at", None)
    subject = lead.subject or "your enquiry"
    reply_subject = f"Re: {subject} [{lead.reference}]"
    return {
        "lead": lead,
        "contact": contact,
        "member": member,
        "reason": reason,
        "arrived_local": timezone.localtime(lead.arrived_at),
        "arrived_ago": _age(lead.arrived_at, now),
        "channel": Channel(lead.channel).label,
        "summary": summary,
        "message": lead.message,
        "tier": facts.tier,
        "practice_area": facts.practice_area,
        "estimated_value": facts.estimated_value,
        "basis": list(basis),
        "recommended_action": action,
        "due_at": timezone.localtime(due) if due else None,
        "due_is_target": due_is_target,
        "client_deadline": timezone.localtime(client_deadline) if client_deadline else None,
        "call_link": f"tel:{contact.phone}" if contact.phone else "",
        "reply_link": (
            f"mailto:{contact.email}?subject={quote(reply_subject)}" if contact.email else ""
        ),
        "admin_url": lead_admin_url(lead),
        "referrer": facts.referrer,
        # Second enquiry from an existing contact: their other leads.
        "other_leads": contact_other_leads(contact_id=lead.contact_id, lead=lead),
        "conflict": conflict_brief(lead=lead),
    }


def rule_problems(rule: RoutingRule) -> list[str]:
    """What is wrong with a rule, in words an operations manager can act on; leads it
    matches still get an owner through the fallback, but not the one intended."""
    problems = []
    if rule.practice_area_deleted:
        problems.append(
            f"The practice area “{rule.practice_area_name}” was deleted, so this rule matches "
            "nothing. Choose another area or switch the rule off."
        )
    elif rule.practice_area is not None and not rule.practice_area.accepts_work:
        problems.append(f"{rule.practice_area} is marked as work the firm does not take on.")
    if rule.text_pattern:
        try:
            re.compile(rule.text_pattern)
        except re.error:
            problems.append("The text pattern is not a valid regular expression.")
    member, team = rule.target_member, rule.target_team
    if member is None and team is None:
        problems.append("No member or team to give leads to: they go to the triage owner.")
    if member is not None and (not member.is_active or not member.user.is_active):
        problems.append(
            f"{member} is inactive: leads go to the head of their team or the triage owner."
        )
    if team is not None:
        active = getattr(rule, "active_team_members", None)
        if active is None:
            active = team.members.filter(is_active=True, user__is_active=True).count()
        if not active:
            problems.append(
                f"Nobody active is in {team}: leads go to its head or the triage owner."
            )
        if team.head is None:
            problems.append(f"{team} has no head of team to fall back on.")
        elif not team.head.is_active:
            problems.append(f"{team}'s head, {team.head}, is inactive.")
    return problems


def rules_for_admin() -> QuerySet[RoutingRule]:
    """Rules with what the admin list shows, counted in one query."""
    return RoutingRule.objects.select_related(
        "practice_area", "target_member__user", "target_team__head__user"
    ).annotate(
        active_team_members=Count(
            "target_team__members",
            filter=Q(
                target_team__members__is_active=True,
                target_team__members__user__is_active=True,
            ),
        )
    )
