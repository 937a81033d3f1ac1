"""factory-boy factories for the tests. Leads made here are rows for read tests; tests of
capture go through ``leads.services.lead_capture`` as users do."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from leads.choices import Channel, Status
from leads.models import Activity, Contact, Lead


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@firm.example")
    is_staff = True
    password = factory.django.Password("correct-horse-battery")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"enquirer{n}@example.com")
    organisation = ""


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    channel = Channel.WEB_FORM
    source = "Website enquiry form"
    arrived_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    captured_at = factory.LazyAttribute(lambda lead: lead.arrived_at)
    contact = factory.SubFactory(ContactFactory)
    subject = "Enquiry"
    message = "I would like some advice."
    status = Status.NEW
    reference = factory.Sequence(lambda n: f"LD-2026-{90000 + n:05d}")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    lead = factory.SubFactory(LeadFactory)
    kind = "note"
    summary = "A note"
