"""API serializers, one per operation: capture input, lead output, status input,
timeline output. Times are ISO 8601 with offset; money is a decimal string in GBP."""

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from followups.selectors import open_followups
from leads.choices import AgreedNext, Channel, ContactOutcome, Status
from leads.models import Activity, Lead
from qualification.choices import CommercialSignificance, DecisionPosition, Urgency
from qualification.selectors import qualification_for_api


class TextField(serializers.CharField):
    """A string field that refuses numbers, lists and objects instead of coercing them."""

    default_error_messages = {"invalid": "Give text here, not a number, list or object."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a misspelt field is an error, not a silent loss."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This field is not recognised."] for name in unknown}
                )
        return super().to_internal_value(data)


def one_line(value: str) -> str:
    """Refuse a line break or control character in a name (an email header injection)."""
    if any(not ch.isprintable() for ch in value):
        raise serializers.ValidationError(
            "Must be on one line, without line breaks or control characters."
        )
    return value


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time that must carry its UTC offset: a time without one is ambiguous."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:  # a well-formed impossible date: the parent says so
                parsed = None
            if parsed is not None and timezone.is_naive(parsed):
                raise serializers.ValidationError(
                    "Give the time with its UTC offset, e.g. 2026-11-25T14:30:00+00:00."
                )
        return super().to_internal_value(value)


class ContactInput(StrictSerializer):
    name = TextField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    phone = TextField(max_length=40, required=False, allow_blank=True, default="")
    organisation = TextField(max_length=200, required=False, allow_blank=True, default="")

    def validate_name(self, value: str) -> str:
        return one_line(value)

    def validate_organisation(self, value: str) -> str:
        return one_line(value)

    def validate(self, attrs):
        if not (attrs.get("email") or attrs.get("phone")):
            raise serializers.ValidationError(
                {"email": ["Give an email address or a phone number to reply to."]}
            )
        return attrs


class PartyInput(StrictSerializer):
    """Another person or organisation involved (conflict check)."""

    name = TextField(max_length=200)
    role = TextField(max_length=40, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(
        choices=["person", "organisation"], required=False, allow_blank=True, default=""
    )
    company_number = TextField(max_length=20, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")

    def validate_name(self, value: str) -> str:
        return one_line(value)


class LeadCaptureInput(StrictSerializer):
    contact = ContactInput()
    # Its length is checked by capture, with the limit every channel shares.
    message = TextField(allow_blank=True, trim_whitespace=False)
    subject = TextField(max_length=300, required=False, allow_blank=True, default="")
    source = TextField(max_length=200, required=False, allow_blank=True, default="")
    arrived_at = AwareDateTimeField(required=False, allow_null=True, default=None)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    consent = serializers.BooleanField(required=False, default=False)
    parties = PartyInput(many=True, required=False, default=list, max_length=20)
    utm = serializers.DictField(
        child=TextField(max_length=200, allow_blank=True), required=False, default=dict
    )
    reference = TextField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="The reference of the lead this message continues (the same matter), "
        "e.g. LD-2026-00042: it joins that lead if it is open.",
    )

    def validate_subject(self, value: str) -> str:
        return one_line(value)

    def validate_source(self, value: str) -> str:
        return one_line(value)


class StatusChangeInput(StrictSerializer):
    status = serializers.ChoiceField(choices=Status.choices)
    reason = TextField(max_length=300, required=False, allow_blank=True, default="")
    agreed_fee = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text="Needed for won: the fee the client agreed, GBP.",
    )
    matter_reference = TextField(
        max_length=60,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed for won: the firm's matter reference.",
    )


class AssignInput(StrictSerializer):
    """Reassign a lead: the new owner's member id and why."""

    member = serializers.IntegerField(
        min_value=1, help_text="The id of the member to own the lead (Routing → Members)."
    )
    reason = TextField(max_length=300)


class ContactOutput(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()
    organisation = serializers.CharField()


class PersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()
    email = serializers.EmailField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class QualificationOutput(serializers.Serializer):
    """The design's qualification contract (documentation of the shape for the schema)."""

    requirement_type = serializers.CharField(help_text="Practice area, or 'Unclassified'.")
    commercial_significance = serializers.ChoiceField(choices=CommercialSignificance.choices)
    estimated_value = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text="Likely fee, GBP."
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    decision_position = serializers.ChoiceField(choices=DecisionPosition.choices)
    score = serializers.IntegerField(min_value=0, max_value=100)
    basis = serializers.ListField(child=serializers.CharField())
    recommended_action = serializers.CharField()
    model_version = serializers.IntegerField()


class LeadOutput(serializers.ModelSerializer):
    contact = ContactOutput()
    owner = PersonOutput(allow_null=True)
    qualification = serializers.SerializerMethodField()
    next_action = serializers.SerializerMethodField()
    pipeline_complete = serializers.BooleanField()

    class Meta:
        model = Lead
        fields = [
            "id",
            "reference",
            "channel",
            "source",
            "arrived_at",
            "captured_at",
            "contact",
            "subject",
            "message",
            "status",
            "closed_reason",
            "agreed_fee",
            "matter_reference",
            "tier",
            "qualification",
            "owner",
            "assigned_at",
            "next_action",
            "first_response_at",
            "pipeline_complete",
        ]

    @extend_schema_field(QualificationOutput(allow_null=True))
    def get_qualification(self, lead: Lead) -> dict | None:
        """The qualification result; null until the lead has been qualified."""
        return qualification_for_api(lead)

    def get_next_action(self, lead: Lead) -> dict | None:
        """The earliest open follow-up; null while the lead has none."""
        if hasattr(lead, "open_followups"):
            followups = lead.open_followups
        else:
            followups = list(open_followups(lead=lead)[:1])
        return next_action_data(followups[0]) if followups else None


class ActivityOutput(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = ["id", "kind", "at", "actor", "summary", "data"]

    def get_actor(self, activity: Activity) -> str | None:
        if activity.actor is None:
            return None
        return activity.actor.get_full_name() or activity.actor.get_username()


def next_action_data(followup, *, now=None) -> dict:
    from django.utils import timezone

    return {
        "id": followup.pk,
        "kind": followup.kind,
        "due_at": serializers.DateTimeField().to_representation(followup.due_at),
        "guidance": followup.guidance,
        "is_overdue": followup.due_at <= (now or timezone.now()),
    }


class FollowUpOutput(serializers.Serializer):
    id = serializers.IntegerField()
    lead = serializers.SerializerMethodField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    stage = serializers.CharField()
    owner = PersonOutput(allow_null=True)
    due_at = serializers.DateTimeField()
    guidance = serializers.CharField()
    is_overdue = serializers.BooleanField()
    completed_at = serializers.DateTimeField(allow_null=True)
    completed_how = serializers.CharField()
    completion_note = serializers.CharField()
    snooze_count = serializers.IntegerField()
    escalation_level = serializers.IntegerField()

    def get_lead(self, followup) -> dict:
        return {"id": followup.lead_id, "reference": followup.lead.reference}


class FollowUpUpdateInput(StrictSerializer):
    """One change per request: complete (``completed_at``), reschedule (``due_at``) or
    snooze (``snooze_until`` with ``reason``)."""

    completed_at = serializers.DateTimeField(required=False)
    due_at = serializers.DateTimeField(required=False)
    snooze_until = serializers.DateTimeField(required=False)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        chosen = [name for name in ("completed_at", "due_at", "snooze_until") if name in attrs]
        if len(chosen) != 1:
            raise serializers.ValidationError(
                "Send exactly one of completed_at (mark done), due_at (reschedule) or "
                "snooze_until (snooze, with a reason)."
            )
        return attrs


class ContactLogInput(StrictSerializer):
    summary = serializers.CharField(max_length=450)
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    outcome = serializers.ChoiceField(
        choices=ContactOutcome.choices,
        default=ContactOutcome.REACHED,
        help_text="How it went; it decides the next step (reached moves the lead on, the "
        "others schedule a retry in working time). Meetings: reached or no_answer.",
    )
    agreed = serializers.ChoiceField(
        choices=AgreedNext.choices,
        default=AgreedNext.POLICY,
        help_text="What was agreed with a client who was reached.",
    )
    call_back_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="With agreed=call_back: when to call back (within working hours).",
    )


class NoteInput(StrictSerializer):
    text = serializers.CharField(max_length=500)
