"""What the firm does (practice areas) and, built on it, how enquiries are assessed."""

from django.db import models
from simple_history.models import HistoricalRecords


class PracticeArea(models.Model):
    """A kind of work the firm is asked for, with the words enquirers use for it."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    keywords = models.TextField(
        blank=True,
        help_text="Words and phrases that point to this area, one per line "
        "(e.g. 'unfair dismissal', 'tribunal').",
    )
    typical_fee_low = models.DecimalField(
        "typical fee from (£)", max_digits=12, decimal_places=2, default=0
    )
    typical_fee_high = models.DecimalField(
        "typical fee to (£)", max_digits=12, decimal_places=2, default=0
    )
    accepts_work = models.BooleanField(
        default=True, help_text="Untick for work the firm does not take on."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return [line.strip() for line in self.keywords.splitlines() if line.strip()]
