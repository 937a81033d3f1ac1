"""The public enquiry form: what an enquirer fills in on the firm's website."""

from django import forms
from django.core.exceptions import ValidationError

from leads.identity import normalise_phone

HOW_HEARD_CHOICES = [
    ("", "Please choose"),
    ("search", "Search engine"),
    ("recommendation", "Recommended by someone"),
    ("existing_client", "I am or was a client"),
    ("social", "Social media"),
    ("advert", "Advertisement"),
    ("event", "Event or seminar"),
    ("other", "Other"),
]

CONSENT_TEXT = (
    "I agree that the firm may use these details to reply to my enquiry and keep a record "
    "of it, as its privacy notice describes."
)


class EnquiryForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(label="Email address", max_length=254)
    phone = forms.CharField(label="Phone number", max_length=40, required=False)
    organisation = forms.CharField(label="Organisation (if any)", max_length=200, required=False)
    message = forms.CharField(
        label="How can we help?",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text="A few lines about what you need and any dates that matter.",
    )
    how_heard = forms.ChoiceField(
        label="How did you hear about us?", choices=HOW_HEARD_CHOICES, required=False
    )
    consent = forms.BooleanField(label=CONSENT_TEXT, required=True)
    # Honeypot: hidden from people, filled in by bots. Never shown, never stored.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        try:
            return normalise_phone(value)
        except ValidationError as exc:
            raise ValidationError(
                "Enter a UK number such as 020 7946 0000, or an international one starting with +."
            ) from exc

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))
