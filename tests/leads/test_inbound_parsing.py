"""Reading emails: quoted history, HTML to text, arrival time, forwarded headers."""

from datetime import UTC, datetime, timedelta

import pytest

from leads.choices import ArrivalBasis
from leads.inbound.bodies import html_to_text, reply_strip
from leads.inbound.forwarding import forwarded_enquiry, subject_unforward
from leads.inbound.parsing import arrival_time, email_read, message_id_normalise, mime_parse

NOW = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


def read(headers: str, body: str = "Hello"):
    return email_read(mime_parse(f"{headers}\n\n{body}"))


@pytest.mark.parametrize(
    "text",
    [
        "Yes please.\n\nOn Tue, 3 Mar 2026 at 10:00, Tom <tom@firm.example> wrote:\n> Shall we?",
        "Yes please.\n\nOn Tue, 3 Mar 2026 at 10:00, Tom Hughes <\ntom@firm.example> wrote:\n\nx",
        "Yes please.\n\n-----Original Message-----\nFrom: Tom\nSent: today\n\nShall we?",
        "Yes please.\n\n________________________________\nFrom: Tom\nSent: 03 March\nShall we?",
        "Yes please.\n\nFrom: Tom Hughes <tom@firm.example>\nSent: 03 March 2026 10:00\nx",
        "Yes please.\n-- \nJane Doe\nDoe Logistics",
    ],
    ids=["gmail", "gmail-wrapped", "outlook-original", "outlook-line", "outlook-bare", "sig"],
)
def test_quoted_history_and_signature_are_stripped(text):
    assert reply_strip(text) == "Yes please."


def test_html_becomes_readable_text_without_scripts():
    html = "<style>p{}</style><p>Dear&nbsp;Tom,</p><ul><li>one</li><li>two</li></ul>"
    html += "<script>evil()</script><div>Thanks<br>Jane</div>"

    assert html_to_text(html) == "Dear Tom,\n\n- one\n\n- two\n\nThanks\nJane"


def test_message_ids_are_normalised_and_bounded():
    assert message_id_normalise(" <abc@x.y> ") == "<abc@x.y>"
    assert message_id_normalise("abc@x.y") == "<abc@x.y>"
    assert message_id_normalise("") == ""
    assert message_id_normalise(f"<{'a' * 400}@x>").startswith("<sha256.")


def test_arrival_prefers_esp_time_then_newest_received_then_date():
    email = read(
        "Received: by a; Tue, 3 Mar 2026 11:00:00 +0000\n"
        "Received: by b; Tue, 3 Mar 2026 10:59:00 +0000\n"
        "Date: Tue, 3 Mar 2026 10:58:00 +0000\nFrom: a@b.c"
    )
    esp = NOW - timedelta(minutes=1)

    assert arrival_time(esp_timestamp=esp, email=email, now=NOW) == (
        esp,
        ArrivalBasis.ESP_TIMESTAMP,
    )
    assert arrival_time(esp_timestamp=None, email=email, now=NOW) == (
        datetime(2026, 3, 3, 11, 0, tzinfo=UTC),
        ArrivalBasis.RECEIVED,
    )


@pytest.mark.parametrize(
    "date",
    [
        "Tue, 3 Mar 2099 10:00:00 +0000",
        "Mon, 1 Jan 1990 10:00:00 +0000",
        "31 Feb 2026 25:61",
        "yesterday-ish",
    ],
)
def test_future_absurdly_old_or_impossible_dates_are_not_trusted(date):
    email = read(f"Date: {date}\nFrom: a@b.c")

    assert arrival_time(esp_timestamp=None, email=email, now=NOW) == (NOW, ArrivalBasis.RECEIPT)


def test_outlook_desktop_mailto_forward_is_read():
    email = read(
        "From: Priya <priya@firm.example>\nSubject: FW: Lease",
        "FYI\n\n-----Original Message-----\nFrom: Sam Jones [mailto:sam@jones.example]\n"
        "Sent: Monday, March 2, 2026 4:20 PM\nTo: Priya\nSubject: Lease\n\nPlease call me.",
    )

    forwarded = forwarded_enquiry(email)

    assert forwarded.sender.email == "sam@jones.example"
    assert forwarded.sender.name == "Sam Jones"
    assert forwarded.subject == "Lease"
    assert forwarded.text == "Please call me."
    assert forwarded.sent_at.date().isoformat() == "2026-03-02"


def test_forward_prefixes_are_removed_from_subjects():
    assert subject_unforward("Fwd: FW: Re: Lease") == "Re: Lease"
