"""The tracker's own records: a person's saved views of the lead list (their filters,
search and column choice), which they may share with their team. Written only by
``leadtrack.saved_views``."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SavedView(models.Model):
    """A named lead list: the list's query string (filters, search, order) and columns."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_lead_views"
    )
    name = models.CharField(max_length=80)
    query = models.CharField(
        max_length=1000, blank=True, help_text="The lead list's filters, search and order."
    )
    columns = models.JSONField(default=list, blank=True)
    shared = models.BooleanField(
        default=False,
        help_text="Offered to everyone in the owner's team (the whole firm "
        "when the owner is in no team).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_owner_name_uniq")
        ]
        indexes = [models.Index(fields=["shared", "owner"], name="saved_view_shared_idx")]

    def __str__(self) -> str:
        return self.name
