"""Inbound email on PostgreSQL: every message delivered three times at once creates one
of everything, and a real worker acknowledges the enquiry once (never the replies)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from leads.choices import InboundKind
from leads.models import InboundMessage, Lead, OutboundEmail
from tests.e2e.conftest import wait_for
from tests.leads.inbound_support import (
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


@pytest.mark.usefixtures("inbound_settings", "frozen_clock", "purge_broker")
def test_every_message_delivered_three_times_concurrently_is_captured_once(transactional_db):
    def deliver(job):
        esp, name = job
        try:
            if esp == "mailgun":
                return post_mailgun(Client(), mailgun_fields(corpus(name))).status_code
            return post_postmark(Client(), postmark_payload(corpus(name))).status_code
        finally:
            connection.close()

    jobs = [(esp, name) for name in CORPUS for esp in ("postmark", "mailgun")] * 3
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(deliver, jobs))

    # A delivery that met another mid-processing may be asked to come back (503);
    # the ESP's retry is then answered 200 and still creates nothing new.
    assert set(statuses) <= {200, 503}, statuses
    for job in jobs:
        assert deliver(job) == 200
    # Same Message-ID through Postmark and Mailgun: one stored row per email.
    assert InboundMessage.objects.count() == len(CORPUS)
    assert Lead.objects.count() == 6  # enquiry, three forwards, attachment, hostile
    assert not InboundMessage.objects.filter(processed_at__isnull=True).exists()


@pytest.mark.usefixtures("inbound_settings")
def test_real_worker_acknowledges_an_emailed_enquiry_once_and_never_a_reply(
    celery_workers, celery_not_eager
):
    celery_workers.start()
    client = Client()
    assert post_postmark(client, postmark_payload(corpus("gmail_enquiry.eml"))).status_code == 200
    lead = Lead.objects.get()
    ack = wait_for(
        lambda: OutboundEmail.objects.filter(lead=lead, state="sent").first(),
        what="the acknowledgement",
    )
    reply = corpus("outlook_reply.eml").replace(
        "<177251.LD-2026-00001.acknowledgement.5f2c1d0e9a7b@ashdownmarsh.example>",
        ack.message_id,
    )

    assert post_postmark(client, postmark_payload(reply)).status_code == 200

    inbound = InboundMessage.objects.get(message_id__contains="AM9PR04MB8890B2E1")
    assert inbound.kind == InboundKind.REPLY
    assert inbound.lead == lead
    wait_for(
        lambda: Lead.objects.filter(pk=lead.pk, pipeline_completed_at__isnull=False).exists(),
        what="the pipeline",
    )
    assert OutboundEmail.objects.filter(kind="acknowledgement").count() == 1
    assert Lead.objects.count() == 1
