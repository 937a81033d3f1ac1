"""Client due diligence (MLR 2017): a win in work the regulations cover is refused
without the record, a partner may override with a reason, and the record says how long
it is kept."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compliance.choices import ConflictOutcome
from compliance.services import (
    conflict_check_run,
    conflict_decision_record,
    due_diligence_override,
    due_diligence_record,
)
from leads.choices import Status
from leads.services import lead_change_status
from tests.compliance.conftest import lead_in_area
from tests.factories import UserFactory

# Winning records the agreed fee and the matter reference.
WON = {"agreed_fee": "2500", "matter_reference": "M-1001"}

pytestmark = pytest.mark.django_db


def ready_to_win(lead, user):
    conflict_check_run(lead=lead)
    conflict_decision_record(lead=lead, outcome=ConflictOutcome.NO_CONFLICT, actor=user)


def test_a_conveyancing_win_needs_due_diligence(model_version):
    user = UserFactory()
    lead = lead_in_area(slug="conveyancing", mlr=True, model_version=model_version,
                        status=Status.PROPOSAL)  # fmt: skip
    ready_to_win(lead, user)
    with pytest.raises(ValidationError, match="Money Laundering Regulations"):
        lead_change_status(lead=lead, status=Status.WON, actor=user, **WON)
    with pytest.raises(ValidationError) as missing:
        due_diligence_record(
            lead=lead, identity_method="electronic", identity_verified_by=user,
            identity_verified_at=timezone.now(), risk_level="standard", risk_reasons="",
            is_company=True, actor=user,
        )  # fmt: skip
    assert set(missing.value.message_dict) == {"risk_reasons", "beneficial_owners"}
    due_diligence_record(
        lead=lead, identity_method="electronic", identity_verified_by=user,
        identity_verified_at=timezone.now(), risk_level="low",
        risk_reasons="UK resident, mortgage-funded purchase", actor=user,
    )  # fmt: skip
    lead_change_status(lead=lead, status=Status.WON, actor=user, **WON)
    lead.refresh_from_db()
    assert lead.status == Status.WON


def test_work_outside_the_regulations_is_won_without_it(model_version):
    user = UserFactory()
    lead = lead_in_area(slug="employment", mlr=False, model_version=model_version,
                        status=Status.PROPOSAL)  # fmt: skip
    ready_to_win(lead, user)
    lead_change_status(lead=lead, status=Status.WON, actor=user, **WON)


def test_only_a_partner_overrides_and_the_reason_is_recorded(model_version):
    fee_earner = UserFactory()
    partner = UserFactory()
    partner.user_permissions.add(Permission.objects.get(codename="override_due_diligence"))
    partner = type(partner).objects.get(pk=partner.pk)
    lead = lead_in_area(slug="tax", mlr=True, model_version=model_version,
                        status=Status.PROPOSAL)  # fmt: skip
    ready_to_win(lead, fee_earner)
    with pytest.raises(PermissionDenied):
        due_diligence_override(lead=lead, partner=fee_earner, reason="Urgent")
    with pytest.raises(ValidationError):
        due_diligence_override(lead=lead, partner=partner, reason=" ")
    override = due_diligence_override(
        lead=lead, partner=partner, reason="Existing client, ID on file"
    )
    lead_change_status(lead=lead, status=Status.WON, actor=fee_earner, **WON)
    assert override.reason == "Existing client, ID on file"
    assert lead.activities.filter(summary__contains="overridden by a partner").exists()


def test_the_record_is_kept_five_years_after_the_relationship_ends(model_version):
    user = UserFactory()
    lead = lead_in_area(slug="commercial", mlr=True, model_version=model_version)
    record = due_diligence_record(
        lead=lead, identity_method="register", identity_verified_by=user,
        identity_verified_at=timezone.now() - timedelta(days=1), risk_level="high",
        risk_reasons="Overseas shareholders", is_company=True,
        beneficial_owners="A. Person (60%)", relationship_ended_on=date(2024, 2, 29), actor=user,
    )  # fmt: skip
    assert record.keep_until == date(2029, 2, 28)
