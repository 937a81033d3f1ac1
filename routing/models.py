"""Who can own leads: members of the firm in teams, with supervisors and capacity."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Seniority(models.IntegerChoices):
    TRAINEE = 1, "Trainee"
    ASSOCIATE = 2, "Associate"
    SENIOR_ASSOCIATE = 3, "Senior associate"
    PARTNER = 4, "Partner"


class Team(models.Model):
    """A group of members doing one kind of work, e.g. Employment, Private Client."""

    name = models.CharField(max_length=100, unique=True)
    head = models.ForeignKey(
        "Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="teams_headed"
    )
    practice_areas = models.ManyToManyField(
        "qualification.PracticeArea", blank=True, related_name="teams"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A fee earner or partner who can own leads; linked to their sign-in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    practice_areas = models.ManyToManyField(
        "qualification.PracticeArea", blank=True, related_name="members"
    )
    seniority = models.PositiveSmallIntegerField(
        choices=Seniority.choices, default=Seniority.ASSOCIATE
    )
    capacity = models.PositiveIntegerField(
        default=25, help_text="How many open leads this member can hold at once."
    )
    supervisor = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supervisees"
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Untick when someone leaves; they get no new leads."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__first_name", "user__last_name"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def email(self) -> str:
        return self.user.email
