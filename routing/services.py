"""Routing's writes: give a lead to an owner (by the rules, by a person, to oneself),
hand over a leaving member's leads, and brief each new owner, once per assignment.

Every change of owner goes through ``lead_assign``: it ends the previous assignment, sets
``lead.owner`` and ``lead.assigned_at``, moves a new lead to Assigned, writes the
timeline and queues the brief. Follow-ups read ``lead.owner``; routing sends no signal.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leads.choices import CLOSED_STATUSES, ActivityKind, EmailKind, Status, Tier
from leads.models import Lead, OutboundEmail
from leads.services import (
    activity_record,
    lead_change_status,
    lead_set_owner,
    outbound_email_queue,
)
from routing import selectors, signals
from routing.choices import AssignedVia, BriefChannel, BriefDelivery
from routing.decisions import Decision, first_matching_rule, route_decide
from routing.models import Assignment, Member, RoutingRule


def _clean_reason(reason: str) -> str:
    return " ".join((reason or "").split())[:500]


def route_decision(*, lead: Lead, exclude: Member | None = None, lock: bool) -> Decision:
    """Where the rules in force send the lead now; ``lock`` holds the roster's rows."""
    facts = selectors.lead_facts(lead)
    rules = selectors.rules_in_force()
    today = timezone.localdate()
    member_ids = selectors.roster_member_ids(
        rule=first_matching_rule(rules, facts), facts=facts, today=today
    )
    roster = selectors.roster_load(member_ids=member_ids, today=today, lock=lock)
    if exclude is not None and (state := roster.get(exclude.pk)) is not None:
        state.excluded_because = "is handing over their leads"
    triage = selectors.triage_member()
    if exclude is not None and triage is not None and triage.pk == exclude.pk:
        triage = (
            selectors.members_for_choice()
            .exclude(pk=exclude.pk)
            .order_by("-seniority", "pk")
            .first()
        )
    if triage is not None and triage.pk in roster.states:
        triage = roster.states[triage.pk].member
    return route_decide(facts=facts, rules=rules, roster=roster, triage=triage)


@transaction.atomic
def lead_route(
    *,
    lead: Lead,
    exclude: Member | None = None,
    actor: AbstractBaseUser | None = None,
    brief_here: bool = False,
) -> Assignment:
    """Give the lead to whoever the rules choose, atomically: the candidates' rows stay
    locked until commit, so capacity and turns hold with any number of workers.

    ``brief_here`` sends the owner's brief from this process right after commit (the
    pipeline's worker does, so the brief does not wait for a second delivery); otherwise
    a worker sends it."""
    locked = selectors.lead_locked_for_routing(lead_id=lead.pk)
    decision = route_decision(lead=locked, exclude=exclude, lock=True)
    return _assign_locked(
        lead=lead,
        locked=locked,
        member=decision.member,
        reason=decision.reason,
        rule=decision.rule,
        via=decision.via,
        actor=actor,
        brief_here=brief_here,
    )


@transaction.atomic
def lead_assign(
    *,
    lead: Lead,
    member: Member,
    reason: str,
    rule: RoutingRule | None = None,
    actor: AbstractBaseUser | None = None,
    via: AssignedVia = AssignedVia.RULE,
) -> Assignment:
    """Make ``member`` the lead's owner, with the reason, and brief them."""
    return _assign_locked(
        lead=lead,
        locked=selectors.lead_locked_for_routing(lead_id=lead.pk),
        member=member,
        reason=reason,
        rule=rule,
        actor=actor,
        via=via,
    )


def _assign_locked(
    *,
    lead: Lead,
    locked: Lead,
    member: Member,
    reason: str,
    rule: RoutingRule | None,
    actor: AbstractBaseUser | None,
    via: AssignedVia,
    brief_here: bool = False,
) -> Assignment:
    """``lead_assign`` for a lead whose row this transaction has locked and read
    (``selectors.lead_locked_for_routing``); ``lead`` is the caller's copy."""
    reason = _clean_reason(reason)
    if not reason:
        raise ValidationError({"reason": "Give a reason for the assignment."})
    if not member.is_active or not member.user.is_active:
        raise ValidationError({"member": f"{member.name} is not active and cannot own leads."})
    previous = (
        Assignment.objects.select_for_update()
        .filter(lead=locked, ended_at__isnull=True)
        .select_related("member__user")
        .first()
    )
    if previous is not None and previous.member_id == member.pk:
        raise ValidationError({"member": f"{member.name} already owns {locked}."})

    now = timezone.now()
    if previous is not None:
        previous.ended_at = now
        previous.save(update_fields=["ended_at"])
    tier = selectors.lead_facts(locked).tier
    digest = member.brief_delivery == BriefDelivery.DIGEST_TIER_C and tier == Tier.C
    assignment = Assignment.objects.create(
        lead=locked,
        member=member,
        rule=rule,
        via=via,
        reason=reason,
        assigned_by=actor if actor is not None and actor.is_authenticated else None,
        assigned_at=now,
        brief_channel=BriefChannel.DIGEST if digest else BriefChannel.EMAIL,
    )
    lead_set_owner(lead=locked, owner=member.user, at=now)
    # The round-robin turn; an update, not save(), so it adds nothing to the change history.
    Member.objects.filter(pk=member.pk).update(last_assigned_at=now)
    member.last_assigned_at = now
    if locked.status == Status.NEW:
        locked = lead_change_status(lead=locked, status=Status.ASSIGNED, actor=actor)
        locked.owner = member.user  # the new owner, already read with the roster

    if previous is None:
        summary = f"Assigned to {member.name}: {reason}"
    else:
        summary = f"Reassigned from {previous.member.name} to {member.name}: {reason}"
    activity_record(
        lead=locked,
        kind=ActivityKind.ASSIGNED,
        summary=summary,
        actor=actor,
        at=now,
        data={
            "assignment_id": assignment.pk,
            "member_id": member.pk,
            "owner_id": member.user_id,
            "previous_owner_id": previous.member.user_id if previous else None,
            "rule_id": rule.pk if rule else None,
            "via": via,
            "reason": reason,
        },
    )
    signals.lead_assigned.send(sender=Assignment, lead=locked, assignment=assignment, actor=actor)
    if not digest:
        brief_queue(assignment=assignment, send_here=brief_here)
    # The caller's copy of the lead shows the new owner and status.
    for name in ("owner_id", "assigned_at", "status", "status_changed_at"):
        setattr(lead, name, getattr(locked, name))
    return assignment


def brief_queue(*, assignment: Assignment, send_here: bool = False) -> OutboundEmail | None:
    """Queue the owner's brief for this assignment, once; returns None (and says so on
    the timeline) when the owner has no email address. ``send_here``: sent from this
    process after commit (see ``outbound_email_queue``)."""
    member, lead = assignment.member, assignment.lead
    if not member.email:
        activity_record(
            lead=lead,
            kind=ActivityKind.NOTE,
            summary=f"Brief not sent: {member.name} has no email address in Leadtrack.",
            data={"assignment_id": assignment.pk, "brief_failed": True},
        )
        return None
    email = outbound_email_queue(
        kind=EmailKind.BRIEF,
        to=[member.email],
        template="emails/brief",
        context=selectors.brief_context(lead=lead, member=member, reason=assignment.reason),
        dedupe_key=f"brief:assignment:{assignment.pk}",
        lead=lead,
        activity_kind=ActivityKind.BRIEF_SENT,
        send_here=send_here,
    )
    assignment.brief = email
    assignment.save(update_fields=["brief"])
    return email


def _member_for_user(user: AbstractBaseUser) -> Member:
    member = Member.objects.select_related("user").filter(user=user).first()
    if member is None or not member.is_active:
        raise ValidationError(
            "You are not set up as an active member who can own leads; ask a partner to add "
            "you under Routing → Members."
        )
    return member


def _open_lead_check(lead: Lead) -> None:
    if lead.status in CLOSED_STATUSES:
        raise ValidationError(
            {
                "lead": f"{lead} was merged into another lead."
                if lead.status == Status.MERGED
                else f"{lead} is {lead.get_status_display().lower()}; reopen it first."
            }
        )


@transaction.atomic
def lead_reassign(
    *, lead: Lead, member: Member, reason: str, actor: AbstractBaseUser | None
) -> Assignment:
    """A person gives an open lead to another member, saying why; the new owner is briefed."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _open_lead_check(lead)
    reason = _clean_reason(reason)
    if not reason:
        raise ValidationError({"reason": "Say why the lead is being reassigned."})
    by = actor.get_full_name() or actor.get_username() if actor is not None else "Leadtrack"
    return lead_assign(
        lead=lead,
        member=member,
        reason=f"Reassigned by {by}: {reason}",
        actor=actor,
        via=AssignedVia.MANUAL,
    )


@transaction.atomic
def lead_assign_to_me(*, lead: Lead, user: AbstractBaseUser) -> Assignment:
    """A member takes an unowned lead, or one parked with the triage owner."""
    member = _member_for_user(user)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _open_lead_check(lead)
    current = selectors.current_assignment(lead=lead)
    if lead.owner_id is not None and (current is None or current.via != AssignedVia.TRIAGE):
        if lead.owner_id == user.pk:
            raise ValidationError({"lead": f"You already own {lead}."})
        raise ValidationError(
            {"lead": f"{lead} already has an owner; use Reassign to move it, with a reason."}
        )
    return lead_assign(
        lead=lead,
        member=member,
        reason=f"{member.name} took the lead (assign to me)",
        actor=user,
        via=AssignedVia.MANUAL,
    )


def member_reassign_open_leads(
    *,
    member: Member,
    reason: str,
    to: Member | None = None,
    actor: AbstractBaseUser | None = None,
) -> list[Assignment]:
    """Move every open lead of a member who is leaving or going on leave: to ``to``, or
    (when None) wherever the rules send it now, never back to ``member``. Each lead moves
    in its own transaction through the same services, so each is briefed and timelined."""
    reason = _clean_reason(reason)
    if not reason:
        raise ValidationError({"reason": "Say why the leads are being moved."})
    if to is not None:
        if to.pk == member.pk:
            raise ValidationError({"to": "Choose someone other than the member handing over."})
        if not to.is_active or not to.user.is_active:
            raise ValidationError({"to": f"{to.name} is not active and cannot own leads."})
    assignments = []
    for lead in selectors.member_open_leads(member=member):
        if to is not None:
            assignments.append(lead_reassign(lead=lead, member=to, reason=reason, actor=actor))
            continue
        with transaction.atomic():
            locked = Lead.objects.select_for_update().get(pk=lead.pk)
            decision = route_decision(lead=locked, exclude=member, lock=True)
            by = actor.get_full_name() or actor.get_username() if actor else "Leadtrack"
            assignments.append(
                lead_assign(
                    lead=locked,
                    member=decision.member,
                    reason=f"Handed over by {by} ({reason}); {decision.reason}",
                    rule=decision.rule,
                    via=decision.via,
                    actor=actor,
                )
            )
    return assignments


@transaction.atomic
def brief_digest_send(*, member: Member) -> OutboundEmail | None:
    """Queue one email briefing the member on every lead waiting for their digest."""
    pending = list(selectors.digest_pending(member=member).select_for_update(of=("self",)))
    if not pending:
        return None
    if not member.email:
        return None
    leads = [selectors.brief_context(lead=a.lead, member=member, reason=a.reason) for a in pending]
    email = outbound_email_queue(
        kind=EmailKind.DIGEST,
        to=[member.email],
        template="emails/brief_digest",
        context={"member": member, "briefs": leads, "day": timezone.localdate()},
        dedupe_key=(
            f"brief_digest:member:{member.pk}:assignments:{pending[0].pk}-{pending[-1].pk}"
            f":{len(pending)}"
        ),
    )
    now = timezone.now()
    for assignment in pending:
        assignment.brief = email
        assignment.save(update_fields=["brief"])
        activity_record(
            lead=assignment.lead,
            kind=ActivityKind.BRIEF_SENT,
            summary=f"Brief included in the daily digest to {member.email}",
            at=now,
            data={"outbound_email_id": email.pk, "assignment_id": assignment.pk},
        )
    return email


def brief_digests_send() -> int:
    """Send every member's pending digest (the daily beat job); returns how many."""
    sent = 0
    for member in selectors.members_with_digest_pending().select_related("user"):
        if brief_digest_send(member=member) is not None:
            sent += 1
    return sent


__all__ = [
    "brief_digest_send",
    "brief_digests_send",
    "brief_queue",
    "lead_assign",
    "lead_assign_to_me",
    "lead_reassign",
    "lead_route",
    "member_reassign_open_leads",
    "route_decision",
]


@transaction.atomic
def assignments_redact(*, lead_ids: list[int]) -> int:
    """Blank the reasons people typed when handing the leads over by hand (UK GDPR
    erasure and anonymising); the rules' own reasons stay. Returns how many changed."""
    return (
        Assignment.objects.filter(lead_id__in=lead_ids, via=AssignedVia.MANUAL)
        .exclude(reason="(removed)")
        .update(reason="(removed)")
    )
