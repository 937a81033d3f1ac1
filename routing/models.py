"""Who can own leads and how they get them: members of the firm in teams (with practice
areas, capacity, working hours, absences, supervisor), ordered routing rules edited in the
admin, and every assignment of a lead to an owner with the reason for it.

Writes go through ``routing.services``; the models hold data and small invariants only.
"""

import re
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from leads.choices import Channel, Tier
from routing.choices import (
    WEEKDAYS,
    AssignedVia,
    BriefChannel,
    BriefDelivery,
    RuleState,
    Seniority,
    Strategy,
    Weekday,
)

__all__ = ["Assignment", "Member", "MemberAbsence", "RoutingRule", "Seniority", "Team"]


def default_working_days() -> list[int]:
    return list(WEEKDAYS)


class Team(models.Model):
    """A group of members doing one kind of work, e.g. Employment, Private Client."""

    name = models.CharField(max_length=100, unique=True)
    head = models.ForeignKey(
        "Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams_headed",
        help_text="Takes the team's leads when nobody in it is available.",
    )
    practice_areas = models.ManyToManyField(
        "qualification.PracticeArea", blank=True, related_name="teams"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A fee earner or partner who can own leads; linked to their sign-in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    practice_areas = models.ManyToManyField(
        "qualification.PracticeArea", blank=True, related_name="members"
    )
    seniority = models.PositiveSmallIntegerField(
        choices=Seniority.choices, default=Seniority.ASSOCIATE
    )
    capacity = models.PositiveIntegerField(
        default=25, help_text="How many open leads this member can hold at once."
    )
    working_days = models.JSONField(
        default=default_working_days,
        blank=True,
        help_text="Days of the week this member works (0 = Monday … 6 = Sunday).",
    )
    works_from = models.TimeField(
        default=time(9, 0), help_text="Start of the working day, London time."
    )
    works_until = models.TimeField(
        default=time(17, 30),
        help_text="End of the working day, London time. The same as the start means all day.",
    )
    supervisor = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supervisees"
    )
    direct_line = models.CharField(
        max_length=40,
        blank=True,
        help_text="The member's own phone number, given in replies they send (the firm's "
        "main number when empty).",
    )
    brief_delivery = models.CharField(
        max_length=20,
        choices=BriefDelivery.choices,
        default=BriefDelivery.EACH,
        help_text="Tier A and B leads always get their own brief at once.",
    )
    last_assigned_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Round-robin turn: the last lead given."
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Untick when someone leaves; they get no new leads."
    )
    history = HistoricalRecords(excluded_fields=["last_assigned_at"])

    class Meta:
        ordering = ["user__first_name", "user__last_name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        days = self.working_days
        if not isinstance(days, list) or any(day not in Weekday.values for day in days):
            raise ValidationError(
                {"working_days": "Give the working days as numbers 0 (Monday) to 6 (Sunday)."}
            )
        self.working_days = sorted(set(days))
        if self.supervisor_id is not None and self.supervisor_id == self.pk:
            raise ValidationError({"supervisor": "A member cannot supervise themselves."})

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def email(self) -> str:
        return self.user.email

    def works_at(self, moment: datetime) -> bool:
        """Whether ``moment`` (London time) falls within this member's working week."""
        local = timezone.localtime(moment)
        start, end, now = self.works_from, self.works_until, local.time()
        if start == end:
            return local.weekday() in self.working_days
        if start < end:
            return local.weekday() in self.working_days and start <= now < end
        # An overnight shift belongs to the day it starts on.
        if now >= start:
            return local.weekday() in self.working_days
        return (local.weekday() - 1) % 7 in self.working_days and now < end

    @property
    def hours_label(self) -> str:
        """E.g. "Mon–Fri 09:00–17:30"."""
        days = self.working_days
        names = [Weekday(day).label[:3] for day in days]
        if days and days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
            span = f"{names[0]}–{names[-1]}"
        else:
            span = ", ".join(names) or "no days"
        if self.works_from == self.works_until:
            return f"{span}, all day"
        return f"{span} {self.works_from:%H:%M}–{self.works_until:%H:%M}"


class MemberAbsence(models.Model):
    """A period a member is out of office, with who takes their leads meanwhile."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="absences")
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day away.")
    delegate = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegations",
        help_text="Who takes leads meant for this member personally while they are away.",
    )
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "starts_on"]
        verbose_name = "out-of-office period"
        indexes = [models.Index(fields=["ends_on", "starts_on"], name="absence_dates_idx")]

    def __str__(self) -> str:
        return f"{self.member} away {self.starts_on:%d %b} to {self.ends_on:%d %b %Y}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The last day away is before the first."})
        if self.delegate_id is not None and self.delegate_id == self.member_id:
            raise ValidationError({"delegate": "Choose someone else as the delegate."})

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class RoutingRule(models.Model):
    """One ordered rule: conditions a lead must meet, and who gets it. First match wins."""

    position = models.PositiveIntegerField(
        default=100, help_text="Rules are tried in this order, lowest first."
    )
    name = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=RuleState.choices, default=RuleState.LIVE)

    practice_area = models.ForeignKey(
        "qualification.PracticeArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="routing_rules",
    )
    practice_area_name = models.CharField(
        max_length=100,
        blank=True,
        editable=False,
        help_text="The practice area's name when the rule was saved, so a deleted area "
        "shows as a problem instead of turning the rule into a catch-all.",
    )
    tier = models.CharField(max_length=1, choices=Tier.choices, blank=True)
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    source_contains = models.CharField(
        "source or referrer contains",
        max_length=200,
        blank=True,
        help_text="Matches the lead's source or its referrer's name, ignoring case.",
    )
    value_from = models.DecimalField(
        "estimated value from (£)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    value_below = models.DecimalField(
        "estimated value below (£)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    text_pattern = models.CharField(
        max_length=300,
        blank=True,
        help_text="A regular expression searched in the subject and message, ignoring case, "
        "e.g. “tribunal|settlement agreement”.",
    )

    target_member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="routing_rules",
        help_text="Give the lead to this member (or their delegate when they are away) …",
    )
    target_team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="routing_rules",
        help_text="… or to someone in this team, chosen by the strategy.",
    )
    strategy = models.CharField(
        max_length=20,
        choices=Strategy.choices,
        default=Strategy.LEAST_LOADED,
        help_text="How a team member is chosen. Most senior available is meant for tier A.",
    )
    keep_referral_owner = models.BooleanField(
        default=False,
        help_text="A referral goes to the member who looks after the referrer, when available.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["state", "position"], name="routing_rule_order_idx")]

    def __str__(self) -> str:
        return f"Rule {self.position}: {self.name or self.conditions_label}"

    def save(self, *args, **kwargs) -> None:
        # Remember the area's name: if the area is deleted the rule shows the problem and
        # matches nothing, instead of silently becoming a catch-all.
        self.practice_area_name = self.practice_area.name if self.practice_area_id else ""
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "practice_area_name"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.target_member_id and self.target_team_id:
            errors["target_team"] = "Choose a member or a team, not both."
        if not (self.target_member_id or self.target_team_id):
            errors["target_member"] = "Choose a member or a team to give the leads to."
        if self.text_pattern:
            try:
                re.compile(self.text_pattern, re.IGNORECASE)
            except re.error as exc:
                errors["text_pattern"] = f"This is not a valid regular expression ({exc})."
        if (
            self.value_from is not None
            and self.value_below is not None
            and self.value_below <= self.value_from
        ):
            errors["value_below"] = "The upper bound must be above the lower bound."
        if errors:
            raise ValidationError(errors)

    @property
    def practice_area_deleted(self) -> bool:
        return self.practice_area_id is None and bool(self.practice_area_name)

    @property
    def conditions_label(self) -> str:
        """The conditions in a few words, e.g. "Employment, tier A"."""
        parts = []
        if self.practice_area_id is not None:
            parts.append(self.practice_area.name)
        elif self.practice_area_name:
            parts.append(f"{self.practice_area_name} (deleted)")
        if self.tier:
            parts.append(f"tier {self.tier}")
        if self.channel:
            parts.append(Channel(self.channel).label.lower().replace("api", "API"))
        if self.source_contains:
            parts.append(f"source “{self.source_contains}”")
        if self.value_from is not None and self.value_below is not None:
            parts.append(f"£{self.value_from:,.0f}–£{self.value_below:,.0f}")
        elif self.value_from is not None:
            parts.append(f"£{self.value_from:,.0f} or more")
        elif self.value_below is not None:
            parts.append(f"under £{self.value_below:,.0f}")
        if self.text_pattern:
            parts.append(f"text “{self.text_pattern}”")
        return ", ".join(parts) or "any lead"

    @property
    def label(self) -> str:
        """How reasons name the rule: its conditions, or its name when it has a text
        pattern (a regular expression reads badly in a sentence)."""
        if self.text_pattern and self.name:
            return self.name
        return self.conditions_label

    @property
    def target_label(self) -> str:
        if self.target_team_id is not None:
            return f"{self.target_team} ({Strategy(self.strategy).label.lower()})"
        if self.target_member_id is not None:
            return str(self.target_member)
        return "no one"


class Assignment(models.Model):
    """One spell of a member owning a lead: who, from when to when, chosen how and why,
    and how they were briefed. A lead has at most one open assignment."""

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="assignments")
    rule = models.ForeignKey(
        RoutingRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    via = models.CharField(max_length=20, choices=AssignedVia.choices, default=AssignedVia.RULE)
    reason = models.CharField(max_length=500)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when Leadtrack routed the lead.",
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    brief_channel = models.CharField(
        max_length=10, choices=BriefChannel.choices, default=BriefChannel.EMAIL
    )
    brief = models.ForeignKey(
        "leads.OutboundEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The email that briefed the owner (their own, or the day's digest).",
    )

    class Meta:
        ordering = ["-assigned_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead"],
                condition=Q(ended_at__isnull=True),
                name="assignment_one_open_per_lead",
            )
        ]
        indexes = [
            models.Index(
                fields=["member", "brief_channel"],
                condition=Q(brief__isnull=True, ended_at__isnull=True),
                name="assignment_digest_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lead} → {self.member}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None
