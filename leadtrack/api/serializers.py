"""API serializers, one per operation: capture input, lead output, status input,
timeline output. Times are ISO 8601 with offset; money is a decimal string in GBP."""

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from leads.choices import Channel, Status
from leads.models import Activity, Lead


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
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    organisation = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )

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


class LeadCaptureInput(StrictSerializer):
    contact = ContactInput()
    message = serializers.CharField(max_length=100_000, allow_blank=True, trim_whitespace=False)
    subject = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    source = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    arrived_at = AwareDateTimeField(required=False, allow_null=True, default=None)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    consent = serializers.BooleanField(required=False, default=False)
    utm = serializers.DictField(
        child=serializers.CharField(max_length=200, allow_blank=True), required=False, default=dict
    )

    def validate_subject(self, value: str) -> str:
        return one_line(value)

    def validate_source(self, value: str) -> str:
        return one_line(value)


class StatusChangeInput(StrictSerializer):
    status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


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
            "tier",
            "qualification",
            "owner",
            "assigned_at",
            "next_action",
            "first_response_at",
            "pipeline_complete",
        ]

    def get_qualification(self, lead: Lead) -> dict | None:
        """The qualification result; null until the lead has been qualified."""
        return None

    def get_next_action(self, lead: Lead) -> dict | None:
        """The earliest open follow-up; null while the lead has none."""
        return None


class ActivityOutput(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = ["id", "kind", "at", "actor", "summary", "data"]

    def get_actor(self, activity: Activity) -> str | None:
        if activity.actor is None:
            return None
        return activity.actor.get_full_name() or activity.actor.get_username()
