"""Receivers of the lower apps' signals: each hands the event to one routing service."""

from routing.services import assignments_redact


def on_person_removed(sender, *, lead_ids, **kwargs) -> None:
    assignments_redact(lead_ids=lead_ids)
