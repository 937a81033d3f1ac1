"""Machine mail on PostgreSQL with a real worker: a bounce of the acknowledgement the
worker sent marks it bounced and asks for a phone call; a corpus of real bounces
delivered at once through two ESPs creates no lead and sends nothing."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from followups.models import FollowUp
from leads.choices import EmailState, InboundKind
from leads.models import InboundMessage, Lead, OutboundEmail
from leads.selectors import lead_acknowledged
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

MACHINE_MAIL = Path(__file__).parents[1] / "leads" / "data" / "machine-mail"
SES_ORIGINAL = "<00000132d6ca0cd4-ff6d8ee5-29a0-4501-a68a-3ff8695254bb-000000@email.amazonses.com>"


def sample(name: str) -> str:
    return (MACHINE_MAIL / name).read_bytes().decode("utf-8", errors="replace")


def _all_processed() -> bool:
    return not InboundMessage.objects.filter(processed_at__isnull=True).exists()


@pytest.mark.usefixtures("inbound_settings", "frozen_clock", "purge_broker")
def test_real_bounces_delivered_concurrently_through_two_esps_create_no_lead(
    celery_workers, celery_not_eager
):
    names = sorted(str(p.relative_to(MACHINE_MAIL)) for p in MACHINE_MAIL.rglob("*.eml"))[::4]

    def deliver(job):
        esp, name = job
        try:
            if esp == "mailgun":
                # Each Mailgun post carries a token of its own, as Mailgun signs them.
                fields = mailgun_fields(sample(name), token=uuid.uuid4().hex * 2)
                return post_mailgun(Client(), fields).status_code
            return post_postmark(Client(), postmark_payload(sample(name))).status_code
        finally:
            connection.close()

    jobs = [(esp, name) for name in names for esp in ("postmark", "mailgun")]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(deliver, jobs))

    # Stored first, answered 200: the worker reads them afterwards.
    assert set(statuses) == {200}, statuses
    celery_workers.start(concurrency=2)
    wait_for(_all_processed, timeout=90, what="the worker to read every stored report")
    assert Lead.objects.count() == 0
    assert OutboundEmail.objects.count() == 0
    assert InboundMessage.objects.exclude(machine_detector="").count() == (
        InboundMessage.objects.count()
    )


@pytest.mark.usefixtures("inbound_settings")
def test_a_bounced_acknowledgement_sent_by_the_worker_asks_for_a_call(
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
    bounce = (
        sample("sisimai/email-amazonses-03.eml")
        .replace(SES_ORIGINAL, ack.message_id)
        .replace("kijitora@example.jp", "jane.doe@gmail.com")
    )

    assert post_postmark(client, postmark_payload(bounce)).status_code == 200

    inbound = wait_for(
        lambda: InboundMessage.objects.filter(kind=InboundKind.BOUNCE).first(),
        what="the worker to read the bounce",
    )
    assert inbound.bounced_email == ack
    ack.refresh_from_db()
    assert ack.state == EmailState.BOUNCED
    assert not lead_acknowledged(lead=lead)
    assert FollowUp.objects.filter(lead=lead, guidance__startswith="Phone: email bounced.").exists()
    assert OutboundEmail.objects.filter(lead=lead, kind="acknowledgement").count() == 1
