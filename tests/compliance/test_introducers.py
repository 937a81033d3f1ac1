"""Introducers: a fee arrangement needs its terms, is flagged until disclosed to the
client, and is flagged as banned in personal injury work."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from compliance.selectors import referral_warnings
from compliance.services import introducer_arrangement_set, referral_disclosure_record
from leads.models import ReferralSource
from tests.compliance.conftest import lead_in_area
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_referral_fee_in_personal_injury_is_flagged_as_banned(model_version, admin_client):
    source = ReferralSource.objects.create(name="Claims Direct")
    with pytest.raises(ValidationError, match="Describe the agreed fee"):
        introducer_arrangement_set(referral_source=source, arrangement="referral_fee", actor=None)
    introducer_arrangement_set(
        referral_source=source, arrangement="referral_fee", terms="£200 per case", actor=None
    )
    lead = lead_in_area(slug="personal-injury", mlr=False, model_version=model_version,
                        referral_source=source)  # fmt: skip
    warnings = referral_warnings(lead=lead)
    assert any("banned in personal injury" in w for w in warnings)
    assert any("not been disclosed" in w for w in warnings)
    from compliance.services import conflict_check_run

    conflict_check_run(lead=lead)
    page = admin_client.get(reverse("admin:leads_lead_change", args=[lead.pk])).content.decode()
    assert "banned in personal injury" in page


def test_disclosure_clears_the_warning_outside_personal_injury(model_version):
    user = UserFactory()
    source = ReferralSource.objects.create(name="Estate Agents R Us")
    introducer_arrangement_set(
        referral_source=source, arrangement="fee_sharing", terms="10% of fees", actor=user
    )
    lead = lead_in_area(slug="conveyancing", mlr=True, model_version=model_version,
                        referral_source=source)  # fmt: skip
    assert len(referral_warnings(lead=lead)) == 1
    referral_disclosure_record(
        lead=lead, disclosed_at=timezone.now(), how="Client care letter", actor=user
    )
    assert referral_warnings(lead=lead) == []
