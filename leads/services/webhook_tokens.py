"""Signed webhooks' one-time tokens: each is accepted once while it is fresh, so a post
captured on the way (or read from a log) cannot be delivered again."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from leads.models import WebhookToken


def webhook_token_claim(*, provider: str, token: str) -> bool:
    """Record the token as used; False if it was used before (or is empty)."""
    if not token:
        return False
    try:
        with transaction.atomic():
            WebhookToken.objects.create(provider=provider, token=token[:200])
    except IntegrityError:
        return False
    return True


def webhook_tokens_forget() -> int:
    """Delete the tokens too old to be accepted anyway; returns how many."""
    # Twice the window: a token is refused by its timestamp well before it is forgotten.
    cutoff = timezone.now() - timedelta(seconds=2 * settings.LEADTRACK_WEBHOOK_MAX_AGE_SECONDS)
    deleted, _ = WebhookToken.objects.filter(seen_at__lt=cutoff).delete()
    return deleted
