"""factory-boy factories for the tests. Leads made here are rows for read tests; tests of
capture go through ``leads.services.lead_capture`` as users do."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from leads.choices import ActivityKind, Channel, Status
from leads.models import Activity, Contact, Lead
from leads.services import status_period_record


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
    """A timeline entry. A status change that says when its status began (``since``) gets
    its status period too, as ``lead_change_status`` writes them together; pass
    ``status_period=False`` for an entry from before periods were kept."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    lead = factory.SubFactory(LeadFactory)
    kind = "note"
    summary = "A note"

    @factory.post_generation
    def status_period(self, create, extracted, **kwargs):
        if (
            create
            and extracted is not False
            and self.kind == ActivityKind.STATUS_CHANGED
            and "since" in self.data
        ):
            status_period_record(change=self)
