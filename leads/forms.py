"""The admin's quick-entry forms: a phone enquiry taken by a member of staff, and a
referral introduced by a ``ReferralSource``. Short on purpose: who, how to reach them,
when, and what about; capture does the rest."""

import uuid

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelect
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from leads.choices import ReferrerKind
from leads.identity import normalise_email, phone_read
from leads.models import Lead, ReferralSource
from leads.services.capture import message_too_long


def _one_line(value: str, label: str) -> str:
    if any(not ch.isprintable() for ch in value):
        raise ValidationError(f"{label} must be on one line.")
    return " ".join(value.split())


class StaffEnquiryForm(forms.Form):
    """Who got in touch, how to reach them, when, and what about."""

    name = forms.CharField(label="Name", max_length=200, strip=False)
    email = forms.CharField(label="Email", max_length=254, required=False)
    phone = forms.CharField(label="Phone", max_length=40, required=False)
    organisation = forms.CharField(
        label="Organisation", max_length=200, required=False, strip=False
    )
    arrived_at = forms.SplitDateTimeField(
        label="When",
        widget=AdminSplitDateTime,
        help_text="UK time (Europe/London). Defaults to now.",
    )
    subject = forms.CharField(label="About", max_length=300, strip=False)
    # No max_length (a browser would cut a paste silently): clean_message refuses a
    # message over the limit every channel shares.
    message = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text="What they need, in their words where you can: qualification reads it.",
    )
    parties = forms.CharField(
        label="Other people or organisations involved",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="One per line, e.g. “Acme Ltd (employer)”: the conflict check searches them.",
    )
    # Stops a double click or a resubmitted page from logging the same enquiry twice.
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {"arrived_at": timezone.localtime().replace(second=0, microsecond=0)},
        )
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = _one_line(self.cleaned_data["name"], "The name")
        if not name:  # only spaces is no name
            raise ValidationError(self.fields["name"].error_messages["required"])
        return name

    def clean_message(self) -> str:
        problem = message_too_long(self.cleaned_data["message"])
        if problem:
            raise ValidationError(problem)
        return self.cleaned_data["message"]

    def clean_organisation(self) -> str:
        return _one_line(self.cleaned_data["organisation"], "The organisation")

    def clean_subject(self) -> str:
        return _one_line(self.cleaned_data["subject"], "“About”")

    def clean_email(self) -> str:
        try:
            return normalise_email(self.cleaned_data["email"])
        except ValidationError as exc:
            raise ValidationError("Enter a valid email address, or leave it empty.") from exc

    def clean_phone(self) -> str:
        """The number as typed: capture keeps a possible but unallocated number (flagged
        unverified); ``clean`` refuses one that cannot be a number only when there is no
        email address to reply to."""
        return " ".join(self.cleaned_data["phone"].split())

    def clean(self) -> dict:
        data = super().clean()
        phone = data.get("phone") or ""
        usable_phone = False
        if phone:
            try:
                usable_phone = phone_read(phone) is not None
            except ValidationError as exc:
                if not data.get("email"):
                    self.add_error(
                        "phone",
                        f"{exc.messages[0]} Enter a UK number such as 020 7946 0000, or an "
                        "international one starting with +.",
                    )
                    return data
        if not (data.get("email") or usable_phone) and not (
            self.errors.get("email") or self.errors.get("phone")
        ):
            raise ValidationError("Give an email address or a phone number to reply to.")
        return data


class PhoneEnquiryForm(StaffEnquiryForm):
    source = forms.CharField(
        label="How they found us",
        max_length=200,
        required=False,
        help_text="E.g. website, Google, a past client. Leave empty if you did not ask.",
    )


def _staff_choices():
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .order_by("first_name", "last_name", "username")
    )


class ReferralEnquiryForm(StaffEnquiryForm):
    """A referral: an existing referrer (search by name), or a new one described here."""

    referral_source = forms.ModelChoiceField(
        label="Referred by",
        queryset=ReferralSource.objects.all(),
        required=False,
        widget=AutocompleteSelect(Lead._meta.get_field("referral_source"), admin.site),
        help_text="Start typing the referrer's name. New referrer? Leave this empty and "
        "fill in the fields below.",
    )
    new_referrer_name = forms.CharField(label="New referrer's name", max_length=200, required=False)
    new_referrer_kind = forms.ChoiceField(
        label="Kind", choices=ReferrerKind.choices, initial=ReferrerKind.PERSON
    )
    new_referrer_organisation = forms.CharField(
        label="New referrer's organisation", max_length=200, required=False
    )
    new_referrer_email = forms.EmailField(label="New referrer's email", required=False)
    relationship_owner = forms.ModelChoiceField(
        label="Relationship owner",
        queryset=get_user_model().objects.none(),
        required=False,
        help_text="Who at the firm looks after this referrer (for a new referrer).",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["relationship_owner"].queryset = _staff_choices()

    def clean_new_referrer_name(self) -> str:
        return _one_line(self.cleaned_data["new_referrer_name"], "The referrer's name")

    def clean_new_referrer_organisation(self) -> str:
        return _one_line(
            self.cleaned_data["new_referrer_organisation"], "The referrer's organisation"
        )

    def clean(self) -> dict:
        data = super().clean()
        existing = data.get("referral_source")
        new_name = data.get("new_referrer_name")
        if existing and new_name:
            self.add_error(
                "new_referrer_name",
                "Choose an existing referrer or name a new one, not both.",
            )
        elif not existing and not new_name:
            self.add_error(
                "referral_source", "Choose who referred the enquiry, or name a new referrer."
            )
        return data
