"""Forms of routing's admin pages: reassigning leads, handing over a member's leads, and
a member's working days as tick boxes."""

from django import forms

from routing import selectors
from routing.choices import Weekday
from routing.models import Member


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member: Member) -> str:
        team = f" · {member.team}" if member.team else ""
        return f"{member.name}{team}"


class WorkloadChoiceField(MemberChoiceField):
    """Members with their open leads and availability, available first, least loaded
    next (``routing.selectors.members_with_workload``)."""

    def __init__(self, *args, **kwargs):
        self.workloads: dict[int, selectors.MemberWorkload] = {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, member: Member) -> str:
        row = self.workloads.get(member.pk)
        if row is None:
            return super().label_from_instance(member)
        return f"{super().label_from_instance(member)} — {row.workload}, {row.availability}"


class ReassignForm(forms.Form):
    member = WorkloadChoiceField(
        queryset=selectors.members_for_choice(),
        label="New owner",
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="Available now first, then those with the fewest open leads for their capacity.",
    )
    reason = forms.CharField(
        max_length=300,
        help_text="Recorded on the timeline and in the new owner's brief.",
        widget=forms.TextInput(attrs={"size": 60}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        rows = selectors.members_with_workload()
        field = self.fields["member"]
        field.workloads = {row.member.pk: row for row in rows}
        field.queryset = selectors.members_for_choice()
        # In the order worked out above, without querying the members again.
        field.choices = [(row.member.pk, field.label_from_instance(row.member)) for row in rows]


class HandoverForm(forms.Form):
    to = MemberChoiceField(
        queryset=selectors.members_for_choice(),
        required=False,
        label="Give their open leads to",
        empty_label="Wherever the routing rules send each lead now",
    )
    reason = forms.CharField(
        max_length=300,
        help_text="E.g. “Leaving the firm on 30 November” or “Maternity leave”.",
        widget=forms.TextInput(attrs={"size": 60}),
    )

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = selectors.members_for_choice().exclude(pk=member.pk)


class MemberAdminForm(forms.ModelForm):
    working_days = forms.TypedMultipleChoiceField(
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leads arriving outside these days and hours go to someone working.",
    )

    class Meta:
        model = Member
        fields = [
            "user",
            "team",
            "seniority",
            "supervisor",
            "is_active",
            "practice_areas",
            "capacity",
            "brief_delivery",
            "working_days",
            "works_from",
            "works_until",
        ]
