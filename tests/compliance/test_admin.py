"""The compliance pages of the admin: each add page saves through its service, shows the
service's refusal on the form, and a partner-only page is refused to a fee earner."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from compliance.models import DueDiligence, DueDiligenceOverride, IntroducerArrangement
from leads.models import ReferralSource
from tests.compliance.conftest import lead_in_area
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_due_diligence_is_recorded_from_the_lead_page_link(admin_client, admin_user, model_version):
    lead = lead_in_area(slug="conveyancing", mlr=True, model_version=model_version)
    add = reverse("admin:compliance_duediligence_add")
    assert admin_client.get(f"{add}?lead={lead.pk}").status_code == 200
    form = {
        "lead": lead.pk, "identity_method": "in_person", "identity_verified_by": admin_user.pk,
        "identity_verified_at_0": "01/12/2026", "identity_verified_at_1": "09:00",
        "is_company": "on", "beneficial_owners": "", "risk_level": "standard",
        "risk_reasons": "Company buying a flat",
    }  # fmt: skip
    refused = admin_client.post(add, form)
    assert refused.status_code == 200
    assert "Name the beneficial owners" in refused.content.decode()
    assert not DueDiligence.objects.exists()
    done = admin_client.post(add, {**form, "beneficial_owners": "Jo Bloggs (100%)"})
    assert done.status_code == 302 and done["Location"].endswith(f"/lead/{lead.pk}/change/")
    assert DueDiligence.objects.get(lead=lead).recorded_by == admin_user


def test_only_a_partner_reaches_the_override_page(client, model_version):
    lead = lead_in_area(slug="tax", mlr=True, model_version=model_version)
    fee_earner = UserFactory()
    fee_earner.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_duediligenceoverride", "view_lead"])
    )
    client.force_login(fee_earner)
    add = reverse("admin:compliance_duediligenceoverride_add")
    assert client.post(add, {"lead": lead.pk, "reason": "x"}).status_code == 403
    partner = UserFactory()
    partner.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["override_due_diligence", "add_duediligenceoverride", "view_lead"]
        )
    )
    client.force_login(partner)
    assert client.post(add, {"lead": lead.pk, "reason": "ID held on file"}).status_code == 302
    assert DueDiligenceOverride.objects.get(lead=lead).partner == partner


def test_an_introducer_fee_needs_its_terms_in_the_admin(admin_client):
    source = ReferralSource.objects.create(name="Local Estate Agent")
    add = reverse("admin:compliance_introducerarrangement_add")
    refused = admin_client.post(add, {"referral_source": source.pk, "arrangement": "referral_fee"})
    assert "Describe the agreed fee" in refused.content.decode()
    admin_client.post(
        add, {"referral_source": source.pk, "arrangement": "referral_fee", "terms": "£150"}
    )
    assert IntroducerArrangement.objects.get(referral_source=source).terms == "£150"


def test_the_retention_dry_run_action_reports_without_changing_anything(admin_client):
    response = admin_client.post(
        reverse("admin:compliance_retentionpolicy_changelist"),
        {"action": "dry_run_next_month", "_selected_action": [1]},
        follow=True,
    )
    assert "Dry run: On 1 " in response.content.decode()
