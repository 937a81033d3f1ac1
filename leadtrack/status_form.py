"""The one form for changing a lead's status, on every surface of the tracker (the lead
page's quick action, the list's bulk action, the board): the statuses the lead may move
to, the firm's closure reasons as a choice with room for details, a free reason where one
is needed (reopening, or a firm that keeps no list), and, for a win, the agreed fee and
the matter reference. It checks only the shape of what was typed; the rules (which
transitions, which reasons, what a win needs) are the status service's, which
``status_change_apply`` calls, so every surface refuses the same things with the same
words."""

from collections.abc import Iterable

from django import forms
from django.contrib.auth.models import AbstractBaseUser

from followups.services.closure import closure_reasons_by_status
from leads.choices import Status
from leads.models import Lead
from leads.services import lead_change_status

# Merged is set by merging, never chosen.
CHOOSABLE = [choice for choice in Status.choices if choice[0] != Status.MERGED]


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label="New status", choices=CHOOSABLE)
    closure_reason = forms.ChoiceField(
        label="Reason",
        required=False,
        help_text="The firm's reasons for losing or disqualifying a lead.",
    )
    reason = forms.CharField(
        label="Details",
        required=False,
        max_length=250,
        help_text="Details of the reason; or, to reopen a lead, why.",
    )
    agreed_fee = forms.DecimalField(
        label="Agreed fee (£)",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="Needed to mark a lead won: the fee the client agreed.",
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    matter_reference = forms.CharField(
        label="Matter reference",
        required=False,
        max_length=60,
        help_text="Needed to mark a lead won: the firm's matter number.",
    )

    def __init__(self, *args, statuses: Iterable[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if statuses is not None:
            allowed = set(statuses)
            self.fields["status"].choices = [
                ("", "— choose —"),
                *(c for c in CHOOSABLE if c[0] in allowed),
            ]
        self.reasons = closure_reasons_by_status()
        groups = [
            (f"{Status(status).label}", [(text, text) for text in texts])
            for status, texts in self.reasons.items()
            if texts
        ]
        self.fields["closure_reason"].choices = [("", "— choose a reason —"), *groups]
        if not groups:
            # No list kept by the firm: the details box is the reason.
            self.fields["closure_reason"].widget = forms.HiddenInput()
            self.fields["reason"].label = "Reason"
            self.fields[
                "reason"
            ].help_text = "Needed to mark a lead lost or disqualified, and to reopen one."
        # Each reason's statuses, for the page's script to show only the ones that apply.
        self.fields["closure_reason"].widget.attrs["data-reasons-for"] = "status"

    @property
    def has_reason_list(self) -> bool:
        return any(self.reasons.values())

    def full_reason(self) -> str:
        """The reason as the service records it: the firm's reason, then ": details"."""
        choice = self.cleaned_data.get("closure_reason") or ""
        details = " ".join((self.cleaned_data.get("reason") or "").split())
        if choice and details:
            return f"{choice}: {details}"
        return choice or details

    def problems(self) -> str:
        """What is wrong with the form, in one sentence a person can act on."""
        return " ".join(
            f"{self.fields[name].label if name in self.fields else ''}: {' '.join(errors)}".lstrip(
                ": "
            )
            for name, errors in self.errors.items()
        )


def status_change_apply(
    *, form: StatusChangeForm, lead: Lead, actor: AbstractBaseUser | None
) -> Lead:
    """Change the lead's status from a valid form, through the status service."""
    data = form.cleaned_data
    return lead_change_status(
        lead=lead,
        status=data["status"],
        reason=form.full_reason(),
        agreed_fee=data.get("agreed_fee"),
        matter_reference=data.get("matter_reference") or "",
        actor=actor,
    )
