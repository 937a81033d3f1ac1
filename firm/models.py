"""The firm itself: its profile (the names, regulator and contact details every email
and the enquiry form carry) and its one working calendar (nation for bank holidays,
opening hours per weekday, closures). Both are single rows, edited in the admin, with
their history kept; until a partner saves them, the settings' defaults stand in.

Writes go through ``firm.services``; reads through ``firm.selectors``, which load each
once per request or task.
"""

import datetime as dt
from email.utils import formataddr

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from firm.choices import Nation, Weekday

# The one row of each singleton has this primary key (a check constraint holds it).
SINGLETON_ID = 1


class FirmProfile(models.Model):
    """Who the firm is, as a compliance partner would have every email say it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    trading_name = models.CharField(
        max_length=200, help_text="The name clients know, e.g. 'Ashdown Marsh'."
    )
    legal_name = models.CharField(
        max_length=200, blank=True, help_text="The registered name, e.g. 'Ashdown Marsh LLP'."
    )
    regulator = models.CharField(
        "regulator's name",
        max_length=200,
        blank=True,
        help_text="e.g. 'Solicitors Regulation Authority', 'ICAEW'.",
    )
    regulator_number = models.CharField(
        "regulator's number", max_length=50, blank=True, help_text="e.g. the SRA number."
    )
    registered_office = models.TextField(blank=True, help_text="The registered office address.")
    company_number = models.CharField(
        max_length=20, blank=True, help_text="Companies House number (LLP or company)."
    )
    phone = models.CharField("main phone", max_length=40, blank=True)
    website = models.URLField(blank=True)
    privacy_url = models.URLField("privacy notice link", blank=True)
    complaints_url = models.URLField("complaints procedure link", blank=True)
    email = models.EmailField(
        "sending address",
        help_text="The address enquiries are sent from and replies come back to "
        "(the tracking address, so answers join their lead).",
    )
    response_promise = models.CharField(
        max_length=200,
        default="within one working day",
        help_text="When an acknowledgement says the firm will reply, e.g. 'within one "
        "working day' (only promised while it is still true).",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "firm profile"
        verbose_name_plural = "firm profile"
        constraints = [
            models.CheckConstraint(condition=Q(id=SINGLETON_ID), name="firm_profile_singleton")
        ]

    def __str__(self) -> str:
        return self.legal_name or self.trading_name

    @property
    def name(self) -> str:
        """The name the firm signs with."""
        return self.trading_name or self.legal_name

    def from_address(self, person: str = "") -> str:
        """The From header: the firm's name (or a person's, at the firm) at its address."""
        display = f"{person}, {self.name}" if person else self.name
        return formataddr((display, self.email))

    @property
    def regulation_line(self) -> str:
        """e.g. 'Authorised and regulated by the Solicitors Regulation Authority (SRA
        number 654321)'; empty when no regulator is set."""
        if not self.regulator:
            return ""
        number = f" (number {self.regulator_number})" if self.regulator_number else ""
        return f"Authorised and regulated by the {self.regulator.removeprefix('the ')}{number}"

    @property
    def registered_office_line(self) -> str:
        return ", ".join(
            line.strip() for line in self.registered_office.splitlines() if line.strip()
        )


class FirmCalendar(models.Model):
    """The firm's one working calendar: whose bank holidays it keeps. Its opening hours
    per weekday and its closures are rows of their own."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    nation = models.CharField(
        max_length=3,
        choices=Nation.choices,
        default=Nation.ENGLAND_AND_WALES,
        help_text="Whose bank holidays the firm keeps.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "working calendar"
        verbose_name_plural = "working calendar"
        constraints = [
            models.CheckConstraint(condition=Q(id=SINGLETON_ID), name="firm_calendar_singleton")
        ]

    def __str__(self) -> str:
        return f"Working calendar ({self.get_nation_display()})"


class WorkingHours(models.Model):
    """When the firm is open on one weekday (Europe/London); a weekday without a row,
    or marked closed, is not worked."""

    calendar = models.ForeignKey(FirmCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    is_open = models.BooleanField("open", default=True)
    opens_at = models.TimeField(default=dt.time(9, 0), help_text="Europe/London time.")
    closes_at = models.TimeField(default=dt.time(17, 30), help_text="Europe/London time.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["calendar", "weekday"]
        verbose_name = "working hours"
        verbose_name_plural = "working hours"
        constraints = [
            models.UniqueConstraint(fields=["calendar", "weekday"], name="firm_hours_one_per_day")
        ]

    def __str__(self) -> str:
        if not self.is_open:
            return f"{self.get_weekday_display()}: closed"
        return f"{self.get_weekday_display()}: {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def clean(self) -> None:
        if self.is_open and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": "The firm must close after it opens."})


class Closure(models.Model):
    """Days the firm is closed on top of bank holidays (e.g. the Christmas shutdown),
    from the first day to the last, both included."""

    calendar = models.ForeignKey(FirmCalendar, on_delete=models.CASCADE, related_name="closures")
    first_day = models.DateField()
    last_day = models.DateField(help_text="The last day closed (the same day for one day).")
    description = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="firm_closure_in_order"
            )
        ]

    def __str__(self) -> str:
        span = f"{self.first_day:%d %b %Y}"
        if self.last_day != self.first_day:
            span += f" to {self.last_day:%d %b %Y}"
        return f"{span} ({self.description})" if self.description else span

    def clean(self) -> None:
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": "The last day must be on or after the first."})
        if self.first_day and self.last_day and (self.last_day - self.first_day).days > 366:
            raise ValidationError({"last_day": "A closure can last a year at most."})

    @property
    def days(self) -> list[dt.date]:
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + dt.timedelta(days=offset) for offset in range(count)]
