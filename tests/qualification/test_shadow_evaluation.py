"""Shadow evaluation: the active version and a candidate compared on the tiers people set,
and a candidate that does worse on them cannot be activated."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from leads.choices import Status
from qualification import services
from qualification.shadow import shadow_compare
from tests.factories import LeadFactory, UserFactory

MESSAGES = [
    ("Unpaid invoices", "A customer owes us £85,000 in unpaid invoices. We want to recover it."),
    ("Will", "I would like to make a simple will, nothing complicated."),
    ("Divorce", "My husband and I are separating after ten years and need advice."),
]


@pytest.fixture
def overridden(demo_model, staff_user):
    """Leads whose tier a person set to what the demo version itself says."""
    leads = []
    for subject, message in MESSAGES:
        lead = LeadFactory(subject=subject, message=message)
        result = services.lead_qualify(lead=lead)
        # A person who sets the tier the model gave would change nothing, so set another
        # and then record that the person's tier is the model's: agreement by design.
        other = "A" if result.tier != "A" else "B"
        services.qualification_override(lead=lead, tier=other, reason="check", actor=staff_user)
        result.refresh_from_db()
        result.override_tier = result.tier
        result.save(update_fields=["override_tier"])
        leads.append(lead)
    return leads


def test_the_active_version_agrees_with_overrides_that_match_it(demo_model, overridden):
    report = shadow_compare(candidate=demo_model, active=None)
    assert report.total == len(MESSAGES)
    assert report.active is None or report.active.version != demo_model.version
    assert report.candidate.agree == len(MESSAGES)


def test_a_worse_candidate_cannot_be_activated(demo_model, overridden):
    # Every likely fee is "high" under this draft, so tiers move to A away from the people's.
    draft = services.qualification_model_draft(
        name="Everything valuable", based_on=demo_model, value_high=10, value_medium=5
    )
    trial = services.qualification_model_trial(model=draft)
    shadow = trial["shadow"]
    assert shadow["overrides"] == len(MESSAGES)
    assert shadow["active"]["agree"] == len(MESSAGES)
    assert shadow["candidate"]["agree"] < len(MESSAGES)
    assert not shadow["candidate_at_least_as_good"]
    assert shadow["rows"] and shadow["rows"][0]["person"] in "ABC"
    with pytest.raises(ValidationError, match="at least as well"):
        services.qualification_model_activate(model=draft, actor=None)


def test_an_equal_candidate_can_be_activated(demo_model, overridden):
    draft = services.qualification_model_draft(name="Same rules", based_on=demo_model)
    trial = services.qualification_model_trial(model=draft)
    assert trial["shadow"]["candidate_at_least_as_good"]
    assert services.qualification_model_activate(model=draft, actor=None).state == "active"


def test_a_trial_made_against_another_active_version_must_be_repeated(demo_model, overridden):
    first = services.qualification_model_draft(name="First", based_on=demo_model)
    second = services.qualification_model_draft(name="Second", based_on=demo_model)
    services.qualification_model_trial(model=first)
    services.qualification_model_trial(model=second)
    services.qualification_model_activate(model=first, actor=None)
    with pytest.raises(ValidationError, match="test it again"):
        services.qualification_model_activate(model=second, actor=None)


def test_outcomes_are_counted_by_each_versions_tier(demo_model, overridden):
    lead = overridden[0]
    lead.status = Status.WON
    lead.save(update_fields=["status"])
    report = shadow_compare(candidate=demo_model, active=None)
    assert sum(report.candidate.outcomes.values()) == 1
    assert next(iter(report.candidate.outcomes)).endswith(" won")


def test_shadow_reads_the_overridden_leads_in_a_fixed_number_of_queries(
    demo_model, overridden, django_assert_max_num_queries
):
    draft = services.qualification_model_draft(name="Same rules", based_on=demo_model)
    with django_assert_max_num_queries(12):
        shadow_compare(candidate=draft)


def test_evaluate_against_overrides_prints_both_versions(demo_model, overridden, capsys):
    draft = services.qualification_model_draft(
        name="Everything valuable", based_on=demo_model, value_high=10, value_medium=5
    )
    call_command(
        "evaluate_qualification",
        "--against",
        "overrides",
        "--model-version",
        str(draft.version),
        "--show-mistakes",
    )
    out = capsys.readouterr().out
    assert f"Shadow evaluation on {len(MESSAGES)} lead(s)" in out
    assert "active" in out and "candidate" in out
    assert "cannot be activated" in out


def test_evaluate_against_overrides_with_none_says_so(demo_model, capsys):
    call_command("evaluate_qualification", "--against", "overrides")
    assert "No overrides yet" in capsys.readouterr().out


def test_the_drafts_page_shows_the_shadow_evaluation(demo_model, overridden, client):
    client.force_login(UserFactory(username="partner", is_superuser=True))
    draft = services.qualification_model_draft(
        name="Everything valuable", based_on=demo_model, value_high=10, value_medium=5
    )
    services.qualification_model_trial(model=draft)
    page = client.get(reverse("admin:qualification_qualificationmodel_change", args=[draft.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Shadow evaluation" in text and "agrees with the person" in text
    assert "it cannot be activated" in text
    assert "Trained" in text and "labelled enquiries" in text
