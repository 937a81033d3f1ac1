"""What the firm does (practice areas) and, built on it, how enquiries are assessed."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from leads.choices import Tier
from qualification.choices import CommercialSignificance, DecisionPosition, ModelState, Urgency
from qualification.extraction.value import SumKind


class PracticeArea(models.Model):
    """A kind of work the firm is asked for, with the words enquirers use for it."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    keywords = models.TextField(
        blank=True,
        help_text="Words and phrases that point to this area, one per line "
        "(e.g. 'unfair dismissal', 'tribunal').",
    )
    typical_fee_low = models.DecimalField(
        "typical fee from (£)", max_digits=12, decimal_places=2, default=0
    )
    typical_fee_high = models.DecimalField(
        "typical fee to (£)", max_digits=12, decimal_places=2, default=0
    )
    accepts_work = models.BooleanField(
        default=True, help_text="Untick for work the firm does not take on."
    )
    mlr_in_scope = models.BooleanField(
        "in scope of the Money Laundering Regulations",
        default=False,
        help_text="Tick for work the Money Laundering Regulations 2017 cover (conveyancing, "
        "trusts, tax, company work): a lead here needs client due diligence before it is won.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return [line.strip() for line in self.keywords.splitlines() if line.strip()]


class PriceItem(models.Model):
    """One line of the firm's published price information for a practice area (the SRA
    Transparency Rules make firms publish it): a fixed fee or fee band, a band by the
    transaction's value, a share of a value (probate's 1% to 2% of the estate), an hourly
    rate or a monthly fee (per employee). Qualification reads the likely fee from it; a
    model version freezes the list it was activated with. Fees exclude VAT."""

    class Pricing(models.TextChoices):
        FIXED = "fixed", "Fixed fee or fee band"
        PERCENT = "percent", "Share of a value"
        HOURLY = "hourly", "Hourly rate"
        MONTHLY = "monthly", "Monthly fee"

    class Client(models.TextChoices):
        ANY = "", "Any client"
        PRIVATE = "private", "Private clients"
        BUSINESS = "business", "Businesses"

    practice_area = models.ForeignKey(
        PracticeArea, on_delete=models.CASCADE, related_name="price_items"
    )
    name = models.CharField(
        max_length=120, help_text="The work as the price list names it, e.g. 'Purchase or sale'."
    )
    matter_kind = models.SlugField(
        max_length=60,
        help_text="Lines for the same kind of work share it (e.g. 'purchase-sale' for each "
        "value band of a purchase or sale).",
    )
    keywords = models.TextField(
        blank=True,
        help_text="Words and phrases that point to this kind of work, one per line "
        "(e.g. 'remortgage').",
    )
    client = models.CharField(
        max_length=10,
        choices=Client.choices,
        blank=True,
        default=Client.ANY,
        help_text="Whom the line is for, where it matters (an employer or an employee).",
    )
    pricing = models.CharField(max_length=10, choices=Pricing.choices, default=Pricing.FIXED)
    fee_low = models.DecimalField(
        "fee from (£)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The lowest fee; for an hourly rate the lowest rate, for a monthly fee "
        "the fee a month (per unit). For a share of a value, the typical fee from.",
    )
    fee_high = models.DecimalField(
        "fee to (£)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Empty for a price 'from' the lower figure.",
    )
    can_exceed = models.BooleanField(
        "can be more for complex work",
        default=False,
        help_text="Tick for a band published with a '+' (e.g. '£5,000 to £25,000+').",
    )
    sum_kind = models.CharField(
        "priced by",
        max_length=20,
        blank=True,
        choices=[
            (kind, label.capitalize())
            for kind, label in SumKind.LABELS.items()
            if kind != SumKind.BUDGET
        ],
        help_text="The sum stated in an enquiry that sets where the fee falls (a sale's "
        "price, an estate's value, a claim's value); empty when no sum does.",
    )
    value_from = models.DecimalField(
        "for sums from (£)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="With 'priced by': the line applies to sums from this (a value band).",
    )
    value_to = models.DecimalField(
        "for sums up to (£)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="With 'priced by': the line applies to sums below this; empty for no limit.",
    )
    percent_low = models.DecimalField(
        "share from (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    percent_high = models.DecimalField(
        "share to (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    per_unit = models.CharField(
        max_length=40,
        blank=True,
        help_text="For a monthly fee per something, what it is counted by (e.g. 'employee').",
    )
    hours_low = models.DecimalField(
        "typical hours from", max_digits=7, decimal_places=1, null=True, blank=True
    )
    hours_high = models.DecimalField(
        "typical hours to", max_digits=7, decimal_places=1, null=True, blank=True
    )
    is_default = models.BooleanField(
        "usual work in the area",
        default=False,
        help_text="Used when an enquiry does not say which kind of work it is.",
    )
    note = models.CharField(
        max_length=200, blank=True, help_text="As published, e.g. 'often paid by the employer'."
    )
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["practice_area__name", "position", "pk"]
        verbose_name = "price list line"
        verbose_name_plural = "price list"
        constraints = [
            models.CheckConstraint(
                condition=Q(fee_high__isnull=True)
                | Q(fee_low__isnull=True)
                | Q(fee_high__gte=models.F("fee_low")),
                name="qualification_price_fee_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice_area.name}: {self.name}"

    @property
    def keyword_list(self) -> list[str]:
        return [line.strip() for line in self.keywords.splitlines() if line.strip()]

    def clean(self) -> None:
        errors = {}
        if self.fee_low is None and self.fee_high is None:
            errors["fee_low"] = "Give the fee (or, for a share of a value, the typical fee)."
        if self.fee_low is not None and self.fee_high is not None and self.fee_high < self.fee_low:
            errors["fee_high"] = "The fee to must not be below the fee from."
        if self.pricing == self.Pricing.PERCENT:
            if self.percent_low is None or self.percent_high is None:
                errors["percent_low"] = "Give the share from and to."
            elif self.percent_high < self.percent_low:
                errors["percent_high"] = "The share to must not be below the share from."
            if not self.sum_kind:
                errors["sum_kind"] = "Say what the share is of (e.g. the estate's value)."
        if self.pricing == self.Pricing.HOURLY and (
            self.hours_low is None or self.hours_high is None
        ):
            errors["hours_low"] = "Give the typical hours, so a likely fee can be worked out."
        if (
            self.value_from is not None
            and self.value_to is not None
            and self.value_to <= self.value_from
        ):
            errors["value_to"] = "The sums up to must be above the sums from."
        if (self.value_from is not None or self.value_to is not None) and not self.sum_kind:
            errors["sum_kind"] = "Say which sum the value band is of."
        if errors:
            raise ValidationError(errors)


class QualificationModelQuerySet(models.QuerySet):
    def with_classifier(self) -> "QualificationModelQuerySet":
        """Load the stored classifiers' bytes too (they are left out unless asked for)."""
        return self.defer(None)


class QualificationModelManager(models.Manager.from_queryset(QualificationModelQuerySet)):
    """Versions without their classifiers' bytes: a version is read on every lead, and
    the bytes (a few hundred kilobytes) are needed only once per process, by
    ``selectors.classifiers_for``."""

    def get_queryset(self) -> QualificationModelQuerySet:
        return super().get_queryset().defer("classifier")


class QualificationModel(models.Model):
    """One version of the firm's qualification rules: the tier policy's figures (what fee
    makes an enquiry valuable, what deadline makes it urgent), what disqualifies an
    enquiry, what to do first, how the score orders leads, and the trained classifiers.

    Partners edit a draft, test it against recent leads, then activate it; exactly one
    version is active, and every result records the version that produced it. Once a
    version has been active its rules (and the practice areas it saw) are frozen.
    """

    version = models.PositiveIntegerField(unique=True, editable=False)
    name = models.CharField(max_length=120, help_text="A short label, e.g. 'Spring 2027'.")
    notes = models.TextField(blank=True, help_text="What changed from the last version, and why.")
    state = models.CharField(
        max_length=10, choices=ModelState.choices, default=ModelState.DRAFT, editable=False
    )

    weight_requirement = models.PositiveSmallIntegerField(
        "weight: requirement type",
        default=25,
        help_text="How much a clear, in-scope practice area counts (relative weight).",
    )
    weight_value = models.PositiveSmallIntegerField(
        "weight: commercial significance", default=35, help_text="Relative weight."
    )
    weight_urgency = models.PositiveSmallIntegerField(
        "weight: urgency", default=20, help_text="Relative weight."
    )
    weight_decision = models.PositiveSmallIntegerField(
        "weight: decision position", default=20, help_text="Relative weight."
    )
    value_high = models.DecimalField(
        "high value from (£)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("15000"),
        help_text="A likely fee at or above this is of high commercial significance.",
    )
    value_medium = models.DecimalField(
        "medium value from (£)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("4000"),
        help_text="A likely fee at or above this (and below high) is of medium significance.",
    )
    time_critical_fee_from = models.DecimalField(
        "time-critical tier A from fee (£)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("1000"),
        help_text="An urgent enquiry (a real deadline within the urgent window) is tier A when "
        "its likely fee is at least this: the policy's 'fee worth having'. A completion "
        "date on a £1,200 conveyancing fee is A; a £600 settlement agreement review is B.",
    )
    small_claim_below = models.DecimalField(
        "too small to pursue below (£)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("1500"),
        help_text="A dispute, employment or injury claim whose stated sum at stake is below "
        "this, with nothing urgent, is tier C: the fees would outweigh it (signpost).",
    )
    urgent_within_working_days = models.PositiveSmallIntegerField(
        "urgent within (working days)",
        default=15,
        help_text="A deadline this many working days away or fewer is high urgency.",
    )
    soon_within_working_days = models.PositiveSmallIntegerField(
        "soon within (working days)",
        default=50,
        help_text="A deadline this many working days away or fewer is medium urgency.",
    )
    disqualify_spam = models.BooleanField(
        "disqualify spam and solicitation",
        default=True,
        help_text="Close spam, SEO and crypto offers and sales pitches as disqualified.",
    )
    disqualify_job_applications = models.BooleanField(
        default=True, help_text="Close job applications as disqualified (they are not leads)."
    )
    disqualify_students = models.BooleanField(
        "disqualify student requests",
        default=True,
        help_text="Close student and research requests as disqualified.",
    )
    action_spam = models.CharField(
        "first action: spam", max_length=300, default="No reply. Closed as spam or solicitation."
    )
    action_job_application = models.CharField(
        "first action: job application",
        max_length=300,
        default="Forward to the HR team; not a client enquiry. No client acknowledgement.",
    )
    action_student = models.CharField(
        "first action: student request",
        max_length=300,
        default="Reply with the firm's standard note for students; not a client enquiry.",
    )
    action_existing_client = models.CharField(
        "first action: existing client",
        max_length=300,
        default="Pass to the fee earner on the existing matter today; check the file first.",
    )
    action_out_of_scope = models.CharField(
        "first action: out of scope",
        max_length=300,
        default="Decline politely within one working day and suggest where to get help.",
    )

    practice_area_snapshot = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The practice areas (keywords, fee bands, price list) this version was "
        "activated with.",
    )
    classifier = models.BinaryField(
        "trained classifiers",
        null=True,
        blank=True,
        editable=False,
        help_text="The practice-area and genuine-enquiry classifiers fitted when the version "
        "was made, stored with it so every process reads with the same ones.",
    )
    classifier_digest = models.CharField(
        max_length=64, blank=True, editable=False, help_text="SHA-256 of the stored classifiers."
    )
    classifier_report = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="What the classifiers were trained on (sets, counts, the examples' digest).",
    )
    trained_at = models.DateTimeField(null=True, blank=True, editable=False)
    trial_report = models.JSONField(default=dict, blank=True, editable=False)
    trialled_at = models.DateTimeField(null=True, blank=True, editable=False)
    trial_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    activated_at = models.DateTimeField(null=True, blank=True, editable=False)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # The classifiers' bytes stay out of the history (a copy per save would be megabytes);
    # their digest is kept there.
    history = HistoricalRecords(excluded_fields=["classifier"])

    objects = QualificationModelManager()

    class Meta:
        ordering = ["-version"]
        verbose_name = "qualification model"
        constraints = [
            models.UniqueConstraint(
                fields=["state"],
                condition=Q(state="active"),
                name="qualification_one_active_model",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} {self.name} ({self.get_state_display()})"

    @property
    def is_editable(self) -> bool:
        return self.state == ModelState.DRAFT

    @property
    def is_trained(self) -> bool:
        return bool(self.classifier_digest)

    def clean(self) -> None:
        errors = {}
        weights = [
            self.weight_requirement,
            self.weight_value,
            self.weight_urgency,
            self.weight_decision,
        ]
        if all(weight is not None for weight in weights) and sum(weights) == 0:
            errors["weight_value"] = "Give at least one dimension a weight above zero."
        if (
            self.value_high is not None
            and self.value_medium is not None
            and self.value_high <= self.value_medium
        ):
            errors["value_high"] = "High value must start above medium value."
        if (
            self.urgent_within_working_days is not None
            and self.soon_within_working_days is not None
            and self.soon_within_working_days < self.urgent_within_working_days
        ):
            errors["soon_within_working_days"] = (
                "'Soon' must be at least as many working days as 'urgent'."
            )
        if errors:
            raise ValidationError(errors)


class FirstAction(models.Model):
    """What to do first with a lead of a tier (in a practice area, or in any)."""

    qualification_model = models.ForeignKey(
        QualificationModel, on_delete=models.CASCADE, related_name="first_actions"
    )
    tier = models.CharField(max_length=1, choices=Tier.choices)
    practice_area = models.ForeignKey(
        PracticeArea,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty for the action used in any practice area without its own.",
    )
    action = models.CharField(
        max_length=300, help_text="e.g. 'Call within 1 working hour; conflict check first.'"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["tier", "practice_area__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["qualification_model", "tier", "practice_area"],
                name="qualification_first_action_unique",
            ),
            models.UniqueConstraint(
                fields=["qualification_model", "tier"],
                condition=Q(practice_area__isnull=True),
                name="qualification_first_action_default_unique",
            ),
        ]

    def __str__(self) -> str:
        area = self.practice_area.name if self.practice_area_id else "any practice area"
        return f"Tier {self.tier}, {area}: {self.action}"


class QualificationResult(models.Model):
    """A lead's current assessment: the four dimensions with their evidence, the score and
    tier, the basis in plain English, and the recommended first action; beside it, any
    human override. Earlier results (before a re-qualification) are kept in its history.
    """

    lead = models.OneToOneField(
        "leads.Lead", on_delete=models.CASCADE, related_name="qualification"
    )
    model_version = models.ForeignKey(
        QualificationModel, on_delete=models.PROTECT, related_name="results"
    )
    qualified_at = models.DateTimeField(default=timezone.now)

    practice_area = models.ForeignKey(
        PracticeArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty means unclassified: nothing in the enquiry pointed to an area.",
    )
    requirement_evidence = models.JSONField(default=list, blank=True)
    estimated_value = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Likely fee, GBP."
    )
    value_source = models.CharField(max_length=300, blank=True)
    commercial_significance = models.CharField(
        max_length=10, choices=CommercialSignificance.choices
    )
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    urgency_due_at = models.DateTimeField(null=True, blank=True)
    urgency_evidence = models.JSONField(default=list, blank=True)
    decision_position = models.CharField(max_length=20, choices=DecisionPosition.choices)
    decision_evidence = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=list, blank=True)
    is_disqualified = models.BooleanField(default=False)
    score = models.PositiveSmallIntegerField()
    tier = models.CharField("model's tier", max_length=1, choices=Tier.choices)
    basis = models.JSONField(default=list)
    recommended_action = models.CharField(max_length=300)
    summary = models.CharField(max_length=500, blank=True)
    details = models.JSONField(
        default=dict, blank=True, help_text="Dimension scores and practice-area scores."
    )

    override_tier = models.CharField(
        max_length=1, choices=Tier.choices, blank=True, help_text="A person's tier, if set."
    )
    override_reason = models.CharField(max_length=300, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "qualification result"
        indexes = [
            models.Index(fields=["tier", "override_tier"], name="qualification_tiers_idx"),
            # Reports read each lead's practice area, tiers and model version from this
            # index alone (an index-only look-up per lead of the range, instead of hashing
            # every result in the firm; PostgreSQL only, a plain index elsewhere).
            models.Index(
                fields=["lead"],
                include=["practice_area", "tier", "override_tier", "model_version"],
                name="qualification_lead_cover_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead}: tier {self.effective_tier} (score {self.score})"

    @property
    def effective_tier(self) -> str:
        """The tier the firm works to: a person's override, else the model's."""
        return self.override_tier or self.tier

    @property
    def is_overridden(self) -> bool:
        return bool(self.override_tier)
