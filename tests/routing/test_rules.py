"""Rule matching and the routing decision: conditions, first match wins, team strategies,
who is skipped and why, and the fallbacks that mean no lead is ever without an owner."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from leads.choices import Channel, Status, Tier
from routing.choices import AssignedVia, RuleState, Strategy
from routing.decisions import route_decide, rule_matches
from routing.selectors import LeadFacts, roster_load, rules_in_force, triage_member
from tests.factories import LeadFactory
from tests.routing.factories import AbsenceFactory, PracticeAreaFactory, RuleFactory

# A Wednesday, 10:00 London (GMT in November).
WEDNESDAY_10AM = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def facts(**kwargs) -> LeadFacts:
    kwargs.setdefault("arrived_at", WEDNESDAY_10AM)
    kwargs.setdefault("channel", Channel.WEB_FORM)
    return LeadFacts(**kwargs)


def decide(lead_facts: LeadFacts):
    roster = roster_load(today=timezone.localdate())
    return route_decide(
        facts=lead_facts, rules=rules_in_force(), roster=roster, triage=triage_member()
    )


@pytest.mark.django_db
class TestMatching:
    def test_rule_with_no_conditions_matches_any_lead(self):
        assert rule_matches(RuleFactory.build(), facts())

    def test_each_condition_must_hold(self, employment):
        rule = RuleFactory.build(
            practice_area=employment,
            tier=Tier.A,
            channel=Channel.EMAIL,
            source_contains="law society",
            value_from=Decimal(5000),
            value_below=Decimal(50000),
            text_pattern=r"tribunal|settlement agreement",
        )
        good = facts(
            practice_area=employment,
            tier="A",
            channel=Channel.EMAIL,
            source="Law Society directory",
            estimated_value=Decimal(12000),
            text="Advice on a SETTLEMENT AGREEMENT please",
        )
        assert rule_matches(rule, good)
        for change in [
            {"practice_area": None},
            {"tier": "B"},
            {"channel": Channel.WEB_FORM},
            {"source": "Google"},
            {"estimated_value": None},
            {"estimated_value": Decimal(50000)},
            {"estimated_value": Decimal(4999)},
            {"text": "a question about a lease"},
        ]:
            assert not rule_matches(rule, LeadFacts(**{**good.__dict__, **change})), change

    def test_source_condition_also_matches_the_referrer(self):
        rule = RuleFactory.build(source_contains="smith & co")
        assert rule_matches(rule, facts(source="", referrer="Smith & Co Accountants"))

    def test_rule_whose_practice_area_was_deleted_matches_nothing(self, employment):
        rule = RuleFactory(practice_area=employment)
        employment.delete()
        rule.refresh_from_db()
        assert rule.practice_area_deleted
        assert not rule_matches(rule, facts(practice_area=None))
        assert rule.conditions_label == "Employment (deleted)"

    def test_invalid_pattern_is_refused_with_a_clear_error(self, team):
        rule = RuleFactory.build(text_pattern="tribunal(", target_team=team)
        with pytest.raises(ValidationError) as error:
            rule.full_clean()
        assert "not a valid regular expression" in str(error.value)

    def test_a_rule_needs_exactly_one_target(self, team, triage):
        with pytest.raises(ValidationError, match="Choose a member or a team"):
            RuleFactory.build().full_clean()
        with pytest.raises(ValidationError, match="not both"):
            RuleFactory.build(target_team=team, target_member=triage).full_clean()

    def test_value_band_must_run_upwards(self, team):
        rule = RuleFactory.build(target_team=team, value_from=10, value_below=5)
        with pytest.raises(ValidationError, match="upper bound"):
            rule.full_clean()


@pytest.fixture
def wednesday_morning():
    with time_machine.travel(WEDNESDAY_10AM, tick=False):
        yield


@pytest.mark.django_db
@pytest.mark.usefixtures("wednesday_morning")
class TestDecision:
    def test_first_matching_rule_wins(self, employment_rule, employment, priya):
        RuleFactory(position=1, tier=Tier.A, target_member=priya)
        decision = decide(facts(practice_area=employment, tier="A"))
        assert decision.member == priya
        assert decision.reason == "Rule 1: tier A → Priya Shah"
        assert decide(facts(practice_area=employment, tier="B")).rule == employment_rule

    def test_no_rule_matched_goes_to_triage(self, employment_rule, triage):
        decision = decide(facts(practice_area=None))
        assert decision.member == triage
        assert decision.via == AssignedVia.TRIAGE
        assert decision.reason == "No rule matched → triage owner: Eleanor Marsh"

    def test_draft_rules_are_not_in_force(self, employment_rule, employment, priya):
        RuleFactory(position=1, state=RuleState.DRAFT, target_member=priya)
        assert decide(facts(practice_area=employment)).rule == employment_rule
        assert [r.state for r in rules_in_force(draft=True)] == ["draft", "live"]

    def test_least_loaded_weighs_open_leads_by_capacity(self, employment_rule, employment):
        priya, sarah, tom = (
            m.member
            for m in roster_load(today=timezone.localdate()).team(employment_rule.target_team_id)
        )
        sarah.capacity, tom.capacity = 20, 10
        sarah.save(), tom.save()
        for _ in range(4):
            LeadFactory(owner=sarah.user, status=Status.ASSIGNED)
        for _ in range(3):
            LeadFactory(owner=tom.user, status=Status.CONTACTED)
        for _ in range(9):
            LeadFactory(owner=priya.user, status=Status.ASSIGNED)
        LeadFactory.create_batch(5, owner=tom.user, status=Status.WON)  # closed: not counted
        decision = decide(facts(practice_area=employment))
        assert decision.member == sarah  # 4/20 beats 3/10 and 9/10
        assert decision.reason == "Rule 3: Employment → least loaded: Sarah Jones"

    def test_round_robin_takes_turns(self, employment_rule, employment, priya, sarah, tom):
        employment_rule.strategy = Strategy.ROUND_ROBIN
        employment_rule.save()
        now = timezone.now()
        priya.last_assigned_at = now - timedelta(minutes=1)
        sarah.last_assigned_at = now - timedelta(minutes=5)
        tom.last_assigned_at = now - timedelta(minutes=3)
        for m in (priya, sarah, tom):
            m.save(update_fields=["last_assigned_at"])
        roster = roster_load(today=timezone.localdate())
        chosen = []
        for _ in range(4):
            decision = route_decide(
                facts=facts(practice_area=employment),
                rules=rules_in_force(),
                roster=roster,
                triage=triage_member(),
            )
            chosen.append(decision.member.name)
            roster.record(roster.get(decision.member.pk), timezone.now())
        assert chosen[:3] == ["Sarah Jones", "Tom Hughes", "Priya Shah"]

    def test_most_senior_available_skips_the_absent_and_says_so(
        self, employment_rule, employment, priya, sarah
    ):
        employment_rule.strategy = Strategy.MOST_SENIOR
        employment_rule.tier = Tier.A
        employment_rule.save()
        AbsenceFactory(member=priya, starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 28))
        decision = decide(facts(practice_area=employment, tier="A"))
        assert decision.member == sarah
        assert decision.reason == (
            "Rule 3: Employment, tier A → most senior available: Sarah Jones "
            "(Priya Shah out of office until 28 Nov)"
        )

    def test_members_off_shift_at_arrival_are_skipped(
        self, employment_rule, employment, sarah, tom
    ):
        sarah.works_from, sarah.works_until = time(13, 0), time(18, 0)
        sarah.working_days = [0, 1, 2, 3, 4]
        sarah.save()
        tom.capacity = 1
        tom.save()
        LeadFactory(owner=tom.user, status=Status.ASSIGNED)
        decision = decide(facts(practice_area=employment))
        assert decision.member.name == "Priya Shah"
        assert "Sarah Jones off shift: works Mon–Fri 13:00–18:00" in decision.reason
        assert "Tom Hughes at capacity (1 of 1)" in decision.reason

    def test_overnight_shift_counts_from_the_day_it_starts(self, sarah):
        sarah.works_from, sarah.works_until = time(22, 0), time(6, 0)
        sarah.working_days = [1]  # Tuesday night
        assert sarah.works_at(datetime(2026, 11, 25, 3, 0, tzinfo=UTC))  # Wed 03:00
        assert not sarah.works_at(datetime(2026, 11, 26, 3, 0, tzinfo=UTC))  # Thu 03:00

    def test_team_with_nobody_available_falls_back_to_its_head_then_triage(
        self, employment_rule, employment, priya, sarah, tom, triage
    ):
        for m in (sarah, tom):
            m.is_active = False
            m.save()
        decision = decide(facts(practice_area=employment))
        assert (decision.member, decision.via) == (priya, AssignedVia.RULE)
        # Priya off shift: as head she still answers for the team's leads out of hours.
        priya.works_from, priya.works_until, priya.working_days = time(9), time(10), [0]
        priya.save()
        decision = decide(facts(practice_area=employment))
        assert (decision.member, decision.via) == (priya, AssignedVia.TEAM_HEAD)
        assert decision.reason.startswith("Rule 3: Employment → head of Employment: Priya Shah")
        AbsenceFactory(member=priya, starts_on=date(2026, 11, 1), ends_on=date(2026, 12, 1))
        decision = decide(facts(practice_area=employment))
        assert (decision.member, decision.via) == (triage, AssignedVia.TRIAGE)
        assert "Priya Shah out of office until 1 Dec" in decision.reason

    def test_rule_pointing_at_an_inactive_member_still_gives_an_owner(
        self, employment, tom, priya, triage
    ):
        RuleFactory(position=1, practice_area=employment, target_member=tom)
        tom.is_active = False
        tom.save()
        decision = decide(facts(practice_area=employment))
        assert decision.member == priya  # head of Tom's team
        assert "Tom Hughes is inactive" in decision.reason

    def test_absent_member_target_goes_to_their_delegate(self, employment, tom, sarah, triage):
        RuleFactory(position=1, practice_area=employment, target_member=tom)
        AbsenceFactory(
            member=tom, starts_on=date(2026, 11, 24), ends_on=date(2026, 11, 27), delegate=sarah
        )
        decision = decide(facts(practice_area=employment))
        assert (decision.member, decision.via) == (sarah, AssignedVia.DELEGATE)
        assert decision.reason == (
            "Rule 1: Employment → Tom Hughes's delegate: Sarah Jones "
            "(Tom Hughes out of office until 27 Nov)"
        )

    def test_referral_keeps_its_relationship_owner_when_the_rule_says_so(
        self, employment_rule, employment, tom
    ):
        employment_rule.keep_referral_owner = True
        employment_rule.save()
        decision = decide(
            facts(practice_area=employment, referrer="Smith & Co", referral_owner_id=tom.user_id)
        )
        assert (decision.member, decision.via) == (tom, AssignedVia.REFERRAL_OWNER)
        employment_rule.keep_referral_owner = False
        employment_rule.save()
        decision = decide(
            facts(practice_area=employment, referrer="Smith & Co", referral_owner_id=tom.user_id)
        )
        assert decision.via == AssignedVia.RULE

    def test_triage_owner_falls_back_to_the_most_senior_active_member(self, settings, priya, tom):
        settings.LEADTRACK_TRIAGE_USERNAME = "nobody.here"
        assert triage_member() == priya

    def test_unclassified_lead_skips_area_rules(self, employment_rule, triage):
        other = PracticeAreaFactory(name="Tax", slug="tax")
        assert decide(facts(practice_area=other)).member == triage
