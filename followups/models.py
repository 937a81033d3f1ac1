"""Follow-up obligations and their enforcement: the policies that say what each kind of
lead needs and when, with what content guidance (and the reply templates that put the
guidance into words), the obligations themselves, and the record of every escalation
(each level once). Due times are counted in the firm's working calendar (firm app).

Writes go through ``followups.services``; the models hold data and small invariants.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from followups.choices import (
    CompletedHow,
    EscalationLevel,
    FollowUpKind,
    IntervalUnit,
    ReplyPurpose,
    Stage,
)
from leads.choices import Tier


class BusinessCalendar(models.Model):
    """How the firm enforces follow-ups (one row): how long each escalation level waits
    and how far a follow-up may be snoozed. The working time they are counted in is the
    firm's working calendar (``firm.selectors.working_calendar``)."""

    supervisor_after_minutes = models.PositiveIntegerField(
        "supervisor told after (working minutes)",
        default=120,
        validators=[MinValueValidator(1)],
        help_text="How long after the owner's reminder the supervisor is told.",
    )
    head_after_minutes = models.PositiveIntegerField(
        "head of team told after (working minutes)",
        default=240,
        validators=[MinValueValidator(1)],
        help_text="How long after the supervisor the head of team is told.",
    )
    max_snoozes = models.PositiveSmallIntegerField(
        default=2,
        validators=[MaxValueValidator(10)],
        help_text="How many times one follow-up may be snoozed.",
    )
    max_snooze_days = models.PositiveSmallIntegerField(
        "longest snooze (working days)",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "escalation and snoozing rules"
        verbose_name_plural = "escalation and snoozing rules"

    def __str__(self) -> str:
        return (
            f"Supervisor after {self.supervisor_after_minutes} working minutes, head of team "
            f"after {self.head_after_minutes}; {self.max_snoozes} snoozes of up to "
            f"{self.max_snooze_days} working days"
        )


class ClosureReason(models.Model):
    """The firm's list of reasons a lead is lost or disqualified, offered by the admin
    and checked by the API so reports group like with like."""

    text = models.CharField(max_length=200, unique=True)
    for_lost = models.BooleanField("offered when a lead is lost", default=True)
    for_disqualified = models.BooleanField("offered when a lead is disqualified", default=True)
    is_active = models.BooleanField("active", default=True)
    given_by_leadtrack = models.BooleanField(
        "given when Leadtrack closes a lead itself",
        default=False,
        help_text="The reason recorded when Leadtrack, not a person, closes a lead (the "
        "qualification model disqualifying a sales pitch or spam), with its own reason as "
        "the details. Without one, the first active reason for that status is used.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "text"]

    def __str__(self) -> str:
        return self.text


class FollowUpPolicy(models.Model):
    """What a kind of lead needs, in order: matched by tier and practice area (empty means
    any), the most specific policy wins."""

    name = models.CharField(max_length=120, unique=True)
    tier = models.CharField(
        max_length=1, choices=Tier.choices, blank=True, help_text="Empty: any tier."
    )
    practice_area = models.ForeignKey(
        "qualification.PracticeArea",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followup_policies",
        help_text="Empty: any practice area.",
    )
    counts_calendar_time = models.BooleanField(
        default=False,
        help_text="Count intervals in clock time, evenings, weekends and holidays included "
        "(for out-of-hours work, e.g. urgent tier A). Otherwise working time.",
    )
    is_active = models.BooleanField("active", default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["tier", "practice_area__name", "name"]
        verbose_name = "follow-up policy"
        verbose_name_plural = "follow-up policies"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        clash = FollowUpPolicy.objects.filter(
            tier=self.tier, practice_area=self.practice_area, is_active=True
        ).exclude(pk=self.pk)
        if self.is_active and clash.exists():
            raise ValidationError(
                f"“{clash.first()}” already covers this tier and practice area; "
                "edit that policy or make one of them inactive."
            )


class FollowUpStep(models.Model):
    """One obligation in a policy: in which stage of the lead, what, how soon, and the
    guidance the owner sees. The first step of a stage is due that long after the lead
    arrives (new) or enters the stage; each next step that long after the previous one
    is done."""

    policy = models.ForeignKey(FollowUpPolicy, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.NEW)
    position = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=20, choices=FollowUpKind.choices)
    interval = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit = models.CharField(max_length=10, choices=IntervalUnit.choices, default=IntervalUnit.HOURS)
    guidance = models.TextField(
        blank=True, help_text="What the owner should do or say, e.g. 'Confirm conflict check'."
    )

    class Meta:
        ordering = ["policy", "stage", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "stage", "position"], name="followup_step_position_unique"
            )
        ]
        verbose_name = "obligation"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} within {self.interval_label}"

    @property
    def interval_label(self) -> str:
        clock = "" if self.policy_id and self.policy.counts_calendar_time else "working "
        unit = self.unit if self.interval != 1 else self.unit.rstrip("s")
        return f"{self.interval} {clock}{unit}"


class FollowUp(models.Model):
    """One obligation on one lead: who must do what by when, and how it was done.

    ``escalation_level`` and ``next_escalation_at`` drive the sweep: an open follow-up
    whose ``next_escalation_at`` has passed is escalated to the next level.
    """

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="followups")
    step = models.ForeignKey(
        FollowUpStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    kind = models.CharField(max_length=20, choices=FollowUpKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followups",
        help_text="Empty: nobody yet; escalates to the firm's triage address.",
    )
    # Who held it when it fell due, kept when it is handed on afterwards: lateness is
    # charged to them, not to whoever it was reassigned to (empty: the owner held it).
    owner_when_due = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    due_at = models.DateTimeField()
    guidance = models.TextField(blank=True)
    counts_calendar_time = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_how = models.CharField(max_length=20, choices=CompletedHow.choices, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    completion_note = models.CharField(max_length=500, blank=True)
    snooze_count = models.PositiveSmallIntegerField(default=0)
    escalation_level = models.PositiveSmallIntegerField(
        default=0, help_text="The highest escalation level sent so far (0: none)."
    )
    next_escalation_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = "follow-up"
        indexes = [
            # The sweep: open follow-ups whose next escalation is due. Partial, so an
            # empty sweep reads an index holding only the open, escalating follow-ups.
            models.Index(
                fields=["next_escalation_at"],
                condition=Q(completed_at__isnull=True, next_escalation_at__isnull=False),
                name="followup_escalation_due_idx",
            ),
            models.Index(
                fields=["owner", "due_at"],
                condition=Q(completed_at__isnull=True),
                name="followup_owner_open_idx",
            ),
            models.Index(
                fields=["lead", "due_at"],
                condition=Q(completed_at__isnull=True),
                name="followup_lead_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.lead_id and self.lead}"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None

    @property
    def is_overdue(self) -> bool:
        return self.completed_at is None and self.due_at <= timezone.now()


class Escalation(models.Model):
    """One level of escalation of one follow-up, sent once: the unique constraint makes a
    second sweep (overlapping, or beat firing twice) unable to send it again."""

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(choices=EscalationLevel.choices)
    recipient_email = models.EmailField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sweep_id = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    email = models.ForeignKey(
        "leads.OutboundEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "followup", "level"]
        constraints = [
            models.UniqueConstraint(fields=["followup", "level"], name="escalation_once_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} ({self.recipient_email})"


class MyFollowUp(FollowUp):
    """The signed-in member's follow-ups, as their own page in the tracker."""

    class Meta:
        proxy = True
        verbose_name = "my follow-up"
        verbose_name_plural = "my follow-ups"


# The placeholders a reply template may use, and what each is filled with.
REPLY_PLACEHOLDERS = {
    "enquirer_name": "the enquirer's name (or 'there' when none was given)",
    "enquirer_first_name": "the enquirer's first name",
    "matter": "what the enquiry is about: the practice area, else its subject",
    "reference": "the lead's reference",
    "owner_name": "the lead owner's name",
    "owner_direct_line": "the owner's direct line (else the firm's main number)",
    "firm_name": "the firm's name",
    "firm_phone": "the firm's main number",
    "fixed_fee": "the firm's published price for the lead's work, from the price list "
    "(e.g. '£1,100 to £1,400 plus VAT')",
    "quoted_work": "the work the price is for (e.g. 'your sale at £210,000')",
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


class ReplyTemplate(models.Model):
    """A starting point for a reply from the lead page, chosen by practice area and
    purpose; partners keep them, with history. ``{placeholders}`` are filled in for the
    lead (see ``REPLY_PLACEHOLDERS``) and the writer edits the result before sending."""

    name = models.CharField(max_length=120)
    purpose = models.CharField(max_length=20, choices=ReplyPurpose.choices)
    practice_area = models.ForeignKey(
        "qualification.PracticeArea",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reply_templates",
        help_text="Empty for any practice area; a template for the lead's own area is "
        "offered before a general one.",
    )
    subject = models.CharField(
        max_length=200,
        blank=True,
        help_text="Empty to answer in the enquirer's thread ('Re: their subject').",
    )
    body = models.TextField(
        help_text="Placeholders: "
        + ", ".join(f"{{{name}}}" for name in REPLY_PLACEHOLDERS)
        + ". The writer's name and the firm's footer are added when it is sent."
    )
    is_active = models.BooleanField("active", default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["purpose", "practice_area__name", "name"]

    def __str__(self) -> str:
        area = self.practice_area.name if self.practice_area_id else "any practice area"
        return f"{self.get_purpose_display()}: {self.name} ({area})"

    def clean(self) -> None:
        errors = {}
        for field in ("subject", "body"):
            unknown = sorted(
                {name for name in PLACEHOLDER.findall(getattr(self, field) or "")}
                - set(REPLY_PLACEHOLDERS)
            )
            if unknown:
                errors[field] = (
                    f"Unknown placeholder(s): {', '.join('{' + n + '}' for n in unknown)}. "
                    f"Use: {', '.join('{' + n + '}' for n in REPLY_PLACEHOLDERS)}."
                )
        if errors:
            raise ValidationError(errors)
