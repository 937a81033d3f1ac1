"""The bare receiver's one signal receiver: one INSERT per email, a replay a no-op."""

from django.db import IntegrityError

from floor.models import RawEmail


def email_store(sender, event, esp_name, **kwargs) -> None:
    message = event.message
    raw = event.esp_event.get("RawEmail") or ""
    try:
        RawEmail.objects.create(
            message_id=(message["Message-ID"] or "")[:300],
            raw=raw.encode("utf-8", "surrogatepass"),
            esp_timestamp=event.timestamp,
        )
    except IntegrityError:
        pass  # delivered before: stored once
