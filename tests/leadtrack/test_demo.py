"""The demo firm loads on a fresh database and loading it again changes nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from compliance.choices import FeeArrangement
from compliance.models import ClientMatter, ConflictMatch, IntroducerArrangement
from leads.models import Activity, Contact, InboundMessage, Lead
from qualification.models import PracticeArea
from routing.models import Member, Team

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            PracticeArea,
            Team,
            Member,
            Lead,
            Contact,
            InboundMessage,
            Activity,
            ClientMatter,
            IntroducerArrangement,
            get_user_model(),
        )
    }


def test_demo_firm_loading_is_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_firm", stdout=StringIO())
    first = _counts()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_firm", stdout=StringIO())
    assert _counts() == first
    assert first["Member"] >= 12
    assert Member.objects.filter(supervisor__isnull=False).count() >= 7
    assert Team.objects.filter(head__isnull=True).count() == 0
    assert first["Lead"] >= 4


def test_the_demo_firm_has_a_client_list_the_conflict_check_finds(
    django_capture_on_commit_callbacks,
):
    """The demo client and matter list is loaded before the demo enquiries, so their
    conflict checks find the firm's own clients (Ellis Engineering is one, and Rachel
    Turner is the other side on a current tribunal matter)."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_firm", stdout=StringIO())
    assert ClientMatter.objects.count() == 15
    ellis = Lead.objects.get(contact__organisation="Ellis Engineering Ltd")
    turner = Lead.objects.get(contact__name="Rachel Turner")
    assert ConflictMatch.objects.filter(check_run__lead=ellis).exists()
    assert ConflictMatch.objects.filter(check_run__lead=turner).exists()
    fees = IntroducerArrangement.objects.filter(arrangement=FeeArrangement.REFERRAL_FEE)
    assert fees.count() == 2 and all(a.terms for a in fees)


def test_ensure_admin_creates_then_updates_the_superuser(monkeypatch):
    User = get_user_model()
    monkeypatch.setenv("LEADTRACK_ADMIN_PASSWORD", "first-password-1")
    call_command("ensure_admin", stdout=StringIO())
    monkeypatch.setenv("LEADTRACK_ADMIN_PASSWORD", "second-password-2")
    call_command("ensure_admin", stdout=StringIO())
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("second-password-2")
    assert User.objects.filter(username="admin").count() == 1
