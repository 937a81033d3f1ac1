"""What a compliance officer points to: the other parties on each lead, the firm's
client and matter list, every conflict check with its matches and the fee earner's
decision, client due diligence under the Money Laundering Regulations 2017, and the
firm's arrangements with introducers.

Writes go through ``compliance.services``; the models hold data and small invariants.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from compliance.choices import (
    ConflictOutcome,
    FeeArrangement,
    IdentityMethod,
    LawfulBasisKind,
    PartyKind,
    PartyRole,
    PartySource,
    RecordKind,
    RetentionAction,
    RetentionOutcome,
    RiskLevel,
)

# Client due diligence records are kept this long after the relationship ends (MLR 2017
# regulation 40).
DUE_DILIGENCE_KEEP_YEARS = 5
# From this many names held, a conflict check records PostgreSQL's own estimate of the
# index's size (its statistics, kept by autovacuum) rather than counting it, and says
# "about": an exact count of two million entries is a 75 ms scan, paid by every new lead.
RECORDS_ESTIMATED_FROM = 100_000


class Party(models.Model):
    """Another person or organisation involved in an enquiry: the other side, the
    employer, the spouse, the seller, the defendant."""

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=PartyKind.choices, default=PartyKind.PERSON)
    role = models.CharField(max_length=20, choices=PartyRole.choices, default=PartyRole.OTHER_SIDE)
    company_number = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    source = models.CharField(
        max_length=8,
        choices=PartySource.choices,
        default=PartySource.GIVEN,
        help_text="Whether the enquirer named this party or it was read from their message.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["lead", "pk"]
        verbose_name_plural = "parties"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class ClientMatter(models.Model):
    """One client and matter from the firm's practice-management system, imported with
    ``manage.py import_clients``; the client and matter references identify it, so an
    import run again updates rather than duplicates."""

    client_reference = models.CharField(max_length=50)
    matter_reference = models.CharField(max_length=50)
    client_name = models.CharField(max_length=200)
    client_kind = models.CharField(
        max_length=12, choices=PartyKind.choices, default=PartyKind.PERSON
    )
    company_number = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    matter_description = models.CharField(max_length=300, blank=True)
    other_parties = models.TextField(
        blank=True, help_text="The matter's other parties, one per line."
    )
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["client_reference", "matter_reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_reference", "matter_reference"], name="client_matter_unique_ref"
            )
        ]
        verbose_name = "client and matter"
        verbose_name_plural = "clients and matters"

    def __str__(self) -> str:
        return f"{self.client_name} ({self.client_reference}/{self.matter_reference})"

    @property
    def other_party_list(self) -> list[str]:
        return [line.strip() for line in self.other_parties.splitlines() if line.strip()]


class ConflictIndexEntry(models.Model):
    """One name held by the firm, with the keys a conflict check looks it up by (folded
    name, sound, initial and surname, company number, email and its domain). Written by
    compliance whenever a contact, party or client/matter is recorded or changed, and
    rebuilt in full by ``manage.py conflict_index_rebuild``."""

    record_kind = models.CharField(max_length=20, choices=RecordKind.choices)
    record_id = models.BigIntegerField()
    lead_id = models.BigIntegerField(
        null=True, blank=True, help_text="The lead a party belongs to (to skip its own)."
    )
    label = models.CharField(max_length=300, help_text="How a match names the record.")
    name = models.CharField(max_length=200, blank=True)
    name_kind = models.CharField(max_length=12, choices=PartyKind.choices)
    folded = models.CharField(max_length=200, blank=True, db_index=True)
    sound_key = models.CharField(max_length=200, blank=True, db_index=True)
    initial_key = models.CharField(max_length=100, blank=True, db_index=True)
    company_number = models.CharField(max_length=20, blank=True, db_index=True)
    email = models.CharField(max_length=254, blank=True, db_index=True)
    email_domain = models.CharField(max_length=254, blank=True, db_index=True)

    class Meta:
        ordering = ["record_kind", "record_id", "pk"]
        indexes = [models.Index(fields=["record_kind", "record_id"], name="conflict_index_rec_idx")]
        verbose_name_plural = "conflict index entries"

    def __str__(self) -> str:
        return self.label


class ConflictCheck(models.Model):
    """One run of the conflict check for a lead: what was searched, and how many records.
    Kept for good, with its matches, also for declined enquiries."""

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="conflict_checks")
    checked_at = models.DateTimeField(default=timezone.now)
    names_checked = models.JSONField(default=list, help_text="The names and keys searched for.")
    records_searched = models.PositiveIntegerField(default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who ran it again; empty when the pipeline ran it.",
    )

    class Meta:
        ordering = ["lead", "-checked_at", "-pk"]
        get_latest_by = ["checked_at", "pk"]

    def __str__(self) -> str:
        return (
            f"Conflict check on {self.lead} at {timezone.localtime(self.checked_at):%d %b %Y %H:%M}"
        )

    @property
    def summary(self) -> str:
        # Counted by the query (``conflict_state(with_matches=False)``) or prefetched.
        count = getattr(self, "match_count", None)
        if count is None:
            count = len(self.matches.all())
        records = self.records_searched_display
        if count == 0:
            return f"No matches found in {records} records."
        plural = "match" if count == 1 else "matches"
        return f"{count} possible {plural} in {records} records."

    @property
    def records_searched_display(self) -> str:
        """The number of names searched; a large index's size is the database's estimate
        (``conflict_index_size``), so it is shown to three figures as "about"."""
        n = self.records_searched
        if n < RECORDS_ESTIMATED_FROM:
            return f"{n:,}"
        digits = len(str(n)) - 3
        return f"about {round(n, -digits):,}"


class ConflictMatch(models.Model):
    """A record that a name on the lead matched, and why, in words."""

    check_run = models.ForeignKey(ConflictCheck, on_delete=models.CASCADE, related_name="matches")
    searched = models.CharField(max_length=300, help_text="Which name on this lead matched.")
    record_kind = models.CharField(max_length=20, choices=RecordKind.choices)
    record_id = models.BigIntegerField()
    record_label = models.CharField(max_length=300)
    matched_name = models.CharField(max_length=254)
    score = models.PositiveSmallIntegerField(help_text="0 to 100: how alike.")
    reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["check_run", "-score", "pk"]
        verbose_name_plural = "conflict matches"

    def __str__(self) -> str:
        return f"{self.searched} ~ {self.record_label} ({self.score})"


class ConflictDecision(models.Model):
    """A fee earner's decision on a conflict check: who, when, what, and why. Never edited;
    a later decision is a new row."""

    lead = models.ForeignKey(
        "leads.Lead", on_delete=models.CASCADE, related_name="conflict_decisions"
    )
    check_run = models.ForeignKey(
        ConflictCheck, on_delete=models.RESTRICT, related_name="decisions"
    )
    outcome = models.CharField(max_length=20, choices=ConflictOutcome.choices)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["lead", "-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.decided_by}, {self.decided_at:%d %b %Y})"


class DueDiligence(models.Model):
    """Client due diligence for a lead in work the Money Laundering Regulations 2017
    cover: how identity was verified, by whom and when; the beneficial owners of a
    company; and the written risk assessment."""

    lead = models.OneToOneField(
        "leads.Lead", on_delete=models.PROTECT, related_name="due_diligence"
    )
    identity_method = models.CharField(max_length=20, choices=IdentityMethod.choices)
    identity_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    identity_verified_at = models.DateTimeField()
    identity_notes = models.TextField(blank=True)
    is_company = models.BooleanField(
        default=False, help_text="The client is a company or other legal entity."
    )
    beneficial_owners = models.TextField(
        blank=True,
        help_text="Each person owning or controlling more than 25%, one per line "
        "(required for a company).",
    )
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    risk_reasons = models.TextField(help_text="Why this risk level: the written assessment.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    relationship_ended_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the business relationship ended; the record is kept five years after.",
    )

    class Meta:
        verbose_name = "client due diligence record"

    def __str__(self) -> str:
        return f"Due diligence for {self.lead}"

    @property
    def keep_until(self) -> date | None:
        """The first day the record may be destroyed; None while the relationship lasts."""
        ended = self.relationship_ended_on
        if ended is None:
            return None
        try:
            return ended.replace(year=ended.year + DUE_DILIGENCE_KEEP_YEARS)
        except ValueError:  # 29 February
            return ended.replace(year=ended.year + DUE_DILIGENCE_KEEP_YEARS, day=28)


class DueDiligenceOverride(models.Model):
    """A partner's decision that a lead may be marked won without a due diligence record,
    and why."""

    lead = models.ForeignKey(
        "leads.Lead", on_delete=models.CASCADE, related_name="due_diligence_overrides"
    )
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["lead", "-at"]
        permissions = [
            ("override_due_diligence", "Can let a lead be won without due diligence (partner)")
        ]

    def __str__(self) -> str:
        return f"Override on {self.lead} by {self.partner}"


class IntroducerArrangement(models.Model):
    """Whether the firm pays an introducer a referral fee or shares fees with them, and
    what was agreed; disclosure to each referred client is recorded per lead."""

    referral_source = models.OneToOneField(
        "leads.ReferralSource", on_delete=models.CASCADE, related_name="arrangement"
    )
    arrangement = models.CharField(
        max_length=20, choices=FeeArrangement.choices, default=FeeArrangement.NONE
    )
    terms = models.TextField(blank=True, help_text="What was agreed: amount, basis, dates.")
    agreed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "introducer arrangement"

    def __str__(self) -> str:
        return f"{self.referral_source}: {self.get_arrangement_display()}"

    @property
    def has_fee(self) -> bool:
        return self.arrangement != FeeArrangement.NONE


class ReferralDisclosure(models.Model):
    """When the client was told about the firm's fee arrangement with their introducer."""

    lead = models.OneToOneField(
        "leads.Lead", on_delete=models.CASCADE, related_name="referral_disclosure"
    )
    disclosed_at = models.DateTimeField()
    how = models.CharField(max_length=200, help_text="E.g. in the client care letter.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Disclosed on {self.lead}"


class LawfulBasis(models.Model):
    """The lawful basis for holding the enquirer's details (UK GDPR article 6), as given
    on the channel the enquiry came by: the form's consent text and its version, the
    API's ``consent``, or legitimate interests in responding to an enquiry."""

    lead = models.OneToOneField("leads.Lead", on_delete=models.CASCADE, related_name="lawful_basis")
    basis = models.CharField(max_length=30, choices=LawfulBasisKind.choices)
    description = models.CharField(max_length=300)
    channel = models.CharField(max_length=20)
    consent_given = models.BooleanField(default=False)
    consent_text = models.TextField(blank=True)
    consent_version = models.CharField(
        max_length=20, blank=True, help_text="A digest of the consent text shown (it changes "
        "whenever the wording does)."
    )  # fmt: skip
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "lawful bases"

    def __str__(self) -> str:
        return f"{self.lead}: {self.description}"


class RetentionPolicy(models.Model):
    """How long a closed lead with this outcome is kept, and what then happens to it."""

    name = models.CharField(max_length=100, unique=True)
    outcome = models.CharField(max_length=20, choices=RetentionOutcome.choices)
    reason_contains = models.CharField(
        max_length=100,
        blank=True,
        help_text="Only leads whose closing reason contains this (e.g. “spam”); empty for all.",
    )
    action = models.CharField(max_length=20, choices=RetentionAction.choices)
    after_days = models.PositiveIntegerField(help_text="Days after the lead was closed.")
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(
        default=100, help_text="Policies apply in this order; a lead follows the first that fits."
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name_plural = "retention policies"

    def __str__(self) -> str:
        return self.name


class RetentionRun(models.Model):
    """One run of the retention schedule (or a dry run of it): what it did, or would do,
    per policy. Lists lead references only, never what was removed."""

    ran_at = models.DateTimeField(default=timezone.now)
    as_of = models.DateTimeField(help_text="The date the schedule was applied for.")
    dry_run = models.BooleanField(default=False)
    results = models.JSONField(default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        kind = "Dry run" if self.dry_run else "Run"
        return f"{kind} of {timezone.localtime(self.ran_at):%d %b %Y %H:%M}"

    @property
    def summary(self) -> str:
        when = timezone.localtime(self.as_of).strftime("%-d %B %Y")
        parts = [
            f"{row['count']} lead{'s' if row['count'] != 1 else ''} "
            f"{'will be' if self.dry_run else ('was' if row['count'] == 1 else 'were')} "
            f"{row['verb']} ({row['policy']})"
            for row in self.results
            if row["count"]
        ]
        return (f"On {when}: " + "; ".join(parts)) if parts else f"On {when}: nothing to do."


class RetainedLead(models.Model):
    """That a lead was anonymised or deleted by the schedule, and when (without what)."""

    lead_id = models.BigIntegerField(unique=True)
    reference = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=20, choices=RetentionAction.choices)
    policy_name = models.CharField(max_length=100)
    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="leads")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.reference} {self.get_action_display().lower()}"


class ErasureRecord(models.Model):
    """That a person was erased on request: when, by whom, on what request, and how many
    rows changed. What was erased is not kept."""

    contact_id = models.BigIntegerField(help_text="The (now blank) contact record.")
    request = models.CharField(max_length=300, help_text="The request, e.g. “email of 2 Dec”.")
    requested_on = models.DateField()
    erased_at = models.DateTimeField(default=timezone.now)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    counts = models.JSONField(default=dict, help_text="How many rows of each kind changed.")
    kept = models.TextField(blank=True, help_text="What the law required to be kept, and why.")

    class Meta:
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"Erasure of {timezone.localtime(self.erased_at):%d %b %Y} ({self.request})"


class SubjectAccessRequest(models.Model):
    """A request for everything the firm holds about a person, due one calendar month
    after it was received (UK GDPR article 12(3))."""

    contact = models.ForeignKey(
        "leads.Contact", on_delete=models.SET_NULL, null=True, related_name="access_requests"
    )
    request = models.CharField(max_length=300)
    received_on = models.DateField()
    due_on = models.DateField()
    exported_at = models.DateTimeField(null=True, blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return (
            f"Subject access request received {self.received_on:%d %b %Y}, "
            f"due {self.due_on:%d %b %Y}"
        )
