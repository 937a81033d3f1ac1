"""Who should own a lead, decided from its facts, the ordered rules and a roster of members
with their state. No database writes and no locks here: the services lock the roster and
record the decision; the rule test page runs the same decision on draft rules.

The order of choice is: the first matching rule; for a referral under a rule that keeps
referrers with their relationship owner, that owner; the rule's member (or, while they are
away, their delegate) or the team member its strategy picks, skipping anyone inactive,
out of office, off shift when the lead arrived, or at capacity; then the head of the team;
then the firm-wide triage owner, so no lead is ever without an owner. Each decision says
why in one plain-English sentence.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from routing.choices import AssignedVia, Strategy
from routing.models import Member, RoutingRule
from routing.selectors import LeadFacts, MemberState, Roster

NEVER = datetime.min.replace(tzinfo=UTC)
MAX_NOTES = 3


class RoutingImpossible(Exception):
    """Nobody at all can own leads: no active member exists."""


@dataclass(frozen=True)
class Decision:
    member: Member
    rule: RoutingRule | None
    via: AssignedVia
    reason: str


@dataclass
class _Notes:
    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        if text and text not in self.items:
            self.items.append(text)

    def __str__(self) -> str:
        shown = self.items[:MAX_NOTES]
        more = len(self.items) - len(shown)
        if more:
            shown.append(f"{more} more unavailable")
        return f" ({'; '.join(shown)})" if shown else ""


def rule_matches(rule: RoutingRule, facts: LeadFacts) -> bool:
    """Whether every condition the rule sets holds for the lead."""
    if rule.practice_area_deleted:
        return False  # never a catch-all by accident; shown as a problem in the admin
    if rule.practice_area_id is not None:
        if facts.practice_area is None or facts.practice_area.pk != rule.practice_area_id:
            return False
    if rule.tier and facts.tier != rule.tier:
        return False
    if rule.channel and facts.channel != rule.channel:
        return False
    if rule.source_contains:
        needle = rule.source_contains.casefold()
        if needle not in facts.source.casefold() and needle not in facts.referrer.casefold():
            return False
    if rule.value_from is not None or rule.value_below is not None:
        value = facts.estimated_value
        if value is None:
            return False
        if rule.value_from is not None and value < rule.value_from:
            return False
        if rule.value_below is not None and value >= rule.value_below:
            return False
    if rule.text_pattern:
        try:
            if not re.search(rule.text_pattern, facts.text, re.IGNORECASE):
                return False
        except re.error:
            return False
    return True


def first_matching_rule(rules: list[RoutingRule], facts: LeadFacts) -> RoutingRule | None:
    return next((rule for rule in rules if rule_matches(rule, facts)), None)


def unavailable_because(
    state: MemberState, *, facts: LeadFacts, roster: Roster, check_shift: bool = True
) -> str:
    """Why this member cannot take the lead now, or "" when they can."""
    member = state.member
    if state.excluded_because:
        return f"{member.name} {state.excluded_because}"
    if not member.is_active or not member.user.is_active:
        return f"{member.name} is inactive"
    if state.absence is not None:
        return f"{member.name} out of office until {state.absence.ends_on:%-d %b}"
    if check_shift and facts.arrived_at is not None and not member.works_at(facts.arrived_at):
        return f"{member.name} off shift: works {member.hours_label}"
    if state.open_leads >= member.capacity:
        return f"{member.name} at capacity ({state.open_leads} of {member.capacity})"
    return ""


def _load_key(state: MemberState) -> tuple:
    member = state.member
    share = state.open_leads / member.capacity if member.capacity else float("inf")
    return (share, state.open_leads, member.last_assigned_at or NEVER, member.pk)


def strategy_pick(strategy: str, available: list[MemberState]) -> MemberState:
    """The member a team strategy chooses among those available (never empty)."""
    if strategy == Strategy.ROUND_ROBIN:
        return min(available, key=lambda s: (s.member.last_assigned_at or NEVER, s.member.pk))
    if strategy == Strategy.MOST_SENIOR:
        top = max(state.member.seniority for state in available)
        return min((s for s in available if s.member.seniority == top), key=_load_key)
    return min(available, key=_load_key)


def route_decide(
    *,
    facts: LeadFacts,
    rules: list[RoutingRule],
    roster: Roster,
    triage: Member | None,
) -> Decision:
    """Decide who owns the lead; raises RoutingImpossible only when nobody can."""
    rule = first_matching_rule(rules, facts)
    notes = _Notes()
    prefix = f"Rule {rule.position}: {rule.label}" if rule else "No rule matched"

    def check(state: MemberState | None, **kwargs) -> bool:
        if state is None:
            return False
        why = unavailable_because(state, facts=facts, roster=roster, **kwargs)
        notes.add(why)
        return not why

    head: MemberState | None = None
    team_name = ""
    if rule is not None:
        if rule.keep_referral_owner and facts.referral_owner_id:
            owner = roster.by_user(facts.referral_owner_id)
            if check(owner):
                return Decision(
                    owner.member,
                    rule,
                    AssignedVia.REFERRAL_OWNER,
                    f"{prefix} → referrer's relationship owner: {owner.name}{notes}",
                )
            if owner is None:
                notes.add("the referrer's relationship owner is not a member")

        if rule.target_member_id is not None:
            target = roster.get(rule.target_member_id)
            if check(target):
                return Decision(
                    target.member, rule, AssignedVia.RULE, f"{prefix} → {target.name}{notes}"
                )
            if target is not None:
                absence = target.absence
                delegate = roster.get(absence.delegate_id) if absence is not None else None
                if check(delegate):
                    return Decision(
                        delegate.member,
                        rule,
                        AssignedVia.DELEGATE,
                        f"{prefix} → {target.name}'s delegate: {delegate.name}{notes}",
                    )
            else:  # not on the roster: an inactive member
                notes.add(f"{rule.target_member.name} is inactive")
            team = rule.target_member.team
            if team is not None:
                head, team_name = roster.get(team.head_id), team.name
        elif rule.target_team_id is not None:
            team = rule.target_team
            team_name = team.name
            candidates = roster.team(team.pk)
            available = [state for state in candidates if check(state)]
            if available:
                chosen = strategy_pick(rule.strategy, available)
                label = Strategy(rule.strategy).label.lower()
                return Decision(
                    chosen.member,
                    rule,
                    AssignedVia.RULE,
                    f"{prefix} → {label}: {chosen.name}{notes}",
                )
            if not candidates:
                notes.add(f"nobody is in {team.name}")
            head = roster.get(team.head_id)
            if head is None:
                notes.add(f"{team.name} has no head")
        else:
            notes.add("the rule has no target")

    # The head answers for the team's leads out of hours, so the shift is not checked.
    if head is not None and check(head, check_shift=False):
        return Decision(
            head.member,
            rule,
            AssignedVia.TEAM_HEAD,
            f"{prefix} → head of {team_name}: {head.name}{notes}",
        )
    if triage is None:
        raise RoutingImpossible(
            "No active member can own leads. Add a member in the admin (Routing → Members) "
            "or set LEADTRACK_TRIAGE_USERNAME to an active member's username."
        )
    if rule is None:
        return Decision(triage, None, AssignedVia.TRIAGE, f"{prefix} → triage owner: {triage.name}")
    return Decision(
        triage, rule, AssignedVia.TRIAGE, f"{prefix} → triage owner: {triage.name}{notes}"
    )


def routes_simulate(*, leads: list, rules: list[RoutingRule]) -> dict[int, Decision | str]:
    """Where each lead would go under ``rules`` if the leads arrived now, one after another
    in arrival order, against today's loads; nothing is written or locked. A lead that
    cannot be placed maps to the reason why."""
    from django.utils import timezone

    from routing.selectors import lead_facts, roster_load, triage_member

    roster = roster_load(today=timezone.localdate())
    triage = triage_member()
    now = timezone.now()
    results: dict[int, Decision | str] = {}
    for lead in sorted(leads, key=lambda lead: (lead.arrived_at, lead.pk)):
        try:
            decision = route_decide(
                facts=lead_facts(lead), rules=rules, roster=roster, triage=triage
            )
        except RoutingImpossible as exc:
            results[lead.pk] = str(exc)
            continue
        results[lead.pk] = decision
        state = roster.get(decision.member.pk)
        if state is not None:
            roster.record(state, now)
    return results
