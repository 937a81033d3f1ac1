"""Normalised identity: the forms of an email address and a phone number by which one
person is recognised across channels (lower-case email, E.164 phone with GB default)."""

from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

DEFAULT_PHONE_REGION = "GB"


def normalise_email(value: str) -> str:
    """Return the address in the form contacts are matched by, or raise ValidationError."""
    value = (value or "").strip().lower()
    if not value:
        return ""
    validate_email(value)
    return value


@dataclass(frozen=True)
class PhoneNumber:
    """A phone number in E.164 and whether the numbering plan says it is allocated:
    a number that is possible but not known to be in use (Ofcom's drama range
    07700 900xxx, a range newer than the library's metadata) is kept, ``verified=False``."""

    e164: str
    verified: bool


def phone_read(value: str, *, region: str = DEFAULT_PHONE_REGION) -> PhoneNumber | None:
    """The number in E.164 (``+447700900123``), None for empty input; raises
    ValidationError only for input that cannot be a phone number at all."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(f"“{value}” is not a phone number.") from exc
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible == phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        raise ValidationError(f"“{value}” cannot be dialled as given (no area code).")
    if possible != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise ValidationError(f"“{value}” cannot be a phone number (wrong number of digits).")
    return PhoneNumber(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        verified=phonenumbers.is_valid_number(number),
    )


def normalise_phone(value: str, *, region: str = DEFAULT_PHONE_REGION) -> str:
    """Return the number in E.164 (``+447700900123``), or raise ValidationError for input
    that cannot be a phone number (a possible but unallocated number is kept)."""
    number = phone_read(value, region=region)
    return number.e164 if number else ""


def phone_display(value: str, *, region: str = DEFAULT_PHONE_REGION) -> str:
    """A stored (E.164) number as people write it: "020 7946 0123" for a UK number,
    "+33 1 23 45 67 89" for another country's; as stored when it cannot be read."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == phonenumbers.country_code_for_region(region)
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def clean_single_line(value: str, *, max_length: int = 200) -> str:
    """A name or subject as one line: control characters and line breaks removed, so a
    value can never smuggle a header into an email."""
    value = value or ""
    if not value.isprintable():  # the common case, all printable, is checked in C
        value = "".join(ch if ch.isprintable() else " " for ch in value)
    return " ".join(value.split())[:max_length]


def clean_text(value: str, *, max_length: int | None = None) -> str:
    """A message body as the enquirer wrote it, minus what no text should hold: NUL and
    other control characters (line breaks and tabs are kept), which PostgreSQL refuses."""
    cleaned = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    if not printable_lines(cleaned):
        cleaned = "".join(
            ch if ch in "\n\t" or ch.isprintable() or ch.isspace() else "" for ch in cleaned
        )
    return cleaned[:max_length] if max_length is not None else cleaned


def printable_lines(text: str) -> bool:
    """Whether the text holds nothing but printable characters, line breaks and tabs
    (checked in C, so the character-by-character clean-up runs only when needed)."""
    return text.replace("\n", "").replace("\t", "").isprintable()
