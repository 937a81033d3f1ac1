from django.db import models


class RawEmail(models.Model):
    """One email as delivered: its payload as bytes, keyed by its Message-ID."""

    message_id = models.CharField(max_length=300, unique=True)
    raw = models.BinaryField()
    esp_timestamp = models.DateTimeField(null=True)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.message_id
