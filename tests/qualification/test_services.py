"""The qualification services: override with a reason, re-qualification, and the life of
a model version (draft, trial, activation, one active version, frozen once used)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from leads.choices import ActivityKind
from qualification import services
from qualification.choices import ModelState
from qualification.models import QualificationModel, QualificationResult
from tests.factories import LeadFactory, UserFactory


@pytest.fixture
def qualified_lead(demo_model):
    lead = LeadFactory(
        subject="Unpaid invoices",
        message="A customer owes us £85,000 in unpaid invoices. We want to recover the debt.",
    )
    services.lead_qualify(lead=lead)
    lead.refresh_from_db()
    return lead


def test_override_needs_a_reason_and_changes_nothing_without_one(qualified_lead, staff_user):
    with pytest.raises(ValidationError, match="reason"):
        services.qualification_override(lead=qualified_lead, tier="A", reason=" ", actor=staff_user)
    result = QualificationResult.objects.get(lead=qualified_lead)
    assert result.override_tier == ""
    qualified_lead.refresh_from_db()
    assert qualified_lead.tier == result.tier


def test_override_is_kept_beside_the_model_result_and_on_the_timeline(qualified_lead, staff_user):
    model_tier = qualified_lead.qualification.tier
    new_tier = "A" if model_tier != "A" else "B"
    result = services.qualification_override(
        lead=qualified_lead,
        tier=new_tier,
        reason="Long-standing referrer's client",
        actor=staff_user,
    )
    qualified_lead.refresh_from_db()
    assert result.tier == model_tier and result.effective_tier == new_tier
    assert qualified_lead.tier == new_tier
    assert result.overridden_by == staff_user
    entry = qualified_lead.activities.filter(kind=ActivityKind.QUALIFIED).last()
    assert "by hand" in entry.summary and "Long-standing" in entry.summary
    assert entry.actor == staff_user

    services.qualification_override_clear(
        lead=qualified_lead, reason="Agreed with the model", actor=staff_user
    )
    qualified_lead.refresh_from_db()
    assert qualified_lead.tier == model_tier


def test_override_refuses_an_unknown_tier(qualified_lead, staff_user):
    with pytest.raises(ValidationError, match="not a tier"):
        services.qualification_override(lead=qualified_lead, tier="D", reason="x", actor=staff_user)


def test_requalify_records_the_new_version_and_keeps_history(qualified_lead, demo_model):
    draft = services.qualification_model_draft(
        name="Lower fee bar", based_on=demo_model, value_high=1000, value_medium=500
    )
    services.qualification_model_trial(model=draft)
    services.qualification_model_activate(model=draft, actor=None)

    result = services.lead_requalify(lead=qualified_lead, reason="model v2")
    assert result.model_version == draft and result.tier == "A"
    assert result.history.count() == 2
    assert result.history.earliest().model_version_id == demo_model.pk
    entry = qualified_lead.activities.filter(kind=ActivityKind.QUALIFIED).last()
    assert entry.summary.startswith(f"Re-qualified under model v{draft.version}")
    assert entry.data["requalified"] is True


def test_activation_requires_a_trial_of_the_current_rules(demo_model):
    draft = services.qualification_model_draft(name="Next", based_on=demo_model)
    with pytest.raises(ValidationError, match="Test the draft"):
        services.qualification_model_activate(model=draft, actor=None)
    services.qualification_model_trial(model=draft)
    draft.refresh_from_db()
    draft.value_high = 20000
    draft.save()
    with pytest.raises(ValidationError, match="changed after it was tested"):
        services.qualification_model_activate(model=draft, actor=None)
    services.qualification_model_trial(model=draft)
    activated = services.qualification_model_activate(model=draft, actor=UserFactory())
    assert QualificationModel.objects.filter(state=ModelState.ACTIVE).get() == draft
    demo_model.refresh_from_db()
    assert demo_model.state == ModelState.RETIRED
    assert activated.practice_area_snapshot
    assert activated.activated_by is not None


def test_trial_shows_the_leads_that_would_change_tier(qualified_lead, demo_model):
    draft = services.qualification_model_draft(
        name="Lower fee bar", based_on=demo_model, value_high=1000, value_medium=500
    )
    report = services.qualification_model_trial(model=draft)
    assert report["leads"] >= 1
    changed = {row["reference"]: row for row in report["changes"]}
    row = changed[qualified_lead.reference]
    assert row["current_tier"] == qualified_lead.qualification.tier
    assert row["draft_tier"] == "A"


def test_a_used_version_cannot_be_activated_again(demo_model):
    with pytest.raises(ValidationError, match="only a draft"):
        services.qualification_model_activate(model=demo_model, actor=None)


def test_draft_refuses_inconsistent_value_bands(demo_model):
    with pytest.raises(ValidationError):
        services.qualification_model_draft(
            name="Bad", based_on=demo_model, value_high=4000, value_medium=6000
        )


def test_requalify_command_for_open_leads(qualified_lead, capsys):
    call_command("requalify", "--open")
    assert "Re-qualified 1 lead(s)" in capsys.readouterr().out


def test_requalify_command_refuses_unknown_references(qualified_lead):
    with pytest.raises(CommandError, match="LD-0000-00000"):
        call_command("requalify", "LD-0000-00000")
    with pytest.raises(CommandError):
        call_command("requalify")


def test_evaluate_command_prints_accuracy_and_confusion(demo_model, capsys):
    call_command("evaluate_qualification")
    out = capsys.readouterr().out
    assert "Agreement per dimension" in out and "Tier confusion" in out


def test_evaluate_command_refuses_an_unknown_version(demo_model):
    with pytest.raises(CommandError, match="no qualification model version 999"):
        call_command("evaluate_qualification", "--model-version", "999")


def test_lead_updated_signal_requalifies_a_qualified_lead(qualified_lead):
    from leads import signals
    from leads.models import Lead

    qualified_lead.message = "My employer sacked me and the tribunal hearing is on 3 March."
    qualified_lead.save(update_fields=["message"])
    signals.lead_updated.send(sender=Lead, lead=qualified_lead)
    qualified_lead.refresh_from_db()
    assert qualified_lead.qualification.practice_area.slug == "employment"
    assert qualified_lead.activities.filter(kind=ActivityKind.QUALIFIED).count() == 2


def test_correcting_a_contacts_details_requalifies_their_open_lead(qualified_lead, staff_user):
    from leads.services import ContactDetails, contact_update

    contact = qualified_lead.contact
    contact_update(
        contact=contact,
        details=ContactDetails(
            name=contact.name,
            email=contact.email,
            phone=contact.phone,
            organisation="Harbour Freight Ltd",
            job_title="Finance Director",
        ),
        actor=staff_user,
    )
    qualified = qualified_lead.activities.filter(kind=ActivityKind.QUALIFIED)
    assert qualified.count() == 2
    assert "details changed" in qualified.order_by("-pk").first().summary


def test_only_the_leads_app_writes_the_leads_own_columns():
    """Qualification, routing and follow-ups set tier, owner and next action through the
    leads services (lead_record_qualification, lead_set_owner, ...), never directly."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    direct = re.compile(r"Lead\.objects\.[^\n]*\.update\(|\blead\.save\(|\blocked\.save\(")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for app in ("qualification", "routing", "followups")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if direct.search(line)
    ]
    assert offenders == []
