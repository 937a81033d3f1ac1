"""Cleaning what an enquirer typed: one-line names and subjects, message bodies and email
text, whether the input is the usual all-printable text (checked in C) or carries
control characters that must go."""

import pytest
from django.core.exceptions import ValidationError

from leads.identity import PhoneNumber, clean_single_line, clean_text, phone_read, printable_lines
from leads.inbound.bodies import text_tidy


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Jane  Smith", "Jane Smith"),
        ("  Jane Smith  ", "Jane Smith"),
        ("Jane\r\nBcc: victim@example.com", "Jane Bcc: victim@example.com"),
        ("Jane\x00Smith", "Jane Smith"),
        ("Jane\u2028Smith", "Jane Smith"),  # a Unicode line separator is a line break too
        ("Zoë Ó Briain", "Zoë Ó Briain"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_single_line_leaves_one_line_of_printable_text(value, expected):
    assert clean_single_line(value) == expected


def test_clean_single_line_cuts_to_the_maximum_length():
    assert clean_single_line("a" * 300, max_length=10) == "a" * 10


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Dear Sir,\r\n\r\nCould you help?\tThanks", "Dear Sir,\n\nCould you help?\tThanks"),
        ("Hello\x00 there\x07", "Hello there"),
        ("Line one\rLine two", "Line one\nLine two"),
        ("Plain text", "Plain text"),
    ],
)
def test_clean_text_keeps_line_breaks_and_tabs_and_drops_control_characters(value, expected):
    assert clean_text(value) == expected


@pytest.mark.parametrize(
    ("text", "printable"),
    [
        ("Dear Sir,\n\tThanks", True),
        ("Hello\x00", False),
        ("Hello\r\n", False),  # a carriage return is not a printable character
        ("", True),
    ],
)
def test_printable_lines_allows_only_line_breaks_and_tabs_beside_printable_text(text, printable):
    assert printable_lines(text) is printable


def test_text_tidy_gives_the_same_text_whichever_path_it_takes():
    clean = "Dear Sir,\n\n\n\nOur lease   ends in June.  \nThanks"
    dirty = "Dear Sir,\x00\n\n\n\nOur lease \x07  ends in June.  \nThanks\x1b"
    assert text_tidy(clean) == "Dear Sir,\n\nOur lease ends in June.\nThanks"
    assert text_tidy(dirty) == text_tidy(clean)


@pytest.mark.parametrize(
    ("value", "e164", "verified"),
    [
        ("020 7946 0000", "+442079460000", True),
        ("07912 345678", "+447912345678", True),
        ("+44 7912 345678", "+447912345678", True),
        ("07700 900123", "+447700900123", False),  # Ofcom's drama range: never allocated
        ("+44 7700 900982", "+447700900982", False),
    ],
)
def test_possible_numbers_are_read_and_unallocated_ones_flagged(value, e164, verified):
    assert phone_read(value) == PhoneNumber(e164=e164, verified=verified)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("ring the office", "is not a phone number"),
        ("12", "cannot be a phone number"),
        ("07911 1234567", "cannot be a phone number"),
        ("12345", "cannot be dialled as given"),
    ],
)
def test_input_that_cannot_be_a_number_is_refused(value, problem):
    with pytest.raises(ValidationError, match=problem):
        phone_read(value)


def test_empty_phone_is_no_number():
    assert phone_read("  ") is None


def test_a_stored_number_reads_as_people_write_it():
    from leads.identity import phone_display

    assert phone_display("+442079460123") == "020 7946 0123"
    assert phone_display("+447700900123") == "07700 900123"
    assert phone_display("+33123456789") == "+33 1 23 45 67 89"
    assert phone_display("not a number") == "not a number"
