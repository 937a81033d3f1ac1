"""Admin forms of the qualification app: a person's tier override, with its reason."""

from django import forms

from leads.choices import Tier


class TierOverrideForm(forms.Form):
    tier = forms.ChoiceField(
        choices=[("", "Back to the model's tier"), *Tier.choices],
        required=False,
        help_text="Choose the tier the firm should work to, or go back to the model's.",
    )
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why: this is kept beside the model's result and shown on the timeline.",
    )
