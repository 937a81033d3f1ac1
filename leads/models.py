"""The tracker's records: who enquired (Contact), the lead with its five groups of facts
(origin, identity, qualification, ownership, progress), every inbound message kept raw,
every email sent, the timeline, and the record of each pipeline step's run.

Writes go through ``leads.services``; the models hold data and small invariants only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from leads.choices import (
    CLOSED_STATUSES,
    ActivityKind,
    ArrivalBasis,
    Channel,
    EmailKind,
    EmailState,
    InboundKind,
    PipelineStepState,
    RawFormat,
    ReferrerKind,
    Status,
    Tier,
)


class Contact(models.Model):
    """A person who has enquired, matched across channels by email and phone."""

    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True, db_index=True, help_text="Stored in lower case.")
    phone = models.CharField(
        max_length=32, blank=True, db_index=True, help_text="E.164, e.g. +447700900123."
    )
    phone_unverified = models.BooleanField(
        default=False,
        help_text="The number is possible but not known to be allocated (e.g. a range "
        "newer than the numbering data): kept as given; check it when you call.",
    )
    organisation = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    email_undeliverable_at = models.DateTimeField(
        null=True, blank=True, help_text="When mail to this address bounced (phone instead)."
    )
    email_undeliverable_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name", "email"]
        constraints = [
            # One contact per person, whoever writes in at once: by email, else by phone.
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="contact_unique_email"
            ),
            models.UniqueConstraint(
                fields=["phone"],
                condition=Q(email="") & ~Q(phone=""),
                name="contact_unique_phone_without_email",
            ),
        ]

    def __str__(self) -> str:
        label = self.name or self.email or self.phone or f"Contact {self.pk}"
        return f"{label} ({self.organisation})" if self.organisation else label


class ReferralSource(models.Model):
    """Someone who introduces work to the firm (a person or another firm), with the member
    of the firm who looks after that relationship, so conversion by referrer can be
    reported."""

    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=10, choices=ReferrerKind.choices, default=ReferrerKind.PERSON
    )
    organisation = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    relationship_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referral_sources",
        help_text="The member of the firm who looks after this referrer.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "organisation"], name="referral_source_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


class Lead(models.Model):
    """One enquiry (or thread of enquiries) the firm must answer, from arrival to close."""

    reference = models.CharField(max_length=20, unique=True, null=True, editable=False)

    # Origin
    channel = models.CharField(max_length=20, choices=Channel.choices)
    source = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where it came from: website page, campaign, referrer, forwarding colleague.",
    )
    arrived_at = models.DateTimeField(help_text="When the enquiry really reached the firm.")
    captured_at = models.DateTimeField(
        default=timezone.now, editable=False, help_text="When Leadtrack recorded it."
    )
    referral_source = models.ForeignKey(
        ReferralSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        help_text="Who introduced the enquiry (referrals).",
    )
    practice_area_hint = models.SlugField(
        max_length=100,
        blank=True,
        help_text="The practice area the enquirer chose on the form (a practice area's "
        "slug); qualification may use it.",
    )
    utm = models.JSONField(default=dict, blank=True)
    consent = models.BooleanField(default=False)
    consent_text = models.TextField(blank=True)

    # Identity
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="leads")
    subject = models.CharField(max_length=300, blank=True)
    message = models.TextField(blank=True)

    # Qualification (the full result lives in the qualification app)
    tier = models.CharField(max_length=1, choices=Tier.choices, null=True, blank=True)
    estimated_value = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Likely fee, GBP."
    )
    qualified_at = models.DateTimeField(null=True, blank=True)

    # Ownership
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_leads",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)

    # Progress
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    status_changed_at = models.DateTimeField(default=timezone.now)
    closed_reason = models.CharField(max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Recorded when the lead is won (``lead_change_status``): what the client agreed to pay
    # and the firm's matter number, so won value in reports is the fee, not the estimate.
    agreed_fee = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The fee the client agreed when instructing the firm, GBP.",
    )
    matter_reference = models.CharField(
        max_length=60, blank=True, help_text="The firm's matter number for the instruction."
    )
    first_response_at = models.DateTimeField(null=True, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    next_action_due_at = models.DateTimeField(
        null=True, blank=True, help_text="Due time of the earliest open follow-up."
    )

    # Pipeline
    send_acknowledgement = models.BooleanField(
        default=True,
        help_text="Whether the enquirer is owed an acknowledgement email; decided at "
        "capture (off for imported and staff-logged enquiries).",
    )
    pipeline_completed_at = models.DateTimeField(null=True, blank=True)
    # Indexed only where set (``lead_merged_into_idx``): almost every lead has none, and an
    # index of nulls offered SQLite a wrong way into the lead list (see Meta).
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_leads",
        db_index=False,
    )

    class Meta:
        ordering = ["-arrived_at"]
        indexes = [
            models.Index(fields=["-arrived_at"], name="lead_arrived_idx"),
            models.Index(fields=["status", "-arrived_at"], name="lead_status_arrived_idx"),
            models.Index(fields=["owner", "status"], name="lead_owner_status_idx"),
            # The lead list filtered by owner, newest first, read in order: no sort.
            models.Index(fields=["owner", "arrived_at"], name="lead_owner_arrived_idx"),
            # The leads merged into a lead. Partial, so that "not merged" (every list's
            # condition) is never answered from it: with approximate statistics SQLite
            # took the lead list by this index and sorted every lead (800 ms at 100,000).
            models.Index(
                fields=["merged_into"],
                condition=Q(merged_into__isnull=False),
                name="lead_merged_into_idx",
            ),
            models.Index(fields=["tier", "status"], name="lead_tier_status_idx"),
            models.Index(fields=["channel", "-arrived_at"], name="lead_channel_arrived_idx"),
            models.Index(fields=["next_action_due_at"], name="lead_next_action_idx"),
            models.Index(
                fields=["captured_at"],
                condition=Q(pipeline_completed_at__isnull=True),
                name="lead_pipeline_pending_idx",
            ),
        ]
        permissions = [("view_all_leads", "Can see every lead in the firm")]

    def __str__(self) -> str:
        return self.reference or f"Lead {self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def pipeline_complete(self) -> bool:
        return self.pipeline_completed_at is not None


class Activity(models.Model):
    """One entry on a lead's timeline. Written by services, never edited."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=30, choices=ActivityKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who did it; empty when Leadtrack did it.",
    )
    summary = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["lead", "at"], name="activity_lead_at_idx"),
            models.Index(fields=["kind", "at"], name="activity_kind_at_idx"),
            # The status changes in a date range, for the pipeline velocity report.
            models.Index(
                fields=["at"],
                include=["lead"],
                condition=Q(kind="status_changed"),
                name="activity_status_at_idx",
            ),
        ]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"


class StatusPeriod(models.Model):
    """A stretch of time a lead spent in one status, ended by a status change: each
    ``status_changed`` timeline entry as numbers. Written with its entry by
    ``lead_change_status`` and moved with the timeline when leads merge, so the pipeline
    velocity report reads a narrow table by arrival date instead of the timeline's JSON.

    ``stage`` and ``furthest_before`` let a funnel count each lead once per stage it
    reached without grouping by lead: a lead reached stage k in the one period whose
    ``furthest_before < k <= stage``."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="status_periods")
    lead_arrived_at = models.DateTimeField(
        help_text="The lead's arrival, copied (it never changes after capture) so that "
        "reports find the periods of the leads that arrived in a range by one index."
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, help_text="The status the lead was in."
    )
    started_at = models.DateTimeField(help_text="The previous change, or the lead's arrival.")
    ended_at = models.DateTimeField(help_text="When the change that ended it was made.")
    seconds = models.FloatField(help_text="From start to end, in seconds.")
    stage = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Where the change that ended it led along the forward path "
        "(0 new … 5 won); empty when it led to lost or disqualified.",
    )
    furthest_before = models.PositiveSmallIntegerField(
        default=0,
        help_text="The furthest stage along the forward path the lead had reached before "
        "this change (0 new): the change took the lead to stages it had not reached before "
        "when its stage is beyond this.",
    )

    class Meta:
        ordering = ["lead", "ended_at", "pk"]
        indexes = [
            # The pipeline velocity report: the periods of the leads that arrived in a
            # range, read from the index alone, a lead's periods side by side.
            models.Index(
                fields=["lead_arrived_at", "lead"],
                include=["ended_at", "status", "seconds", "stage", "furthest_before"],
                name="status_period_arrival_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead} · {self.get_status_display()} for {self.seconds:.0f} s"


class InboundMessage(models.Model):
    """Anything that came in from outside, kept exactly as it arrived, before parsing.

    ``provider`` and ``external_id`` (an ESP's Message-ID or event id, an API
    Idempotency-Key) make capture idempotent: the same delivery is stored once. For
    email the external id is the Message-ID (else the ESP's event id, else a digest of
    the payload), and the fields below it hold what was read from the email.
    """

    provider = models.CharField(
        max_length=40, help_text="Who delivered it: an ESP name, 'api', 'web_form', 'admin'."
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    external_id = models.CharField(max_length=300, null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=InboundKind.choices, default=InboundKind.PENDING)
    raw = models.TextField(blank=True, help_text="The payload exactly as delivered.")
    payload = models.JSONField(default=dict, blank=True, help_text="Parsed fields.")
    lead = models.ForeignKey(
        Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_messages"
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    # Email only: how the raw payload is kept, and what was read from it.
    raw_format = models.CharField(
        max_length=10, choices=RawFormat.choices, blank=True, help_text="What ``raw`` holds."
    )
    message_mime = models.TextField(
        blank=True,
        help_text="The email as MIME, rebuilt by anymail, when the ESP sent parsed fields only.",
    )
    raw_bytes = models.BinaryField(
        blank=True,
        default=b"",
        help_text=(
            "Email: the ESP's payload exactly as stored by the webhook, as bytes (NUL and "
            "all), without its signature fields; what ``raw_format`` says it is."
        ),
    )
    esp_timestamp = models.DateTimeField(
        null=True, blank=True, help_text="Email: when the ESP says it received the email."
    )
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    esp_event_id = models.CharField(max_length=300, blank=True)
    in_reply_to = models.CharField(max_length=300, blank=True)
    references = models.JSONField(default=list, blank=True)
    from_email = models.CharField(max_length=254, blank=True, db_index=True)
    from_name = models.CharField(max_length=200, blank=True)
    to = models.JSONField(default=list, blank=True)
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body_text = models.TextField(blank=True, help_text="The whole body as text, quotes kept.")
    body_html = models.TextField(
        blank=True, help_text="The HTML body, sanitised: no scripts, styles or remote images."
    )
    summary = models.TextField(blank=True, help_text="The new text, quoted history removed.")
    arrived_at = models.DateTimeField(null=True, blank=True)
    arrival_basis = models.CharField(max_length=20, choices=ArrivalBasis.choices, blank=True)
    spam_score = models.FloatField(null=True, blank=True)
    reason = models.CharField(
        max_length=300, blank=True, help_text="Why it was classified as it was."
    )
    # Machine mail: which check recognised it, and what a report says.
    machine_detector = models.CharField(
        max_length=60, blank=True, help_text="Which check recognised it as machine mail."
    )
    failed_recipients = models.JSONField(
        default=list, blank=True, help_text="The addresses a delivery report says failed."
    )
    original_message_id = models.CharField(
        max_length=300, blank=True, help_text="The Message-ID of the email a report is about."
    )
    bounced_email = models.ForeignKey(
        "OutboundEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bounce_reports",
        help_text="The email Leadtrack sent that this bounce reports on.",
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "external_id"],
                condition=Q(external_id__isnull=False),
                name="inbound_unique_delivery",
            ),
            # One email is stored once, whichever ESP (or how many) delivered it.
            models.UniqueConstraint(
                fields=["message_id"],
                condition=Q(channel="email") & ~Q(message_id=""),
                name="inbound_email_unique_message_id",
            ),
        ]
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=Q(processed_at__isnull=True),
                name="inbound_unprocessed_idx",
            ),
            models.Index(fields=["kind", "-received_at"], name="inbound_kind_idx"),
            models.Index(
                fields=["provider", "esp_event_id"],
                condition=~Q(esp_event_id=""),
                name="inbound_esp_event_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.external_id or self.pk} ({self.get_kind_display()})"


class WebhookToken(models.Model):
    """A signed webhook's one-time token (Mailgun's ``token``), kept while its timestamp
    is fresh, so a captured post replayed within that time is refused."""

    provider = models.CharField(max_length=40)
    token = models.CharField(max_length=200)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "token"], name="webhook_token_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} token seen {self.seen_at:%d %b %Y %H:%M}"


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    # Content-addressed: the same file delivered twice is stored once.
    return f"inbound/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A file that came with an inbound email, kept within the size limits."""

    inbound = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    lead = models.ForeignKey(
        Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(help_text="Bytes.")
    sha256 = models.CharField(max_length=64)
    inline = models.BooleanField(default=False)
    file = models.FileField(upload_to=attachment_upload_to, max_length=200, blank=True)
    refused_reason = models.CharField(
        max_length=200, blank=True, help_text="Why the file was not kept (e.g. too large)."
    )

    class Meta:
        ordering = ["inbound", "pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.size} bytes)"


class OutboundEmail(models.Model):
    """Every email Leadtrack sends, queued in the database first so none is lost or sent
    twice: ``dedupe_key`` is unique, and the send task skips what is already sent."""

    lead = models.ForeignKey(
        Lead, on_delete=models.CASCADE, null=True, blank=True, related_name="outbound_emails"
    )
    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    dedupe_key = models.CharField(max_length=200, unique=True)
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    message_id = models.CharField(max_length=300, unique=True)
    in_reply_to = models.CharField(max_length=300, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    activity_kind = models.CharField(
        max_length=30,
        choices=ActivityKind.choices,
        blank=True,
        help_text="Timeline entry written on the lead once sent.",
    )
    state = models.CharField(max_length=10, choices=EmailState.choices, default=EmailState.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Replies written in the tracker: who wrote it (its From is their name at the firm's
    # address) and the whole thread it answers (References).
    from_name = models.CharField(
        max_length=200, blank=True, help_text="A person's name in From, at the firm's address."
    )
    references = models.JSONField(
        default=list, blank=True, help_text="Message-IDs of the thread, oldest first."
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who wrote it; empty when Leadtrack did.",
    )
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(state="queued"),
                name="outbound_queued_idx",
            )
        ]
        verbose_name = "outbound email"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {', '.join(self.to)}: {self.subject}"


def outbound_attachment_upload_to(instance: "OutboundAttachment", filename: str) -> str:
    return f"outbound/{instance.sha256[:2]}/{instance.sha256}"


class OutboundAttachment(models.Model):
    """A file sent with a reply, kept with the email so a retry sends it again."""

    email = models.ForeignKey(OutboundEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(help_text="Bytes.")
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=outbound_attachment_upload_to, max_length=200)

    class Meta:
        ordering = ["email", "pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.size} bytes)"


class PipelineStepRun(models.Model):
    """The record that one pipeline step ran for one lead: when, how often, and how."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="pipeline_runs")
    step = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=PipelineStepState.choices)
    attempts = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["lead", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "step"], name="pipeline_step_once_per_lead")
        ]

    def __str__(self) -> str:
        return f"{self.lead} · {self.step}: {self.get_state_display()}"
