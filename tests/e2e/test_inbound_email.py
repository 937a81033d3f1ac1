"""Inbound email on PostgreSQL with real parallel clients and a real worker: every
message delivered three times at once is stored once and processed once; payloads with
binary attachments (NUL) are stored and processed; a real worker acknowledges the enquiry
once (never the replies)."""

import base64
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from leads.choices import InboundKind
from leads.models import InboundMessage, Lead, OutboundEmail
from tests.e2e.conftest import wait_for
from tests.leads.inbound_support import (
    basic_auth,
    corpus,
    frozen_clock,  # noqa: F401 (fixture)
    inbound_settings,  # noqa: F401 (fixture)
    mailgun_fields,
    post_mailgun,
    post_postmark,
    postmark_payload,
)

CORPUS = [
    "gmail_enquiry.eml",
    "gmail_forward.eml",
    "outlook_forward.eml",
    "apple_forward_attached.eml",
    "with_attachment.eml",
    "outlook_out_of_office.eml",
    "dsn_bounce.eml",
    "mailing_list.eml",
    "hostile_html.eml",
]


def _deliver(job):
    esp, name = job
    try:
        if esp == "mailgun":  # each delivery signed afresh, as Mailgun signs each post
            fields = mailgun_fields(corpus(name), token=uuid.uuid4().hex * 2)
            return post_mailgun(Client(), fields).status_code
        return post_postmark(Client(), postmark_payload(corpus(name))).status_code
    finally:
        connection.close()


def _all_processed():
    return (
        not InboundMessage.objects.filter(processed_at__isnull=True)
        .exclude(kind=InboundKind.FAILED)
        .exists()
    )


@pytest.mark.usefixtures("inbound_settings", "frozen_clock")
def test_every_message_delivered_three_times_concurrently_is_captured_once(
    celery_workers, celery_not_eager
):
    jobs = [(esp, name) for name in CORPUS for esp in ("postmark", "mailgun")] * 3
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(_deliver, jobs))

    # Stored means answered 200: nothing is asked to come back.
    assert set(statuses) == {200}, statuses
    # Same Message-ID through Postmark and Mailgun: one stored row per email.
    assert InboundMessage.objects.count() == len(CORPUS)

    celery_workers.start(concurrency=2)
    with ThreadPoolExecutor(max_workers=12) as pool:  # and again while the worker works
        assert set(pool.map(_deliver, jobs)) == {200}
    wait_for(_all_processed, timeout=90, what="the worker to process every stored email")

    assert InboundMessage.objects.count() == len(CORPUS)
    assert Lead.objects.count() == 6  # enquiry, three forwards, attachment, hostile
    assert not InboundMessage.objects.filter(kind=InboundKind.FAILED).exists()


@pytest.mark.usefixtures("inbound_settings", "frozen_clock")
def test_binary_attachments_are_stored_and_processed_on_postgresql(
    celery_workers, celery_not_eager
):
    from tests.leads.test_inbound_store_first import mailgun_parsed

    payload = postmark_payload(corpus("gmail_enquiry.eml"), raw=False)
    payload["StrippedTextReply"] = "with a NUL\x00 in it"
    payload["Attachments"] = [
        {
            "Name": "plan.bin",
            "Content": base64.b64encode(b"\x00\x01binary\x00").decode(),
            "ContentType": "application/octet-stream",
            "ContentLength": 9,
        }
    ]
    client = Client()
    response = client.post(
        "/anymail/postmark/inbound/",
        data=json.dumps(payload),
        content_type="application/json",
        **basic_auth(),
    )
    assert response.status_code == 200, response.content
    fields = mailgun_parsed(attachment=b"\x00\x01binary\x00")
    response = client.post("/anymail/mailgun/inbound/", data=fields, **basic_auth())
    assert response.status_code == 200, response.content

    celery_workers.start()
    wait_for(lambda: Lead.objects.count() == 2 and _all_processed(), what="both emails processed")
    assert set(InboundMessage.objects.values_list("kind", flat=True)) == {InboundKind.ENQUIRY}


@pytest.mark.usefixtures("inbound_settings")
def test_real_worker_acknowledges_an_emailed_enquiry_once_and_never_a_reply(
    celery_workers, celery_not_eager
):
    celery_workers.start()
    client = Client()
    assert post_postmark(client, postmark_payload(corpus("gmail_enquiry.eml"))).status_code == 200
    lead = wait_for(Lead.objects.first, what="the worker to capture the enquiry")
    ack = wait_for(
        lambda: OutboundEmail.objects.filter(lead=lead, state="sent").first(),
        what="the acknowledgement",
    )
    reply = corpus("outlook_reply.eml").replace(
        "<177251.LD-2026-00001.acknowledgement.5f2c1d0e9a7b@ashdownmarsh.example>",
        ack.message_id,
    )

    assert post_postmark(client, postmark_payload(reply)).status_code == 200

    inbound = wait_for(
        lambda: InboundMessage.objects.filter(
            message_id__contains="AM9PR04MB8890B2E1", processed_at__isnull=False
        ).first(),
        what="the worker to process the reply",
    )
    assert inbound.kind == InboundKind.REPLY
    assert inbound.lead == lead
    wait_for(
        lambda: Lead.objects.filter(pk=lead.pk, pipeline_completed_at__isnull=False).exists(),
        what="the pipeline",
    )
    assert OutboundEmail.objects.filter(kind="acknowledgement").count() == 1
    assert Lead.objects.count() == 1
