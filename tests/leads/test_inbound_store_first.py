"""The webhook stores the raw email and answers; the worker makes the lead. A stored email
is an email that will be processed: with the broker stopped, with a fault in our own code
after storage, with the worker killed mid-way, delivered three times. Payloads that decode
are stored (never "do not retry"); only one that cannot be decoded at all is refused.
Mailgun's signed posts cannot be replayed, and no stored payload keeps a signature."""

import base64
import hashlib
import hmac
import io
import json
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from kombu.exceptions import OperationalError

from leads import tasks
from leads.choices import InboundKind, RawFormat
from leads.models import Activity, Attachment, Contact, InboundMessage, Lead, OutboundEmail
from leads.services.inbound import inbound_email_process, inbound_reprocess_pending
from tests.leads.inbound_support import (
    MAILGUN_SIGNING_KEY,
    NOW,
    TRACKING,
    basic_auth,
    corpus,
    frozen_clock,  # noqa: F401 (fixture)
    inbound_settings,  # noqa: F401 (fixture)
    mailgun_fields,
    post_mailgun,
    post_postmark,
    postmark_payload,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("inbound_settings", "frozen_clock"),
]

ENQUIRY = "gmail_enquiry.eml"
LATER = NOW + timedelta(minutes=5)  # past the safety net's minute


@pytest.fixture
def broker_stopped():
    """Publishing fails as it does when the broker is down (kombu's OperationalError)."""
    with mock.patch.object(
        tasks.inbound_email_process, "delay", side_effect=OperationalError("Connection refused")
    ) as delay:
        yield delay


@pytest.fixture
def not_queued():
    """The processing task is not run (a worker that has not picked it up yet)."""
    with mock.patch("leads.services.inbound.inbound_email_enqueue") as enqueue:
        yield enqueue


def failing_capture():
    return mock.patch(
        "leads.services.inbound.lead_capture", side_effect=RuntimeError("database hiccup")
    )


def nothing_half_written() -> bool:
    return not Lead.objects.exists() and not Contact.objects.exists()


def sign_mailgun(fields: dict, *, timestamp: str, token: str) -> dict:
    signature = hmac.new(
        MAILGUN_SIGNING_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    return {**fields, "timestamp": timestamp, "token": token, "signature": signature}


def mailgun_parsed(*, attachment: bytes | None = None, token: str = "t" * 50) -> dict:
    """Mailgun's fully parsed forward(): headers as JSON, bodies, files, the signature."""
    fields = {
        "recipient": TRACKING,
        "sender": "ben@carter-design.co.uk",
        "from": "Ben Carter <ben@carter-design.co.uk>",
        "subject": "Lease for our studio",
        "body-plain": "We need advice on a commercial lease for our new studio.",
        "stripped-text": "We need advice on a commercial lease for our new studio.",
        "message-headers": json.dumps(
            [
                ["From", "Ben Carter <ben@carter-design.co.uk>"],
                ["To", TRACKING],
                ["Subject", "Lease for our studio"],
                ["Message-Id", "<parsed-0001@carter-design.co.uk>"],
                ["Date", "Tue, 3 Mar 2026 12:20:00 +0000"],
            ]
        ),
    }
    if attachment is not None:
        fields["attachment-count"] = "1"
        fields["attachment-1"] = SimpleUploadedFile(
            "plan.bin", attachment, content_type="application/octet-stream"
        )
    return sign_mailgun(fields, timestamp=str(int(NOW.timestamp()) - 30), token=token)


def post_mailgun_parsed(client, fields):
    return client.post("/anymail/mailgun/inbound/", data=fields, **basic_auth())


# --- Stored first, processed later -------------------------------------------------


def test_broker_stopped_the_email_is_stored_answered_and_processed_by_the_safety_net(
    client, broker_stopped
):
    response = post_postmark(client, postmark_payload(corpus(ENQUIRY)))

    assert response.status_code == 200  # stored: it will be processed
    broker_stopped.assert_called_once()
    inbound = InboundMessage.objects.get()
    assert inbound.processed_at is None and inbound.kind == InboundKind.PENDING
    assert nothing_half_written()

    assert inbound_reprocess_pending() == 0  # too fresh: the task may still be on its way
    with time_machine.travel(LATER, tick=False):
        assert inbound_reprocess_pending() == 1

    inbound.refresh_from_db()
    assert inbound.kind == InboundKind.ENQUIRY
    assert Lead.objects.get() == inbound.lead


def test_fault_in_our_code_after_storage_answers_500_and_the_retry_is_a_no_op():
    from leads.inbound import receivers

    real = receivers.inbound_email_receive

    def store_then_fail(**kwargs):
        real(**kwargs)
        raise RuntimeError("a bug after the row was stored")

    client = Client(raise_request_exception=False)
    payload = postmark_payload(corpus(ENQUIRY))
    with mock.patch.object(receivers, "inbound_email_receive", side_effect=store_then_fail):
        response = post_postmark(client, payload)

    assert response.status_code == 500  # the ESP retries; never Postmark's 403 "do not retry"
    assert InboundMessage.objects.count() == 1

    retry = post_postmark(client, payload)

    assert retry.status_code == 200
    assert InboundMessage.objects.count() == 1
    assert Lead.objects.count() == 1
    assert InboundMessage.objects.get().kind == InboundKind.ENQUIRY


def test_processing_failure_is_retried_by_the_task_and_leaves_nothing_half_written(
    client, not_queued
):
    post_postmark(client, postmark_payload(corpus(ENQUIRY)))
    inbound = InboundMessage.objects.get()

    with failing_capture(), pytest.raises(Exception, match="database hiccup"):
        tasks.inbound_email_process.run(inbound_id=inbound.pk)

    inbound.refresh_from_db()
    assert inbound.processed_at is None
    assert inbound.attempts == 1
    assert "database hiccup" in inbound.error
    assert nothing_half_written()

    assert tasks.inbound_email_process.run(inbound_id=inbound.pk) == InboundKind.ENQUIRY
    inbound.refresh_from_db()
    assert inbound.attempts == 2 and inbound.error == ""
    assert Lead.objects.count() == 1


def test_processing_task_retries_with_backoff_within_time_limits():
    task = tasks.inbound_email_process
    assert task.autoretry_for == (tasks.InboundNotProcessed,)
    assert task.retry_backoff and task.max_retries >= 5
    assert task.acks_late and task.soft_time_limit < task.time_limit


def test_worker_killed_mid_way_leaves_nothing_half_written_and_is_reprocessed(client, not_queued):
    post_postmark(client, postmark_payload(corpus("with_attachment.eml")))
    inbound = InboundMessage.objects.get()

    # Killed after the lead was written, before the attachments: the transaction dies with it.
    with (
        mock.patch("leads.services.inbound._attachments_store", side_effect=SystemExit(1)),
        pytest.raises(SystemExit),
    ):
        inbound_email_process(inbound_id=inbound.pk)

    inbound.refresh_from_db()
    assert inbound.processed_at is None and inbound.attempts == 0
    assert nothing_half_written() and not Activity.objects.exists()

    with time_machine.travel(LATER, tick=False):
        assert inbound_reprocess_pending() == 1
    assert Lead.objects.count() == 1
    assert Attachment.objects.filter(inbound=inbound).count() == 1


def test_same_email_delivered_three_times_makes_one_lead(client, mailoutbox):
    payload = postmark_payload(corpus(ENQUIRY))

    statuses = [post_postmark(client, payload).status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert InboundMessage.objects.count() == 1
    assert Lead.objects.count() == 1
    assert OutboundEmail.objects.filter(kind="acknowledgement").count() == 1


def test_a_repeat_of_an_email_on_its_way_queues_nothing_until_the_safety_nets_minute(
    client, not_queued
):
    payload = postmark_payload(corpus(ENQUIRY))
    assert post_postmark(client, payload).status_code == 200
    assert not_queued.call_count == 1

    # Stored a moment ago and still pending: its first message is on its way.
    assert post_postmark(client, payload).status_code == 200
    assert not_queued.call_count == 1

    # Still pending a minute on: the first message may have been lost, so queue it again.
    with time_machine.travel(NOW + timedelta(seconds=61), tick=False):
        assert post_postmark(client, payload).status_code == 200
    inbound = InboundMessage.objects.get()
    assert not_queued.call_args_list == [mock.call(inbound_id=inbound.pk)] * 2

    # Processed: a repeat is answered and queues nothing.
    inbound_email_process(inbound_id=inbound.pk)
    with time_machine.travel(LATER, tick=False):
        assert post_postmark(client, payload).status_code == 200
    assert not_queued.call_count == 2
    assert InboundMessage.objects.count() == 1 and Lead.objects.count() == 1


def test_a_repeat_within_a_transaction_leaves_the_transaction_usable(not_queued):
    """A repeat meets the unique index and inserts nothing, raising nothing (a split
    message is stored by the worker inside its own transaction)."""
    from django.db import transaction

    from leads.inbound.esp import Delivery
    from leads.services.inbound import inbound_email_store

    delivery = Delivery(
        provider="postmark",
        raw=b"{}",
        raw_format=RawFormat.JSON,
        external_id="<split-1@example.com>",
        message_id="<split-1@example.com>",
        esp_event_id="",
        esp_timestamp=None,
    )
    with transaction.atomic():
        first = inbound_email_store(delivery=delivery)
        again = inbound_email_store(delivery=delivery)
        assert InboundMessage.objects.filter(pk=first).exists()  # the transaction is usable
    assert first == again
    stored = InboundMessage.objects.get()
    assert (stored.provider, stored.kind, bytes(stored.raw_bytes)) == (
        "postmark",
        InboundKind.PENDING,
        b"{}",
    )
    assert stored.payload == {} and stored.to == [] and stored.attempts == 0


def test_after_the_last_attempt_the_email_is_held_as_failed_and_left_alone(
    client, settings, not_queued
):
    settings.LEADTRACK_INBOUND_MAX_ATTEMPTS = 2
    post_postmark(client, postmark_payload(corpus(ENQUIRY)))
    inbound = InboundMessage.objects.get()
    with failing_capture():
        inbound_email_process(inbound_id=inbound.pk)
        inbound = inbound_email_process(inbound_id=inbound.pk)

    assert inbound.kind == InboundKind.FAILED
    assert "after 2 attempts" in inbound.reason
    assert tasks.inbound_email_process.run(inbound_id=inbound.pk) == InboundKind.FAILED
    with time_machine.travel(LATER, tick=False):
        assert inbound_reprocess_pending() == 0


def test_arrival_time_is_the_esps_timestamp_and_a_late_capture_says_so(client, broker_stopped):
    response = post_mailgun(client, mailgun_fields(corpus(ENQUIRY)))
    assert response.status_code == 200

    with time_machine.travel(NOW + timedelta(minutes=7), tick=False):
        inbound_reprocess_pending()

    lead = Lead.objects.get()
    assert lead.arrived_at == NOW - timedelta(seconds=30)  # Mailgun's event time
    assert lead.captured_at == NOW + timedelta(minutes=7)
    note = lead.activities.get(data__capture_delay_seconds__isnull=False)
    assert note.summary.startswith("Captured 7 minutes after the email arrived")


# --- Nothing dropped: stored, not refused ----------------------------------------------


def test_mail_from_a_mailer_daemon_without_a_domain_is_stored_as_machine_mail(client, mailoutbox):
    mime = corpus(ENQUIRY).replace(
        "From: Jane Doe <jane.doe@gmail.com>", "From: MAILER-DAEMON (Mail Delivery System)"
    )

    response = post_postmark(client, postmark_payload(mime))

    assert response.status_code == 200
    inbound = InboundMessage.objects.get()
    assert inbound.processed_at is not None
    assert inbound.kind not in {InboundKind.ENQUIRY, InboundKind.REPLY, InboundKind.PENDING}
    assert not Lead.objects.exists()
    assert mailoutbox == []


def test_html_only_postmark_email_keeps_its_text(client):
    payload = postmark_payload(corpus(ENQUIRY), raw=False)
    payload["TextBody"] = ""
    payload["HtmlBody"] = "<p>Please help with my <b>lease renewal</b>.</p>"

    assert post_postmark(client, payload).status_code == 200

    lead = Lead.objects.get()
    assert "lease renewal" in lead.message
    assert "<b>" not in lead.message


def test_text_attachment_with_an_empty_content_id_is_kept(client):
    payload = postmark_payload(corpus(ENQUIRY), raw=False)
    payload["Attachments"] = [
        {
            "Name": "notes.txt",
            "Content": base64.b64encode(b"Break clause: 31 March").decode(),
            "ContentType": "text/plain",
            "ContentLength": 22,
            "ContentID": "",
        }
    ]

    assert post_postmark(client, payload).status_code == 200

    attachment = Attachment.objects.get()
    assert attachment.filename == "notes.txt"
    assert attachment.file.read() == b"Break clause: 31 March"


# --- Mailgun: no replays, no stored signatures -------------------------------------


def test_mailgun_post_replayed_with_its_token_is_refused(client):
    fields = mailgun_fields(corpus(ENQUIRY))
    assert post_mailgun(client, fields).status_code == 200

    forged = {**fields, "body-mime": corpus("gmail_forward.eml")}
    response = post_mailgun(client, forged)

    assert response.status_code == 401
    assert "token already used" in response.json()["detail"]
    assert InboundMessage.objects.count() == 1


def test_mailgun_post_signed_long_ago_is_refused_as_a_replay(client):
    fields = mailgun_fields(corpus(ENQUIRY))
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        response = post_mailgun(client, fields)

    assert response.status_code == 401
    assert "server's clock" in response.json()["detail"]
    assert not InboundMessage.objects.exists()


def test_expired_mailgun_tokens_are_forgotten_by_the_safety_net(client):
    from leads.models import WebhookToken

    post_mailgun(client, mailgun_fields(corpus(ENQUIRY)))
    assert WebhookToken.objects.count() == 1
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):
        inbound_reprocess_pending()
    assert not WebhookToken.objects.exists()


def test_stored_mailgun_payloads_keep_no_signature_fields(client):
    fields = mailgun_parsed(attachment=b"%PDF-1.4 plan")

    assert post_mailgun_parsed(client, fields).status_code == 200

    inbound = InboundMessage.objects.get()
    assert inbound.raw_format == RawFormat.FORM
    raw = bytes(inbound.raw_bytes)
    for name in ("signature", "token", "timestamp"):
        assert f'name="{name}"'.encode() not in raw
    assert fields["signature"].encode() not in raw and fields["token"].encode() not in raw
    assert inbound.esp_event_id == ""  # Mailgun's event id is its token
    assert inbound.kind == InboundKind.ENQUIRY
    assert inbound.arrived_at == NOW - timedelta(seconds=30)
    assert Attachment.objects.get().file.read() == b"%PDF-1.4 plan"


# --- Bad input: each a clear 4xx with nothing written, or stored and processed ---------

BAD_INPUT = []


def bad_input(name):
    def register(build):
        BAD_INPUT.append(pytest.param(build, id=name))
        return build

    return register


def postmark_json(body: str):
    return {"data": body, "content_type": "application/json", "path": "postmark"}


@bad_input("malformed JSON")
def _():
    return postmark_json('{"From": "jane@example.com", '), 403, "refused"


@bad_input("100,000-deep JSON array")
def _():
    return postmark_json("[" * 100_000 + "]" * 100_000), 403, "refused"


@bad_input("3,000 nested MIME parts")
def _():
    payload = postmark_payload(corpus(ENQUIRY))
    head = "From: Jane Doe <jane.doe@gmail.com>\nTo: enquiries@ashdownmarsh.example\n"
    head += "Message-ID: <nested@gmail.com>\nSubject: nested\nMIME-Version: 1.0\n"
    nested = "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(3000)
    )
    payload["RawEmail"] = head + nested + "Content-Type: text/plain\n\nhello\n"
    return postmark_json(json.dumps(payload)), 403, "refused"


@bad_input("tracking webhook posted to the inbound URL")
def _():
    body = {"RecordType": "Delivery", "MessageID": "x", "Recipient": "a@b.c"}
    return postmark_json(json.dumps(body)), 403, "refused"


@bad_input("Date of 99999999999 Jan")
def _():
    mime = corpus(ENQUIRY).replace("Date: Tue, 3 Mar 2026", "Date: 99999999999 Jan")
    payload = postmark_payload(mime, raw=False)
    payload["Date"] = "99999999999 Jan"
    return postmark_json(json.dumps(payload)), 200, "lead"


@bad_input("vertical tab in the subject")
def _():
    payload = postmark_payload(corpus(ENQUIRY), raw=False)
    payload["Subject"] = "Lease\x0brenewal"
    return postmark_json(json.dumps(payload)), 200, "lead"


@bad_input("header injection in a parsed name")
def _():
    payload = postmark_payload(corpus(ENQUIRY), raw=False)
    payload["FromFull"]["Name"] = "Jane\r\nBcc: victim@example.com"
    return postmark_json(json.dumps(payload)), 200, "held"


@bad_input("no From at all")
def _():
    mime = corpus(ENQUIRY).replace("From: Jane Doe <jane.doe@gmail.com>\n", "")
    return postmark_json(json.dumps(postmark_payload(mime))), 200, "machine"


@bad_input("broken base64 in a parsed attachment")
def _():
    # The enquiry is kept; the attachment is listed as refused (empty once decoded).
    payload = postmark_payload(corpus(ENQUIRY), raw=False)
    payload["Attachments"] = [
        {"Name": "a.pdf", "ContentType": "application/pdf", "Content": "%%%", "ContentLength": 3}
    ]
    return postmark_json(json.dumps(payload)), 200, "lead"


@bad_input("Postmark JSON with a binary attachment (NUL)")
def _():
    payload = postmark_payload(corpus(ENQUIRY), raw=False)
    payload["StrippedTextReply"] = "nul\x00here"
    payload["Attachments"] = [
        {
            "Name": "plan.bin",
            "Content": base64.b64encode(b"\x00\x01binary\x00").decode(),
            "ContentType": "application/octet-stream",
            "ContentLength": 9,
        }
    ]
    return postmark_json(json.dumps(payload)), 200, "lead"


@bad_input("Mailgun parsed post with a binary attachment (NUL)")
def _():
    fields = mailgun_parsed(attachment=b"\x00\x01binary\x00")
    return {"data": fields, "path": "mailgun"}, 200, "lead"


@bad_input("Mailgun timestamp that overflows")
def _():
    fields = sign_mailgun(mailgun_parsed(), timestamp="9" * 400, token="o" * 50)
    return {"data": fields, "path": "mailgun"}, 401, "refused"


@bad_input("Mailgun timestamp that is not a number")
def _():
    fields = sign_mailgun(mailgun_parsed(), timestamp="nan", token="n" * 50)
    return {"data": fields, "path": "mailgun"}, 401, "refused"


@pytest.mark.parametrize("build", BAD_INPUT)
def test_bad_input_gets_a_clear_answer_and_never_a_500(build, mailoutbox):
    request, status, outcome = build()
    client = Client(raise_request_exception=False)
    path = {"postmark": "/anymail/postmark/inbound/", "mailgun": "/anymail/mailgun/inbound/"}
    kwargs = {"content_type": request["content_type"]} if "content_type" in request else {}

    response = client.post(path[request["path"]], data=request["data"], **kwargs, **basic_auth())

    assert response.status_code == status, response.content
    assert response.json()["detail"]  # a sentence a person can act on
    if outcome == "refused":
        assert not InboundMessage.objects.exists() and nothing_half_written()
        return
    inbound = InboundMessage.objects.get()
    assert inbound.processed_at is not None or inbound.kind == InboundKind.FAILED
    if outcome == "lead":
        lead = Lead.objects.get()
        assert inbound.lead == lead and inbound.kind == InboundKind.ENQUIRY
        assert "\x00" not in lead.message and "\n" not in lead.contact.name
        assert [m.to for m in mailoutbox] == [[lead.contact.email]]  # one acknowledgement
        assert "victim@example.com" not in json.dumps(inbound.to + inbound.cc)
    elif outcome == "machine":
        assert not Lead.objects.exists() and mailoutbox == []
    elif outcome == "held":  # stored for a person to look at; nothing half-written
        assert inbound.kind == InboundKind.FAILED
        assert inbound.reason.startswith("Stored, but it cannot be read as an email")
        assert nothing_half_written()


def test_nul_characters_never_reach_a_text_column(client):
    payload = postmark_payload(corpus(ENQUIRY), raw=False)
    payload["Subject"] = "Lease\x00 renewal"
    payload["TextBody"] = "Please\x00 help"

    assert post_postmark(client, payload).status_code == 200

    inbound = InboundMessage.objects.get()
    assert b"\\u0000" in bytes(inbound.raw_bytes)  # kept in the raw payload
    assert "\x00" not in inbound.subject + inbound.body_text + inbound.summary
    assert io.BytesIO(bytes(inbound.raw_bytes)).read()
