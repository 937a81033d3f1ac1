"""Who may see which leads: partners (and anyone with ``leads.view_all_leads``) see the
whole firm; a fee earner sees the leads owned by themselves and by their team; a head of
team also sees the leads of the team they head, and a supervisor those of the people
they supervise (two levels down), the people an overdue follow-up escalates to.

The admin's lead list and page, the dashboard and the reports all read through here, so a
figure never counts a lead its reader could not open.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from leads.models import Contact, Lead
from routing.models import Member

VIEW_ALL_LEADS = "leads.view_all_leads"


def sees_all_leads(user) -> bool:
    """Whether the user sees every lead in the firm."""
    return bool(user.is_active and (user.is_superuser or user.has_perm(VIEW_ALL_LEADS)))


def team_users(user) -> QuerySet:
    """The people whose leads this user sees (as a subquery, not a list): themselves,
    everyone in their own team, everyone in a team they head (a head of team need not
    sit in the team), the people they supervise and those people's own supervisees, and
    the teams of the heads they supervise (so whoever an overdue follow-up is escalated to,
    at every level, can open the lead)."""
    teams = Member.objects.filter(user=user, team__isnull=False).values("team")
    headed = Member.objects.filter(team__head__user=user).values("pk")
    supervised = (
        Q(member__supervisor__user=user)
        | Q(member__supervisor__supervisor__user=user)
        | Q(member__team__head__supervisor__user=user)
    )
    return (
        get_user_model()
        .objects.filter(
            Q(pk=user.pk) | Q(member__team__in=teams) | Q(member__in=headed) | supervised
        )
        .values("pk")
    )


def visible_leads(user, queryset: QuerySet[Lead] | None = None) -> QuerySet[Lead]:
    """The leads (not merged into another) this user may see."""
    leads = queryset if queryset is not None else Lead.objects.all()
    leads = leads.filter(merged_into__isnull=True)
    if sees_all_leads(user):
        return leads
    return leads.filter(owner__in=team_users(user))


def may_see_lead(user, lead: Lead) -> bool:
    """Whether this user may open (and, with change permission, work on) this lead."""
    if sees_all_leads(user):
        return True
    if lead.owner_id is None:
        return False
    return team_users(user).filter(pk=lead.owner_id).exists()


def visible_contacts(user, queryset: QuerySet[Contact] | None = None) -> QuerySet[Contact]:
    """The contacts this user may see: everyone for a partner; for a fee earner, the
    enquirers of the leads they may see."""
    contacts = queryset if queryset is not None else Contact.objects.all()
    if sees_all_leads(user):
        return contacts
    return contacts.filter(pk__in=visible_leads(user).values("contact"))


def visible_followups(user, queryset: QuerySet | None = None) -> QuerySet:
    """The follow-ups on leads this user may see (the same rule as ``visible_leads``)."""
    from followups.models import FollowUp

    followups = queryset if queryset is not None else FollowUp.objects.all()
    if sees_all_leads(user):
        return followups.filter(lead__merged_into__isnull=True)
    return followups.filter(lead__in=visible_leads(user).values("pk"))
