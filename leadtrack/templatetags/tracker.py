"""Template filters for the tracker's own pages: values as a person at the firm writes
them (a UK phone number as "020 7946 0123", not its stored E.164 form)."""

from django import template

from leads.identity import phone_display

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """A stored phone number as it is written and dialled in the firm's country."""
    return phone_display(value) if value else ""
