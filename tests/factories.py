"""factory-boy factories for the tests. Leads made here are rows for read tests; tests of
capture go through ``leads.services.lead_capture`` as users do."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from leads.choices import ActivityKind, Channel, Status
from leads.models import Activity, Contact, Lead
from leads.services import status_period_record
from leadtrack import demo as roles
from qualification.models import QualificationResult
from routing.demo import FEE_EARNERS_GROUP, PARTNERS_GROUP
from routing.models import Member, Team


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
        # One contact per email address (a unique key), as capture keeps it.
        django_get_or_create = ("email",)

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


class QualificationResultFactory(factory.django.DjangoModelFactory):
    """A lead's qualification as rows for read tests: pass ``lead``, ``model_version``,
    ``practice_area`` and ``tier``; the rest is a middling, decided enquiry."""

    class Meta:
        model = QualificationResult

    commercial_significance = "medium"
    urgency = "medium"
    decision_position = "decision_maker"
    score = 50
    basis = factory.LazyFunction(lambda: ["test"])
    recommended_action = "Call"


def firm_people() -> dict:
    """A firm with the tracker's roles: a partner, and fee earners in two teams (Tom and
    Sam in Employment, Olive in Property)."""
    partners, _ = Group.objects.get_or_create(name=PARTNERS_GROUP)
    fee_earners, _ = Group.objects.get_or_create(name=FEE_EARNERS_GROUP)
    roles.load()
    employment = Team.objects.create(name="Employment")
    property_team = Team.objects.create(name="Property")
    partner = UserFactory(username="pat.partner", first_name="Pat", last_name="Partner")
    partner.groups.add(partners)
    people = {"partner": partner}
    for key, username, first, last, team in (
        ("earner", "tom.earner", "Tom", "Earner", employment),
        ("colleague", "sam.colleague", "Sam", "Colleague", employment),
        ("outsider", "olive.outsider", "Olive", "Outsider", property_team),
    ):
        user = UserFactory(username=username, first_name=first, last_name=last)
        user.groups.add(fee_earners)
        Member.objects.create(user=user, team=team)
        people[key] = user
    return people
