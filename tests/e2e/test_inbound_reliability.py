"""Inbound email on PostgreSQL and Redis when things go wrong, with real processes: the
broker unreachable while webhooks arrive (every email answered 200 and stored, then made a
lead by a worker through the safety net) and the worker killed with SIGKILL mid-way (nothing
half-written, every email made one lead once a worker runs again)."""

import os
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from leads.choices import InboundKind
from leads.models import InboundMessage, Lead
from leads.tasks import inbound_reprocess_pending
from tests.e2e.conftest import wait_for
from tests.leads.inbound_support import (
    corpus,
    inbound_settings,  # noqa: F401 (fixture)
    post_postmark,
    postmark_payload,
)


def enquiry(n: int) -> dict:
    """Postmark's payload for a distinct enquiry: its own sender and Message-ID."""
    mime = (
        corpus("gmail_enquiry.eml")
        .replace("<CAF=7k9x1ENQUIRY0001@mail.gmail.com>", f"<reliability-{n}@mail.example.com>")
        .replace("jane.doe@gmail.com", f"enquirer{n}@example.com")
    )
    return postmark_payload(mime)


def all_processed() -> bool:
    return not InboundMessage.objects.filter(processed_at__isnull=True).exists()


def safety_net_runs() -> None:
    """What beat does every minute, for emails stored long enough ago to be picked up."""
    InboundMessage.objects.filter(processed_at__isnull=True).update(
        received_at=timezone.now() - timedelta(minutes=10)
    )
    inbound_reprocess_pending.delay()


def assert_one_lead_per_email(count: int) -> None:
    assert InboundMessage.objects.count() == count
    assert not InboundMessage.objects.exclude(kind=InboundKind.ENQUIRY).exists()
    assert Lead.objects.count() == count
    linked = InboundMessage.objects.values("lead").annotate(n=Count("id"))
    assert {row["n"] for row in linked} == {1}


@pytest.fixture
def broker_unreachable(celery_not_eager):
    """The web process's broker is a port nobody listens on (kombu: connection refused);
    the fixture's value puts the real one back (and so does the teardown)."""
    app = celery_not_eager
    previous = app.conf.broker_url

    def reconnect(url: str) -> None:
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    reconnect("redis://127.0.0.1:9/0")
    yield lambda: reconnect(previous)
    reconnect(previous)


@pytest.mark.usefixtures("inbound_settings")
def test_broker_unreachable_every_email_is_answered_stored_and_later_made_a_lead(
    celery_workers, broker_unreachable
):
    client = Client()
    statuses = [post_postmark(client, enquiry(n)).status_code for n in range(3)]

    assert statuses == [200, 200, 200]
    assert InboundMessage.objects.filter(processed_at__isnull=True).count() == 3

    broker_unreachable()  # the broker is back
    celery_workers.start()
    safety_net_runs()

    wait_for(all_processed, timeout=90, what="the safety net to process the stored emails")
    assert_one_lead_per_email(3)


def _worker_pids(process) -> list[int]:
    """The worker's main process and its pool's children (Linux /proc)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    return [process.pid, *map(int, children)]


@pytest.mark.usefixtures("inbound_settings")
def test_worker_killed_mid_way_leaves_nothing_half_written_and_every_email_one_lead(
    celery_workers, celery_not_eager
):
    emails = 30
    client = Client()
    assert {post_postmark(client, enquiry(n)).status_code for n in range(emails)} == {200}

    celery_workers.start(concurrency=2)
    wait_for(
        lambda: InboundMessage.objects.filter(processed_at__isnull=False).exists(),
        interval=0.02,
        what="the worker to start processing",
    )
    for pid in _worker_pids(celery_workers.processes[0]):
        os.kill(pid, signal.SIGKILL)
    celery_workers.processes[0].wait(timeout=20)

    # Killed mid-way: each email is either processed with its lead, or pending with none.
    processed = InboundMessage.objects.filter(processed_at__isnull=False)
    assert processed.count() < emails, "the worker finished before it was killed"
    assert not processed.filter(lead__isnull=True).exists()
    assert not InboundMessage.objects.filter(processed_at__isnull=True, lead__isnull=False).exists()
    assert Lead.objects.count() == processed.count()

    celery_workers.start(concurrency=2)
    safety_net_runs()
    wait_for(all_processed, timeout=120, what="every stored email to be processed")
    assert_one_lead_per_email(emails)
