"""The public enquiry form: what an enquirer fills in on the firm's website, checked on
the server with messages a member of the public can act on."""

import uuid

from django import forms
from django.core.exceptions import ValidationError

from leads.choices import HowHeard
from leads.services.capture import message_too_long
from qualification.models import PracticeArea

HOW_HEARD_CHOICES = [("", "Please choose"), *HowHeard.choices]

CONSENT_TEXT = (
    "I agree that the firm may use these details to reply to my enquiry and keep a record "
    "of it, as its privacy notice describes."
)


def single_line(value: str, *, label: str) -> str:
    """The value, refused if it holds a line break or control character (a header
    injection attempt or a pasted mistake)."""
    if any(not ch.isprintable() for ch in value):
        raise ValidationError(f"{label} must be on one line, without special characters.")
    return " ".join(value.split())


class EnquiryForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=200,
        strip=False,  # checked for line breaks before any are stripped
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Enter your name."},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address, so that we can reply.",
            "invalid": "Enter an email address in the form name@example.co.uk.",
        },
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    organisation = forms.CharField(
        label="Organisation",
        max_length=200,
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        help_text="Your company or employer, if you are writing for one.",
    )
    practice_area = forms.ChoiceField(
        label="What is it about?", required=False, choices=[("", "Not sure")]
    )
    # No max_length: a browser would cut a long paste silently; the server refuses it
    # with the one limit every channel shares, saying so.
    message = forms.CharField(
        label="How can we help?",
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text="A few lines about what you need and any dates that matter.",
        error_messages={"required": "Tell us briefly what you need help with."},
    )
    parties = forms.CharField(
        label="Other people or organisations involved",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The other side, an employer, a spouse or partner, a seller, a defendant: one "
        "per line, e.g. “Acme Ltd (employer)”. We check we are free to act for you.",
    )
    how_heard = forms.ChoiceField(
        label="How did you hear about us?", choices=HOW_HEARD_CHOICES, required=False
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        required=True,
        error_messages={"required": "Tick the box to let us use your details to reply."},
    )
    # Made when the form is shown: a double click or a resubmitted page is one enquiry.
    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    # Honeypot: hidden from people, filled in by bots. Never shown, never stored.
    website = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        areas = PracticeArea.objects.filter(accepts_work=True).order_by("name")
        self.fields["practice_area"].choices = [
            ("", "Not sure"),
            *areas.values_list("slug", "name"),
        ]

    def clean_name(self) -> str:
        name = single_line(self.cleaned_data["name"], label="Your name")
        if not name:  # only spaces is no name
            raise ValidationError(self.fields["name"].error_messages["required"])
        return name

    def clean_message(self) -> str:
        message = self.cleaned_data["message"]
        problem = message_too_long(message)
        if problem:
            raise ValidationError(problem)
        return message

    def clean_organisation(self) -> str:
        return single_line(self.cleaned_data["organisation"], label="Organisation")

    def clean_phone(self) -> str:
        """The number as given: capture keeps a possible but unallocated number (flagged
        unverified), and the email address is always there to reply to, so nothing
        typed here refuses the enquiry."""
        return self.cleaned_data["phone"]

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))
